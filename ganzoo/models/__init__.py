"""The zoo. Importing this package registers every model."""

from ganzoo.models.base import GANModel
from ganzoo.models.dcgan import DCGAN
from ganzoo.models.gan import GAN
from ganzoo.models.nsgan import NSGAN

__all__ = ["GANModel", "GAN", "NSGAN", "DCGAN"]
