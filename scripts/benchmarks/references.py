"""ganzoo's own networks trained the plain way, the yardstick of the speed suite: what a
practitioner writes from the keras.io GAN examples, so that a ratio of images/s measures
ganzoo's machinery and nothing else.

`ReferenceGAN` is one `train_step` with `tf.GradientTape`, Keras losses or batch means,
`tf.random` noise, float32, and no distribution or reproducibility machinery.
`reference_for(model)` gives it the SAME networks (built by ganzoo.backbones from the model's
config), the loss pair of the model's loss family (`REFERENCE_LOSSES`), its d_steps and
penalties, and Adam with the model's own learning rates and betas:
  - BCE families (gan, nsgan, dcgan): keras.io's DCGAN example ("dcgan_overriding_train_step");
  - wasserstein with gp_weight (wgan_gp): keras.io's `wgan_gp.py`: d_steps critic updates per
    batch, each with the penalty on interpolates (`tf.random.uniform` epsilon, an inner
    GradientTape for the input gradient), losses as batch means;
  - least_squares (lsgan): the DCGAN example with Mao et al.'s squared errors in place of BCE;
  - hinge with d_normalization="spectral" (sngan): the DCGAN example with the hinge loss and a
    discriminator of the same architecture whose layers are plain Conv2D/Dense wrapped in
    `keras.layers.SpectralNormalization` (`keras_spectral_discriminator`), not ganzoo.layers.
The keras.io examples with their own networks are in `keras_io`, on `TrackedGAN` from here.

Benchmark code only, kept out of the `ganzoo` package so that the library never carries a
second GAN train_step.
"""

import keras
import numpy as np
import tensorflow as tf

from ganzoo import layers
from ganzoo.errors import GanzooError

_bce = keras.losses.BinaryCrossentropy(from_logits=True)


def _bce_discriminator(real, fake):
    return _bce(tf.ones_like(real), real) + _bce(tf.zeros_like(fake), fake)


# Loss family -> (D loss of (real outputs, fake outputs), G loss of fake outputs), each a batch
# mean of D's raw float32 [B, 1] outputs, written as the keras.io examples write them.
REFERENCE_LOSSES = {
    "minimax": (_bce_discriminator, lambda fake: -_bce(tf.zeros_like(fake), fake)),
    "non_saturating": (_bce_discriminator, lambda fake: _bce(tf.ones_like(fake), fake)),
    "wasserstein": (  # keras.io wgan_gp.py's discriminator_loss and generator_loss
        lambda real, fake: tf.reduce_mean(fake) - tf.reduce_mean(real),
        lambda fake: -tf.reduce_mean(fake),
    ),
    "hinge": (
        lambda real, fake: tf.reduce_mean(tf.nn.relu(1.0 - real))
        + tf.reduce_mean(tf.nn.relu(1.0 + fake)),
        lambda fake: -tf.reduce_mean(fake),
    ),
    "least_squares": (  # Mao et al. 2017 with a = 0, b = c = 1, as ganzoo.losses
        lambda real, fake: 0.5 * tf.reduce_mean(tf.square(real - 1.0))
        + 0.5 * tf.reduce_mean(tf.square(fake)),
        lambda fake: 0.5 * tf.reduce_mean(tf.square(fake - 1.0)),
    ),
}


class TrackedGAN(keras.Model):
    """A keras.Model with d_loss and g_loss running means, as the keras.io GAN examples, and
    `generate` (ganzoo's sampling convention: images in [-1, 1])."""

    conditional = False
    # keras.io's DCGAN and conditional generators end in a sigmoid: images in [0, 1].
    unit_interval_output = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.built = True

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def track(self, d_loss, g_loss):
        """Update the means; train_step's logs."""
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}

    def generator_input(self, latent, labels):
        """G's input for latent float32 [n, latent_dim] (and int labels [n] when conditional)."""
        return latent

    def generate(self, num_samples, labels=None, seed=0, batch_size=256):
        """float32 numpy [n, H, W, C] in [-1, 1] from noise drawn with `seed`; conditional
        references take int `labels` [n], the others none."""
        if self.conditional and labels is None:
            raise GanzooError(f"{self.name} is conditional: give labels [{num_samples}]")
        if not self.conditional and labels is not None:
            raise GanzooError(f"{self.name} is unconditional: it takes no labels")
        if labels is not None:
            labels = np.asarray(labels, dtype=np.int32)
            if labels.shape != (num_samples,):
                raise GanzooError(f"labels must have shape [{num_samples}], got "
                                  f"{list(labels.shape)}")
        latent = tf.random.stateless_normal([num_samples, self.latent_dim], [seed, 0])
        out = [
            np.asarray(self.generator(
                self.generator_input(latent[i : i + batch_size],
                                     None if labels is None else labels[i : i + batch_size]),
                training=False,
            ))
            for i in range(0, num_samples, batch_size)
        ]
        images = np.concatenate(out).astype(np.float32)
        return images * 2.0 - 1.0 if self.unit_interval_output else images


