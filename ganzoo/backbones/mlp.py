"""Fully connected G and D, as in Goodfellow et al. 2014 (ReLU/LeakyReLU for maxout)."""

import math

import keras

from ganzoo import layers
from ganzoo.arguments import positive_int
from ganzoo.backbones import common, conditioning, register_backbone
from ganzoo.backbones.common import LEAKY_SLOPE
from ganzoo.errors import GanzooError


@register_backbone(
    "mlp", images=True, vectors=True,
    arguments={
        "width": positive_int("Units per hidden layer of G and D.", default=256),
        "hidden_layers": positive_int("Hidden layers of G and of D.", default=2),
    },
    summary="fully connected, `hidden_layers` x `width` units in G and D (any data shape)",
)
def build(spec):
    """G: latent -> hidden_layers x (Dense(width), ReLU) -> Dense to the data, reshaped (tanh
    for images). D: flattened packs -> hidden_layers x (Dense(width), D's normalisation,
    LeakyReLU(0.2)) -> Dense(1). Any data shape: vectors such as 2-D points, or images
    ("spectral": every Dense layer of D, the output included, is spectrally normalised)."""
    policy = common.check_spec(spec)
    data_shape = tuple(spec.data_shape)
    if not data_shape or any(int(d) < 1 for d in data_shape):
        raise GanzooError(f"data_shape must be positive integers, got {data_shape!r}")

    latent = keras.Input((spec.latent_dim,), name="latent")
    x = latent
    for i in range(spec.hidden_layers):
        x = keras.layers.Dense(spec.width, activation="relu", dtype=policy,
                               name=f"g_dense_{i}")(x)
    # G's last layer computes in float32 under any precision, as D's does: its output is the
    # sample, and bfloat16 rounds a value near 1 to steps of 0.004-0.008, most of a std (0.01)
    # of a ring mode.
    x = keras.layers.Dense(math.prod(data_shape), dtype="float32", name="g_out")(x)
    if len(data_shape) == 3:
        x = keras.layers.Activation("tanh", dtype="float32", name="g_tanh")(x)
    x = keras.layers.Reshape(data_shape, dtype="float32", name="g_reshape")(x)
    generator = keras.Model(latent, x, name="generator")

    data, packs = common.discriminator_input(data_shape, spec.packing, policy, "data")
    y = keras.layers.Flatten(dtype=policy, name="d_flatten")(packs)
    for i in range(spec.hidden_layers):
        y = common.d_hidden_dense(
            y, spec, spec.width, i, policy,
            layers.LeakyReLU(LEAKY_SLOPE, dtype=policy, name=f"d_lrelu_{i}"),
        )
    return generator, conditioning.discriminator(spec, data, y, None, "discriminator")
