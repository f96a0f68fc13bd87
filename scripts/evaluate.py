r"""Score a model's samples against real data: FID, KID, classifier score, precision, recall,
and for conditional models class accuracy and intra-class FID.

    python scripts/evaluate.py --saved_model=saved_models/dcgan --dataset=digits \
        --features=domain:classifiers/digits.keras --num_samples=1000
    python scripts/evaluate.py --checkpoint=runs/dcgan --dataset=cifar10 --split=test \
        --features=inception --output_json=runs/scores.json

Prints a table (metric, value, samples, feature extractor); --output_json for machines.

Conditional models (a SavedModel with a `class_names` signature, a checkpoint of cgan/acgan)
are sampled with balanced labels, --num_samples // num_classes of each class, and compared with
--dataset's images and labels; two more rows: class_accuracy (how often the domain classifier
recognises the requested class) and intra_class_fid (FID within each class, averaged; the JSON
has the per-class values). The classifier and the data set must have the model's classes.
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
flags.DEFINE_float(
    "min_classifier_accuracy", 0.8,
    "Refuse a domain classifier whose recorded held-out accuracy is below this (see "
    "ganzoo.features.MIN_DOMAIN_ACCURACY for why 0.8).", lower_bound=0.0, upper_bound=1.0,
)
FLAGS = flags.FLAGS


_NOT_AN_IMAGE_MODEL = (
    "{source!r} generates data of shape {shape}, not images: evaluate.py scores image models "
    "(FID, KID, ...); score 2-D models with ganzoo.metrics.mode_coverage"
)


def _sampler():
    """(sample(num_samples, seed, labels=None) -> float32 images [n, H, W, C] in [-1, 1],
    source description, the class names of a conditional model or None).

    A SavedModel is conditional when it has a `class_names` signature, a checkpoint when its
    model says so (`model.conditional`); `labels` (int32 [num_samples]) go to those only.

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
        loaded = tf.saved_model.load(path)
        signatures = loaded.signatures
        if "sample" not in signatures:
            raise GanzooError(f"SavedModel {path!r} has no signature 'sample'; it has: "
                              f"{', '.join(signatures)}")
        outputs = signatures["sample"].structured_outputs
        if "images" not in outputs:
            shape = tuple(next(iter(outputs.values())).shape[1:])
            raise GanzooError(_NOT_AN_IMAGE_MODEL.format(source=path, shape=shape))
        class_names = None
        if "class_names" in signatures:
            names = signatures["class_names"]()["class_names"].numpy()
            class_names = [name.decode() for name in names]

        def sample(num_samples, seed, labels=None):
            inputs = dict(
                num_samples=tf.constant(num_samples, tf.int32), seed=tf.constant(seed, tf.int64)
            )
            if labels is not None:
                inputs["labels"] = tf.constant(labels, tf.int32)
            return loaded.signatures["sample"](**inputs)["images"].numpy()

        return sample, path, class_names
    import keras

    import ganzoo  # noqa: F401  (registers the classes)

    path = FLAGS.checkpoint
    path = os.path.join(path, "model.keras") if os.path.isdir(path) else path
    if not os.path.isfile(path):
        raise GanzooError(f"no checkpoint at {path!r}")
    model = keras.models.load_model(path)
    if len(model.data_shape) != 3:
        raise GanzooError(_NOT_AN_IMAGE_MODEL.format(source=path, shape=model.data_shape))

    def sample(num_samples, seed, labels=None):
        return model.generate(num_samples, seed=seed, labels=labels)

    return sample, path, (model.label_names() if model.conditional else None)


def _real_examples(height, channels, with_labels):
    """(images, labels or None): --num_samples real examples of --dataset at the samples' size."""
    from ganzoo import data, evaluation

    return evaluation.take_examples(
        data.load_dataset(
            FLAGS.dataset, batch_size=min(256, FLAGS.num_samples), image_size=height,
            channels=channels, split=FLAGS.split, data_dir=FLAGS.data_dir, seed=FLAGS.seed,
            with_labels=with_labels,
        ),
        FLAGS.num_samples,
    )


def _score_conditional(sample, class_names, extractor):
    """Scores of a conditional model: balanced requested labels, real data with its labels."""
    from ganzoo import data, evaluation
    from ganzoo.errors import GanzooError

    labels = evaluation.requested_labels(extractor, class_names, FLAGS.num_samples, "--num_samples")
    data_names = data.class_names(FLAGS.dataset, FLAGS.data_dir)
    if data_names is None:
        raise GanzooError(
            f"the model is conditional but data set {FLAGS.dataset!r} has no class labels; "
            f"give --dataset the labelled data it was trained on"
        )
    evaluation.check_same_classes(class_names, data_names, f"data set {FLAGS.dataset!r}")
    generated = sample(len(labels), FLAGS.seed, labels)
    real, real_labels = _real_examples(generated.shape[1], generated.shape[3], True)
    return evaluation.score_conditional_images(
        generated, labels, real, real_labels, extractor, class_names,
        kid_subset_size=min(1000, len(real) // 2),
    )


def main(argv):
    del argv
    from ganzoo import writable
    from ganzoo.errors import GanzooError

    if not FLAGS.features:
        raise GanzooError("--features is required: 'inception' or 'domain:<classifier.keras>'")
    if FLAGS.output_json:
        writable.check_file(FLAGS.output_json, "--output_json")

    from ganzoo import evaluation, features

    # The model before the extractor: InceptionV3 may need the network.
    sample, source, class_names = _sampler()
    extractor = features.get_extractor(FLAGS.features, FLAGS.min_classifier_accuracy)
    print(f"model: {source}")
    accuracy = extractor.test_accuracy
    print(f"feature extractor: {extractor.name}" + (
        "" if accuracy is None else f" (held-out accuracy {accuracy:.3f})"
    ))
    rows = ["fid", "kid", "kid_std_error", "classifier_score", "precision", "recall"]
    if class_names is not None:
        scores = _score_conditional(sample, class_names, extractor)
        rows += ["class_accuracy", "intra_class_fid"]
    else:
        generated = sample(FLAGS.num_samples, FLAGS.seed)
        real, _ = _real_examples(generated.shape[1], generated.shape[3], False)
        # Subsets smaller than the sets, so that the standard error reflects their variability.
        scores = evaluation.score_images(
            generated, real, extractor, kid_subset_size=min(1000, len(real) // 2)
        )
    scores.update(model=source, dataset=f"{FLAGS.dataset}:{FLAGS.split}")
    print(f"{'metric':18} {'value':>10}  samples (gen/real)  feature extractor")
    for metric in rows:
        print(
            f"{metric:18} {scores[metric]:10.4f}  {scores['num_generated']:>7}/"
            f"{scores['num_real']:<10} {scores['feature_extractor']}"
        )
    cli.write_json(FLAGS.output_json, scores)


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
