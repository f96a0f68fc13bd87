"""Shared fixtures. Tests run on the CPU, on data they generate or that ganzoo embeds."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402


@pytest.fixture(scope="session")
def tfds_dir(tmp_path_factory):
    """A private tensorflow-datasets directory, so tests never touch ~/tensorflow_datasets."""
    return str(tmp_path_factory.mktemp("tensorflow_datasets"))


def image_batches(shape, batch_size=16, num_batches=2, seed=0):
    """A dataset of random images in [-1, 1], [batch_size, *shape] per element."""
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1, 1, (batch_size * num_batches, *shape)).astype(np.float32)
    return tf.data.Dataset.from_tensor_slices(images).batch(batch_size, drop_remainder=True)


def all_weights(model):
    """Every variable of G and D (trainable and not), as numpy arrays."""
    return [v.numpy() for v in model.generator.weights + model.discriminator.weights]
