"""Generator and discriminator networks. They know nothing of losses or training.

Every builder returns a pair of functional `keras.Model`s:
    generator:     float32 [batch, latent_dim] -> float32 [batch, *data_shape]
    discriminator: float32 [batch, *data_shape] -> float32 [batch / packing, 1] raw outputs
                   (logits for the BCE loss families, scores for critics: see ganzoo.losses),
                   one per pack of `packing` consecutive examples (PacGAN, Lin et al. 2018;
                   packing = 1, the default, is one output per example and adds no layer)

Image data lives in [-1, 1] (the generator ends in tanh); other data, such as 2-D points, is
unbounded (the generator ends in a linear layer).
"""

import keras

from ganzoo import configs, layers
from ganzoo.errors import GanzooError

# Radford et al. 2015, Sec. 4: "All weights were initialized from a zero-centered Normal
# distribution with standard deviation 0.02." Batch-norm scales start near 1 as in their code.
_DCGAN_KERNEL_INIT = {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.02}}
_DCGAN_GAMMA_INIT = {"class_name": "RandomNormal", "config": {"mean": 1.0, "stddev": 0.02}}
_DCGAN_KERNEL_SIZE = 4  # as in the PyTorch DCGAN example; the Theano reference used 5.
_LEAKY_SLOPE = 0.2


# Compute precisions: "float32", or Keras mixed precision (float32 variables, 16-bit compute).
# In every precision G's output and D's logits are float32 (docs/design.md, fact 8): tanh and
# the loss are where 16-bit rounding would hurt. bfloat16 keeps float32's exponent range, so it
# needs no loss scaling; float16 does (see GANModel.compile).
PRECISIONS = configs.PRECISIONS


def dtype_policy(precision):
    """The Keras dtype policy name for `precision`; GanzooError names the allowed ones."""
    if precision not in PRECISIONS:
        raise GanzooError(
            f"unknown precision {precision!r}; choose one of: {', '.join(PRECISIONS)}"
        )
    return precision


# How D normalises its hidden activations. "batch" mixes the examples of a batch, so a D with it
# has no per-example input gradient: gradient penalties need one of the others.
NORMALIZATIONS = ("batch", "layer", "spectral", "none")
ARCHITECTURES = ("mlp", "conv", "auto", "pacgan_mlp")


def check_normalization(normalization):
    if normalization not in NORMALIZATIONS:
        raise GanzooError(
            f"unknown d_normalization {normalization!r}; choose one of: {', '.join(NORMALIZATIONS)}"
        )


def _d_dense(normalization, units, **kwargs):
    """A Dense layer of D: spectrally normalised when D's normalisation is "spectral"."""
    return (layers.SpectralDense if normalization == "spectral" else keras.layers.Dense)(
        units, **kwargs
    )


def _d_norm(normalization, name, policy, synchronized_batch_norm, axis=-1):
    """The normalisation layer after a hidden layer of D, or None ("spectral"/"none")."""
    if normalization == "batch":
        return keras.layers.BatchNormalization(
            momentum=0.9, epsilon=1e-5, gamma_initializer=_DCGAN_GAMMA_INIT,
            synchronized=synchronized_batch_norm, dtype=policy, name=name,
        )
    if normalization == "layer":
        return keras.layers.LayerNormalization(axis=axis, epsilon=1e-5, dtype=policy, name=name)
    return None


def resolve_architecture(architecture, data_shape):
    """"mlp", "conv" or "pacgan_mlp" for `architecture` in ARCHITECTURES; "auto" is conv for
    [H, W, C] images, mlp otherwise."""
    if architecture not in ARCHITECTURES:
        raise GanzooError(
            f"unknown architecture {architecture!r}; choose one of: {', '.join(ARCHITECTURES)}"
        )
    if architecture == "auto":
        return "conv" if is_image_shape(data_shape) else "mlp"
    return architecture


def is_image_shape(data_shape):
    """True for [height, width, channels] data."""
    return len(data_shape) == 3


def _check_latent_dim(latent_dim):
    if not isinstance(latent_dim, int) or latent_dim < 1:
        raise GanzooError(f"latent_dim must be a positive integer, got {latent_dim!r}")


