"""Real data for training: tfds data sets, image folders, the embedded digits, 2-D toy sets."""

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
    "load_dataset",
    "load_labeled_images",
    "load_training_stream",
    "mode_centers",
    "sample_toy",
]
