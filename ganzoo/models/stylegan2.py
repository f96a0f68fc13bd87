"""StyleGAN2 (Karras et al. 2020) on the one train_step: its networks are the `stylegan2`
backbone, its regularisers the zoo's lazy R1 and style mixing (in G), its average of G the
zoo's g_ema_decay."""

import keras
import numpy as np
import tensorflow as tf

from ganzoo import noise
from ganzoo.errors import GanzooError
from ganzoo.models.base import GANModel
from ganzoo.registry import register_model


@register_model("stylegan2")
@keras.saving.register_keras_serializable(package="ganzoo")
class StyleGAN2(GANModel):
    """StyleGAN2: a mapping network to w, modulated convolutions with demodulation, per-pixel
    noise and a skip G; a residual D with minibatch standard deviation; the non-saturating
    logistic loss, R1 on reals every 16 steps with D's Adam adjusted for laziness, style mixing
    (0.9), lazy path-length regularisation (`pl_weight`, off by default as in the paper's
    cifar setting) and an exponential average of G (Karras et al. 2020; sampling with
    truncation: `generate(..., truncation=0.7)`).

    Defaults: a CPU-sized network (64 channels, w of 128, 2 mapping layers as the paper's cifar
    setting) and the cifar setting's optimisation: Adam(0.0025, 0, 0.99) for both networks,
    gamma = 0.01. Departs from the paper: every layer has `width` channels (the cifar setting
    has 512 at every resolution); G's average decays by 0.999 per step after a warm-up (the
    paper's: a half-life of 500k images, ramped up with the images seen); one style-mixing
    cutoff per example rather than per minibatch, and G's noise keyed on the latent
    (ganzoo.backbones.style_layers), so that runs are exact at any replica count; the
    path-length penalty takes the whole batch (the paper half of it) and w without style
    mixing.
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
        "pl_weight": 0.0,
        "pl_interval": 4,
    }
    PL_DECAY = 0.01  # of the running mean of path lengths (the paper)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The running mean a of path lengths: a plain variable updated inside train_step from
        # all-reduced values (identical on every replica), checkpointed with the model.
        self.pl_mean = self.add_weight(shape=(), initializer="zeros", trainable=False,
                                       aggregation="only_first_replica", name="pl_mean")

    def metric_names(self):
        return super().metric_names() + (["pl_penalty"] if self.pl_weight > 0 else [])

    def generator_lazy_interval(self):
        return self.pl_interval if self.pl_weight > 0 else 1

    def generator_objective(self, fake, fake_labels=None):
        """The non-saturating loss, plus with pl_weight > 0 the lazy path-length penalty
        (Karras et al. 2020, eq. 4): on the steps divisible by pl_interval, pl_interval *
        pl_weight * (|J_w^T y| - a)^2 per example, J the Jacobian of synthesis in w, y
        N(0, I) / sqrt(H W), a the running mean of the lengths; 0 on the other steps."""
        loss, metrics = super().generator_objective(fake, fake_labels)
        if self.pl_weight <= 0:
            return loss, metrics
        local_batch = tf.shape(fake)[0]
        due = tf.equal(self.g_optimizer.iterations % self.pl_interval, 0)
        # Only the lengths are conditional: a replica-synchronising all-reduce may not sit in a
        # branch under a multi-replica strategy.
        lengths = tf.cond(due, lambda: self._path_lengths(local_batch, fake_labels),
                          lambda: tf.zeros([local_batch], tf.float32))
        penalty = self._path_length_penalty(lengths, tf.cast(due, tf.float32))
        return loss + penalty, {**metrics, "pl_penalty": penalty}

    def _path_lengths(self, local_batch, labels):
        """float32 [local_batch]: |J_w^T y| of this replica's path-length draws (keyed on the
        step and PATH_LENGTH_STREAM): sqrt of the mean over layers of the squared norm over w."""
        from ganzoo.backbones import stylegan2 as networks

        mapping, _, synthesis = networks.style_parts(self.generator)
        latent = self.replica_draw(
            lambda n, *key: noise.latent_batch(n, self.latent_dim, *key), local_batch,
            noise.PATH_LENGTH_STREAM, 0,
        )
        inputs = latent if labels is None else [latent, labels]
        w = tf.cast(mapping(inputs, training=True), tf.float32)
        count = synthesis.inputs[0].shape[1]
        ws = tf.tile(w[:, None, :], [1, count, 1])
        height, width, channels = self.data_shape
        directions = self.replica_draw(
            lambda n, *key: noise.latent_batch(n, height * width * channels, *key), local_batch,
            noise.PATH_LENGTH_STREAM, 1,
        )
        directions = tf.reshape(directions, [-1, height, width, channels]) / np.sqrt(
            height * width)
        with tf.GradientTape() as tape:
            tape.watch(ws)
            images = tf.cast(synthesis([ws, networks.noise_seeds(latent)], training=True),
                             tf.float32)
            projected = tf.reduce_sum(images * directions)
        gradients = tape.gradient(projected, ws)  # [b, num_ws, w_dim], each example its own
        return tf.sqrt(tf.reduce_mean(tf.reduce_sum(tf.square(gradients), axis=2), axis=1))

    def _path_length_penalty(self, lengths, due):
        """pl_interval * pl_weight * (lengths - a)^2 with a the running mean moved by this
        step's global mean length, when `due` (1.0); zeros and a unchanged otherwise (0.0)."""
        total, count = tf.distribute.get_replica_context().all_reduce(
            "sum", [tf.reduce_sum(lengths), tf.cast(tf.size(lengths), tf.float32)])
        mean = self.pl_mean + due * self.PL_DECAY * (total / count - self.pl_mean)
        self.pl_mean.assign(tf.stop_gradient(mean))
        return due * float(self.pl_interval) * self.pl_weight * tf.square(lengths - mean)

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
        batches = self.generation_batches(num_samples, seed, latent, labels, batch_size)
        # Here, not at the top: the backbones register in ganzoo/backbones/__init__.py's order.
        from ganzoo.backbones import stylegan2 as networks

        generator = self.sampling_generator()
        rows = []
        for (element,) in batches:
            batch = element if isinstance(element, tuple) else (element,)  # (latent[, labels])
            rows.append(networks.truncated(generator, *batch, truncation=truncation).numpy())
        return np.concatenate(rows)


@register_model("cstylegan2")
@keras.saving.register_keras_serializable(package="ganzoo")
class ConditionalStyleGAN2(StyleGAN2):
    """Class-conditional StyleGAN2 (as NVIDIA's --cond=1): the label's embedding, normalised,
    joins the normalised z at the mapping network's input, and D projects its last features
    on a normalised embedding of the label, <phi(x), e(y)> / sqrt(width) (stylegan2-ada's D
    with no mapping layers for the label). Everything else is `stylegan2`'s; fake labels are
    uniform over the classes, and truncation pulls toward the average w of all classes."""

    conditional = True
    conditioning = "projection"
    defaults = {**StyleGAN2.defaults, "num_classes": 10, "class_names": None}