def _discriminator_input(data_shape, packing, policy, name):
    """(D's input [batch, *data_shape], what D's first layer reads): the packs of `packing`
    consecutive examples, [batch / packing, *data_shape[:-1], packing * data_shape[-1]]
    (layers.Pack), or the input itself when packing is 1, which adds no layer."""
    if not isinstance(packing, int) or packing < 1:
        raise GanzooError(f"packing must be a positive integer, got {packing!r}")
    data = keras.Input(tuple(data_shape), name=name)
    if packing == 1:
        return data, data
    return data, layers.Pack(packing, dtype=policy, name="d_pack")(data)


def mlp_pair(
    data_shape, latent_dim, width=256, hidden_layers=2, d_normalization="none",
    synchronized_batch_norm=True, precision="float32", name_prefix="", packing=1,
):
    """Fully connected G and D, as in Goodfellow et al. 2014 (ReLU/LeakyReLU for maxout).

    Works for any data shape: flat vectors such as 2-D points, or images (flattened in D,
    reshaped at G's output).

    Args:
        data_shape: tuple of ints, shape of one example, e.g. (2,) or (28, 28, 1).
        latent_dim: int >= 1.
        width: units in every hidden layer.
        hidden_layers: number of hidden layers in G and in D.
        d_normalization: one of NORMALIZATIONS, after every hidden layer of D ("spectral":
            every Dense layer of D, the output included, is spectrally normalised).
        synchronized_batch_norm: see dcgan_pair.
        precision: see PRECISIONS.
        name_prefix: prefix for the two model names.
        packing: examples per pack D judges (see the module docstring).

    Returns:
        (generator, discriminator).
    """
    _check_latent_dim(latent_dim)
    check_normalization(d_normalization)
    policy = dtype_policy(precision)
    data_shape = tuple(data_shape)
    if not data_shape or any(int(d) < 1 for d in data_shape):
        raise GanzooError(f"data_shape must be positive integers, got {data_shape!r}")
    flat_size = 1
    for dim in data_shape:
        flat_size *= int(dim)

    latent = keras.Input((latent_dim,), name="latent")
    x = latent
    for i in range(hidden_layers):
        x = keras.layers.Dense(width, activation="relu", dtype=policy, name=f"g_dense_{i}")(x)
    # G's last layer computes in float32 under any precision, as D's does: its output is the
    # sample, and bfloat16 rounds a value near 1 to steps of 0.004-0.008, most of a std (0.01)
    # of a ring mode.
    x = keras.layers.Dense(flat_size, dtype="float32", name="g_out")(x)
    if is_image_shape(data_shape):
        x = keras.layers.Activation("tanh", dtype="float32", name="g_tanh")(x)
    x = keras.layers.Reshape(data_shape, dtype="float32", name="g_reshape")(x)
    generator = keras.Model(latent, x, name=f"{name_prefix}generator")

    data, packs = _discriminator_input(data_shape, packing, policy, "data")
    y = keras.layers.Flatten(dtype=policy, name="d_flatten")(packs)
    for i in range(hidden_layers):
        y = _d_dense(d_normalization, width, dtype=policy, name=f"d_dense_{i}")(y)
        norm = _d_norm(d_normalization, f"d_norm_{i}", policy, synchronized_batch_norm)
        y = norm(y) if norm is not None else y
        y = layers.LeakyReLU(_LEAKY_SLOPE, dtype=policy, name=f"d_lrelu_{i}")(y)
    logits = _d_dense(d_normalization, 1, dtype="float32", name="d_logits")(y)
    discriminator = keras.Model(data, logits, name=f"{name_prefix}discriminator")
    return generator, discriminator


# PacGAN's networks for its 2-D mixtures (Lin et al. 2018, synthetic data; VEEGAN's): G has 4
# hidden layers of 400 ReLU units with batch norm, D 3 hidden layers of 200 maxout units with 5
# linear pieces each. Fixed, as in the paper's code (fjxmlzn/PacGAN, 2DGrid_GAN&PacGAN).
PACGAN_G_UNITS, PACGAN_G_LAYERS = 400, 4
PACGAN_D_UNITS, PACGAN_D_LAYERS, PACGAN_MAXOUT_PIECES = 200, 3, 5


