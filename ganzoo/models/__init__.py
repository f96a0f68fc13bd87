"""The zoo. Importing this package registers every model."""

from ganzoo.models.acgan import ACGAN
from ganzoo.models.base import GANModel
from ganzoo.models.cgan import CGAN
from ganzoo.models.dcgan import DCGAN
from ganzoo.models.gan import GAN
from ganzoo.models.lsgan import LSGAN
from ganzoo.models.nsgan import NSGAN
from ganzoo.models.sngan import SNGAN
from ganzoo.models.stylegan2 import ConditionalStyleGAN2, StyleGAN2
from ganzoo.models.wgan_gp import WGANGP

__all__ = [
    "GANModel", "GAN", "NSGAN", "DCGAN", "LSGAN", "SNGAN", "WGANGP", "CGAN", "ACGAN", "StyleGAN2",
    "ConditionalStyleGAN2",
]
