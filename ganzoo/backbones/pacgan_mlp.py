"""PacGAN's networks for its 2-D mixtures (Lin et al. 2018, synthetic data; VEEGAN's).

G has 4 hidden layers of 400 ReLU units with batch norm, D 3 hidden layers of 200 maxout units
with 5 linear pieces each. Fixed, as in the paper's code (fjxmlzn/PacGAN, 2DGrid_GAN&PacGAN).
"""

import keras

from ganzoo import layers
from ganzoo.backbones import common, conditioning, register_backbone

G_UNITS, G_LAYERS = 400, 4
D_UNITS, D_LAYERS, MAXOUT_PIECES = 200, 3, 5


@register_backbone(
    "pacgan_mlp", images=False, vectors=True,
    summary="PacGAN's toy networks for vectors, fixed sizes: G 4 x 400 ReLU + batch norm, "
    "D 3 x 200 maxout units of 5 pieces",
)
def build(spec):
    """G: latent -> 4 x (Dense 400 without bias, batch norm, ReLU) -> Dense(d), linear.
    D: packs -> 3 x (Dense 200 * 5, maxout over the 5 pieces) -> Dense(1), a raw output. The
    paper's D has no normalisation ("none"); the others apply as in mlp ("spectral": every
    Dense of D; "batch"/"layer": before each maxout). The paper's 2-D latent is latent_dim=2;
    `width` and `hidden_layers` are not used (the sizes are the paper's)."""
    policy = common.check_spec(spec)
    latent = keras.Input((spec.latent_dim,), name="latent")
    x = latent
    for i in range(G_LAYERS):
        # No bias before batch norm, which has its own offset (as the paper's code).
        x = keras.layers.Dense(G_UNITS, use_bias=False, dtype=policy, name=f"g_dense_{i}")(x)
        x = common.batch_norm(f"g_bn_{i}", policy, spec.synchronized_batch_norm)(x)
        x = keras.layers.ReLU(dtype=policy, name=f"g_relu_{i}")(x)
    x = keras.layers.Dense(spec.data_shape[0], dtype="float32", name="g_out")(x)
    generator = keras.Model(latent, x, name="generator")

    data, y = common.discriminator_input(spec.data_shape, spec.packing, policy, "data")
    for i in range(D_LAYERS):
        y = common.d_hidden_dense(
            y, spec, D_UNITS * MAXOUT_PIECES, i, policy,
            layers.Maxout(MAXOUT_PIECES, dtype=policy, name=f"d_maxout_{i}"),
        )
    return generator, conditioning.discriminator(spec, data, y, None, "discriminator")