def pacgan_mlp_pair(
    data_shape, latent_dim, d_normalization="none", synchronized_batch_norm=True,
    precision="float32", name_prefix="", packing=1,
):
    """PacGAN's toy G and D for vectors such as 2-D points (sizes: PACGAN_* above).

    G: latent -> 4 x (Dense 400 without bias, batch norm, ReLU) -> Dense(data_shape[0]), linear.
    D: packs -> 3 x (Dense 200 * 5, maxout over the 5 pieces) -> Dense(1), a raw output (a logit
    for the BCE loss families). The paper's D has no normalisation ("none"); the others apply
    as in mlp_pair ("spectral": every Dense of D; "batch"/"layer": before each maxout).
    The paper's 2-D latent is latent_dim=2.

    Args:
        data_shape: (d,), one vector; images are refused (they need mlp or conv).
        latent_dim, d_normalization, synchronized_batch_norm, precision, name_prefix, packing:
            as for mlp_pair.

    Returns:
        (generator, discriminator).
    """
    data_shape = tuple(data_shape)
    if len(data_shape) != 1:
        raise GanzooError(
            f"pacgan_mlp models vectors such as 2-D points, not data of shape {data_shape}; "
            f"choose one of: {', '.join(a for a in ARCHITECTURES if a != 'pacgan_mlp')}"
        )
    _check_latent_dim(latent_dim)
    check_normalization(d_normalization)
    policy = dtype_policy(precision)

    latent = keras.Input((latent_dim,), name="latent")
    x = latent
    for i in range(PACGAN_G_LAYERS):
        # No bias before batch norm, which has its own offset (as the paper's code).
        x = keras.layers.Dense(PACGAN_G_UNITS, use_bias=False, dtype=policy,
                               name=f"g_dense_{i}")(x)
        x = _d_norm("batch", f"g_bn_{i}", policy, synchronized_batch_norm)(x)
        x = keras.layers.ReLU(dtype=policy, name=f"g_relu_{i}")(x)
    x = keras.layers.Dense(data_shape[0], dtype="float32", name="g_out")(x)
    generator = keras.Model(latent, x, name=f"{name_prefix}generator")

    data, y = _discriminator_input(data_shape, packing, policy, "data")
    for i in range(PACGAN_D_LAYERS):
        y = _d_dense(d_normalization, PACGAN_D_UNITS * PACGAN_MAXOUT_PIECES, dtype=policy,
                     name=f"d_dense_{i}")(y)
        norm = _d_norm(d_normalization, f"d_norm_{i}", policy, synchronized_batch_norm)
        y = norm(y) if norm is not None else y
        y = layers.Maxout(PACGAN_MAXOUT_PIECES, dtype=policy, name=f"d_maxout_{i}")(y)
    logits = _d_dense(d_normalization, 1, dtype="float32", name="d_logits")(y)
    discriminator = keras.Model(data, logits, name=f"{name_prefix}discriminator")
    return generator, discriminator


def dcgan_base_size(height):
    """The starting resolution s0 and the number of stride-2 layers n with height = s0 * 2^n.

    Supported heights are s0 * 2^n with 4 <= s0 <= 7 and n >= 2: 16, 20, 24, 28, 32, 40, 48, 56,
    64, 80, 96, 112, 128, ... Returns None for any other height.
    """
    for num_strided in range(2, 12):
        base, remainder = divmod(height, 2**num_strided)
        if remainder == 0 and 4 <= base <= 7:
            return base, num_strided
    return None


SUPPORTED_DCGAN_SHAPES_TEXT = (
    "square images HxHxC with C in {1, 3} and H = s*2^n, 4 <= s <= 7, n >= 2 "
    "(e.g. 28x28x1, 32x32x1, 32x32x3, 64x64x3, 128x128x3)"
)


def check_dcgan_shape(data_shape):
    """Raise GanzooError naming the supported shapes unless DCGAN can model `data_shape`."""
    data_shape = tuple(data_shape)
    ok = (
        len(data_shape) == 3
        and data_shape[0] == data_shape[1]
        and data_shape[2] in (1, 3)
        and dcgan_base_size(data_shape[0]) is not None
    )
    if not ok:
        raise GanzooError(
            f"the convolutional networks (DCGAN's) cannot model data of shape {data_shape}; "
            f"supported: "
            f"{SUPPORTED_DCGAN_SHAPES_TEXT}"
        )


# How a class label enters the networks (Miyato & Koyama 2018; Odena et al. 2017).
CONDITIONINGS = ("projection", "auxiliary")


