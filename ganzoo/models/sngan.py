"""SNGAN (Miyato et al. 2018): hinge loss and a spectrally normalised discriminator."""

import keras

from ganzoo.models.base import GANModel
from ganzoo.registry import register_model


@register_model("sngan")
@keras.saving.register_keras_serializable(package="ganzoo")
class SNGAN(GANModel):
    """Spectrally normalised GAN with the hinge loss, the paper's settings for its standard CNN
    (Table 1, setting C: Adam(alpha=2e-4, beta_1=0.5, beta_2=0.999), n_dis = 1), latent 128.

    Spectral norm: ganzoo.layers (W / sigma(W) with one power iteration per training call and
    the gradient through sigma, as in the paper). Departs from the paper: the networks are
    ganzoo's DCGAN pair (4x4 stride-2 convolutions, batch norm in G) with spectral norm instead
    of batch norm in D, not the paper's 7-layer standard CNN with 3x3 layers between the
    strided ones, so that the zoo's convolutional models differ only in loss and normalisation;
    an MLP pair for vectors (architecture="auto").
    """

    defaults = {
        **GANModel.defaults,
        "latent_dim": 128,
        "architecture": "auto",
        "width": 64,
        "loss_family": "hinge",
        "d_normalization": "spectral",
    }
