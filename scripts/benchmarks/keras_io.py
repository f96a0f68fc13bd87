"""The keras.io examples a user would copy instead of a ganzoo model, each with ITS OWN
networks, train step, loss and optimizer, sized to the data: the opponents of the fashion and
conditional suites, and of conditional models in the speed suite.

`keras_io_dcgan` (`dcgan_overriding_train_step.py`, `KerasIOGAN`), `keras_io_wgan_gp`
(`wgan_gp.py`, on references.ReferenceGAN) and `keras_io_conditional_gan` (`conditional_gan.py`,
`ConditionalReferenceGAN`, for the class-conditional models cgan and acgan);
`keras_io_reference_name` says which one stands against a ganzoo model.
"""

import keras
import tensorflow as tf

from ganzoo.errors import GanzooError

from .references import ReferenceGAN, TrackedGAN

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


class KerasIOGAN(TrackedGAN):
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
