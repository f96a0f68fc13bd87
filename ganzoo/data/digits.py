"""`ganzoo_digits`: the embedded default data set, as a tensorflow-datasets builder.

1,797 real handwritten digits, 8x8 grayscale (UCI optical digits, the copy scikit-learn ships),
bundled with ganzoo so that the default job needs no network. Being a tfds builder, it flows
through exactly the same `tfds` path as mnist or cifar10; the pipeline upsamples it to the
resolution the model asks for (32x32 by default).
"""

import contextlib
import gzip
import io

import importlib_resources
import numpy as np
import tensorflow_datasets as tfds

NUM_EXAMPLES = 1797


def read_embedded_digits():
    """The raw embedded digits: (uint8 images [1797, 8, 8, 1] in 0..255, int64 labels [1797])."""
    source = importlib_resources.files("ganzoo.data") / "embedded" / "digits.csv.gz"
    with source.open("rb") as raw, gzip.open(raw, "rt") as text:
        table = np.loadtxt(text, delimiter=",", dtype=np.int64)
    # Pixel counts are 0..16 (on-pixels in a 4x4 block); stretch them to the usual 0..255.
    images = np.round(table[:, :64] * (255.0 / 16.0)).astype(np.uint8).reshape(-1, 8, 8, 1)
    return images, table[:, 64]


def prepared_builder(data_dir=None):
    """The `ganzoo_digits` builder, prepared in `data_dir` (tfds' default when None) if needed.

    Preparing it (about a second, once per data_dir) runs with stdout and stderr captured: tfds
    would print "Downloading and preparing dataset ..." and progress bars although nothing is
    downloaded. The captured text is dropped (so is anything else printed in that second); a
    failure still raises. tfds' messages for real downloads (other builders) are untouched.
    """
    builder = tfds.builder(GanzooDigits.name, data_dir=data_dir)
    if not builder.data_path.exists():  # What download_and_prepare checks.
        quiet = io.StringIO()
        with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
            builder.download_and_prepare()
    return builder


class GanzooDigits(tfds.core.GeneratorBasedBuilder):
    """UCI handwritten digits, 8x8x1, 10 classes; one split, `train`, of 1,797 images."""

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES = {"1.0.0": "The 1,797 digits scikit-learn bundles."}

    def _info(self):
        return self.dataset_info_from_configs(
            features=tfds.features.FeaturesDict(
                {
                    "image": tfds.features.Image(shape=(8, 8, 1)),
                    "label": tfds.features.ClassLabel(num_classes=10),
                }
            ),
            supervised_keys=("image", "label"),
            homepage="https://archive.ics.uci.edu/dataset/80",
            citation="Alpaydin, E. and Kaynak, C. (1998). Optical Recognition of Handwritten "
            "Digits. UCI Machine Learning Repository.",
        )

    def _split_generators(self, dl_manager):
        del dl_manager  # Embedded: nothing to download.
        return {"train": self._generate_examples()}

    def _generate_examples(self):
        images, labels = read_embedded_digits()
        for index, (image, label) in enumerate(zip(images, labels)):
            yield index, {"image": image, "label": int(label)}
