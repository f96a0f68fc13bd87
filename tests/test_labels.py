"""Class labels from every data source (issue 11): labels that match their images, class names,
a deterministic labelled stream, and one-line errors for data without labels.

Everything is generated here or embedded in ganzoo: no network, no Debian package. The idx
idx files are written with test_idx.py's helpers.
"""


import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

from ganzoo import data
from ganzoo.configs import DataConfig
from ganzoo.data import digits, idx, pipeline
from ganzoo.errors import GanzooError
from tests.test_idx import idx_bytes, make_split, write

NO_LABELS = r"has no class labels \(.*\); conditional models need labelled data: 'digits', "


def _to_uint8(images):
    return np.round((np.asarray(images) + 1.0) * 127.5).astype(np.uint8)


def _pairs(batches):
    """[(uint8 image bytes, label)] of every example in labelled batches, sorted."""
    found = []
    for batch in batches:
        assert set(batch) == {"images", "labels"}
        assert batch["images"].dtype == tf.float32 and batch["labels"].dtype == tf.int32
        for image, label in zip(_to_uint8(batch["images"]), batch["labels"].numpy()):
            found.append((image.tobytes(), int(label)))
    return sorted(found)


def _stream_checks(config, seed=5, batches=12):
    """The labelled stream of `config`: same seed -> same batches, skip(k) -> the k-th batch,
    and the images of the unlabelled stream, in the same order."""
    stream, _ = data.load_training_stream(config, seed=seed, with_labels=True)
    first = list(stream.take(batches).as_numpy_iterator())
    again = list(data.load_training_stream(config, seed=seed, with_labels=True)[0]
                 .take(batches).as_numpy_iterator())
    for one, other in zip(first, again):
        np.testing.assert_array_equal(one["images"], other["images"])
        np.testing.assert_array_equal(one["labels"], other["labels"])
    skipped = next(iter(stream.skip(batches - 1)))
    np.testing.assert_array_equal(skipped["images"], first[-1]["images"])
    np.testing.assert_array_equal(skipped["labels"], first[-1]["labels"])
    plain, _ = data.load_training_stream(config, seed=seed)
    for labelled, images in zip(first, plain.take(batches).as_numpy_iterator()):
        np.testing.assert_array_equal(labelled["images"], images)
    other_seed = next(iter(data.load_training_stream(config, seed=seed + 1, with_labels=True)[0]))
    assert not np.array_equal(other_seed["images"], first[0]["images"])
    return first


# --- the embedded digits -------------------------------------------------------------------


def test_digit_labels_match_the_embedded_images_after_the_same_resize(tfds_dir):
    raw_images, raw_labels = digits.read_embedded_digits()
    resize = tf.function(lambda images: tf.map_fn(lambda i: pipeline._square_resize(i, 16), images))
    resized = resize(raw_images).numpy()
    expected = sorted((image.tobytes(), int(label)) for image, label in zip(resized, raw_labels))
    # 1797 = 3 x 599: three batches are the whole data set.
    dataset = data.load_dataset(
        "digits", batch_size=599, image_size=16, data_dir=tfds_dir, with_labels=True
    )
    assert data.example_shape(dataset) == (16, 16, 1)
    assert _pairs(dataset) == expected
    assert data.class_names("digits", tfds_dir) == tuple("0123456789")
    pairs, num_classes = data.load_labeled_images("digits", image_size=16, data_dir=tfds_dir)
    assert num_classes == 10
    ((images, labels),) = list(pairs.batch(2000).as_numpy_iterator())
    assert sorted((i.tobytes(), int(l)) for i, l in zip(_to_uint8(images), labels)) == expected
    assert pairs.element_spec[1].dtype == tf.int64  # load_labeled_images' labels as before


def test_the_labelled_digit_stream_is_deterministic(tfds_dir):
    config = DataConfig(dataset="digits", batch_size=64, data_dir=tfds_dir, image_size=8)
    stream, batches_per_epoch = data.load_training_stream(config, seed=5, with_labels=True)
    assert batches_per_epoch == 1797 // 64
    first = _stream_checks(config)
    assert first[0]["labels"].shape == (64,) and first[0]["images"].shape == (64, 8, 8, 1)


