import dataclasses

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo import backbones, layers
from ganzoo.backbones import NetworkSpec, common
from ganzoo.errors import GanzooError


def pair(name, shape, latent_dim, **spec):
    """(G, D) of backbone `name` for `shape`; `spec` holds NetworkSpec's fields and the
    backbone's own arguments (options)."""
    fields = {f.name for f in dataclasses.fields(NetworkSpec)}
    options = {k: v for k, v in spec.items() if k not in fields}
    spec = {k: v for k, v in spec.items() if k in fields}
    return backbones.build_pair(name, NetworkSpec(tuple(shape), latent_dim, options=options,
                                                  **spec))


def dcgan_pair(shape, latent_dim, **spec):
    """DCGAN's pair as the paper has it: batch norm in D."""
    return pair("dcgan", shape, latent_dim, **{"d_normalization": "batch", **spec})


@pytest.mark.parametrize(
    "shape, strided",
    [((28, 28, 1), 2), ((32, 32, 1), 3), ((32, 32, 3), 3), ((64, 64, 3), 4), ((16, 16, 1), 2)],
)
def test_dcgan_adapts_to_the_image_shape(shape, strided):
    generator, discriminator = dcgan_pair(shape, latent_dim=8, width=4)
    assert generator.output_shape == (None, *shape)
    assert discriminator.output_shape == (None, 1)
    layer_types = [type(layer).__name__ for layer in discriminator.layers]
    assert layer_types.count("Conv2D") == strided
    assert all(layer.strides == (2, 2) for layer in discriminator.layers if "conv" in layer.name)
    out = generator(np.random.normal(size=(3, 8)).astype("float32"))
    assert np.all(np.abs(out) <= 1.0)  # tanh output


def test_dcgan_has_no_batch_norm_on_the_discriminator_input_layer():
    _, discriminator = dcgan_pair((32, 32, 1), latent_dim=8, width=4)
    names = [layer.name for layer in discriminator.layers]
    first_conv = names.index("d_conv_0")
    assert not isinstance(discriminator.layers[first_conv + 1], keras.layers.BatchNormalization)
    assert sum(isinstance(l, keras.layers.BatchNormalization) for l in discriminator.layers) == 2


def test_dcgan_weights_are_drawn_from_normal_0_002():
    generator, _ = dcgan_pair((64, 64, 3), latent_dim=100, width=16)
    kernel = generator.get_layer("g_project").kernel.numpy()
    assert abs(kernel.mean()) < 1e-3
    np.testing.assert_allclose(kernel.std(), 0.02, rtol=0.05)


def test_dcgan_batch_norm_is_synchronized_by_default_and_can_be_per_replica():
    g_sync, _ = dcgan_pair((28, 28, 1), latent_dim=8, width=4)
    g_local, _ = dcgan_pair((28, 28, 1), 8, width=4, synchronized_batch_norm=False)
    bn = keras.layers.BatchNormalization
    assert all(l.synchronized for l in g_sync.layers if isinstance(l, bn))
    assert not any(l.synchronized for l in g_local.layers if isinstance(l, bn))


@pytest.mark.parametrize("shape", [(30, 30, 1), (32, 28, 1), (32, 32, 2), (8, 8, 1)])
@pytest.mark.parametrize("name", ["dcgan", "resnet"])
def test_unsupported_image_shapes_get_an_error_naming_the_supported_ones(name, shape):
    with pytest.raises(GanzooError, match=r"cannot model .* supported: square images .*28x28x1"):
        pair(name, shape, latent_dim=8)
    with pytest.raises(GanzooError, match=rf"^the {name} networks model images, not data of "
                                          r"shape \(2,\); for vectors choose one of: mlp, "
                                          r"pacgan_mlp$"):
        pair(name, (2,), latent_dim=8)


@pytest.mark.parametrize("shape", [(2,), (8, 8, 1), (28, 28, 1)])
def test_mlp_works_on_points_and_images(shape):
    generator, discriminator = pair("mlp", shape, latent_dim=4, width=8)
    samples = generator(np.zeros((5, 4), "float32"))
    assert samples.shape == (5, *shape)
    assert discriminator(samples)["adversarial"].shape == (5, 1)


