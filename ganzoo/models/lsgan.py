"""LSGAN (Mao et al. 2017): least-squares losses on the DCGAN networks."""

import keras

from ganzoo.models.base import GANModel
from ganzoo.registry import register_model


@register_model("lsgan")
@keras.saving.register_keras_serializable(package="ganzoo")
class LSGAN(GANModel):
    """Least-squares GAN with the 0-1 coding (a = 0, b = c = 1, Mao et al. 2017, eq. 2), on the
    DCGAN networks with batch norm in D, Adam(2e-4, beta_1=0.5) as the paper's experiments.

    Departs from the paper: its scene networks were larger (VGG-like, 112x112); here D and G are
    ganzoo's DCGAN pair sized to the data, or an MLP pair for vectors (architecture="auto").
    D's output is a raw score whose targets are 1 (real) and 0 (fake), so it logs scores.
    """

    defaults = {
        **GANModel.defaults,
        "architecture": "auto",
        "width": 64,
        "loss_family": "least_squares",
        "d_normalization": "batch",
    }
