"""Real data for training: tfds data sets, image folders, MNIST-format idx folders, the embedded
digits, 2-D toy sets.

`ganzoo.data.idx` also gives an idx folder's labels and class names directly:
`idx.read_split(folder, "train")` -> (uint8 images [n, H, W, 1], int64 labels [n] or None) and
`idx.class_names(folder)`.

Labels: `load_dataset(..., with_labels=True)` and `load_training_stream(..., with_labels=True)`
yield {"images": float32 [batch, ...], "labels": int32 [batch]}; `class_names(name)` names the
labels (None for a data set without labels).
"""

from ganzoo.data import idx
from ganzoo.data.pipeline import (
    EMBEDDED_DATASET,
    class_names,
    example_shape,
    load_dataset,
    load_labeled_images,
    load_training_stream,
    recipe_keys,
)
from ganzoo.data.toy import TOY_DATASETS, mode_centers, sample_toy, sample_toy_with_modes

__all__ = [
    "EMBEDDED_DATASET",
    "TOY_DATASETS",
    "class_names",
    "example_shape",
    "idx",
    "load_dataset",
    "load_labeled_images",
    "load_training_stream",
    "mode_centers",
    "recipe_keys",
    "sample_toy",
    "sample_toy_with_modes",
]
