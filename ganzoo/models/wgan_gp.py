"""WGAN-GP (Gulrajani et al. 2017): a Wasserstein critic with a gradient penalty."""

import keras

from ganzoo.models.base import GANModel
from ganzoo.registry import register_model


@register_model("wgan_gp")
@keras.saving.register_keras_serializable(package="ganzoo")
class WGANGP(GANModel):
    """Wasserstein GAN with gradient penalty, the defaults of the paper's Algorithm 1:
    lambda = 10, n_critic = 5, Adam(alpha=1e-4, beta_1=0, beta_2=0.9), critic without batch norm.

    Networks: the DCGAN pair for images (batch norm in G, none in the critic), an MLP for
    vectors such as 2-D points (architecture="auto"). Departs from the paper: its CIFAR-10 and
    LSUN critics were ResNets or DCGAN-like with 5x5 kernels; here the critic is ganzoo's DCGAN
    discriminator without normalisation (d_normalization="layer" gives the layer norm the paper
    recommends as a drop-in). The interpolation weights are drawn per example from the same
    keyed, per-replica source as the noise, so runs are reproducible at any replica count.
    The critic logs raw scores and the Wasserstein estimate, not probabilities.
    """

    defaults = {
        **GANModel.defaults,
        "latent_dim": 128,
        "architecture": "auto",
        "width": 64,
        "loss_family": "wasserstein",
        "d_normalization": "none",
        "d_steps": 5,
        "gp_weight": 10.0,
        "d_learning_rate": 1e-4,
        "g_learning_rate": 1e-4,
        "beta_1": 0.0,
        "beta_2": 0.9,
    }
