import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo import layers, networks
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
    # Points may lie anywhere (the grid's modes are at +-4); pixels are in [-1, 1]. A large
    # latent drives the piecewise-linear G far out, which tanh must fold back for images.
    point_g, _ = networks.mlp_pair((2,), latent_dim=4, width=8)
    image_g, _ = networks.mlp_pair((4, 4, 1), latent_dim=4, width=8)
    latent = 1000.0 * np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
    assert np.abs(np.asarray(point_g(latent))).max() > 10.0
    pixels = np.asarray(image_g(latent))
    assert np.abs(pixels).max() <= 1.0 and np.abs(pixels).max() > 0.99


@pytest.mark.parametrize("latent_dim", [0, -3, 2.5])
def test_bad_latent_sizes_are_refused(latent_dim):
    with pytest.raises(GanzooError, match="latent_dim must be a positive integer"):
        networks.mlp_pair((2,), latent_dim=latent_dim)


@pytest.mark.parametrize("builder", ["mlp", "conv", "pacgan_mlp"])
@pytest.mark.parametrize("normalization", networks.NORMALIZATIONS)
def test_every_builder_takes_every_discriminator_normalization(builder, normalization):
    shape = (16, 16, 1) if builder == "conv" else (2,)
    _, discriminator = networks.build_pair(builder, shape, 4, 4, d_normalization=normalization)
    kinds = {type(layer).__name__ for layer in discriminator.layers}
    assert ("BatchNormalization" in kinds) == (normalization == "batch")
    assert ("LayerNormalization" in kinds) == (normalization == "layer")
    spectral = {"SpectralDense", "SpectralConv2D"} & kinds
    assert bool(spectral) == (normalization == "spectral")
    if normalization == "spectral":  # every weight layer of D, the output included
        assert not {"Dense", "Conv2D"} & kinds
    out = discriminator(np.random.default_rng(0).normal(size=(3, *shape)).astype("float32"))
    assert out.shape == (3, 1)


def test_spectral_layers_divide_by_the_largest_singular_value():
    layer = layers.SpectralDense(3, use_bias=False)
    layer.build((None, 4))
    kernel = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    layer._kernel.assign(kernel)
    x = np.eye(4, dtype="float32")
    for _ in range(50):  # power iteration converges to the top singular vector
        out = layer(x, training=True)
    sigma = np.linalg.svd(kernel, compute_uv=False)[0]
    np.testing.assert_allclose(out, kernel / sigma, rtol=1e-4)
    np.testing.assert_array_equal(layer._kernel.numpy(), kernel)  # W itself is not rewritten
    frozen = layer.singular_vector.numpy()
    layer(x, training=False)
    np.testing.assert_array_equal(layer.singular_vector.numpy(), frozen)  # no update in inference


def test_the_gradient_flows_through_sigma():
    # d(W / sigma(W))/dW has the term -W v u^T / sigma^2 (Miyato et al. 2018, eq. 12): the gradient
    # of the summed output along the top singular direction is smaller than without sigma's.
    layer = layers.SpectralDense(2, use_bias=False)
    layer.build((None, 2))
    layer._kernel.assign(np.array([[2.0, 0.0], [0.0, 1.0]], "float32"))
    for _ in range(20):
        layer(np.eye(2, dtype="float32"), training=True)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(layer(np.array([[1.0, 0.0]], "float32"), training=False))
    gradient = tape.gradient(y, layer._kernel).numpy()
    # y = (W00 + W01) / sigma, sigma = W00 = 2 (top singular vectors e0, e0): dy/dW00 =
    # 1/sigma - y/sigma = 0, where a sigma held constant would give 1/sigma = 0.5; dy/dW01 = 0.5.
    np.testing.assert_allclose(gradient, [[0.0, 0.5], [0.0, 0.0]], atol=1e-4)


def test_maxout_is_the_maximum_over_each_group_of_pieces():
    x = np.random.default_rng(0).normal(size=(4, 3, 6)).astype("float32")
    np.testing.assert_array_equal(layers.Maxout(3)(x), x.reshape(4, 3, 2, 3).max(axis=-1))
    with pytest.raises(GanzooError, match="Maxout with 4 pieces needs a multiple of 4 feat.*got 6"):
        layers.Maxout(4)(x)


def test_pacgan_mlp_has_the_papers_sizes():
    generator, discriminator = networks.build_pair("pacgan_mlp", (2,), 2, width=8, packing=2)
    g_dense = [l.units for l in generator.layers if isinstance(l, keras.layers.Dense)]
    assert g_dense == [400] * 4 + [2]  # width does not apply
    assert sum(isinstance(l, keras.layers.BatchNormalization) for l in generator.layers) == 4
    assert not any(l.use_bias for l in generator.layers[:-1] if isinstance(l, keras.layers.Dense))
    d_dense = [l.units for l in discriminator.layers if isinstance(l, keras.layers.Dense)]
    assert d_dense == [200 * 5] * 3 + [1]
    maxouts = [l for l in discriminator.layers if isinstance(l, layers.Maxout)]
    assert [(l.pieces, l.output.shape[-1]) for l in maxouts] == [(5, 200)] * 3
    assert discriminator.get_layer("d_dense_0").kernel.shape == (4, 1000)  # a pack of 2 points
    assert discriminator(np.zeros((6, 2), "float32")).shape == (3, 1)


def test_pacgan_mlp_refuses_images_in_one_line():
    with pytest.raises(GanzooError) as error:
        networks.build_pair("pacgan_mlp", (16, 16, 1), 2, width=8)
    assert str(error.value) == (
        "pacgan_mlp models vectors such as 2-D points, not data of shape (16, 16, 1); choose one "
        "of: mlp, conv, auto"
    )


def test_ganzoos_leaky_relu_is_keras_leaky_relu_in_value_and_gradient():
    # The same function, with a gradient read from the output (see ganzoo.layers.LeakyReLU):
    # equal values and gradients, including the gradient of a gradient norm (penalties).
    x = tf.constant(np.random.default_rng(0).normal(size=(4, 6)).astype("float32"))
    ours, theirs = layers.LeakyReLU(0.2), keras.layers.LeakyReLU(0.2)
    results = []
    for layer in (ours, theirs):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = layer(x * x - 0.5)
            gradient = inner.gradient(y, x)
            penalty = tf.reduce_sum(gradient**2)
        results.append((y.numpy(), gradient.numpy(), outer.gradient(penalty, x).numpy()))
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)
