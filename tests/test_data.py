import socket
import time

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

from ganzoo import data
from ganzoo.configs import DataConfig
from ganzoo.data import digits
from ganzoo.errors import GanzooError


def test_embedded_digits_are_the_1797_real_images():
    images, labels = digits.read_embedded_digits()
    assert images.shape == (1797, 8, 8, 1) and images.dtype == np.uint8
    assert images.max() == 255 and images.min() == 0
    assert sorted(set(labels.tolist())) == list(range(10))


def test_digits_flow_through_tfds_scaled_to_minus_one_one(tfds_dir):
    dataset = data.load_dataset("digits", batch_size=64, data_dir=tfds_dir)
    assert data.example_shape(dataset) == (32, 32, 1)
    assert int(dataset.cardinality()) == 1797 // 64  # drop_remainder
    batch = next(iter(dataset)).numpy()
    assert batch.dtype == np.float32 and batch.shape == (64, 32, 32, 1)
    assert batch.min() == -1.0 and batch.max() == 1.0
    native = data.load_dataset("digits", batch_size=10, image_size=8, data_dir=tfds_dir)
    assert data.example_shape(native) == (8, 8, 1)


def test_shuffling_is_seeded(tfds_dir):
    first = [
        next(iter(data.load_dataset("digits", batch_size=8, data_dir=tfds_dir, seed=s))).numpy()
        for s in (1, 1, 2)
    ]
    np.testing.assert_array_equal(first[0], first[1])
    assert not np.array_equal(first[0], first[2])


@pytest.mark.parametrize("name, modes", [("ring", 8), ("grid", 25)])
def test_toy_sets_sample_every_mode_with_the_protocol_std(name, modes):
    centers, std = data.mode_centers(name)
    assert centers.shape == (modes, 2)
    points = data.sample_toy(name, 20_000, seed=0)
    distance = np.linalg.norm(points[:, None] - centers[None], axis=-1)
    nearest = distance.argmin(axis=1)
    assert len(set(nearest.tolist())) == modes
    offsets = points - centers[nearest]
    np.testing.assert_allclose(offsets.std(axis=0), [std, std], rtol=0.05)
    batch = next(iter(data.load_dataset(name, batch_size=32)))
    assert batch.shape == (32, 2)


def _write_pngs(folder, count, shape):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for i in range(count):
        image = rng.integers(0, 256, shape, dtype=np.uint8)
        tf.io.write_file(str(folder / f"img_{i}.png"), tf.io.encode_png(image))


def test_a_folder_of_images_is_cropped_resized_and_scaled(tmp_path):
    _write_pngs(tmp_path / "a", 5, (40, 30, 3))
    _write_pngs(tmp_path / "b" / "nested", 3, (20, 20, 1))
    dataset = data.load_dataset(str(tmp_path), batch_size=4, image_size=16)
    assert data.example_shape(dataset) == (16, 16, 3)
    assert int(dataset.cardinality()) == 2  # 8 images, batch 4
    gray = data.load_dataset(str(tmp_path), batch_size=8, image_size=16, channels=1)
    batch = next(iter(gray)).numpy()
    assert batch.shape == (8, 16, 16, 1) and -1 <= batch.min() and batch.max() <= 1


def test_every_pipeline_runs_without_tf_datas_autotuner(tfds_dir, tmp_path):
    # Its thread can hold up the freeing of an iterator for up to a minute (see
    # ganzoo.tf_data_options); unset, the option reads None (= on).
    from ganzoo import train_lib
    from tests.test_idx import make_split

    _write_pngs(tmp_path / "pngs", 4, (8, 8, 3))
    make_split(str(tmp_path / "idx"), "train", 8, seed=0)
    sources = [("digits", True), ("ring", False), (str(tmp_path / "pngs"), False),
               (str(tmp_path / "idx"), True)]
    for name, labelled in sources:
        config = DataConfig(dataset=name, batch_size=4, data_dir=tfds_dir)
        pipelines = [data.load_dataset(name, batch_size=4, data_dir=tfds_dir),
                     data.load_training_stream(config)[0]]
        if labelled:
            pipelines.append(data.load_labeled_images(name, data_dir=tfds_dir)[0])
        for pipeline in pipelines:
            assert pipeline.options().autotune.enabled is False, name
    assert tf.data.Dataset.range(3).options().autotune.enabled is None
    fed_to_fit = train_lib._distributed_input(tf.data.Dataset.range(3).repeat(), 1)
    assert fed_to_fit.options().autotune.enabled is False


def test_an_empty_folder_fails_fast(tmp_path):
    (tmp_path / "notes.txt").write_text("no images here")
    with pytest.raises(GanzooError, match="no images in folder .*png"):
        data.load_dataset(str(tmp_path))


@pytest.mark.parametrize(
    "name, message",
    [
        ("mnsit", r"unknown dataset 'mnsit' \(did you mean mnist.*'digits' \(embedded\)"),
        ("not_a_dataset_at_all", r"unknown dataset .*'ring' or 'grid'"),
        ("./no/such/folder", r"image folder .* does not exist"),
    ],
)
def test_unknown_dataset_names_fail_fast_with_the_choices(name, message):
    with pytest.raises(GanzooError, match=message):
        data.load_dataset(name)


