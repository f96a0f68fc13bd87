"""ganzoo.pretrained: a shipped model's config.json + weights.weights.h5 round trip, and the
one-line refusals; export.write_model_config listing chosen models."""

import os

import numpy as np
import pytest
import tensorflow as tf
from conftest import TWO_CPUS, all_weights

import ganzoo
from ganzoo import export, pretrained, train_lib
from ganzoo.errors import GanzooError


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """(trained-looking tiny acgan, the folder save_pretrained wrote it to)."""
    model = ganzoo.get_model("acgan", data_shape=(16, 16, 1), latent_dim=8, width=8,
                             num_classes=3, class_names=["a", "b", "c"])
    model.compile()
    for variable in model.generator.weights + model.discriminator.weights:
        variable.assign(variable + 0.01)  # not the initial weights a fresh build would have
    folder = str(tmp_path_factory.mktemp("saved_models") / "acgan_tiny")
    pretrained.save_pretrained(model, folder, run={"seed": 0}, build={"note": "test"})
    return model, folder


def test_load_pretrained_restores_the_weights_and_compiles_fresh_optimizers(shipped):
    model, folder = shipped
    loaded = ganzoo.load_pretrained(folder, g_learning_rate=1e-3)
    assert train_lib.weights_fingerprint(loaded) == train_lib.weights_fingerprint(model)
    for ours, theirs in zip(all_weights(loaded), all_weights(model)):
        np.testing.assert_array_equal(ours, theirs)
    assert loaded.class_names == ["a", "b", "c"] and loaded.g_learning_rate == 1e-3
    assert int(loaded.g_optimizer.iterations.numpy()) == 0
    config = pretrained.read_config(folder)
    assert (config["model"], config["run"], config["build"]) == ("acgan", {"seed": 0},
                                                                  {"note": "test"})


def test_load_pretrained_builds_in_a_strategy_scope(shipped):
    model, folder = shipped
    strategy = tf.distribute.MirroredStrategy(TWO_CPUS)
    loaded = ganzoo.load_pretrained(folder, strategy=strategy)
    assert isinstance(loaded.generator.trainable_weights[0].value, tf.distribute.DistributedValues)
    assert train_lib.weights_fingerprint(loaded) == train_lib.weights_fingerprint(model)


def test_the_weights_file_holds_no_optimizer_state(shipped):
    import h5py

    _, folder = shipped
    names = []
    with h5py.File(os.path.join(folder, pretrained.WEIGHTS_FILE)) as weights:
        weights.visit(names.append)
    assert names and not any("optimizer" in name for name in names)


def test_overrides_that_change_the_networks_are_refused_in_one_line(shipped):
    _, folder = shipped
    with pytest.raises(GanzooError, match=r"do not fit its acgan with the overrides width=16;"):
        ganzoo.load_pretrained(folder, width=16)


def test_a_version_directory_is_not_a_shipped_model(shipped):
    _, folder = shipped
    os.makedirs(os.path.join(folder, "1"), exist_ok=True)
    with pytest.raises(GanzooError, match=rf"has no config.json; give the model's folder, "
                                          rf"'{folder}'"):
        pretrained.read_config(os.path.join(folder, "1"))


def test_card_fingerprint_reads_the_cards_row(tmp_path):
    folder = tmp_path / "gan_ring"
    os.makedirs(folder / "1")
    (folder / pretrained.CARD_FILE).write_text(
        "# x\n\n| | |\n|---|---|\n" + pretrained.FINGERPRINT_ROW.format("0123456789abcdef") + "\n")
    (folder / pretrained.CONFIG_FILE).write_text("{}")
    os.makedirs(tmp_path / "nsgan_ring" / "1")  # a user's export: no card, not shipped
    assert pretrained.card_fingerprint(str(folder)) == "0123456789abcdef"
    assert pretrained.shipped_folders(str(tmp_path)) == [str(folder)]
    (folder / pretrained.CARD_FILE).write_text("# no fingerprint\n")
    with pytest.raises(GanzooError, match="has no row"):
        pretrained.card_fingerprint(str(folder))


def test_write_model_config_lists_the_named_models_only(tmp_path):
    for name in ("a", "b"):
        os.makedirs(tmp_path / name / "1")
    assert export.write_model_config(str(tmp_path), "/models", names=["b"])[1] == ["b"]
    assert 'name: "a"' not in (tmp_path / "models.config").read_text()
    with pytest.raises(GanzooError, match=r"no exported model 'c' under .*; it has: a, b"):
        export.write_model_config(str(tmp_path), "/models", names=["b", "c"])
