import keras
import numpy as np
import pytest

from ganzoo import networks
from ganzoo.errors import GanzooError


@pytest.mark.parametrize(
    "shape, strided",
    [((28, 28, 1), 2), ((32, 32, 1), 3), ((32, 32, 3), 3), ((64, 64, 3), 4), ((16, 16, 1), 2)],
)
def test_dcgan_adapts_to_the_image_shape(shape, strided):
    generator, discriminator = networks.dcgan_pair(shape, latent_dim=8, width=4)
    assert generator.output_shape == (None, *shape)
    assert discriminator.output_shape == (None, 1)
    layer_types = [type(layer).__name__ for layer in discriminator.layers]
    assert layer_types.count("Conv2D") == strided
    assert all(layer.strides == (2, 2) for layer in discriminator.layers if "conv" in layer.name)
    out = generator(np.random.normal(size=(3, 8)).astype("float32"))
    assert np.all(np.abs(out) <= 1.0)  # tanh output


def test_dcgan_has_no_batch_norm_on_the_discriminator_input_layer():
    _, discriminator = networks.dcgan_pair((32, 32, 1), latent_dim=8, width=4)
    names = [layer.name for layer in discriminator.layers]
    first_conv = names.index("d_conv_0")
    assert not isinstance(discriminator.layers[first_conv + 1], keras.layers.BatchNormalization)
    assert sum(isinstance(l, keras.layers.BatchNormalization) for l in discriminator.layers) == 2


def test_dcgan_weights_are_drawn_from_normal_0_002():
    generator, _ = networks.dcgan_pair((64, 64, 3), latent_dim=100, width=16)
    kernel = generator.get_layer("g_project").kernel.numpy()
    assert abs(kernel.mean()) < 1e-3
    np.testing.assert_allclose(kernel.std(), 0.02, rtol=0.05)


def test_dcgan_batch_norm_is_synchronized_by_default_and_can_be_per_replica():
    g_sync, _ = networks.dcgan_pair((28, 28, 1), latent_dim=8, width=4)
    g_local, _ = networks.dcgan_pair((28, 28, 1), 8, width=4, synchronized_batch_norm=False)
    bn = keras.layers.BatchNormalization
    assert all(l.synchronized for l in g_sync.layers if isinstance(l, bn))
    assert not any(l.synchronized for l in g_local.layers if isinstance(l, bn))


@pytest.mark.parametrize("shape", [(30, 30, 1), (32, 28, 1), (32, 32, 2), (8, 8, 1), (2,)])
def test_unsupported_dcgan_shapes_get_an_error_naming_the_supported_ones(shape):
    with pytest.raises(GanzooError, match=r"cannot model .* supported: square images .*28x28x1"):
        networks.dcgan_pair(shape, latent_dim=8)


@pytest.mark.parametrize("shape", [(2,), (8, 8, 1), (28, 28, 1)])
def test_mlp_works_on_points_and_images(shape):
    generator, discriminator = networks.mlp_pair(shape, latent_dim=4, width=8)
    samples = generator(np.zeros((5, 4), "float32"))
    assert samples.shape == (5, *shape)
    assert discriminator(samples).shape == (5, 1)


def test_mlp_output_is_unbounded_for_points_and_tanh_for_images():
    point_g, _ = networks.mlp_pair((2,), latent_dim=4, width=8)
    image_g, _ = networks.mlp_pair((4, 4, 1), latent_dim=4, width=8)
    assert point_g.layers[-2].name == "g_out"
    assert image_g.get_layer("g_tanh") is not None


@pytest.mark.parametrize("latent_dim", [0, -3, 2.5])
def test_bad_latent_sizes_are_refused(latent_dim):
    with pytest.raises(GanzooError, match="latent_dim must be a positive integer"):
        networks.mlp_pair((2,), latent_dim=latent_dim)
