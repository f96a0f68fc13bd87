r"""Train the domain classifier that scores samples offline (FID/KID/classifier score features).

    python scripts/train_classifier.py --dataset=digits --output=classifiers/digits.keras
    python scripts/train_classifier.py --dataset=mnist --image_size=32 \
        --output=classifiers/mnist.keras

It trains on --train_split, reports accuracy on --test_split (never trained on), and writes the
model plus <output>.json (version, image shape, accuracy, weights hash). Use the file as
--features=domain:<output> in evaluate.py and --eval_features in train.py.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # For `cli` in a checkout.

import cli  # noqa: E402
from absl import flags  # noqa: E402

flags.DEFINE_string(
    "dataset", "digits", "Labelled tfds data set ('digits', 'mnist', 'cifar10', ...)."
)
flags.DEFINE_string("train_split", "train[:80%]", "Split to train on.")
flags.DEFINE_string("test_split", "train[80%:]", "Held-apart split for the reported accuracy.")
flags.DEFINE_integer(
    "image_size", None, "Image side; default: as the training pipeline (32 for digits)."
)
flags.DEFINE_integer("channels", None, "Force 1 or 3 channels.")
flags.DEFINE_string("data_dir", None, "tensorflow-datasets data directory.")
flags.DEFINE_integer("epochs", 15, "Training epochs.", lower_bound=1)
flags.DEFINE_integer("seed", 0, "Seed.")
flags.DEFINE_string("output", "classifiers/digits.keras", "Where the classifier goes (.keras).")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    from ganzoo import data, features, writable

    def labelled(split):
        return data.load_labeled_images(
            FLAGS.dataset, split, FLAGS.image_size, FLAGS.channels, FLAGS.data_dir
        )

    (train, num_classes), (test, _) = labelled(FLAGS.train_split), labelled(FLAGS.test_split)
    writable.make_parent(FLAGS.output)
    metadata = features.train_domain_classifier(
        train, test, num_classes, FLAGS.output, epochs=FLAGS.epochs, seed=FLAGS.seed
    )
    print(
        f"held-out accuracy {metadata['test_accuracy']:.4f} on {FLAGS.dataset} {FLAGS.test_split}"
    )
    print(f"classifier: {FLAGS.output} (+ .json)")


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
