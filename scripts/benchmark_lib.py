"""Reference GANs for the benchmarks: ganzoo against the same networks trained the plain way
(throughput), and against the keras.io examples a user would copy (throughput and quality).

Benchmark code only, kept out of the `ganzoo` package so that the library never imports
PyTorch nor carries a second GAN train_step. scripts/benchmark.py imports it as
`benchmark_lib` (its folder is on sys.path); tests import it as `ganzoo_scripts.benchmark_lib`
(it defines no flags).

`ReferenceGAN` is what a practitioner writes from the keras.io examples: one `train_step`,
`tf.GradientTape`, Keras losses or batch means, `tf.random` noise, no distribution or
reproducibility machinery. `reference_for(model)` gives it the SAME networks (built by
ganzoo.networks from the model's config), the loss pair of the model's loss family
(`REFERENCE_LOSSES`), its d_steps and penalties, and Adam with the model's own learning rates
and betas, so a ratio of images/s measures ganzoo's machinery, nothing else:
  - BCE families (gan, nsgan, dcgan): keras.io's DCGAN example ("dcgan_overriding_train_step");
  - wasserstein with gp_weight (wgan_gp): keras.io's `wgan_gp.py`: d_steps critic updates per
    batch, each with the penalty on interpolates (`tf.random.uniform` epsilon, an inner
    GradientTape for the input gradient), losses as batch means;
  - least_squares (lsgan): the DCGAN example with Mao et al.'s squared errors in place of BCE;
  - hinge with d_normalization="spectral" (sngan): the DCGAN example with the hinge loss and a
    discriminator of the same architecture whose layers are plain Conv2D/Dense wrapped in
    `keras.layers.SpectralNormalization` (`keras_spectral_discriminator`), not ganzoo.layers.
The keras.io references (`KERAS_IO_REFERENCES`, for quality as well as speed) are the
examples as a user would copy them, with THEIR OWN networks, train steps, losses and
optimizers, sized to the data: `keras_io_dcgan` (`dcgan_overriding_train_step.py`,
`KerasIOGAN`), `keras_io_wgan_gp` (`wgan_gp.py`, on ReferenceGAN) and
`keras_io_conditional_gan` (`conditional_gan.py`, `ConditionalReferenceGAN`, for the
class-conditional models cgan and acgan); `keras_io_reference_name` says which one stands
against a ganzoo model.
`TorchTwin` (optional, needs PyTorch) translates BCE-family networks without penalties layer by
layer into PyTorch and trains them eagerly, the PyTorch DCGAN example's way.

Every rate here is images per second of wall time; on a shared machine only ratios measured in
one process, runs alternating, mean anything.
"""

import time

import keras
import numpy as np
import tensorflow as tf

from ganzoo import export, layers, noise
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


class _TrackedGAN(keras.Model):
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