def dcgan_pair(
    data_shape, latent_dim, width=64, d_normalization="batch", synchronized_batch_norm=True,
    precision="float32", name_prefix="", num_classes=None, conditioning=None, packing=1,
):
    """The DCGAN generator and discriminator of Radford et al. 2015, sized to the image.

    G: latent -> dense to s0 x s0 x (width * 2^(n-1)) -> n stride-2 transposed convolutions,
    halving the filters each time, to H x H x C; batch norm + ReLU everywhere except the output,
    which is tanh. D mirrors it: n stride-2 convolutions doubling the filters from `width`,
    LeakyReLU(0.2), batch norm everywhere except on the input layer, then a dense output.

    Args:
        data_shape: (H, H, C), see SUPPORTED_DCGAN_SHAPES_TEXT.
        latent_dim: int >= 1.
        width: filters of G's last hidden layer and D's first layer.
        d_normalization: one of NORMALIZATIONS for D (G always has batch norm): "batch" as in
            DCGAN, "layer" (over H, W and C, the drop-in Gulrajani et al. 2017 recommend for a
            critic), "spectral" (every convolution and the output layer of D spectrally
            normalised, no other normalisation, as SNGAN), or "none".
        synchronized_batch_norm: compute batch statistics over the global batch (all replicas)
            rather than each replica's share. On one device the two are identical; on N
            replicas only synchronized statistics give the single-device result, at the cost of
            one all-reduce per batch-norm layer.
        precision: see PRECISIONS.
        name_prefix: prefix for the two model names.
        num_classes: classes of a conditional pair (with `conditioning`).
        conditioning: None (unconditional), or how labels int32 [batch] in [0, num_classes)
            enter: "projection" (Miyato & Koyama 2018): G = [latent, labels] -> images with
            class-conditional batch norm everywhere; D = [images, labels] -> float32 [batch, 1],
            psi(phi(x)) + <V y, phi(x)> with phi(x) D's flattened last features (V spectrally
            normalised with D). "auxiliary" (ACGAN, Odena et al. 2017): G = [latent, labels]
            -> images, the one-hot label concatenated to the latent; D = images ->
            [float32 [batch, 1] adversarial output, float32 [batch, num_classes] class logits].
        packing: examples per pack D judges, joined along the channel axis (see the module
            docstring); unconditional networks only, since a pack of images has no one label.

    Returns:
        (generator, discriminator).
    """
    _check_latent_dim(latent_dim)
    check_dcgan_shape(data_shape)
    if conditioning is not None and conditioning not in CONDITIONINGS:
        raise GanzooError(
            f"unknown conditioning {conditioning!r}; one of: {', '.join(CONDITIONINGS)}"
        )
    if conditioning is not None and packing != 1:
        raise GanzooError(f"packing={packing} needs unconditional networks, not {conditioning!r}")
    check_normalization(d_normalization)
    policy = dtype_policy(precision)
    height, _, channels = data_shape
    base, num_strided = dcgan_base_size(height)

    def batch_norm(name):
        return _d_norm("batch", name, policy, synchronized_batch_norm)

    labels = keras.Input((), dtype="int32", name="labels") if conditioning else None

    def g_batch_norm(x, name):
        if conditioning == "projection":
            return layers.ConditionalBatchNormalization(
                num_classes, momentum=0.9, epsilon=1e-5, synchronized=synchronized_batch_norm,
                dtype=policy, name=name,
            )([x, labels])
        return batch_norm(name)(x)

    def conv_kwargs():
        return dict(
            kernel_size=_DCGAN_KERNEL_SIZE,
            strides=2,
            padding="same",
            kernel_initializer=_DCGAN_KERNEL_INIT,
            dtype=policy,
        )

    latent = keras.Input((latent_dim,), name="latent")
    filters = width * 2 ** (num_strided - 1)
    x = latent
    if conditioning == "auxiliary":
        one_hot = keras.layers.Lambda(
            lambda y: keras.ops.one_hot(y, num_classes), dtype=policy, name="g_one_hot"
        )(labels)
        x = keras.layers.Concatenate(dtype=policy, name="g_condition")([latent, one_hot])
    x = keras.layers.Dense(
        base * base * filters, use_bias=False, kernel_initializer=_DCGAN_KERNEL_INIT,
        dtype=policy, name="g_project",
    )(x)
    x = keras.layers.Reshape((base, base, filters), dtype=policy, name="g_reshape")(x)
    x = g_batch_norm(x, "g_bn_0")
    x = keras.layers.ReLU(dtype=policy, name="g_relu_0")(x)
    for i in range(1, num_strided):
        filters //= 2
        x = keras.layers.Conv2DTranspose(
            filters, use_bias=False, name=f"g_deconv_{i}", **conv_kwargs()
        )(x)
        x = g_batch_norm(x, f"g_bn_{i}")
        x = keras.layers.ReLU(dtype=policy, name=f"g_relu_{i}")(x)
    x = keras.layers.Conv2DTranspose(channels, name="g_deconv_out", **conv_kwargs())(x)
    images = keras.layers.Activation("tanh", dtype="float32", name="g_tanh")(x)
    g_inputs = [latent, labels] if conditioning else latent
    generator = keras.Model(g_inputs, images, name=f"{name_prefix}generator")

    data, y = _discriminator_input(data_shape, packing, policy, "images")
    filters = width
    conv = layers.SpectralConv2D if d_normalization == "spectral" else keras.layers.Conv2D
    for i in range(num_strided):
        # No normalisation on D's input layer (Radford et al. 2015, Sec. 3); biases are
        # redundant before batch or layer norm (which have their own offset).
        norm = None if i == 0 else _d_norm(
            d_normalization, f"d_{'bn' if d_normalization == 'batch' else 'norm'}_{i}", policy,
            synchronized_batch_norm, axis=[1, 2, 3],
        )
        y = conv(filters, use_bias=norm is None, name=f"d_conv_{i}", **conv_kwargs())(y)
        y = norm(y) if norm is not None else y
        y = layers.LeakyReLU(_LEAKY_SLOPE, dtype=policy, name=f"d_lrelu_{i}")(y)
        filters *= 2
    y = keras.layers.Flatten(dtype=policy, name="d_flatten")(y)
    logits = _d_dense(
        d_normalization, 1, kernel_initializer=_DCGAN_KERNEL_INIT, dtype="float32",
        name="d_logits",
    )(y)
    if conditioning == "projection":
        # <V y, phi(x)> as one Dense kernel [features, num_classes] read at the label's column:
        # the same inner product, and spectral norm of the kernel is that of V.
        per_class = _d_dense(
            d_normalization, num_classes, use_bias=False, kernel_initializer=_DCGAN_KERNEL_INIT,
            dtype="float32", name="d_projection",
        )(y)
        projection = keras.layers.Lambda(
            lambda args: keras.ops.take_along_axis(
                args[0], keras.ops.expand_dims(keras.ops.cast(args[1], "int32"), 1), axis=1
            ),
            dtype="float32", name="d_projection_of_label",
        )([per_class, labels])
        logits = keras.layers.Add(dtype="float32", name="d_output")([logits, projection])
        discriminator = keras.Model([data, labels], logits, name=f"{name_prefix}discriminator")
    elif conditioning == "auxiliary":
        class_logits = _d_dense(
            d_normalization, num_classes, kernel_initializer=_DCGAN_KERNEL_INIT, dtype="float32",
            name="d_class_logits",
        )(y)
        discriminator = keras.Model(data, [logits, class_logits],
                                    name=f"{name_prefix}discriminator")
    else:
        discriminator = keras.Model(data, logits, name=f"{name_prefix}discriminator")
    return generator, discriminator


