import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import export
from ganzoo.tf_data_options import without_autotuning


@pytest.fixture(scope="module")
def dcgan():
    keras.utils.set_random_seed(0)
    model = ganzoo.get_model("dcgan", data_shape=(16, 16, 1), latent_dim=6, width=4)
    model.compile()
    images = np.random.default_rng(0).uniform(-1, 1, (32, 16, 16, 1)).astype("float32")
    model.fit(without_autotuning(tf.data.Dataset.from_tensor_slices(images).batch(16)), epochs=1,
              verbose=0)
    return model


def test_export_reproduces_generate_and_numbers_versions(tmp_path, dcgan):
    root = str(tmp_path / "dcgan")
    first = export.export_generator(dcgan, root)
    second = export.export_generator(dcgan, root)
    assert (first, second) == (os.path.join(root, "1"), os.path.join(root, "2"))
    assert export.existing_versions(root) == [1, 2]
    assert [e for e in os.listdir(root) if e.startswith(".tmp")] == []

    serve = export.load_signature(first)
    latent = dcgan.sample_latent(5, seed=3)
    outputs = serve(latent=latent)
    assert set(outputs) == {"images", "images_uint8"}
    np.testing.assert_allclose(outputs["images"], dcgan.generate(latent=latent), atol=1e-5)
    expected_uint8 = np.clip(np.round((outputs["images"].numpy() + 1) * 127.5), 0, 255)
    np.testing.assert_array_equal(outputs["images_uint8"], expected_uint8)
    assert outputs["images_uint8"].dtype == tf.uint8


def test_an_existing_version_is_never_overwritten_silently(tmp_path, dcgan):
    root = str(tmp_path / "m")
    export.export_generator(dcgan, root, version=4)
    with pytest.raises(ganzoo.GanzooError, match="already exists; pass --overwrite"):
        export.export_generator(dcgan, root, version=4)
    export.export_generator(dcgan, root, version=4, overwrite=True)
    assert export.existing_versions(root) == [4]
    assert export.resolve_version_dir(root) == os.path.join(root, "4")


def test_the_signature_rejects_a_latent_of_the_wrong_width(tmp_path, dcgan):
    serve = export.load_signature(export.export_generator(dcgan, str(tmp_path / "m")))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"latent must be float32 \[batch, 6\]"
    ):
        serve(latent=tf.zeros([2, 7]))


def test_points_models_export_samples(tmp_path):
    model = ganzoo.get_model("nsgan", data_shape=(2,), latent_dim=3, width=8)
    serve = export.load_signature(export.export_generator(model, str(tmp_path / "ns")))
    latent = model.sample_latent(4, seed=0)
    outputs = serve(latent=latent)
    assert set(outputs) == {"samples"}
    np.testing.assert_allclose(outputs["samples"], model.generate(latent=latent), atol=1e-6)


def test_the_model_config_parses_back_into_a_model_server_config(tmp_path):
    from google.protobuf import text_format
    from tensorflow_serving.config import model_server_config_pb2

    root = tmp_path / "saved_models"
    for name in ("nsgan", "dcgan", 'a "quoted" name'):  # a quote: the text is escaped
        (root / name / "1").mkdir(parents=True)
    (root / "not_a_model").mkdir()  # no version directory
    expected = ["a \"quoted\" name", "dcgan", "nsgan"]

    def read_back():
        config = model_server_config_pb2.ModelServerConfig()
        text_format.Parse((root / "models.config").read_text(), config)
        return [(c.name, c.base_path, c.model_platform) for c in config.model_config_list.config]

    assert export.write_model_config(str(root), "/models/") == (
        str(root / "models.config"), expected
    )
    assert read_back() == [(name, f"/models/{name}", "tensorflow") for name in expected]
    export.write_model_config(str(root))
    assert read_back() == [(name, str(root / name), "tensorflow") for name in expected]
    with pytest.raises(ganzoo.GanzooError, match="no exported models under"):
        export.write_model_config(str(root / "not_a_model"))
