"""MNIST-format (idx) folders as a data source: reading, splits, labels, bad files, the pipeline.

Every test writes its own small idx files (the header written by hand, independently of the
reader), so none needs the network or the Debian package.
"""

import gzip
import os
import re
import struct

import numpy as np
import pytest
import tensorflow as tf

from ganzoo import data
from ganzoo.configs import DataConfig
from ganzoo.data import idx
from ganzoo.errors import GanzooError


def idx_bytes(array, type_code=0x08):
    """The idx encoding of a uint8 array: 0x0000, type code, ndim, big-endian sizes, data."""
    array = np.asarray(array)
    header = struct.pack(">HBB", 0, type_code, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.tobytes()


def write(path, content, gz=False):
    path = str(path) + (".gz" if gz else "")
    with (gzip.open if gz else open)(path, "wb") as file:
        file.write(content)
    return path


def make_split(folder, prefix, count, seed, gz=True, labels=True, side=28):
    """`count` random images (and labels 0..9) as <prefix>-images/-labels idx files."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (count, side, side), dtype=np.uint8)
    label_values = rng.integers(0, 10, count, dtype=np.uint8)
    os.makedirs(folder, exist_ok=True)
    write(os.path.join(folder, f"{prefix}-images-idx3-ubyte"), idx_bytes(images), gz)
    if labels:
        write(os.path.join(folder, f"{prefix}-labels-idx1-ubyte"), idx_bytes(label_values), gz)
    return images, label_values


@pytest.fixture
def mnist_like(tmp_path):
    """A folder shaped like MNIST's download: 40 train (gzipped) and 12 t10k (plain) images."""
    folder = tmp_path / "mnist_like"
    train = make_split(folder, "train", 40, seed=0, gz=True)
    test = make_split(folder, "t10k", 12, seed=1, gz=False)
    return str(folder), train, test


def test_splits_read_back_the_files_in_order(mnist_like):
    folder, (train_images, train_labels), (test_images, test_labels) = mnist_like
    images, labels = idx.read_split(folder, "train")
    assert images.shape == (40, 28, 28, 1) and images.dtype == np.uint8
    assert labels.dtype == np.int64
    np.testing.assert_array_equal(images[..., 0], train_images)
    np.testing.assert_array_equal(labels, train_labels)
    images, labels = idx.read_split(folder, "test")  # the t10k files
    np.testing.assert_array_equal(images[..., 0], test_images)
    np.testing.assert_array_equal(labels, test_labels)
    images, labels = idx.read_split(folder, "train+test")
    assert images.shape == (52, 28, 28, 1)
    np.testing.assert_array_equal(labels, np.concatenate([train_labels, test_labels]))
    # tfds' slicing syntax, in file order.
    images, labels = idx.read_split(folder, "train[:25%]+test[-2:]")
    np.testing.assert_array_equal(images[:10, ..., 0], train_images[:10])
    np.testing.assert_array_equal(labels[10:], test_labels[-2:])


def test_images_without_labels_and_unknown_splits(tmp_path):
    images, _ = make_split(tmp_path, "train", 5, seed=0, labels=False, side=6)
    read, labels = idx.read_split(str(tmp_path), "train")
    assert labels is None and read.shape == (5, 6, 6, 1)
    with pytest.raises(GanzooError, match=r"bad split 'test' .*splits: train \(with tfds"):
        idx.read_split(str(tmp_path), "test")
    with pytest.raises(GanzooError, match=r"bad split 'validation'"):
        idx.read_split(str(tmp_path), "validation")


def test_prefixed_gunzipped_and_emnist_files(tmp_path):
    # A gzipped file with its gunzipped copy beside it counts once (the plain one is read).
    images, _ = make_split(tmp_path, "train", 4, seed=0, gz=False, side=5)
    make_split(tmp_path, "train", 4, seed=0, gz=True, side=5)
    np.testing.assert_array_equal(idx.read_split(str(tmp_path), "train")[0][..., 0], images)
    # EMNIST's names (a prefix, "test" for the test split) and its transposed storage.
    emnist = tmp_path / "emnist"
    images, labels = make_split(emnist, "emnist-digits-test", 3, seed=2, side=5)
    read, read_labels = idx.read_split(str(emnist), "test")
    np.testing.assert_array_equal(read[..., 0], images.transpose(0, 2, 1))
    np.testing.assert_array_equal(read_labels, labels)
    # Two data sets in one folder are refused rather than guessed between.
    make_split(emnist, "emnist-letters-test", 3, seed=3, side=5)
    with pytest.raises(GanzooError, match=r"has 2 files for one split .*one data set per folder"):
        idx.read_split(str(emnist), "test")


def _bad_file_cases():
    images = np.zeros((3, 4, 4), np.uint8)
    good = idx_bytes(images)
    return {
        "not idx": (b"\x89PNG\r\n\x1a\n" + good, r"magic number 0x89504e47, expected 0x00000803"),
        "float32": (idx_bytes(images.astype(">f4"), type_code=0x0D),
                    r"element type 0x0d \(float32\), expected 0x08"),
        "2 dimensions": (idx_bytes(np.zeros((3, 16), np.uint8)), r"2 dimensions, expected 3"),
        "truncated": (good[:-5], r"truncated: header says 3x4x4 = 48 bytes of data, the file "
                                 r"has 43$"),
        "short header": (good[:9], r"is truncated: 9 bytes, its header alone needs 16"),
        "too long": (good + b"\0", r"is longer than its header says"),
    }


@pytest.mark.parametrize("case", sorted(_bad_file_cases()))
@pytest.mark.parametrize("gz", [False, True])
def test_a_malformed_images_file_is_one_line_naming_it(tmp_path, case, gz):
    content, message = _bad_file_cases()[case]
    path = write(tmp_path / "train-images-idx3-ubyte", content, gz)
    with pytest.raises(GanzooError, match=message) as error:
        data.load_dataset(str(tmp_path), batch_size=1)
    text = str(error.value)
    assert "\n" not in text and repr(path) in text


def test_truncated_gzip_and_label_problems_name_the_file(tmp_path):
    images, _ = make_split(tmp_path, "train", 6, seed=0, gz=False, labels=False, side=4)
    labels_path = write(tmp_path / "train-labels-idx1-ubyte", idx_bytes(np.zeros(5, np.uint8)))
    with pytest.raises(GanzooError, match=r"label file .* has 5 labels but .* has 6 images"):
        idx.read_split(str(tmp_path), "train")
    # A labels file that holds images: wrong number of dimensions, named.
    write(tmp_path / "train-labels-idx1-ubyte", idx_bytes(images))
    message = rf"{re.escape(repr(labels_path))} has magic number 0x00000803: 3 dimensions"
    with pytest.raises(GanzooError, match=message):
        idx.read_split(str(tmp_path), "train")
    os.remove(labels_path)
    whole = gzip.compress(idx_bytes(images))
    path = write(tmp_path / "train-images-idx3-ubyte.gz", whole[: len(whole) // 2])
    os.remove(tmp_path / "train-images-idx3-ubyte")
    message = rf"{re.escape(repr(path))} is truncated or corrupt gzip data"
    with pytest.raises(GanzooError, match=message):
        idx.read_split(str(tmp_path), "train")


def test_a_folder_of_idx_files_without_images_is_refused(tmp_path):
    write(tmp_path / "train-labels-idx1-ubyte", idx_bytes(np.zeros(5, np.uint8)), gz=True)
    with pytest.raises(GanzooError, match=r"no idx images in folder .*train-images-idx3-ubyte"):
        data.load_dataset(str(tmp_path), batch_size=1)


def test_class_names_from_file_folder_name_or_numbers(tmp_path, mnist_like):
    folder = mnist_like[0]
    assert idx.class_names(folder) == tuple("0123456789")
    fashion = tmp_path / "fashion-mnist"
    make_split(fashion, "train", 3, seed=0, side=4)
    assert idx.class_names(str(fashion))[0] == "T-shirt/top"
    assert idx.class_names(str(fashion))[9] == "Ankle boot"
    (fashion / "class_names.txt").write_text("a\nb\n")
    with pytest.raises(GanzooError, match=r"has label \d but only 2 class names in .*class_names"):
        idx.class_names(str(fashion))
    (fashion / "class_names.txt").write_text("\n".join(f"c{i}" for i in range(10)) + "\n")
    assert idx.class_names(str(fashion)) == tuple(f"c{i}" for i in range(10))


def test_load_dataset_and_the_training_stream_read_idx_at_native_size(mnist_like):
    folder, (train_images, _), _ = mnist_like
    dataset = data.load_dataset(folder, batch_size=8, seed=0)
    assert data.example_shape(dataset) == (28, 28, 1)
    assert int(dataset.cardinality()) == 40 // 8
    seen = np.concatenate([batch.numpy() for batch in dataset])
    expected = train_images[..., None].astype(np.float32) / 127.5 - 1.0
    # Every image once, shuffled: compare the sorted per-image sums.
    np.testing.assert_allclose(
        np.sort(seen.sum(axis=(1, 2, 3))), np.sort(expected.sum(axis=(1, 2, 3))), rtol=1e-5
    )
    both = data.load_dataset(folder, batch_size=4, image_size=32, channels=3, split="train+test")
    assert data.example_shape(both) == (32, 32, 3) and int(both.cardinality()) == 52 // 4
    config = DataConfig(dataset=folder, batch_size=16, split="test")
    with pytest.raises(GanzooError, match="batch_size 16 is larger than the 12 examples"):
        data.load_training_stream(config)
    stream, batches_per_epoch = data.load_training_stream(
        DataConfig(dataset=folder, batch_size=16), seed=1
    )
    assert batches_per_epoch == 2
    assert next(iter(stream)).shape == (16, 28, 28, 1)


def test_labeled_images_from_an_idx_folder(mnist_like, tmp_path):
    folder, _, (test_images, test_labels) = mnist_like
    pairs, num_classes = data.load_labeled_images(folder, "test", image_size=16)
    assert num_classes == 10
    images, labels = zip(*[(image.numpy(), int(label)) for image, label in pairs])
    assert images[0].shape == (16, 16, 1) and -1 <= np.min(images) and np.max(images) <= 1
    assert list(labels) == test_labels.tolist()
    unlabelled = tmp_path / "unlabelled"
    make_split(unlabelled, "train", 4, seed=0, labels=False, side=4)
    with pytest.raises(GanzooError, match=r"has no class labels \(an idx folder without "):
        data.load_labeled_images(str(unlabelled), "train")


def test_idx_files_make_a_folder_an_idx_source_even_beside_pngs(tmp_path):
    make_split(tmp_path, "train", 6, seed=0, side=28)
    tf.io.write_file(str(tmp_path / "preview.png"), tf.io.encode_png(np.zeros((9, 9, 3), np.uint8)))
    dataset = data.load_dataset(str(tmp_path), batch_size=6)
    assert data.example_shape(dataset) == (28, 28, 1)  # idx, not the 64x64x3 folder default