def build_pair(
    architecture, data_shape, latent_dim, width, hidden_layers=2, d_normalization="none",
    synchronized_batch_norm=True, precision="float32", num_classes=None, conditioning=None,
    packing=1,
):
    """(generator, discriminator) of `architecture` (one of ARCHITECTURES, see
    resolve_architecture); D judges packs of `packing` examples (every architecture).
    `hidden_layers` applies to the MLP only, `conditioning` (see dcgan_pair) to the
    convolutional networks only; pacgan_mlp has the paper's fixed sizes, so it takes neither
    `width` nor `hidden_layers`."""
    if conditioning is not None and len(data_shape) != 3:
        raise GanzooError(
            f"class conditioning ({conditioning}) needs images [H, W, C], not data of shape "
            f"{tuple(data_shape)}; train conditional models on labelled images"
        )
    architecture = resolve_architecture(architecture, data_shape)
    common = dict(d_normalization=d_normalization, synchronized_batch_norm=synchronized_batch_norm,
                  precision=precision, packing=packing)
    if architecture == "conv":
        return dcgan_pair(data_shape, latent_dim, width=width, num_classes=num_classes,
                          conditioning=conditioning, **common)
    if conditioning is not None:
        raise GanzooError(
            f"class conditioning needs the convolutional networks (images), not data of shape "
            f"{tuple(data_shape)}"
        )
    if architecture == "pacgan_mlp":
        return pacgan_mlp_pair(data_shape, latent_dim, **common)
    return mlp_pair(data_shape, latent_dim, width=width, hidden_layers=hidden_layers, **common)
