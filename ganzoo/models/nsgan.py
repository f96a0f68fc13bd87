"""The non-saturating GAN: the MLP GAN whose generator descends -log D(G(z)) instead."""

import keras

from ganzoo.models.base import GANModel
from ganzoo.registry import register_model


@register_model("nsgan")
@keras.saving.register_keras_serializable(package="ganzoo")
class NSGAN(GANModel):
    """GAN with the non-saturating generator loss (Goodfellow et al. 2014, Sec. 3)."""

    defaults = {**GANModel.defaults, "loss_family": "non_saturating"}