class ReferenceGAN(TrackedGAN):
    """keras.io-style GAN step on given networks; float32.

    Args:
        generator, discriminator: keras models (D's output [B, 1] raw).
        latent_dim: width of G's input.
        loss_family: a key of REFERENCE_LOSSES.
        d_steps: D updates per batch (each with fresh noise), then one G update.
        gp_weight: weight of keras.io wgan_gp.py's gradient penalty on interpolates; 0 = off.
        r1_weight: gamma of an R1 penalty (gamma / 2 * mean ||grad D(x)||^2); 0 = off.
        r1_interval: StyleGAN2's lazy R1, as its paper's code writes it: on the batches whose
            number is a multiple of it only, times it (a `tf.cond` on G's update count).
    """

    def __init__(self, generator, discriminator, latent_dim, loss_family="non_saturating",
                 d_steps=1, gp_weight=0.0, r1_weight=0.0, r1_interval=1, **kwargs):
        super().__init__(**kwargs)
        if loss_family not in REFERENCE_LOSSES:
            raise GanzooError(f"no reference train_step for loss family {loss_family!r}; "
                              f"known: {', '.join(REFERENCE_LOSSES)}")
        self.generator, self.discriminator, self.latent_dim = generator, discriminator, latent_dim
        self.d_loss_fn, self.g_loss_fn = REFERENCE_LOSSES[loss_family]
        self.d_steps, self.gp_weight, self.r1_weight = d_steps, gp_weight, r1_weight
        self.r1_interval = r1_interval

    def compile(self, learning_rates=(2e-4, 2e-4), beta_1=0.5, beta_2=0.999, optimizers=None,
                **kwargs):
        """Adam for D and G with (d, g) `learning_rates` and the given betas, or the (d, g)
        `optimizers` given."""
        super().compile(optimizer=None, **kwargs)
        self.d_optimizer, self.g_optimizer = optimizers or (
            keras.optimizers.Adam(rate, beta_1=beta_1, beta_2=beta_2) for rate in learning_rates)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    def gradient_penalty(self, real, fake):
        """keras.io wgan_gp.py: mean over the batch of (||grad D(x_hat)|| - 1)^2 on random
        interpolates x_hat between real and fake (an inner tape for the input gradient)."""
        batch = tf.shape(real)[0]
        alpha = tf.random.uniform([batch] + [1] * (len(real.shape) - 1), 0.0, 1.0)
        interpolated = real + alpha * (fake - real)
        with tf.GradientTape() as gp_tape:
            gp_tape.watch(interpolated)
            prediction = self.discriminator(interpolated, training=True)
        grads = gp_tape.gradient(prediction, [interpolated])[0]
        norm = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=list(range(1, len(real.shape)))))
        return tf.reduce_mean((norm - 1.0) ** 2)

    def r1_penalty(self, real):
        with tf.GradientTape() as r1_tape:
            r1_tape.watch(real)
            prediction = self.discriminator(real, training=True)
        grads = r1_tape.gradient(prediction, [real])[0]
        return tf.reduce_mean(tf.reduce_sum(tf.square(grads), axis=list(range(1, len(real.shape)))))

    def discriminator_loss(self, real, fake, real_outputs, fake_outputs):
        """D's scalar loss, under D's tape: the family's loss plus the penalties."""
        loss = self.d_loss_fn(real_outputs, fake_outputs)
        if self.gp_weight > 0:
            loss += self.gp_weight * self.gradient_penalty(real, fake)
        if self.r1_weight > 0 and self.r1_interval == 1:
            loss += 0.5 * self.r1_weight * self.r1_penalty(real)
        elif self.r1_weight > 0:
            loss += tf.cond(
                tf.equal(self.g_optimizer.iterations % self.r1_interval, 0),
                lambda: 0.5 * self.r1_weight * self.r1_interval * self.r1_penalty(real),
                lambda: tf.constant(0.0),
            )
        return loss

    def train_step(self, real):
        if isinstance(real, tuple):
            real = real[0]
        batch = tf.shape(real)[0]
        for _ in range(self.d_steps):
            noise_batch = tf.random.normal([batch, self.latent_dim])
            with tf.GradientTape() as tape:
                fake = self.generator(noise_batch, training=True)
                fake_outputs = self.discriminator(fake, training=True)
                real_outputs = self.discriminator(real, training=True)
                d_loss = self.discriminator_loss(real, fake, real_outputs, fake_outputs)
            grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))
        noise_batch = tf.random.normal([batch, self.latent_dim])
        with tf.GradientTape() as tape:
            fake_outputs = self.discriminator(
                self.generator(noise_batch, training=True), training=True
            )
            g_loss = self.g_loss_fn(fake_outputs)
        grads = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        return self.track(d_loss, g_loss)


