"""DCGAN (Radford et al. 2015): convolutional G and D with batch norm, non-saturating loss."""

import keras

from ganzoo import networks
from ganzoo.models.base import GANModel
from ganzoo.registry import register_model


@register_model("dcgan")
@keras.saving.register_keras_serializable(package="ganzoo")
class DCGAN(GANModel):
    """Deep convolutional GAN, trained with the non-saturating loss as in the DCGAN code.

    Args:
        width: filters of G's last hidden layer and D's first (doubling per resolution).
        synchronized_batch_norm: batch statistics over all replicas (the default, exact at any
            replica count) or per replica (faster on many devices; each replica then normalises
            by the statistics of its share of the batch, so results depend on replica count).
        **kwargs: see GANModel.
    """

    default_generator_loss = "non_saturating"

    def __init__(self, width=64, synchronized_batch_norm=True, **kwargs):
        self.width = width
        self.synchronized_batch_norm = synchronized_batch_norm
        super().__init__(**kwargs)

    def build_networks(self):
        return networks.dcgan_pair(
            self.data_shape,
            self.latent_dim,
            width=self.width,
            synchronized_batch_norm=self.synchronized_batch_norm,
            precision=self.precision,
        )

    def get_config(self):
        return {
            **super().get_config(),
            "width": self.width,
            "synchronized_batch_norm": self.synchronized_batch_norm,
        }