def test_mlp_output_is_unbounded_for_points_and_tanh_for_images():
    # Points may lie anywhere (the grid's modes are at +-4); pixels are in [-1, 1]. A large
    # latent drives the piecewise-linear G far out, which tanh must fold back for images.
    point_g, _ = pair("mlp", (2,), latent_dim=4, width=8)
    image_g, _ = pair("mlp", (4, 4, 1), latent_dim=4, width=8)
    latent = 1000.0 * np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
    assert np.abs(np.asarray(point_g(latent))).max() > 10.0
    pixels = np.asarray(image_g(latent))
    assert np.abs(pixels).max() <= 1.0 and np.abs(pixels).max() > 0.99


@pytest.mark.parametrize("latent_dim", [0, -3, 2.5])
def test_bad_latent_sizes_are_refused(latent_dim):
    with pytest.raises(GanzooError, match="latent_dim must be a positive integer"):
        pair("mlp", (2,), latent_dim=latent_dim)


@pytest.mark.parametrize("builder", backbones.list_backbones())
@pytest.mark.parametrize("normalization", common.NORMALIZATIONS)
def test_every_backbone_takes_the_discriminator_normalizations_it_declares(builder,
                                                                           normalization):
    shape = (2,) if builder.endswith("mlp") else (16, 16, 1)
    backbone = backbones.get_backbone(builder, shape)
    small = {"width": 4} if "width" in backbone.arguments else {}
    if backbone.normalizations and normalization not in backbone.normalizations:
        with pytest.raises(GanzooError, match=f"^the {builder} networks take d_normalization "
                                              f".*, not {normalization}$"):
            pair(builder, shape, 4, d_normalization=normalization, **small)
        return
    _, discriminator = pair(builder, shape, 4, d_normalization=normalization, **small)
    kinds = {type(layer).__name__ for layer in discriminator.layers}
    assert ("BatchNormalization" in kinds) == (normalization == "batch")
    assert ("LayerNormalization" in kinds) == (normalization == "layer")
    spectral = {"SpectralDense", "SpectralConv2D"} & kinds
    assert bool(spectral) == (normalization == "spectral")
    if normalization == "spectral":  # every weight layer of D, the output included
        assert not {"Dense", "Conv2D"} & kinds
    out = discriminator(np.random.default_rng(0).normal(size=(4, *shape)).astype("float32"))
    assert out["adversarial"].shape == (4, 1)


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
    generator, discriminator = pair("pacgan_mlp", (2,), 2, packing=2)
    g_dense = [l.units for l in generator.layers if isinstance(l, keras.layers.Dense)]
    assert g_dense == [400] * 4 + [2]  # width does not apply
    assert sum(isinstance(l, keras.layers.BatchNormalization) for l in generator.layers) == 4
    assert not any(l.use_bias for l in generator.layers[:-1] if isinstance(l, keras.layers.Dense))
    d_dense = [l.units for l in discriminator.layers if isinstance(l, keras.layers.Dense)]
    assert d_dense == [200 * 5] * 3 + [1]
    maxouts = [l for l in discriminator.layers if isinstance(l, layers.Maxout)]
    assert [(l.pieces, l.output.shape[-1]) for l in maxouts] == [(5, 200)] * 3
    assert discriminator.get_layer("d_dense_0").kernel.shape == (4, 1000)  # a pack of 2 points
    assert discriminator(np.zeros((6, 2), "float32"))["adversarial"].shape == (3, 1)


def test_pacgan_mlp_refuses_images_in_one_line():
    with pytest.raises(GanzooError) as error:
        pair("pacgan_mlp", (16, 16, 1), 2)
    assert str(error.value) == (
        "the pacgan_mlp networks model vectors, not data of shape (16, 16, 1); for images choose "
        "one of: mlp, dcgan, resnet, stylegan2"
    )


# The ResNet backbone (SNGAN's) and self-attention (SAGAN's).