def test_a_batch_larger_than_the_data_is_refused(tmp_path):
    _write_pngs(tmp_path, 3, (8, 8, 1))
    with pytest.raises(GanzooError, match="batch_size 4 is larger than the 3 examples"):
        data.load_dataset(str(tmp_path), batch_size=4)


def test_every_iterator_of_the_training_stream_yields_the_same_batches(tfds_dir):
    # Keras makes an extra iterator under a strategy, and a resumed run skips into a new one:
    # both rely on this.
    config = DataConfig(dataset="digits", batch_size=64, data_dir=tfds_dir)
    stream, batches_per_epoch = data.load_training_stream(config, seed=3)
    assert batches_per_epoch == 1797 // 64
    first = np.stack([batch.numpy() for batch in stream.take(60)])
    again = np.stack([batch.numpy() for batch in stream.take(60)])
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(
        first[10:], np.stack([b.numpy() for b in stream.skip(10).take(50)])
    )
    other_seed = next(iter(data.load_training_stream(config, seed=4)[0])).numpy()
    assert not np.array_equal(first[0], other_seed)
    # One pass of a plain dataset reshuffles each time it is iterated (each epoch of fit).
    epoch_dataset = data.load_dataset("digits", batch_size=64, data_dir=tfds_dir, seed=3)
    assert not np.array_equal(next(iter(epoch_dataset)).numpy(), next(iter(epoch_dataset)).numpy())


def test_the_embedded_digits_prepare_silently_where_a_real_builder_still_speaks(tmp_path, capfd):
    data.load_dataset("digits", batch_size=8, data_dir=str(tmp_path / "fresh"))
    out, err = capfd.readouterr()
    assert "Downloading and preparing" not in out + err and "Generating" not in out + err
    # tfds' own messages stay for other builders (this one downloads nothing either).
    data.load_dataset(OfflineTestImages.name, batch_size=8, data_dir=str(tmp_path / "fresh"))
    out, _ = capfd.readouterr()
    assert "Downloading and preparing dataset" in out


def _closed_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


class OfflineTestImages(tfds.core.GeneratorBasedBuilder):
    """A 16-image tfds builder that downloads nothing (registered as `offline_test_images`)."""

    VERSION = tfds.core.Version("1.0.0")
    # tfds infers this from the module's package, and tests/ is not one.
    pkg_dir_path = tfds.core.Path(__file__).parent

    def _info(self):
        return self.dataset_info_from_configs(
            features=tfds.features.FeaturesDict(
                {
                    "image": tfds.features.Image(shape=(4, 4, 1)),
                    "label": tfds.features.ClassLabel(num_classes=2),
                }
            )
        )

    def _split_generators(self, dl_manager):
        del dl_manager
        return {"train": self._generate_examples()}

    def _generate_examples(self):
        for i in range(16):
            yield i, {"image": np.full((4, 4, 1), i, np.uint8), "label": i % 2}


class UnreachableTestImages(OfflineTestImages):
    """The same data, with a registered download URL on a closed local port."""

    url_infos = {
        f"http://127.0.0.1:{_closed_port()}/images.tar.gz": tfds.core.download.checksums.UrlInfo(
            size=1, checksum="0" * 64, filename="images.tar.gz"
        )
    }


def test_an_unprepared_dataset_whose_host_is_unreachable_fails_in_seconds(tmp_path):
    start = time.monotonic()
    message = (
        r"could not prepare tfds dataset 'unreachable_test_images' in .*\(cannot reach "
        r"http://127\.0\.0\.1:\d+/images\.tar\.gz: .*\); tfds downloads it on first use"
    )
    with pytest.raises(GanzooError, match=message):
        data.load_dataset(UnreachableTestImages.name, batch_size=4, data_dir=str(tmp_path))
    assert time.monotonic() - start < 30
    # Once prepared (here by tfds directly: nothing to fetch), the host is never asked.
    tfds.builder(UnreachableTestImages.name, data_dir=str(tmp_path)).download_and_prepare()
    prepared = data.load_dataset(UnreachableTestImages.name, batch_size=16, data_dir=str(tmp_path))
    batch = next(iter(prepared))
    assert batch.shape == (16, 4, 4, 1)


def test_a_stock_tfds_dataset_fails_in_seconds_without_network(tmp_path, monkeypatch):
    # "No network", made certain on any machine: every proxy the environment names is a closed
    # local port, and nothing bypasses it. tfds' downloader alone retried for 209 s here.
    dead = f"http://127.0.0.1:{_closed_port()}"
    for variable in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(variable, dead)
    for variable in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(variable, raising=False)
    start = time.monotonic()
    message = (
        r"could not prepare tfds dataset 'mnist' in .*cannot reach proxy "
        r"http://127\.0\.0\.1:\d+ for https://storage\.googleapis"
    )
    with pytest.raises(GanzooError, match=message):
        data.load_dataset("mnist", data_dir=str(tmp_path))
    assert time.monotonic() - start < 30
