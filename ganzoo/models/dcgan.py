"""DCGAN (Radford et al. 2015): convolutional G and D with batch norm, non-saturating loss."""

import keras

from ganzoo.models.base import GANModel
from ganzoo.registry import register_model


@register_model("dcgan")
@keras.saving.register_keras_serializable(package="ganzoo")
class DCGAN(GANModel):
    """Deep convolutional GAN, trained with the non-saturating loss as in the DCGAN code.

    Networks: ganzoo.backbones.dcgan (strided convolutions, batch norm in G and in D but on
    D's input layer, ReLU in G, LeakyReLU(0.2) in D, N(0, 0.02) weights); Adam(2e-4,
    beta_1=0.5) (Radford et al. 2015, Sec. 4). Departs from the paper: 4x4 kernels (the
    PyTorch example's; the Theano code used 5x5), latent width 64 instead of 100.
    """

    defaults = {
        **GANModel.defaults,
        "architecture": "dcgan",
        "width": 64,
        "d_normalization": "batch",
        "loss_family": "non_saturating",
    }
