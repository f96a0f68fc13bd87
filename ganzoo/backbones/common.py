"""Layers and checks every backbone shares: precisions, D's normalisations, D's input packs."""

import keras

from ganzoo import configs, layers
from ganzoo.errors import GanzooError

# Radford et al. 2015, Sec. 4: "All weights were initialized from a zero-centered Normal
# distribution with standard deviation 0.02." Batch-norm scales start near 1 as in their code.
DCGAN_KERNEL_INIT = {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.02}}
DCGAN_GAMMA_INIT = {"class_name": "RandomNormal", "config": {"mean": 1.0, "stddev": 0.02}}
LEAKY_SLOPE = 0.2

# Compute precisions: "float32", or Keras mixed precision (float32 variables, 16-bit compute).
# In every precision G's output and D's logits are float32 (docs/design.md, fact 8): tanh and
# the loss are where 16-bit rounding would hurt. bfloat16 keeps float32's exponent range, so it
# needs no loss scaling; float16 does (see GANModel.compile).
PRECISIONS = configs.PRECISIONS

# How D normalises its hidden activations. "batch" mixes the examples of a batch, so a D with it
# has no per-example input gradient: gradient penalties need one of the others.
NORMALIZATIONS = ("batch", "layer", "spectral", "none")


def dtype_policy(precision):
    """The Keras dtype policy name for `precision`; GanzooError names the allowed ones."""
    if precision not in PRECISIONS:
        raise GanzooError(
            f"unknown precision {precision!r}; choose one of: {', '.join(PRECISIONS)}"
        )
    return precision


def check_normalization(normalization):
    if normalization not in NORMALIZATIONS:
        raise GanzooError(
            f"unknown d_normalization {normalization!r}; choose one of: {', '.join(NORMALIZATIONS)}"
        )


def check_latent_dim(latent_dim):
    if not isinstance(latent_dim, int) or latent_dim < 1:
        raise GanzooError(f"latent_dim must be a positive integer, got {latent_dim!r}")


def check_spec(spec):
    """The checks every builder starts with; returns the Keras dtype policy."""
    check_latent_dim(spec.latent_dim)
    check_normalization(spec.d_normalization)
    if not isinstance(spec.packing, int) or spec.packing < 1:
        raise GanzooError(f"packing must be a positive integer, got {spec.packing!r}")
    if spec.conditioning is not None and spec.packing != 1:
        raise GanzooError(
            f"packing={spec.packing} needs unconditional networks, not {spec.conditioning!r}"
        )
    return dtype_policy(spec.precision)


def d_dense(normalization, units, **kwargs):
    """A Dense layer of D: spectrally normalised when D's normalisation is "spectral"."""
    return (layers.SpectralDense if normalization == "spectral" else keras.layers.Dense)(
        units, **kwargs
    )


def d_conv(normalization, filters, **kwargs):
    """A Conv2D layer of D: spectrally normalised when D's normalisation is "spectral"."""
    return (layers.SpectralConv2D if normalization == "spectral" else keras.layers.Conv2D)(
        filters, **kwargs
    )


def batch_norm(name, policy, synchronized):
    return keras.layers.BatchNormalization(
        momentum=0.9, epsilon=1e-5, gamma_initializer=DCGAN_GAMMA_INIT,
        synchronized=synchronized, dtype=policy, name=name,
    )


def d_norm(normalization, name, policy, synchronized_batch_norm, axis=-1):
    """The normalisation layer after a hidden layer of D, or None ("spectral"/"none")."""
    if normalization == "batch":
        return batch_norm(name, policy, synchronized_batch_norm)
    if normalization == "layer":
        return keras.layers.LayerNormalization(axis=axis, epsilon=1e-5, dtype=policy, name=name)
    return None


def d_hidden_dense(y, spec, units, index, policy, activation):
    """D's fully connected hidden layer `index` of the MLP backbones: Dense(units) (spectral
    with D), D's normalisation, then the layer `activation`."""
    y = d_dense(spec.d_normalization, units, dtype=policy, name=f"d_dense_{index}")(y)
    norm = d_norm(spec.d_normalization, f"d_norm_{index}", policy, spec.synchronized_batch_norm)
    return activation(y if norm is None else norm(y))


def discriminator_input(data_shape, packing, policy, name):
    """(D's input [batch, *data_shape], what D's first layer reads): the packs of `packing`
    consecutive examples, [batch / packing, *data_shape[:-1], packing * data_shape[-1]]
    (layers.Pack), or the input itself when packing is 1, which adds no layer."""
    data = keras.Input(tuple(data_shape), name=name)
    if packing == 1:
        return data, data
    return data, layers.Pack(packing, dtype=policy, name="d_pack")(data)


def base_size(height):
    """The starting resolution s0 and the number of stride-2 stages n with height = s0 * 2^n,
    shared by the convolutional backbones.

    Supported heights are s0 * 2^n with 4 <= s0 <= 7 and n >= 2: 16, 20, 24, 28, 32, 40, 48, 56,
    64, 80, 96, 112, 128, ... Returns None for any other height.
    """
    for num_strided in range(2, 12):
        base, remainder = divmod(height, 2**num_strided)
        if remainder == 0 and 4 <= base <= 7:
            return base, num_strided
    return None


SUPPORTED_IMAGE_SHAPES_TEXT = (
    "square images HxHxC with C in {1, 3} and H = s*2^n, 4 <= s <= 7, n >= 2 "
    "(e.g. 28x28x1, 32x32x1, 32x32x3, 64x64x3, 128x128x3)"
)


def check_image_shape(data_shape, networks):
    """Raise GanzooError naming the supported shapes unless the convolutional `networks`
    (e.g. "DCGAN's") can model `data_shape`."""
    data_shape = tuple(data_shape)
    ok = (
        len(data_shape) == 3
        and data_shape[0] == data_shape[1]
        and data_shape[2] in (1, 3)
        and base_size(data_shape[0]) is not None
    )
    if not ok:
        raise GanzooError(
            f"the convolutional networks ({networks}) cannot model data of shape {data_shape}; "
            f"supported: {SUPPORTED_IMAGE_SHAPES_TEXT}"
        )
