"""The SNGAN paper's ResNet G and D (Miyato et al. 2018, Appendix B, CIFAR-10), with SAGAN's
optional self-attention (Zhang et al. 2019), sized to the image."""

import keras

from ganzoo import layers
from ganzoo.arguments import Argument, positive_int
from ganzoo.backbones import common, conditioning, register_backbone
from ganzoo.errors import GanzooError

KERNEL_SIZE = 3
# D's blocks after its downsampling ones, at its smallest feature map (the paper: two at 8x8).
PLAIN_D_BLOCKS = 2


def feature_sides(height):
    """The feature-map sides where both G and D can hold a self-attention block (`attention`):
    those strictly between G's first map (s0) and the image, e.g. (8, 16) for 32x32."""
    base, num_up = common.base_size(height)
    return tuple(base * 2**k for k in range(1, num_up))


@register_backbone(
    "resnet", images=True, vectors=False, conditionings=conditioning.CONDITIONINGS,
    arguments={
        "width": positive_int("G's blocks have 4 x width channels, D's 2 x width.", default=64),
        "attention": Argument(
            int, "Side of the feature map that gets a self-attention block in G and D (SAGAN, "
            "e.g. 16 for 32x32 images); None = no attention.", low=1, optional=True,
        ),
    },
    summary="SNGAN's ResNet (residual up- and down-sampling blocks; G 4 x width channels, "
    "D 2 x width), optional self-attention (`attention`)",
)
def build(spec):
    """G: latent -> dense to s0 x s0 x (4 * width) -> n up-blocks (BN, ReLU, nearest 2x
    upsampling, 3x3 conv, BN, ReLU, 3x3 conv; shortcut: upsampling and a 1x1 conv) -> BN, ReLU,
    3x3 conv to C, tanh. At 32x32 with width 64 this is the paper's G (256 channels, 4 -> 8 ->
    16 -> 32); 28x28 starts at 7x7 (two up-blocks), 64x64 at 4x4 (four).

    D: (n - 1) down-blocks of 2 * width channels (the first one the paper's "optimised" block:
    3x3 conv, ReLU, 3x3 conv, 2x2 average pooling; shortcut pooling then a 1x1 conv; the others
    ReLU, 3x3 conv, ReLU, 3x3 conv, pooling; shortcut 1x1 conv then pooling), two blocks
    without pooling (identity shortcut), ReLU, sum over positions (the mean unless D is
    spectrally normalised, as WGAN-GP's ResNet), then the dense output and the conditioning
    heads. At 32x32 with width 64: the paper's D (128 channels, 32 -> 16 -> 8,
    two blocks at 8). D's normalisation: "spectral" (the paper: every convolution and dense
    layer), "batch" or "layer" before each ReLU inside a block, or "none".

    `attention` (a side from `feature_sides`) puts a layers.SelfAttention block after G's block
    that outputs that side and after D's block that first reaches it (spectrally normalised in
    D when D is). Conditioning: projection (conditional batch norm in G's blocks, SNGAN's cGAN)
    or auxiliary (one-hot label concatenated to the latent, a class head on D).
    """
    policy = common.check_spec(spec)
    common.check_image_shape(spec.data_shape, "the ResNet's")
    height, _, channels = spec.data_shape
    base, num_up = common.base_size(height)
    if spec.attention is not None and spec.attention not in feature_sides(height):
        raise GanzooError(
            f"attention={spec.attention}: the resnet networks for {height}x{height} images have "
            f"feature maps of side {', '.join(map(str, feature_sides(height)))} in both G and D; "
            f"choose one, or leave attention unset"
        )
    labels = conditioning.label_input(spec)
    latent = keras.Input((spec.latent_dim,), name="latent")
    generator = keras.Model(
        conditioning.generator_inputs(latent, labels),
        _generator(spec, latent, labels, policy, base, num_up, channels), name="generator",
    )
    data, y = common.discriminator_input(spec.data_shape, spec.packing, policy, "images")
    features = _discriminator_features(spec, y, policy, height, num_up)
    return generator, conditioning.discriminator(spec, data, features, labels, "discriminator")


def _conv(filters, name, policy, kernel_size=KERNEL_SIZE):
    return keras.layers.Conv2D(filters, kernel_size, padding="same", dtype=policy, name=name)


