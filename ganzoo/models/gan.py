"""The original GAN (Goodfellow et al. 2014): MLP generator and discriminator, minimax loss."""

import keras

from ganzoo import networks
from ganzoo.models.base import GANModel
from ganzoo.registry import register_model


@register_model("gan")
@keras.saving.register_keras_serializable(package="ganzoo")
class GAN(GANModel):
    """MLP GAN with the saturating minimax generator loss.

    Args:
        width: units per hidden layer of G and D.
        hidden_layers: hidden layers in each network.
        **kwargs: see GANModel.
    """

    default_generator_loss = "minimax"

    def __init__(self, width=256, hidden_layers=2, **kwargs):
        self.width = width
        self.hidden_layers = hidden_layers
        super().__init__(**kwargs)

    def build_networks(self):
        return networks.mlp_pair(
            self.data_shape, self.latent_dim, width=self.width, hidden_layers=self.hidden_layers,
            precision=self.precision,
        )

    def get_config(self):
        return {**super().get_config(), "width": self.width, "hidden_layers": self.hidden_layers}