# --- 2-D toy sets --------------------------------------------------------------------------


@pytest.mark.parametrize("name, modes", [("ring", 8), ("grid", 25)])
def test_toy_labels_are_the_modes_the_points_were_drawn_from(name, modes):
    centers, std = data.mode_centers(name)
    points, labels = data.sample_toy_with_modes(name, 5000, seed=3)
    np.testing.assert_array_equal(points, data.sample_toy(name, 5000, seed=3))
    assert labels.dtype == np.int32 and set(labels.tolist()) == set(range(modes))
    assert data.class_names(name) == tuple(f"mode_{i}" for i in range(modes))
    batches = list(data.load_dataset(name, batch_size=512, with_labels=True).take(20))
    points = np.concatenate([b["images"].numpy() for b in batches])
    labels = np.concatenate([b["labels"].numpy() for b in batches])
    offsets = np.abs(points - centers[labels])
    # Per axis: nearly all within 3 sigma (99.7 % for a Gaussian), every one within 6 sigma,
    # and the label's centre is the nearest.
    assert (offsets <= 3 * std).all(axis=1).mean() > 0.99 and (offsets <= 6 * std).all()
    nearest = np.linalg.norm(points[:, None] - centers[None], axis=-1).argmin(axis=1)
    np.testing.assert_array_equal(nearest, labels)
    with pytest.raises(GanzooError, match=rf"^'{name}' is a 2-D toy set, not images"):
        data.load_labeled_images(name)


def test_the_labelled_toy_stream_is_deterministic():
    _stream_checks(DataConfig(dataset="ring", batch_size=256), batches=250)  # > one epoch


# --- a folder with one sub-folder per class ------------------------------------------------

COLOURS = {"cat": (255, 0, 0), "dog": (0, 255, 0), "zebra": (0, 0, 255)}


def _write_image(path, colour, shape=(12, 10)):
    path.parent.mkdir(parents=True, exist_ok=True)
    image = np.broadcast_to(np.array(colour, np.uint8), (*shape, 3))
    tf.io.write_file(str(path), tf.io.encode_png(image))


@pytest.fixture
def class_folder(tmp_path):
    """zebra, cat and dog sub-folders (written in that order), a colour each; one nested
    folder; a sub-folder without images, which is not a class."""
    root = tmp_path / "animals"
    for name, count in (("zebra", 5), ("cat", 7), ("dog", 4)):
        for i in range(count):
            _write_image(root / name / f"{i}.png", COLOURS[name])
    _write_image(root / "dog" / "puppies" / "0.png", COLOURS["dog"])
    (root / "notes").mkdir()
    (root / "notes" / "readme.txt").write_text("not a class")
    return root


def test_folder_labels_are_the_sorted_class_sub_folders(class_folder):
    names = data.class_names(str(class_folder))
    assert names == ("cat", "dog", "zebra")
    dataset = data.load_dataset(str(class_folder), batch_size=17, image_size=8, with_labels=True)
    (batch,) = list(dataset)
    images, labels = batch["images"].numpy(), batch["labels"].numpy()
    assert images.shape == (17, 8, 8, 3)
    colours = _to_uint8(images).reshape(17, -1, 3).mean(axis=1)
    for colour, label in zip(colours, labels):
        np.testing.assert_array_equal(colour, COLOURS[names[label]])
    assert np.bincount(labels).tolist() == [7, 5, 5]
    pairs, num_classes = data.load_labeled_images(str(class_folder), image_size=8)
    assert num_classes == 3
    for image, label in pairs.as_numpy_iterator():
        np.testing.assert_array_equal(_to_uint8(image)[0, 0], COLOURS[names[label]])


def test_the_labelled_folder_stream_is_deterministic(class_folder):
    _stream_checks(DataConfig(dataset=str(class_folder), batch_size=4, image_size=8))


