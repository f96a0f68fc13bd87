r"""Score a model's samples against real data: FID, KID, classifier score, precision, recall.

    python scripts/evaluate.py --saved_model=saved_models/dcgan --dataset=digits \
        --features=domain:classifiers/digits.keras --num_samples=1000
    python scripts/evaluate.py --checkpoint=runs/dcgan --dataset=cifar10 --split=test \
        --features=inception --output_json=scores.json

Prints a table (metric, value, samples, feature extractor); --output_json for machines.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # For `cli` in a checkout.

import cli  # noqa: E402
from absl import flags  # noqa: E402

flags.DEFINE_string("saved_model", None, "SavedModel version or model directory.")
flags.DEFINE_string("checkpoint", None, "Or: a .keras file or a model_dir holding model.keras.")
flags.DEFINE_string("dataset", "digits", "Real data to compare with.")
flags.DEFINE_string("split", "train", "Its tfds split.")
flags.DEFINE_string("data_dir", None, "tensorflow-datasets data directory.")
flags.DEFINE_string("features", None, "'inception' or 'domain:<classifier.keras>'.")
flags.DEFINE_integer("num_samples", 1000, "Generated and real images compared.", lower_bound=10)
flags.DEFINE_integer("seed", 0, "Noise seed of the generated images.")
flags.DEFINE_string("output_json", None, "Also write the scores here.")
FLAGS = flags.FLAGS


_NOT_AN_IMAGE_MODEL = (
    "{source!r} generates data of shape {shape}, not images: evaluate.py scores image models "
    "(FID, KID, ...); score 2-D models with ganzoo.metrics.mode_coverage"
)


def _sampler():
    """(sample(num_samples, seed) -> float32 images [n, H, W, C] in [-1, 1], source description).

    Raises:
        GanzooError: no or two models given, none found, or a model that does not make images.
    """
    from ganzoo import export
    from ganzoo.errors import GanzooError

    if bool(FLAGS.saved_model) == bool(FLAGS.checkpoint):
        raise GanzooError("give exactly one of --saved_model and --checkpoint")
    if FLAGS.saved_model:
        import tensorflow as tf

        path = export.resolve_version_dir(FLAGS.saved_model)
        signature = export.load_signature(path, "sample")
        outputs = signature.structured_outputs
        if "images" not in outputs:
            shape = tuple(next(iter(outputs.values())).shape[1:])
            raise GanzooError(_NOT_AN_IMAGE_MODEL.format(source=path, shape=shape))

        def sample(num_samples, seed):
            return signature(
                num_samples=tf.constant(num_samples, tf.int32), seed=tf.constant(seed, tf.int64)
            )["images"].numpy()

        return sample, path
    import keras

    import ganzoo  # noqa: F401  (registers the classes)

    path = FLAGS.checkpoint
    path = os.path.join(path, "model.keras") if os.path.isdir(path) else path
    if not os.path.isfile(path):
        raise GanzooError(f"no checkpoint at {path!r}")
    model = keras.models.load_model(path)
    if len(model.data_shape) != 3:
        raise GanzooError(_NOT_AN_IMAGE_MODEL.format(source=path, shape=model.data_shape))
    return (lambda num_samples, seed: model.generate(num_samples, seed=seed)), path


def main(argv):
    del argv
    from ganzoo import data, evaluation, features
    from ganzoo.errors import GanzooError

    if not FLAGS.features:
        raise GanzooError("--features is required: 'inception' or 'domain:<classifier.keras>'")
    sample, source = _sampler()  # before the extractor: InceptionV3 may need the network
    extractor = features.get_extractor(FLAGS.features)
    generated = sample(FLAGS.num_samples, FLAGS.seed)
    height, _, channels = generated.shape[1:]
    real = evaluation.take_images(
        data.load_dataset(
            FLAGS.dataset, batch_size=min(256, FLAGS.num_samples), image_size=height,
            channels=channels, split=FLAGS.split, data_dir=FLAGS.data_dir, seed=FLAGS.seed,
        ),
        FLAGS.num_samples,
    )
    # Subsets smaller than the sets, so that the standard error reflects their variability.
    scores = evaluation.score_images(
        generated, real, extractor, kid_subset_size=min(1000, len(real) // 2)
    )
    scores.update(model=source, dataset=f"{FLAGS.dataset}:{FLAGS.split}")
    print(f"{'metric':18} {'value':>10}  samples (gen/real)  feature extractor")
    for metric in ("fid", "kid", "kid_std_error", "classifier_score", "precision", "recall"):
        print(
            f"{metric:18} {scores[metric]:10.4f}  {scores['num_generated']:>7}/"
            f"{scores['num_real']:<10} {scores['feature_extractor']}"
        )
    cli.write_json(FLAGS.output_json, scores)


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