def _generator(spec, latent, labels, policy, base, num_up, channels):
    filters = 4 * spec.width
    x = conditioning.generator_input(spec, latent, labels, policy)
    x = keras.layers.Dense(base * base * filters, dtype=policy, name="g_project")(x)
    x = keras.layers.Reshape((base, base, filters), dtype=policy, name="g_reshape")(x)
    for i in range(num_up):
        name = f"g_block_{i}"
        shortcut = keras.layers.UpSampling2D(2, dtype=policy, name=f"{name}_up_shortcut")(x)
        shortcut = _conv(filters, f"{name}_shortcut", policy, kernel_size=1)(shortcut)
        h = conditioning.generator_norm(spec, labels, policy, f"{name}_bn_0")(x)
        h = keras.layers.ReLU(dtype=policy, name=f"{name}_relu_0")(h)
        h = keras.layers.UpSampling2D(2, dtype=policy, name=f"{name}_up")(h)
        h = _conv(filters, f"{name}_conv_0", policy)(h)
        h = conditioning.generator_norm(spec, labels, policy, f"{name}_bn_1")(h)
        h = keras.layers.ReLU(dtype=policy, name=f"{name}_relu_1")(h)
        h = _conv(filters, f"{name}_conv_1", policy)(h)
        x = keras.layers.Add(dtype=policy, name=f"{name}_add")([h, shortcut])
        if spec.attention == base * 2 ** (i + 1):
            x = layers.SelfAttention(dtype=policy, name="g_attention")(x)
    x = common.batch_norm("g_bn_out", policy, spec.synchronized_batch_norm)(x)
    x = keras.layers.ReLU(dtype=policy, name="g_relu_out")(x)
    x = _conv(channels, "g_conv_out", policy)(x)
    return keras.layers.Activation("tanh", dtype="float32", name="g_tanh")(x)


def _discriminator_features(spec, y, policy, height, num_up):
    filters = 2 * spec.width
    normalization = spec.d_normalization

    def conv(name, kernel_size=KERNEL_SIZE):
        return common.d_conv(normalization, filters, kernel_size=kernel_size, padding="same",
                             dtype=policy, name=name)

    def activation(h, name):
        norm = common.d_norm(normalization, f"{name}_norm", policy,
                             spec.synchronized_batch_norm, axis=[1, 2, 3])
        h = norm(h) if norm is not None else h
        return keras.layers.ReLU(dtype=policy, name=f"{name}_relu")(h)

    def pool(h, name):
        return keras.layers.AveragePooling2D(2, dtype=policy, name=name)(h)

    side = height
    attended = False
    num_down = num_up - 1
    for i in range(num_down + PLAIN_D_BLOCKS):
        name = f"d_block_{i}"
        down = i < num_down
        if i == 0:  # the "optimised" first block: no activation before its first convolution
            h = conv(f"{name}_conv_0")(y)
            h = conv(f"{name}_conv_1")(activation(h, f"{name}_0"))
            shortcut = conv(f"{name}_shortcut", kernel_size=1)(pool(y, f"{name}_pool_shortcut"))
        else:
            h = conv(f"{name}_conv_0")(activation(y, f"{name}_0"))
            h = conv(f"{name}_conv_1")(activation(h, f"{name}_1"))
            shortcut = y
            if down:
                shortcut = pool(conv(f"{name}_shortcut", kernel_size=1)(y),
                                f"{name}_pool_shortcut")
        if down:
            h = pool(h, f"{name}_pool")
            side //= 2
        y = keras.layers.Add(dtype=policy, name=f"{name}_add")([h, shortcut])
        if spec.attention == side and not attended:
            y = layers.SelfAttention(spectral=normalization == "spectral", dtype=policy,
                                     name="d_attention")(y)
            attended = True
    y = keras.layers.ReLU(dtype=policy, name="d_relu_out")(y)
    y = keras.layers.GlobalAveragePooling2D(dtype=policy, name="d_pool_out")(y)
    if normalization != "spectral":
        # The mean over positions, as WGAN-GP's ResNet critic: without spectral norm, a sum
        # over 64 positions scales D's output and gradients 64-fold (a tiny dcgan on this D
        # diverged in its first steps at SGD(0.05)).
        return y
    # SNGAN's global sum pooling: the mean times the number of positions.
    return keras.layers.Rescaling(float(side * side), dtype=policy, name="d_sum_out")(y)
