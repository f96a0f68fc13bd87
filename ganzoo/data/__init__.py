"""Real data for training: tfds data sets, image folders, MNIST-format idx folders, the embedded
digits, 2-D toy sets.

`ganzoo.data.idx` also gives an idx folder's labels and class names directly:
`idx.read_split(folder, "train")` -> (uint8 images [n, H, W, 1], int64 labels [n] or None) and
`idx.class_names(folder)`.
"""

from ganzoo.data import idx
from ganzoo.data.pipeline import (
    EMBEDDED_DATASET,
    example_shape,
    load_dataset,
    load_labeled_images,
    load_training_stream,
)
from ganzoo.data.toy import TOY_DATASETS, mode_centers, sample_toy

__all__ = [
    "EMBEDDED_DATASET",
    "TOY_DATASETS",
    "example_shape",
    "idx",
    "load_dataset",
    "load_labeled_images",
    "load_training_stream",
    "mode_centers",
    "sample_toy",
]