def test_a_folder_without_class_sub_folders_has_no_labels(tmp_path):
    for i in range(4):
        _write_image(tmp_path / f"{i}.png", (i, i, i))
    assert data.class_names(str(tmp_path)) is None
    message = (
        rf"^data set {str(tmp_path)!r} has no class labels \(a folder of images without class "
        rf"sub-folders\); conditional models need labelled data: .*a folder with one sub-folder "
        rf"per class, or an idx folder with label files$"
    )
    for load in (
        lambda: data.load_dataset(str(tmp_path), batch_size=2, with_labels=True),
        lambda: data.load_training_stream(DataConfig(dataset=str(tmp_path)), with_labels=True),
        lambda: data.load_labeled_images(str(tmp_path)),
    ):
        with pytest.raises(GanzooError, match=message):
            load()
    assert data.load_dataset(str(tmp_path), batch_size=2)  # Without labels: as before.


def test_images_beside_class_sub_folders_are_refused_for_labels_only(class_folder):
    _write_image(class_folder / "stray.png", (9, 9, 9))
    message = (
        rf"^folder {str(class_folder)!r} has 1 images directly inside it \(e\.g\. "
        rf".*stray\.png\) beside its 3 class sub-folders \(cat, dog, zebra\); for labels every "
        rf"image must be in a class sub-folder: move them into one or remove them$"
    )
    with pytest.raises(GanzooError, match=message):
        data.class_names(str(class_folder))
    with pytest.raises(GanzooError, match=message):
        data.load_dataset(str(class_folder), batch_size=2, with_labels=True)
    plain = data.load_dataset(str(class_folder), batch_size=18, image_size=4)
    assert int(plain.cardinality()) == 1  # Every image, the stray one too.


def test_a_corrupt_image_in_a_class_folder_is_still_refused_naming_it(class_folder):
    broken = class_folder / "dog" / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n but then garbage")
    message = rf"^1 of the 18 image files in folder .* cannot be decoded: {broken}; remove"
    with pytest.raises(GanzooError, match=message):
        data.load_dataset(str(class_folder), batch_size=2, with_labels=True)
    assert data.class_names(str(class_folder)) == ("cat", "dog", "zebra")  # names: no decoding


# --- idx folders ----------------------------------------------------------------------------


@pytest.fixture
def idx_folder(tmp_path):
    """30 train images (labelled, gzipped) whose pixels are 20 x their label, 6 unlabelled
    t10k images."""
    folder = tmp_path / "digits-idx"
    folder.mkdir()
    labels = np.random.default_rng(0).integers(0, 10, 30).astype(np.uint8)
    images = np.broadcast_to((20 * labels)[:, None, None], (30, 6, 6)).copy()
    write(folder / "train-images-idx3-ubyte", idx_bytes(images), gz=True)
    write(folder / "train-labels-idx1-ubyte", idx_bytes(labels), gz=True)
    make_split(folder, "t10k", 6, seed=1, labels=False, side=6)
    return folder, labels


def test_idx_labels_match_their_images(idx_folder):
    folder, labels = idx_folder
    (batch,) = list(data.load_dataset(str(folder), batch_size=30, with_labels=True))
    pixels = _to_uint8(batch["images"].numpy())
    assert pixels.shape == (30, 6, 6, 1)
    np.testing.assert_array_equal(pixels[:, 0, 0, 0], 20 * batch["labels"].numpy())
    assert sorted(batch["labels"].numpy().tolist()) == sorted(labels.tolist())
    assert data.class_names(str(folder)) == tuple("0123456789")
    _stream_checks(DataConfig(dataset=str(folder), batch_size=8), batches=6)
    message = (
        rf"^data set {str(folder)!r} has no class labels \(an idx folder without "
        rf"-labels-idx1-ubyte\[\.gz\] files for split 'test'\); conditional models need"
    )
    with pytest.raises(GanzooError, match=message):
        data.load_dataset(str(folder), batch_size=2, split="test", with_labels=True)
    assert data.load_dataset(str(folder), batch_size=2, split="test")  # Without labels: fine.