class ReferenceGAN(_TrackedGAN):
    """keras.io-style GAN step on given networks; float32.

    Args:
        generator, discriminator: keras models (D's output [B, 1] raw).
        latent_dim: width of G's input.
        loss_family: a key of REFERENCE_LOSSES.
        d_steps: D updates per batch (each with fresh noise), then one G update.
        gp_weight: weight of keras.io wgan_gp.py's gradient penalty on interpolates; 0 = off.
        r1_weight: gamma of an R1 penalty (gamma / 2 * mean ||grad D(x)||^2); 0 = off.
    """

    def __init__(self, generator, discriminator, latent_dim, loss_family="non_saturating",
                 d_steps=1, gp_weight=0.0, r1_weight=0.0, **kwargs):
        super().__init__(**kwargs)
        if loss_family not in REFERENCE_LOSSES:
            raise GanzooError(f"no reference train_step for loss family {loss_family!r}; "
                              f"known: {', '.join(REFERENCE_LOSSES)}")
        self.generator, self.discriminator, self.latent_dim = generator, discriminator, latent_dim
        self.d_loss_fn, self.g_loss_fn = REFERENCE_LOSSES[loss_family]
        self.d_steps, self.gp_weight, self.r1_weight = d_steps, gp_weight, r1_weight

    def compile(self, learning_rates=(2e-4, 2e-4), beta_1=0.5, beta_2=0.999, **kwargs):
        """Adam for D and G with (d, g) `learning_rates` and the given betas."""
        super().compile(optimizer=None, **kwargs)
        self.d_optimizer = keras.optimizers.Adam(learning_rates[0], beta_1=beta_1, beta_2=beta_2)
        self.g_optimizer = keras.optimizers.Adam(learning_rates[1], beta_1=beta_1, beta_2=beta_2)
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
        if self.r1_weight > 0:
            loss += 0.5 * self.r1_weight * self.r1_penalty(real)
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
    """A fresh copy of a ganzoo discriminator (a chain of layers, as ganzoo.networks builds)
    whose ganzoo.layers.SpectralConv2D/SpectralDense are plain Conv2D/Dense with the same
    config, wrapped in keras.layers.SpectralNormalization (one power iteration per training
    call, as ganzoo's). Other layers are rebuilt from their configs."""
    inputs = keras.Input(discriminator.input_shape[1:], name=discriminator.layers[0].name)
    x = inputs
    for layer in discriminator.layers[1:]:
        if len(layer._inbound_nodes) != 1 or len(layer._inbound_nodes[0].input_tensors) != 1:
            raise GanzooError(f"{discriminator.name} is not a chain of layers at {layer.name}")
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
    family, d_steps and penalties, and Adam with its learning rates and betas."""
    config = {**model.get_config(), "precision": "float32", "g_ema_decay": None}
    fresh = type(model).from_config(config)
    discriminator = fresh.discriminator
    if model.d_normalization == "spectral":
        discriminator = keras_spectral_discriminator(discriminator)
    reference = ReferenceGAN(
        fresh.generator, discriminator, model.latent_dim, loss_family=model.loss_family,
        d_steps=model.d_steps, gp_weight=model.gp_weight, r1_weight=model.r1_weight,
    )
    reference.compile(learning_rates=(model.d_learning_rate, model.g_learning_rate),
                      beta_1=model.beta_1, beta_2=model.beta_2)
    return reference


# --------------------------------------------------------------------------- keras.io references
# What a user would copy from keras.io instead of a ganzoo model, each with the example's own
# networks, train step, loss and optimizer: `dcgan_overriding_train_step.py` (the DCGAN on
# CelebA), `wgan_gp.py` (WGAN-GP on Fashion-MNIST) and `conditional_gan.py` (MNIST).
KERAS_IO_DCGAN_LEARNING_RATE = 1e-4  # Adam(1e-4) with Keras' default betas, both networks
KERAS_IO_DCGAN_LABEL_NOISE = 0.05  # "Add random noise to the labels - important trick!"
# wgan_gp.py: 3 critic updates per G update, gradient penalty weight 10, Adam(2e-4, 0.5, 0.9).
KERAS_IO_WGAN_GP = {"d_steps": 3, "gp_weight": 10.0, "learning_rate": 2e-4, "beta_1": 0.5,
                    "beta_2": 0.9}
CONDITIONAL_REFERENCE_LEARNING_RATE = 3e-4  # conditional_gan.py: Adam(3e-4), default betas


def _check_multiple_of_4(image_shape, example):
    if image_shape[0] % 4 or image_shape[1] % 4:
        raise GanzooError(f"the keras.io {example} networks need H and W multiples of 4, got "
                          f"{image_shape[0]}x{image_shape[1]}")


def keras_io_dcgan_networks(image_shape, latent_dim=128):
    """(generator, discriminator) of keras.io's `dcgan_overriding_train_step.py`, sized to
    `image_shape` (H, W, C) with H and W multiples of 4; 64x64x3 gives keras.io's CelebA
    networks exactly.

    keras.io's D: Conv2D(64, 4, stride 2), LeakyReLU(0.2), Conv2D(128, 4, stride 2),
    LeakyReLU(0.2), Conv2D(128, 4, stride 2), LeakyReLU(0.2), Flatten, Dropout(0.2),
    Dense(1, sigmoid): a probability. Its G: Dense(8 * 8 * 128), Reshape, three
    Conv2DTranspose(4, stride 2) with 128, 256 and 512 filters each followed by LeakyReLU(0.2),
    Conv2D(3, 5, sigmoid): images in [0, 1].

    Sizing (the adaptation): D is keras.io's on H x W x C ('same' padding: 28 -> 14 -> 7 -> 4).
    G keeps as many of keras.io's up-samplings, in order, as land on H x W: all three when H and
    W are multiples of 8 (from H/8 x W/8), else the first two, with 128 and 256 filters, from
    H/4 x W/4 (28x28: 7x7 -> 14 -> 28); its last convolution has C filters. (Padding 28 to 32
    as wgan_gp.py does would keep the 512-filter layer: twice G's parameters and 3.4 times the
    step time measured on this 2-core machine.)
    """
    height, width, channels = image_shape
    _check_multiple_of_4(image_shape, "DCGAN")
    upsamplings = 3 if height % 8 == 0 and width % 8 == 0 else 2
    generator = keras.Sequential(
        [
            keras.Input((latent_dim,), name="latent"),
            keras.layers.Dense((height >> upsamplings) * (width >> upsamplings) * 128),
            keras.layers.Reshape((height >> upsamplings, width >> upsamplings, 128)),
            *[layer for filters in (128, 256, 512)[:upsamplings] for layer in (
                keras.layers.Conv2DTranspose(filters, 4, strides=2, padding="same"),
                keras.layers.LeakyReLU(negative_slope=0.2),
            )],
            keras.layers.Conv2D(channels, 5, padding="same", activation="sigmoid"),
        ],
        name="keras_io_dcgan_generator",
    )
    discriminator = keras.Sequential(
        [
            keras.Input(tuple(image_shape), name="images"),
            *[layer for filters in (64, 128, 128) for layer in (
                keras.layers.Conv2D(filters, 4, strides=2, padding="same"),
                keras.layers.LeakyReLU(negative_slope=0.2),
            )],
            keras.layers.Flatten(),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(1, activation="sigmoid"),
        ],
        name="keras_io_dcgan_discriminator",
    )
    return generator, discriminator


def _pad_to_multiple_of_8(size):
    """(before, after) zeros that make `size` a multiple of 8, split as evenly as possible."""
    extra = -size % 8
    return extra // 2, extra - extra // 2


def keras_io_wgan_gp_networks(image_shape=(28, 28, 1), latent_dim=128):
    """(generator, critic) of keras.io's `wgan_gp.py`; 28x28x1 (Fashion-MNIST, its data) gives
    them exactly, other shapes are padded to multiples of 8 as it pads 28 to 32.

    Critic: ZeroPadding2D to the padded size (28 -> 32), four Conv2D(5, stride 2) with 64, 128,
    256 and 512 filters, each followed by LeakyReLU(0.2), Dropout(0.3) after the second and
    third; Flatten, Dropout(0.2), Dense(1): a raw score.
    G: Dense(P/8 x P/8 x 256, no bias) (4x4 for 28), batch norm, LeakyReLU(0.2), Reshape; two
    blocks of UpSampling2D, Conv2D(3, no bias), batch norm, LeakyReLU(0.2) with 128 and 64
    filters; UpSampling2D, Conv2D(C, 3, no bias), batch norm, tanh; Cropping2D back to H x W:
    images in [-1, 1] (its data's range).
    """
    height, width, channels = image_shape
    pads = (_pad_to_multiple_of_8(height), _pad_to_multiple_of_8(width))
    base = ((height + sum(pads[0])) // 8, (width + sum(pads[1])) // 8)
    critic_layers = [keras.Input(tuple(image_shape), name="images"),
                     keras.layers.ZeroPadding2D(pads)]
    for filters, dropout in ((64, False), (128, True), (256, True), (512, False)):
        critic_layers += [keras.layers.Conv2D(filters, 5, strides=2, padding="same"),
                          keras.layers.LeakyReLU(negative_slope=0.2)]
        critic_layers += [keras.layers.Dropout(0.3)] if dropout else []
    critic = keras.Sequential(
        critic_layers + [keras.layers.Flatten(), keras.layers.Dropout(0.2), keras.layers.Dense(1)],
        name="keras_io_wgan_gp_critic",
    )
    generator_layers = [
        keras.Input((latent_dim,), name="latent"),
        keras.layers.Dense(base[0] * base[1] * 256, use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Reshape((*base, 256)),
    ]
    for filters, activation in ((128, None), (64, None), (channels, "tanh")):
        generator_layers += [
            keras.layers.UpSampling2D(),
            keras.layers.Conv2D(filters, 3, padding="same", use_bias=False),
            keras.layers.BatchNormalization(),
            keras.layers.Activation(activation) if activation
            else keras.layers.LeakyReLU(negative_slope=0.2),
        ]
    generator = keras.Sequential(generator_layers + [keras.layers.Cropping2D(pads)],
                                 name="keras_io_wgan_gp_generator")
    return generator, critic


def keras_io_conditional_networks(image_shape, num_classes, latent_dim=128):
    """(generator, discriminator) as keras.io's `conditional_gan.py` builds them, sized to
    `image_shape` (H, W, C), H and W multiples of 4 (28x28x1 gives exactly keras.io's MNIST
    networks; 32x32 starts from 8x8).

    G takes [latent, one-hot label] concatenated (latent_dim + num_classes wide): Dense to an
    (H/4) x (W/4) x (latent_dim + num_classes) map, LeakyReLU(0.2), two Conv2DTranspose(128, 4,
    stride 2) + LeakyReLU(0.2), Conv2D(C, 7) with a sigmoid: images in [0, 1].
    D takes images with the one-hot label repeated over every pixel as C + num_classes input
    channels: Conv2D(64, 3, stride 2), LeakyReLU(0.2), Conv2D(128, 3, stride 2), LeakyReLU(0.2),
    global max pooling, Dense(1) (a logit).
    """
    height, width, channels = image_shape
    _check_multiple_of_4(image_shape, "conditional")
    g_channels = latent_dim + num_classes
    generator = keras.Sequential(
        [
            keras.Input((g_channels,), name="latent_and_one_hot"),
            keras.layers.Dense((height // 4) * (width // 4) * g_channels),
            keras.layers.LeakyReLU(negative_slope=0.2),
            keras.layers.Reshape((height // 4, width // 4, g_channels)),
            keras.layers.Conv2DTranspose(128, 4, strides=2, padding="same"),
            keras.layers.LeakyReLU(negative_slope=0.2),
            keras.layers.Conv2DTranspose(128, 4, strides=2, padding="same"),
            keras.layers.LeakyReLU(negative_slope=0.2),
            keras.layers.Conv2D(channels, 7, padding="same", activation="sigmoid"),
        ],
        name="keras_io_conditional_generator",
    )
    discriminator = keras.Sequential(
        [
            keras.Input((height, width, channels + num_classes), name="images_and_one_hot"),
            keras.layers.Conv2D(64, 3, strides=2, padding="same"),
            keras.layers.LeakyReLU(negative_slope=0.2),
            keras.layers.Conv2D(128, 3, strides=2, padding="same"),
            keras.layers.LeakyReLU(negative_slope=0.2),
            keras.layers.GlobalMaxPooling2D(),
            keras.layers.Dense(1),
        ],
        name="keras_io_conditional_discriminator",
    )
    return generator, discriminator


class KerasIOGAN(_TrackedGAN):
    """keras.io `dcgan_overriding_train_step.py`'s train step on its own networks; float32.

    Takes ganzoo's batches of float32 images [B, H, W, C] in [-1, 1] and feeds keras.io's
    networks what keras.io feeds them: images rescaled to [0, 1]. Per batch, as keras.io: fake
    images from `tf.random.normal` noise; one D update on [fake; real] in a single call, BCE with
    fake labelled 1 and real 0 (keras.io's convention) plus `label_noise` times uniform noise on
    those targets; one G update with fresh noise and the "misleading" target 0. The networks are
    called as keras.io calls them, without `training`: under Keras 3 a Dropout in D is then
    inactive, as it is for anyone running the example today. Adam(`learning_rate`) with Keras'
    default betas for both networks (`compile`).

    Args:
        generator: `generator_input(latent, labels)` -> images in [0, 1] (a sigmoid).
        discriminator: `discriminator_input(images, labels)` -> [B, 1], a logit when
            `from_logits`, else a probability.
        latent_dim, learning_rate, from_logits, label_noise: as above.
    """

    unit_interval_output = True

    def __init__(self, generator, discriminator, latent_dim, learning_rate, from_logits=True,
                 label_noise=0.0, **kwargs):
        super().__init__(**kwargs)
        self.generator, self.discriminator, self.latent_dim = generator, discriminator, latent_dim
        self.learning_rate, self.label_noise = learning_rate, label_noise
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=from_logits)

    def compile(self, **kwargs):
        super().compile(optimizer=None, **kwargs)
        self.d_optimizer = keras.optimizers.Adam(self.learning_rate)
        self.g_optimizer = keras.optimizers.Adam(self.learning_rate)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    def split_batch(self, data):
        """(images, labels or None) of one dataset element."""
        return (data[0] if isinstance(data, tuple) else data), None

    def discriminator_input(self, images, labels):
        """D's input for images in [0, 1] (and int labels when conditional)."""
        return images

    def _fake(self, batch, labels):
        latent = tf.random.normal([batch, self.latent_dim])
        return self.generator(self.generator_input(latent, labels))

    def train_step(self, data):
        images, labels = self.split_batch(data)
        real = images * 0.5 + 0.5  # keras.io's data are in [0, 1]
        batch = tf.shape(real)[0]
        combined = tf.concat([self.discriminator_input(self._fake(batch, labels), labels),
                              self.discriminator_input(real, labels)], axis=0)
        targets = tf.concat([tf.ones([batch, 1]), tf.zeros([batch, 1])], axis=0)
        if self.label_noise:
            targets += self.label_noise * tf.random.uniform(tf.shape(targets))
        with tf.GradientTape() as tape:
            d_loss = self.loss_fn(targets, self.discriminator(combined))
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        with tf.GradientTape() as tape:
            predictions = self.discriminator(
                self.discriminator_input(self._fake(batch, labels), labels)
            )
            g_loss = self.loss_fn(tf.zeros([batch, 1]), predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        return self.track(d_loss, g_loss)


class ConditionalReferenceGAN(KerasIOGAN):
    """keras.io `conditional_gan.py`'s train step on its own networks; float32.

    KerasIOGAN's step (no label noise, D's output a logit, Adam(3e-4)) on ganzoo's conditional
    batches, {"images": float32 [B, H, W, C] in [-1, 1], "labels": int [B]} (or (images,
    labels) tuples): fake images for the batch's own labels, the one-hot label concatenated to
    G's latent and repeated over every pixel as extra channels of D's input, as keras.io does.
    """

    conditional = True

    def __init__(self, generator, discriminator, latent_dim, num_classes, **kwargs):
        super().__init__(generator, discriminator, latent_dim,
                         CONDITIONAL_REFERENCE_LEARNING_RATE, **kwargs)
        self.num_classes = num_classes

    def split_batch(self, data):
        if isinstance(data, dict):
            return data["images"], data["labels"]
        return data[0], data[1]

    def generator_input(self, latent, labels):
        one_hot = tf.one_hot(tf.cast(labels, tf.int32), self.num_classes)
        return tf.concat([latent, one_hot], axis=1)

    def discriminator_input(self, images, labels):
        shape = tf.shape(images)
        one_hot = tf.one_hot(tf.cast(labels, tf.int32), self.num_classes)
        planes = tf.broadcast_to(one_hot[:, None, None, :],
                                 [shape[0], shape[1], shape[2], self.num_classes])
        return tf.concat([images, planes], axis=-1)


def keras_io_dcgan_reference(image_shape, latent_dim=128):
    """A compiled KerasIOGAN with keras.io's DCGAN networks for `image_shape`, its BCE on D's
    probabilities, label noise and Adam(1e-4)."""
    generator, discriminator = keras_io_dcgan_networks(image_shape, latent_dim)
    reference = KerasIOGAN(generator, discriminator, latent_dim, KERAS_IO_DCGAN_LEARNING_RATE,
                           from_logits=False, label_noise=KERAS_IO_DCGAN_LABEL_NOISE,
                           name="keras_io_dcgan")
    reference.compile()
    return reference


def keras_io_wgan_gp_reference(image_shape, latent_dim=128):
    """A compiled ReferenceGAN with keras.io wgan_gp.py's networks and settings (KERAS_IO_WGAN_GP:
    its critic loop, penalty and Adam), its losses as batch means of raw scores, data in [-1, 1].

    Departs from it in one draw: the penalty's interpolation weights are uniform in [0, 1]
    (Gulrajani et al. 2017, Algorithm 1) where wgan_gp.py draws them from N(0, 1), a slip its
    author agreed to fix (keras-team/keras-io issue 415)."""
    generator, critic = keras_io_wgan_gp_networks(image_shape, latent_dim)
    settings = KERAS_IO_WGAN_GP
    reference = ReferenceGAN(generator, critic, latent_dim, loss_family="wasserstein",
                             d_steps=settings["d_steps"], gp_weight=settings["gp_weight"],
                             name="keras_io_wgan_gp")
    reference.compile(learning_rates=(settings["learning_rate"],) * 2,
                      beta_1=settings["beta_1"], beta_2=settings["beta_2"])
    return reference


def conditional_reference(image_shape, num_classes, latent_dim=128):
    """A compiled ConditionalReferenceGAN with fresh keras.io networks for `image_shape`.

    `latent_dim` is keras.io's 128 (also cgan's default); the reference's networks, loss and
    optimizer are keras.io's whatever the ganzoo model it is compared with.
    """
    generator, discriminator = keras_io_conditional_networks(image_shape, num_classes, latent_dim)
    reference = ConditionalReferenceGAN(generator, discriminator, latent_dim, num_classes,
                                        name="keras_io_conditional_gan")
    reference.compile()
    return reference


# keras.io reference name -> the example it follows (keras-io/examples/generative/...).
KERAS_IO_EXAMPLES = {
    "keras_io_dcgan": "dcgan_overriding_train_step.py",
    "keras_io_wgan_gp": "wgan_gp.py",
    "keras_io_conditional_gan": "conditional_gan.py",
}
# keras.io reference name -> a compiled fresh one for (image shape, number of classes).
KERAS_IO_REFERENCES = {
    "keras_io_dcgan": lambda shape, num_classes: keras_io_dcgan_reference(shape),
    "keras_io_wgan_gp": lambda shape, num_classes: keras_io_wgan_gp_reference(shape),
    "keras_io_conditional_gan": conditional_reference,
}


def keras_io_reference_name(model_class):
    """The KERAS_IO_REFERENCES entry a user would copy instead of a ganzoo image model:
    conditional_gan.py for conditional models, wgan_gp.py for the Wasserstein loss family,
    else the DCGAN example."""
    if model_class.conditional:
        return "keras_io_conditional_gan"
    if model_class.defaults["loss_family"] == "wasserstein":
        return "keras_io_wgan_gp"
    return "keras_io_dcgan"


# -------------------------------------------------------------------------- what to measure
def parse_batch_sizes(texts):
    """--batch_sizes as ints: ["64", "256"] -> [64, 256]; GanzooError naming the flag's value
    unless every entry is a positive integer."""
    if not all(text.isdigit() and int(text) > 0 for text in texts):
        raise GanzooError(f"--batch_sizes must be positive integers, got {','.join(texts)!r}")
    return [int(text) for text in texts]


def models_to_measure(names, unconditional_only):
    """The registered models to measure: `names` (None: every unconditional one). With
    `unconditional_only` (--pipeline_only, --sampling), a conditional one is refused in one
    line before any work; an unknown name is refused by the registry, listing the known ones."""
    import ganzoo

    def conditional(name):
        return ganzoo.get_model_class(name).conditional

    names = names or [name for name in ganzoo.list_models() if not conditional(name)]
    for name in names:
        if conditional(name) and unconditional_only:
            raise GanzooError(f"{name} is conditional; --pipeline_only and --sampling take "
                              f"unconditional models only")
    return names


def check_fashion_folder(folder):
    """GanzooError (one line, with the package that provides them) unless `folder` holds idx
    files: the quality benchmark's Fashion-MNIST suite reads nothing else."""
    from ganzoo.data import idx

    if not idx.is_idx_folder(folder):
        raise GanzooError(f"no Fashion-MNIST idx files in --fashion_dir={folder}: apt-get "
                          f"install dataset-fashion-mnist (it puts them in "
                          f"/usr/share/datasets/fashion-mnist)")


def image_models(data_shape):
    """The zoo's models whose default networks are convolutional for `data_shape` images."""
    import ganzoo
    from ganzoo import networks

    return [name for name in ganzoo.list_models() if networks.resolve_architecture(
        ganzoo.get_model_class(name).defaults["architecture"], data_shape) == "conv"]


def fashion_contenders(requested, data_shape, with_references=True):
    """[(name, reference name or None)] of the quality benchmark's Fashion-MNIST suite: the
    ganzoo models of --models (default: every image model), each followed by its keras.io
    reference the first time one needs it (`with_references`); GanzooError listing the image
    models for any other name."""
    import ganzoo

    allowed = image_models(data_shape)
    models = requested or allowed
    unknown = [name for name in models if name not in allowed]
    if unknown:
        raise GanzooError(f"--models: {', '.join(unknown)} not among the zoo's image models (whose "
                          f"default networks are convolutional): {', '.join(allowed)}")
    contenders = []
    for name in dict.fromkeys(models):
        reference = keras_io_reference_name(ganzoo.get_model_class(name))
        contenders.append((name, reference))
        if with_references and (reference, None) not in contenders:
            contenders.append((reference, None))
    return contenders


class _StepClock(keras.callbacks.Callback):
    """Wall time at the end of every executed batch (logs read, so the step has finished)."""

    def __init__(self):
        super().__init__()
        self.ends = []  # (steps done, time)

    def on_train_batch_end(self, batch, logs=None):
        if logs:
            np.asarray(next(iter(logs.values())))
        self.ends.append((batch + 1, time.perf_counter()))


def training_rate(model, stream, batch_size, steps, warmup):
    """Images/s of `model.fit` over `steps` steps that follow `warmup` untimed ones.

    The clock runs from the end of the last warm-up step to the end of the last step, so
    tracing and fit's set-up are excluded, as is anything per-call rather than per-step.
    """
    clock = _StepClock()
    model.fit(stream, epochs=1, steps_per_epoch=warmup + steps, verbose=0, shuffle=False,
              callbacks=[clock])
    start = max((s, t) for s, t in clock.ends if s <= warmup)
    end = clock.ends[-1]
    return (end[0] - start[0]) * batch_size / (end[1] - start[1])


def pipeline_rate(stream, batch_size, batches):
    """Images per second that the input pipeline alone delivers."""
    iterator = iter(stream)
    next(iterator)  # fill caches and prefetch buffers
    start = time.perf_counter()
    for _ in range(batches):
        next(iterator)
    return batches * batch_size / (time.perf_counter() - start)


def summary(rates):
    """{"median", "min", "max"} of a list of rates."""
    rates = np.asarray(rates, dtype=float)
    return {"median": float(np.median(rates)), "min": float(rates.min()), "max": float(rates.max())}


# ------------------------------------------------------------------------------------ FLOPs
def _layer_forward_flops(layer):
    """Multiply-add FLOPs (2 per MAC) of one example through a Dense or convolution layer."""
    if isinstance(layer, keras.layers.Dense):
        return 2 * int(np.prod(layer.kernel.shape))
    if isinstance(layer, keras.layers.Conv2DTranspose):  # one MAC per kernel weight per input pixel
        height, width = layer.input.shape[1:3]
        return 2 * int(np.prod(layer.kernel.shape)) * height * width
    if isinstance(layer, keras.layers.Conv2D):  # ... per output pixel
        height, width = layer.output.shape[1:3]
        return 2 * int(np.prod(layer.kernel.shape)) * height * width
    return 0


def _network_flops(network):
    """(forward FLOPs per example, of which the first weighted layer's)."""
    per_layer = [_layer_forward_flops(layer) for layer in network.layers]
    weighted = [f for f in per_layer if f]
    return sum(weighted), weighted[0]


def training_step_flops(model, batch_size):
    """FLOPs of one training step (d_steps D updates + one G update) in Dense/conv layers.

    Per D update: G forward; D forward on real and fake; D backward (weight gradients for
    both batches, input gradients for all but D's first layer). Per G update: G and D forward;
    D backward for input gradients only (TensorFlow prunes D's weight gradients); G backward
    (weight gradients, input gradients for all but G's first layer). Batch norm, activations
    and the optimizer (a few percent) are not counted, nor are gradient penalties (WGAN-GP,
    R1: another D forward pass and a double backward pass per D update) or spectral norm's
    power iteration: for models with penalties this undercounts the step's work.
    """
    g_forward, g_first = _network_flops(model.generator)
    d_forward, d_first = _network_flops(model.discriminator)
    d_update = g_forward + 2 * d_forward + 2 * d_forward + 2 * (d_forward - d_first)
    g_update = g_forward + d_forward + d_forward + g_forward + (g_forward - g_first)
    return batch_size * (model.d_steps * d_update + g_update)


def matmul_peak(dtype="float32", size=2048, trial_seconds=0.5, trials=4):
    """The best FLOP/s of size x size matrix products in `dtype` on this machine's CPU/GPU.

    Each trial chains as many products in one graph call as fill about `trial_seconds`
    (counted from one timed product, at least one), so the measurement takes about
    `trials` x `trial_seconds` on any device. (A fixed 5 x 10 products, as before, took 10 s
    in float32 on one CPU thread for the same figure within the machine's noise: 102-105
    against 102-103 GFLOP/s.)
    """
    a = tf.cast(tf.random.normal([size, size], dtype=tf.float32), dtype)

    @tf.function
    def products(x, count):
        for _ in tf.range(count):
            x = tf.linalg.matmul(x, a) * 0.01
        return x

    def seconds(count):
        start = time.perf_counter()
        products(a, tf.constant(count)).numpy()
        return time.perf_counter() - start

    seconds(1)  # trace and warm up
    count = max(1, round(trial_seconds / seconds(1)))
    best = min(seconds(count) for _ in range(trials))
    return 2 * size**3 * count / best


# ---------------------------------------------------------------------------------- sampling
def _calls_per_second(function, args, calls):
    function(*args)  # trace / warm up
    start = time.perf_counter()
    for _ in range(calls):
        outputs = function(*args)
    np.asarray(next(iter(outputs.values())) if isinstance(outputs, dict) else outputs)
    return calls / (time.perf_counter() - start)


def sampling_rates(model, export_dir, batch_sizes=(1, 64, 1024), repetitions=5):
    """Images/s of the exported signatures against the live generator under tf.function.

    The SavedModel is written to `export_dir` and loaded with tf.saved_model.load, as TF
    Serving loads it. Each signature is compared with the same computation on the live Keras
    generator in a tf.function (export.ServingModule.outputs: float images and images_uint8):
    `serving_default` from a given latent batch, `sample` with the noise drawn in the graph.
    Returns one dict per (signature, batch size).
    """
    version_dir = export.export_generator(model, export_dir, overwrite=True)
    loaded = tf.saved_model.load(version_dir)
    serving_default, sample = loaded.signatures["serving_default"], loaded.signatures["sample"]
    live_module = export.ServingModule(model)
    live_generate = tf.function(live_module.outputs)
    live_sample = tf.function(
        lambda n, seed: live_module.outputs(noise.latent_batch(n, model.latent_dim, seed))
    )
    contenders = {  # signature: (SavedModel function, live function), same arguments
        "serving_default": (lambda latent: serving_default(latent=latent), live_generate),
        "sample": (lambda n, seed: sample(num_samples=n, seed=seed), live_sample),
    }
    rows = []
    for batch in batch_sizes:
        calls = min(200, max(20, 16384 // batch))
        arguments = {
            "serving_default": (tf.random.normal([batch, model.latent_dim]),),
            "sample": (tf.constant(batch, tf.int32), tf.constant(1, tf.int64)),
        }
        for name, (saved, live) in contenders.items():
            saved_rates, live_rates = [], []
            for _ in range(repetitions):
                saved_rates.append(batch * _calls_per_second(saved, arguments[name], calls))
                live_rates.append(batch * _calls_per_second(live, arguments[name], calls))
            row = {"signature": name, "batch_size": batch, "saved_model": summary(saved_rates),
                   "live": summary(live_rates)}
            row["ratio"] = row["saved_model"]["median"] / row["live"]["median"]
            rows.append(row)
    return rows


# ------------------------------------------------------------------------------------ PyTorch
def import_torch():
    """The torch module, or a GanzooError saying how to install it."""
    try:
        import torch
    except ImportError as error:
        raise GanzooError(
            "--torch needs PyTorch, which is not installed: pip install torch"
        ) from error
    return torch


def torch_network(network):
    """A torch.nn.Sequential with the same layers as a ganzoo network (NCHW inside)."""
    torch = import_torch()
    nn = torch.nn
    modules = []
    for layer in network.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if isinstance(layer, keras.layers.Dense):
            inputs, units = layer.kernel.shape
            modules.append(nn.Linear(inputs, units, bias=layer.use_bias))
            if layer.activation is keras.activations.relu:
                modules.append(nn.ReLU())
        elif isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose)):
            kernel = layer.kernel_size[0]
            if kernel != 4 or layer.strides[0] != 2 or layer.padding != "same":
                raise GanzooError(f"no PyTorch translation for {layer.name}")
            if isinstance(layer, keras.layers.Conv2DTranspose):
                out_channels, in_channels = layer.kernel.shape[2:]
                modules.append(nn.ConvTranspose2d(in_channels, out_channels, 4, 2, 1,
                                                  bias=layer.use_bias))
            else:
                in_channels, out_channels = layer.kernel.shape[2:]
                modules.append(nn.Conv2d(in_channels, out_channels, 4, 2, 1, bias=layer.use_bias))
        elif isinstance(layer, keras.layers.BatchNormalization):
            batch_norm = nn.BatchNorm2d if len(layer.input.shape) == 4 else nn.BatchNorm1d
            modules.append(batch_norm(layer.input.shape[-1], eps=layer.epsilon,
                                      momentum=1 - layer.momentum))
        elif isinstance(layer, keras.layers.ReLU):
            modules.append(nn.ReLU())
        elif isinstance(layer, keras.layers.LeakyReLU):
            modules.append(nn.LeakyReLU(layer.negative_slope))
        elif isinstance(layer, keras.layers.Activation) and layer.name.endswith("tanh"):
            modules.append(nn.Tanh())
        elif isinstance(layer, keras.layers.Reshape):
            shape = layer.target_shape
            modules.append(nn.Unflatten(1, (shape[-1], *shape[:-1]) if len(shape) == 3 else shape))
        elif isinstance(layer, keras.layers.Flatten):
            modules.append(nn.Flatten())
        else:
            raise GanzooError(f"no PyTorch translation for layer {layer.name}")
    return nn.Sequential(*modules)


def torch_unsupported(model):
    """Why TorchTwin cannot train `model` (a sentence), or None if it can."""
    if getattr(model, "conditional", False):
        return "a conditional model (TorchTwin has no labels)"
    if model.loss_family not in ("minimax", "non_saturating"):
        return f"loss family {model.loss_family} (TorchTwin has the BCE families only)"
    if model.gp_weight > 0 or model.r1_weight > 0 or model.d_steps != 1:
        return "gradient penalties or d_steps > 1"
    if model.d_normalization not in ("batch", "none"):
        return f"d_normalization={model.d_normalization}"
    return None


class TorchTwin:
    """ganzoo's networks in PyTorch, trained eagerly with Adam (the model's learning rates and
    betas) and the model's BCE loss family, one D and one G update per batch with fresh noise
    for each. Only for models that `torch_unsupported` accepts."""

    def __init__(self, model):
        reason = torch_unsupported(model)
        if reason:
            raise GanzooError(f"no PyTorch twin for {model.zoo_name}: {reason}")
        torch = self.torch = import_torch()
        self.generator = torch_network(model.generator)
        self.discriminator = torch_network(model.discriminator)
        self.latent_dim = model.latent_dim
        betas = (model.beta_1, model.beta_2)
        self.d_optimizer = torch.optim.Adam(self.discriminator.parameters(),
                                            model.d_learning_rate, betas=betas)
        self.g_optimizer = torch.optim.Adam(self.generator.parameters(),
                                            model.g_learning_rate, betas=betas)
        self.bce = torch.nn.BCEWithLogitsLoss()
        self.minimax = model.loss_family == "minimax"

    def batches(self, stream, count):
        """`count` real batches from a tf.data stream, as torch tensors (NCHW for images)."""
        out = []
        for batch in stream.take(count):
            array = np.asarray(batch)
            if array.ndim == 4:
                array = np.ascontiguousarray(array.transpose(0, 3, 1, 2))
            out.append(self.torch.from_numpy(np.array(array)))
        return out

    def step(self, real):
        torch, batch = self.torch, real.shape[0]
        ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)
        with torch.no_grad():
            fake = self.generator(torch.randn(batch, self.latent_dim))
        self.d_optimizer.zero_grad(set_to_none=True)
        d_loss = (
            self.bce(self.discriminator(real), ones) + self.bce(self.discriminator(fake), zeros)
        )
        d_loss.backward()
        self.d_optimizer.step()
        self.g_optimizer.zero_grad(set_to_none=True)
        self.discriminator.requires_grad_(False)  # G's step needs no D weight gradients
        fake_logits = self.discriminator(self.generator(torch.randn(batch, self.latent_dim)))
        g_loss = -self.bce(fake_logits, zeros) if self.minimax else self.bce(fake_logits, ones)
        g_loss.backward()
        self.discriminator.requires_grad_(True)
        self.g_optimizer.step()
        return d_loss.item()

    def rate(self, batches, warmup):
        """Images/s over `batches` after `warmup` of them."""
        for real in batches[:warmup]:
            self.step(real)
        start = time.perf_counter()
        for real in batches[warmup:]:
            self.step(real)
        return (len(batches) - warmup) * batches[0].shape[0] / (time.perf_counter() - start)
