import pytest

import ganzoo
from ganzoo import registry


def test_the_zoo_lists_its_models_sorted():
    assert ganzoo.list_models() == sorted(
        ["acgan", "cgan", "cstylegan2", "dcgan", "gan", "lsgan", "nsgan", "sngan", "stylegan2",
         "wgan_gp"]
    )


def test_get_model_applies_overrides():
    model = ganzoo.get_model("gan", data_shape=(2,), latent_dim=3, width=5)
    assert (model.data_shape, model.latent_dim, model.width) == ((2,), 3, 5)
    assert model.generator.output_shape == (None, 2)


def test_unknown_model_name_lists_the_known_ones():
    # A name no model will take, so that the test survives the zoo growing.
    with pytest.raises(
        ganzoo.GanzooError,
        match="unknown model 'no_such_gan'; known models: acgan, cgan, cstylegan2, dcgan, ",
    ):
        ganzoo.get_model("no_such_gan")


def test_registry_refuses_a_duplicate_name():
    with pytest.raises(ValueError, match="already registered"):

        @registry.register_model("gan")
        class Impostor:  # noqa: F841
            pass

    assert registry.get_model_class("gan").__name__ == "GAN"
