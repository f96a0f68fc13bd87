"""StyleGAN2 (Karras et al. 2020) on the one train_step: its networks are the `stylegan2`
backbone, its regularisers the zoo's lazy R1 and style mixing (in G), its average of G the
zoo's g_ema_decay."""

import keras
import numpy as np
import tensorflow as tf

from ganzoo.errors import GanzooError
from ganzoo.models.base import GANModel
from ganzoo.registry import register_model
from ganzoo.tf_data_options import without_autotuning


@register_model("stylegan2")
@keras.saving.register_keras_serializable(package="ganzoo")
class StyleGAN2(GANModel):
    """StyleGAN2: a mapping network to w, modulated convolutions with demodulation, per-pixel
    noise and a skip G; a residual D with minibatch standard deviation; the non-saturating
    logistic loss, R1 on reals every 16 steps with D's Adam adjusted for laziness, style mixing
    (0.9) and an exponential average of G (Karras et al. 2020, config E without path-length
    regularisation; sampling with truncation: `generate(..., truncation=0.7)`).

    Defaults: a CPU-sized network (64 channels, w of 128, 2 mapping layers as the paper's cifar
    setting) and the cifar setting's optimisation: Adam(0.0025, 0, 0.99) for both networks,
    gamma = 0.01. Departs from the paper: every layer has `width` channels (the cifar setting
    has 512 at every resolution); G's average is a fixed decay of 0.999 per step (the paper's
    half-life of 500k images, ramped up); one style-mixing cutoff per example rather than per
    minibatch, and G's noise keyed on the latent (ganzoo.backbones.style_layers), so that runs
    are exact at any replica count; no path-length regularisation (off in the cifar setting).
    """

    defaults = {
        **GANModel.defaults,
        "latent_dim": 128,
        "architecture": "stylegan2",
        "width": 64,
        "loss_family": "non_saturating",
        "d_normalization": "none",
        "r1_weight": 0.01,
        "r1_interval": 16,
        "d_learning_rate": 0.0025,
        "g_learning_rate": 0.0025,
        "beta_1": 0.0,
        "beta_2": 0.99,
        "g_ema_decay": 0.999,
    }

    def _check_combination(self):
        super()._check_combination()
        if self._own_networks.model is None and self.architecture != "stylegan2":
            raise GanzooError(
                f"{self.zoo_name}: architecture={self.architecture} has no mapping network to "
                f"truncate; use stylegan2"
            )

    def generate(self, num_samples=None, seed=0, latent=None, labels=None, batch_size=256,
                 truncation=1.0):
        """As GANModel.generate, with the truncation trick: w = w_avg + truncation * (w -
        w_avg) at every layer, 1.0 = off, 0.0 = every sample at the average style (differing
        only by G's noise). Images are G's linear output, about [-1, 1]."""
        truncation = float(truncation)
        if not np.isfinite(truncation) or truncation < 0:
            raise GanzooError(f"truncation must be a number >= 0, got {truncation!r}")
        if truncation == 1.0:
            return super().generate(num_samples, seed, latent, labels, batch_size)
        if latent is None:
            if num_samples is None or num_samples < 1:
                raise GanzooError(f"num_samples must be a positive integer, got {num_samples!r}")
            latent = self.sample_latent(num_samples, seed)
        latent = tf.convert_to_tensor(latent, tf.float32)
        labels = self.check_labels(labels, latent.shape[0])
        # Here, not at the top: the backbones register in ganzoo/backbones/__init__.py's order.
        from ganzoo.backbones import stylegan2 as networks

        generator = self.sampling_generator()
        inputs = latent if labels is None else (latent, labels)
        batches = tf.data.Dataset.from_tensor_slices((inputs,)).batch(batch_size)
        return np.concatenate([
            networks.truncated(generator, *batch, truncation=truncation).numpy()
            for batch in without_autotuning(batches)
        ])
