"""The DCGAN generator and discriminator of Radford et al. 2015, sized to the image."""

import keras

from ganzoo import layers
from ganzoo.arguments import positive_int
from ganzoo.backbones import common, conditioning, register_backbone
from ganzoo.backbones.common import DCGAN_KERNEL_INIT, LEAKY_SLOPE

KERNEL_SIZE = 4  # as in the PyTorch DCGAN example; the Theano reference used 5.


@register_backbone(
    "dcgan", images=True, vectors=False, conditionings=conditioning.CONDITIONINGS,
    arguments={"width": positive_int(
        "Filters of G's last hidden layer and D's first; they double per resolution.",
        default=64,
    )},
    summary="DCGAN's strided convolutions (images; the conditional models' default)",
)
def build(spec):
    """G: latent -> dense to s0 x s0 x (width * 2^(n-1)) -> n stride-2 transposed convolutions,
    halving the filters each time, to H x H x C; batch norm + ReLU everywhere except the output,
    which is tanh. D mirrors it: n stride-2 convolutions doubling the filters from `width`,
    LeakyReLU(0.2), D's normalisation everywhere except on the input layer, then a dense
    output. H = s0 * 2^n (common.SUPPORTED_IMAGE_SHAPES_TEXT).

    D's normalisations: "batch" as in DCGAN, "layer" (over H, W and C, the drop-in Gulrajani et
    al. 2017 recommend for a critic), "spectral" (every convolution and the output layer of D
    spectrally normalised, no other normalisation, as SNGAN), or "none". Conditioning: both
    parts of ganzoo.backbones.conditioning (projection: conditional batch norm in G).
    """
    policy = common.check_spec(spec)
    common.check_image_shape(spec.data_shape, "DCGAN's")
    height, _, channels = spec.data_shape
    base, num_strided = common.base_size(height)
    labels = conditioning.label_input(spec)

    def conv_kwargs():
        return dict(kernel_size=KERNEL_SIZE, strides=2, padding="same",
                    kernel_initializer=DCGAN_KERNEL_INIT, dtype=policy)

    latent = keras.Input((spec.latent_dim,), name="latent")
    filters = spec.width * 2 ** (num_strided - 1)
    x = conditioning.generator_input(spec, latent, labels, policy)
    x = keras.layers.Dense(
        base * base * filters, use_bias=False, kernel_initializer=DCGAN_KERNEL_INIT,
        dtype=policy, name="g_project",
    )(x)
    x = keras.layers.Reshape((base, base, filters), dtype=policy, name="g_reshape")(x)
    x = conditioning.generator_norm(spec, labels, policy, "g_bn_0")(x)
    x = keras.layers.ReLU(dtype=policy, name="g_relu_0")(x)
    for i in range(1, num_strided):
        filters //= 2
        x = keras.layers.Conv2DTranspose(
            filters, use_bias=False, name=f"g_deconv_{i}", **conv_kwargs()
        )(x)
        x = conditioning.generator_norm(spec, labels, policy, f"g_bn_{i}")(x)
        x = keras.layers.ReLU(dtype=policy, name=f"g_relu_{i}")(x)
    x = keras.layers.Conv2DTranspose(channels, name="g_deconv_out", **conv_kwargs())(x)
    images = keras.layers.Activation("tanh", dtype="float32", name="g_tanh")(x)
    generator = keras.Model(conditioning.generator_inputs(latent, labels), images,
                            name="generator")

    data, y = common.discriminator_input(spec.data_shape, spec.packing, policy, "images")
    filters = spec.width
    normalization = spec.d_normalization
    for i in range(num_strided):
        # No normalisation on D's input layer (Radford et al. 2015, Sec. 3); biases are
        # redundant before batch or layer norm (which have their own offset).
        norm = None if i == 0 else common.d_norm(
            normalization, f"d_{'bn' if normalization == 'batch' else 'norm'}_{i}", policy,
            spec.synchronized_batch_norm, axis=[1, 2, 3],
        )
        y = common.d_conv(normalization, filters, use_bias=norm is None, name=f"d_conv_{i}",
                          **conv_kwargs())(y)
        y = norm(y) if norm is not None else y
        y = layers.LeakyReLU(LEAKY_SLOPE, dtype=policy, name=f"d_lrelu_{i}")(y)
        filters *= 2
    y = keras.layers.Flatten(dtype=policy, name="d_flatten")(y)
    return generator, conditioning.discriminator(
        spec, data, y, labels, "discriminator", kernel_initializer=DCGAN_KERNEL_INIT
    )
