"""The original GAN (Goodfellow et al. 2014): MLP generator and discriminator, minimax loss."""

import keras

from ganzoo.models.base import GANModel
from ganzoo.registry import register_model


@register_model("gan")
@keras.saving.register_keras_serializable(package="ganzoo")
class GAN(GANModel):
    """MLP GAN with the saturating minimax generator loss (Goodfellow et al. 2014, eq. 1).

    Departs from the paper: LeakyReLU(0.2) in D where the paper used maxout units, ReLU in G
    for its mix of ReLU and sigmoid, Adam(2e-4, beta_1=0.5) for SGD with momentum; the
    arguments are GANModel.defaults.
    """