_PLAIN_LAYERS = {
    layers.SpectralConv2D: keras.layers.Conv2D, layers.SpectralDense: keras.layers.Dense
}


def keras_spectral_discriminator(discriminator):
    """A fresh copy of a ganzoo discriminator (a chain of layers, as ganzoo.backbones builds)
    whose ganzoo.layers.SpectralConv2D/SpectralDense are plain Conv2D/Dense with the same
    config, wrapped in keras.layers.SpectralNormalization (one power iteration per training
    call, as ganzoo's). Other layers are rebuilt from their configs."""
    inputs = keras.Input(discriminator.input_shape[1:], name=discriminator.layers[0].name)
    x = inputs
    for layer in discriminator.layers[1:]:
        if len(layer._inbound_nodes) != 1 or len(layer._inbound_nodes[0].input_tensors) != 1:
            raise GanzooError(
                f"the reference rebuilds a spectral D layer by layer, and {discriminator.name} is "
                f"not a chain of layers at {layer.name}: measure this backbone with a model "
                f"whose D is not spectral (e.g. dcgan)")
        plain = _PLAIN_LAYERS.get(type(layer))
        if plain is None:
            x = type(layer).from_config(layer.get_config())(x)
        else:
            x = keras.layers.SpectralNormalization(
                plain.from_config(layer.get_config()), power_iterations=1,
                name=f"{layer.name}_sn",
            )(x)
    return keras.Model(inputs, x, name=f"keras_sn_{discriminator.name}")


def reference_for(model):
    """A compiled float32 ReferenceGAN with fresh networks of `model`'s architecture, its loss
    family, d_steps and penalties (a lazy R1 kept lazy), and Adam with its learning rates and
    betas (StyleGAN2's adjusted ones where a regulariser is lazy: the optimizers ganzoo
    compiles, rebuilt in float32)."""
    config = {**model.get_config(), "precision": "float32", "g_ema_decay": None}
    fresh = type(model).from_config(config)
    # ganzoo's D names its outputs ({"adversarial": ...}); the reference's losses take the one
    # tensor of an unconditional D, as a plain Keras D gives it (the same layers).
    discriminator = keras.Model(fresh.discriminator.inputs, fresh.discriminator.outputs[0],
                                name=fresh.discriminator.name)
    if model.d_normalization == "spectral":
        discriminator = keras_spectral_discriminator(discriminator)
    reference = ReferenceGAN(
        fresh.generator, discriminator, model.latent_dim, loss_family=model.loss_family,
        d_steps=model.d_steps, gp_weight=model.gp_weight, r1_weight=model.r1_weight,
        r1_interval=model.r1_interval,
    )
    fresh.compile()  # the model's own optimizers, lazily adjusted where it says so
    reference.compile(optimizers=[keras.optimizers.Adam.from_config(optimizer.get_config())
                                  for optimizer in (fresh.d_optimizer, fresh.g_optimizer)])
    return reference