def test_resnet_at_32x32_has_the_sngan_papers_blocks_and_sizes():
    generator, discriminator = pair("resnet", (32, 32, 3), 128, width=64,
                                    d_normalization="spectral")
    # Miyato et al. 2018, Table 4: G 4x4x256 -> three up-blocks of 256 -> 32x32x3; D two
    # down-blocks of 128 (32 -> 16 -> 8) and two blocks at 8x8.
    g_adds = [l for l in generator.layers if isinstance(l, keras.layers.Add)]
    assert [l.output.shape[1:] for l in g_adds] == [(8, 8, 256), (16, 16, 256), (32, 32, 256)]
    d_adds = [l for l in discriminator.layers if isinstance(l, keras.layers.Add)]
    assert [l.output.shape[1:] for l in d_adds] == [(16, 16, 128), (8, 8, 128)] + [(8, 8, 128)] * 2
    kinds = {type(layer).__name__ for layer in discriminator.layers}
    assert "SpectralConv2D" in kinds and "Conv2D" not in kinds
    # Mimicry's and the paper's counts for this pair: 4.3 M and 1.06 M parameters.
    assert generator.count_params() == 4_280_323 and discriminator.count_params() == 1_055_106


@pytest.mark.parametrize("shape, sides", [((28, 28, 1), (14,)), ((32, 32, 1), (8, 16)),
                                          ((64, 64, 3), (8, 16, 32))])
@pytest.mark.parametrize("conditioning", [None, "projection", "auxiliary"])
def test_resnet_adapts_to_the_image_and_takes_every_conditioning(shape, sides, conditioning):
    assert backbones.resnet.feature_sides(shape[0]) == sides
    spec = dict(width=4, num_classes=3 if conditioning else None, conditioning=conditioning,
                attention=sides[-1])
    generator, discriminator = pair("resnet", shape, 8, **spec)
    latent = tf.random.normal((6, 8), seed=1)
    labels = tf.constant([0, 1, 2, 0, 1, 2])
    images = generator([latent, labels] if conditioning else latent)
    assert images.shape == (6, *shape) and np.abs(images).max() <= 1.0
    outputs = discriminator([images, labels] if conditioning == "projection" else images)
    # Named outputs, the same for every backbone (ganzoo.backbones.conditioning).
    expected = {"adversarial": (6, 1)}
    if conditioning == "auxiliary":
        expected["class_logits"] = (6, 3)
    assert {name: tuple(value.shape) for name, value in outputs.items()} == expected
    if conditioning == "projection":  # the label changes D's output for the same image
        other = discriminator([images, (labels + 1) % 3])
        assert not np.allclose(outputs["adversarial"], other["adversarial"])
    attention = [l for l in generator.layers + discriminator.layers
                 if isinstance(l, layers.SelfAttention)]
    assert [l.output.shape[1] for l in attention] == [sides[-1]] * 2


def test_resnet_refuses_an_attention_side_it_does_not_have_in_one_line():
    with pytest.raises(GanzooError) as error:
        pair("resnet", (32, 32, 1), 8, width=4, attention=32)
    assert str(error.value) == (
        "attention=32: the resnet networks for 32x32 images have feature maps of side 8, 16 in "
        "both G and D; choose one, or leave attention unset"
    )
    with pytest.raises(GanzooError, match=r"^attention=8 is an argument of resnet, not of dcgan$"):
        pair("dcgan", (32, 32, 1), 8, width=4, attention=8)


def test_self_attention_starts_as_the_identity_and_attends_within_each_image():
    layer = layers.SelfAttention()
    x = tf.random.normal((2, 4, 4, 16), seed=0)
    np.testing.assert_array_equal(layer(x), x)  # gamma = 0
    layer.gamma.assign(1.0)
    both = layer(x).numpy()
    assert not np.allclose(both, x.numpy())
    # Each image's output depends on that image only: a per-example D keeps per-example
    # input gradients (the gradient penalties need them).
    np.testing.assert_allclose(layer(x[:1]).numpy(), both[:1], rtol=1e-5, atol=1e-5)
    # Attention is over positions: moving a pixel moves its output with it (equivariance).
    flipped = layer(x[:, ::-1]).numpy()
    np.testing.assert_allclose(flipped, both[:, ::-1], rtol=1e-4, atol=1e-4)


def test_backbones_are_listed_and_conv_is_dcgans_former_name():
    assert backbones.list_backbones() == ["mlp", "dcgan", "pacgan_mlp", "resnet", "stylegan2"]
    assert backbones.resolve("conv", (28, 28, 1)) == "dcgan"
    assert backbones.resolve("auto", (28, 28, 1)) == "dcgan"
    assert backbones.resolve("auto", (2,)) == "mlp"
    with pytest.raises(GanzooError, match="unknown architecture 'vit'; choose one of: auto, mlp"):
        backbones.resolve("vit", (28, 28, 1))


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
