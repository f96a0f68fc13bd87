r"""dcgan on real MNIST digits, scored against digits it never saw.

    python scripts/benchmarks/mnist.py --width=32

The 10,000 MNIST test digits (gzipped idx files in --dataset), shuffled with seed 0: 8,000 train
dcgan (28x28, batch 64, --epochs) and a domain classifier; 2,000 are held apart. FID and KID (in
the domain classifier's features) of 2,000 generated digits against the held-apart ones, and of
2,000 training digits against them (the real-vs-real floor). The scores go to --output
(results/mnist.json), a grid of 64 samples to --grid_png.
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # scripts/

import cli  # noqa: E402
from absl import flags  # noqa: E402
from benchmarks import common  # noqa: E402

flags.DEFINE_string("dataset", common.MNIST, "Folder with t10k-*-idx*-ubyte.gz.")
flags.DEFINE_integer("epochs", 20, "dcgan epochs over the 8,000 training digits.")
flags.DEFINE_integer("width", None, "dcgan's width (default: the model's).")
flags.DEFINE_string("grid_png", "runs/mnist_dcgan_samples.png", "The sample grid.")
flags.DEFINE_string("output", os.path.join(common.RESULTS, "mnist.json"), "The results file.")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    import numpy as np
    import tensorflow as tf

    from ganzoo import evaluation, features, images, train_lib
    from ganzoo.configs import ModelConfig, TrainConfig
    from ganzoo.data import idx
    from ganzoo.errors import GanzooError

    image_path = os.path.join(FLAGS.dataset, "t10k-images-idx3-ubyte.gz")
    label_path = os.path.join(FLAGS.dataset, "t10k-labels-idx1-ubyte.gz")
    if not os.path.exists(image_path):
        raise GanzooError(f"no MNIST IDX files in {FLAGS.dataset!r}")
    # The test split is ordered (its first 5,000 digits come from other writers than the last
    # 5,000), so split it at random, with a fixed seed.
    order = np.random.default_rng(0).permutation(10_000)
    digits = idx.read_idx(image_path, 3)[order][..., None]  # uint8 [10000, 28, 28, 1]
    labels = idx.read_idx(label_path, 1).astype(np.int64)[order]
    scaled = digits.astype(np.float32) / 127.5 - 1.0
    train_images, held_images = scaled[:8000], scaled[8000:]

    with tempfile.TemporaryDirectory() as work:
        classifier_path = os.path.join(work, "mnist_classifier.keras")
        metadata = features.train_domain_classifier(
            tf.data.Dataset.from_tensor_slices((train_images, labels[:8000])),
            tf.data.Dataset.from_tensor_slices((held_images, labels[8000:])),
            10, classifier_path, epochs=10,
        )
        print(f"domain classifier: held-out accuracy {metadata['test_accuracy']:.4f}", flush=True)
        extractor = features.domain_classifier(classifier_path)
        # The 8,000 training digits from memory, repeated then shuffled with a fixed seed as
        # ganzoo.data.load_training_stream does (same order as the image folder this suite used
        # to write, without writing 8,000 PNG files).
        stream = (
            tf.data.Dataset.from_tensor_slices(train_images).repeat()
            .shuffle(len(train_images), seed=0, reshuffle_each_iteration=False)
            .batch(64, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
        )
        trained = train_lib.train_on_stream(
            stream, len(train_images) // 64,
            # float32 as measured; dcgan's own Adam(2e-4, 0.5, 0.999) for both networks.
            ModelConfig(model="dcgan", precision="float32", model_args={"width": FLAGS.width}),
            TrainConfig(epochs=FLAGS.epochs, model_dir=os.path.join(work, "run"),
                        export_dir="", verbose=2),
            dataset_name="mnist_test_8000",
        )
        generated = trained.model.generate(2000, seed=1)
        model_scores = evaluation.score_images(generated, held_images, extractor,
                                               kid_subset_size=1000)
        floor = evaluation.score_images(train_images[:2000], held_images, extractor,
                                        kid_subset_size=1000)
    images.write_png(FLAGS.grid_png, images.samples_picture(generated[:64], upscale=2))
    print(f"\n{'compared with 2,000 held-apart digits':40} {'FID':>8} {'KID':>18}  features")
    for label, scores in (("dcgan samples", model_scores), ("real training digits (floor)", floor)):
        print(f"{label:40} {scores['fid']:8.3f} {scores['kid']:9.4f} +- "
              f"{scores['kid_std_error']:.4f}  {scores['feature_extractor']}")
    print(f"sample grid: {FLAGS.grid_png}")
    common.write_json(FLAGS.output, {
        "classifier": metadata, "dcgan": model_scores, "real_floor": floor,
        "config": {"epochs": FLAGS.epochs, "width": FLAGS.width, "batch_size": 64}})


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