def test_idx_class_names_are_kept_until_a_file_changes(idx_folder, monkeypatch):
    folder = idx_folder[0]
    reads = []
    original = idx.class_names
    monkeypatch.setattr(idx, "class_names", lambda f: reads.append(f) or original(f))
    assert data.class_names(str(folder)) == tuple("0123456789")
    assert data.class_names(str(folder)) == tuple("0123456789")
    assert len(reads) == 1  # The second answer was kept.
    (folder / "class_names.txt").write_text("".join(f"digit {i}\n" for i in range(10)))
    assert data.class_names(str(folder))[3] == "digit 3"
    assert len(reads) == 2  # Read again: a file in the folder changed.


def test_an_idx_folder_without_label_files_has_no_labels(tmp_path):
    make_split(tmp_path / "fashion", "train", 4, seed=0, labels=False, side=4)
    assert data.class_names(str(tmp_path / "fashion")) is None  # No Fashion names without labels.
    with pytest.raises(GanzooError, match=r"has no class labels \(an idx folder without "):
        data.load_dataset(str(tmp_path / "fashion"), batch_size=2, with_labels=True)


# --- tensorflow-datasets -------------------------------------------------------------------


class LabelledTestImages(tfds.core.GeneratorBasedBuilder):
    """12 images whose pixels are their index; labels by index % 3 with names; downloads
    nothing (registered as `labelled_test_images`)."""

    VERSION = tfds.core.Version("1.0.0")
    pkg_dir_path = tfds.core.Path(__file__).parent  # tests/ is not a package
    LABEL_NAMES = ("circle", "square", "triangle")

    def _features(self):
        return {
            "image": tfds.features.Image(shape=(4, 4, 1)),
            "id": tfds.features.Scalar(np.int32),
            "label": tfds.features.ClassLabel(names=self.LABEL_NAMES),
        }

    def _info(self):
        return self.dataset_info_from_configs(features=tfds.features.FeaturesDict(self._features()))

    def _split_generators(self, dl_manager):
        del dl_manager
        return {"train": self._generate_examples()}

    def _generate_examples(self):
        for i in range(12):
            example = {"image": np.full((4, 4, 1), 10 * i, np.uint8), "id": i, "label": i % 3}
            yield i, {key: example[key] for key in self._features()}


class UnlabelledTestImages(LabelledTestImages):
    """The same images without a ClassLabel (registered as `unlabelled_test_images`)."""

    def _features(self):
        return {"image": tfds.features.Image(shape=(4, 4, 1)), "id": tfds.features.Scalar(np.int32)}


def test_tfds_labels_are_the_first_class_label_feature(tmp_path, monkeypatch):
    name, data_dir = LabelledTestImages.name, str(tmp_path)
    prepared = []
    original = pipeline._prepared_builder
    monkeypatch.setattr(
        pipeline, "_prepared_builder", lambda *a: prepared.append(a) or original(*a)
    )
    assert data.class_names(name, data_dir) == ("circle", "square", "triangle")
    assert data.class_names(name, data_dir) == ("circle", "square", "triangle")
    assert len(prepared) == 1  # kept, not prepared again (counted, not timed)
    (batch,) = list(data.load_dataset(name, batch_size=12, data_dir=data_dir, with_labels=True))
    index = np.round((batch["images"].numpy()[:, 0, 0, 0] + 1) * 127.5).astype(int) // 10
    assert sorted(index.tolist()) == list(range(12))
    np.testing.assert_array_equal(batch["labels"].numpy(), index % 3)
    pairs, num_classes = data.load_labeled_images(name, data_dir=data_dir)
    assert num_classes == 3
    assert all(int(label) == int(round((image[0, 0, 0] + 1) * 127.5)) // 10 % 3
               for image, label in pairs.as_numpy_iterator())


def test_a_tfds_set_without_class_labels_is_one_line(tmp_path):
    name, data_dir = UnlabelledTestImages.name, str(tmp_path)
    assert data.class_names(name, data_dir) is None
    message = rf"^data set '{name}' has no class labels \(its tfds features have no ClassLabel\); "
    with pytest.raises(GanzooError, match=message) as error:
        data.load_training_stream(DataConfig(dataset=name, data_dir=data_dir, batch_size=4),
                                  with_labels=True)
    assert "\n" not in str(error.value)
    assert data.load_dataset(name, batch_size=4, data_dir=data_dir)  # Without labels: fine.
