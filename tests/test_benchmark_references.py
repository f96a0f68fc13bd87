"""The benchmarks' shared pieces: FLOP counts by hand (benchmarks.flops), and the references
ganzoo is measured against (benchmarks.references, benchmarks.keras_io): their networks,
settings and training steps."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import layers
from ganzoo.tf_data_options import without_autotuning
from ganzoo_scripts.benchmarks import flops, keras_io, references
from tests.conftest import image_batches


def test_step_flops_of_a_small_mlp_match_a_hand_count():
    model = ganzoo.get_model("gan", data_shape=(2,), latent_dim=4, width=16, hidden_layers=2)
    g_forward, g_first = 2 * (4 * 16 + 16 * 16 + 16 * 2), 2 * 4 * 16  # 4 -> 16 -> 16 -> 2
    d_forward, d_first = 2 * (2 * 16 + 16 * 16 + 16 * 1), 2 * 2 * 16  # 2 -> 16 -> 16 -> 1
    d_update = g_forward + 4 * d_forward + 2 * (d_forward - d_first)
    g_update = 2 * g_forward + 2 * d_forward + (g_forward - g_first)
    assert flops.training_step_flops(model, 8) == 8 * (d_update + g_update)
    model = ganzoo.get_model("gan", data_shape=(2,), latent_dim=4, width=16, d_steps=3)
    assert flops.training_step_flops(model, 8) == 8 * (3 * d_update + g_update)


def test_convolution_flops_count_one_multiply_add_per_kernel_weight_and_pixel():
    images = keras.Input((16, 16, 3))
    conv = keras.layers.Conv2D(8, 4, strides=2, padding="same")
    deconv = keras.layers.Conv2DTranspose(5, 4, strides=2, padding="same")
    keras.Model(images, deconv(conv(images)))
    assert flops.layer_forward_flops(conv) == 2 * (4 * 4 * 3 * 8) * (8 * 8)  # out pixels
    assert flops.layer_forward_flops(deconv) == 2 * (4 * 4 * 8 * 5) * (8 * 8)  # in pixels


def test_flops_of_a_nested_network_and_of_kernel_layers_of_ganzoo_s_own():
    from ganzoo.backbones import style_layers

    inner_input = keras.Input((6,))
    inner = keras.Model(inner_input, style_layers.EqualizedDense(5)(inner_input), name="inner")
    images = keras.Input((8, 8, 2))
    conv = style_layers.EqualizedConv2D(3, 3)
    keras.Model(images, conv(images))
    outer_input = keras.Input((6,))
    outer = keras.Model(outer_input, keras.layers.Dense(4)(inner(outer_input)))
    assert flops.layer_forward_flops(inner) == 2 * 6 * 5
    assert flops.layer_forward_flops(conv) == 2 * (3 * 3 * 2 * 3) * (8 * 8)
    assert sum(flops.layer_forward_flops(layer) for layer in outer.layers) == 2 * (6 * 5 + 5 * 4)


def _kernel_shapes(network):
    return [tuple(w.shape) for w in network.trainable_weights]


def _tiny(name, **arguments):
    return ganzoo.get_model(name, data_shape=(16, 16, 1), latent_dim=8, width=8, **arguments)


def _fit_reference(reference, steps=2):
    history = reference.fit(image_batches((16, 16, 1), batch_size=8, num_batches=steps),
                            epochs=1, verbose=0)
    return {name: values[-1] for name, values in history.history.items()}


def test_every_registered_model_has_a_reference_of_its_loss_family():
    families = {
        ganzoo.get_model_class(name).defaults["loss_family"] for name in ganzoo.list_models()
    }
    assert families <= set(references.REFERENCE_LOSSES)


def test_wgan_gp_reference_trains_the_models_networks_with_its_settings():
    model = _tiny("wgan_gp", d_steps=2)
    reference = references.reference_for(model)
    assert _kernel_shapes(reference.generator) == _kernel_shapes(model.generator)
    assert _kernel_shapes(reference.discriminator) == _kernel_shapes(model.discriminator)
    assert [type(layer) for layer in reference.discriminator.layers] == [
        type(layer) for layer in model.discriminator.layers
    ]
    assert (reference.d_steps, reference.gp_weight) == (2, 10.0)
    optimizer = reference.d_optimizer
    assert (float(optimizer.learning_rate), optimizer.beta_1, optimizer.beta_2) == pytest.approx(
        (1e-4, 0.0, 0.9)
    )
    losses = _fit_reference(reference, steps=2)
    assert all(math.isfinite(value) for value in losses.values()), losses
    assert int(reference.d_optimizer.iterations) == 2 * int(reference.g_optimizer.iterations) == 4


def test_a_lazy_r1_stays_lazy_in_the_reference_with_the_models_adjusted_adam():
    model = ganzoo.get_model("stylegan2", data_shape=(16, 16, 1), latent_dim=8, width=4,
                             r1_weight=0.5, r1_interval=4)
    reference = references.reference_for(model)
    optimizer = reference.d_optimizer  # StyleGAN2's lazy settings: rate and betas ** (4 / 5)
    assert (float(optimizer.learning_rate), optimizer.beta_1, optimizer.beta_2) == pytest.approx(
        (0.0025 * 0.8, 0.0, 0.99 ** 0.8))
    real = tf.constant(np.random.default_rng(0).uniform(-1, 1, (8, 16, 16, 1)), tf.float32)
    fake = tf.zeros_like(real)
    outputs = (reference.discriminator(real), reference.discriminator(fake))
    plain = float(reference.d_loss_fn(*outputs))
    r1 = float(reference.r1_penalty(real))
    assert r1 > 0
    for iterations, expected in ((0, plain + 0.5 * 0.5 * 4 * r1), (1, plain), (3, plain),
                                 (4, plain + 0.5 * 0.5 * 4 * r1)):
        reference.g_optimizer.iterations.assign(iterations)
        assert float(reference.discriminator_loss(real, fake, *outputs)) == pytest.approx(
            expected, rel=1e-5), iterations


def test_sngan_reference_wraps_plain_layers_in_keras_spectral_normalization():
    model = _tiny("sngan")
    reference = references.reference_for(model)
    ganzoo_spectral = [layer for layer in model.discriminator.layers
                       if isinstance(layer, (layers.SpectralConv2D, layers.SpectralDense))]
    wrapped = [layer for layer in reference.discriminator.layers
               if isinstance(layer, keras.layers.SpectralNormalization)]
    assert len(wrapped) == len(ganzoo_spectral) == 3
    assert [type(w.layer) for w in wrapped] == [keras.layers.Conv2D] * 2 + [keras.layers.Dense]
    assert not any(isinstance(layer, (layers.SpectralConv2D, layers.SpectralDense))
                   for layer in reference.discriminator.layers)
    assert _kernel_shapes(reference.discriminator) == _kernel_shapes(model.discriminator)
    before = [np.array(w.vector_u) for w in wrapped]
    losses = _fit_reference(reference)
    assert all(math.isfinite(value) for value in losses.values()), losses
    assert all(not np.allclose(b, np.array(w.vector_u)) for b, w in zip(before, wrapped))


def test_conditional_reference_has_keras_io_networks_sized_to_the_data():
    # 28x28x1 with 10 classes and latent 128: keras.io conditional_gan.py's MNIST networks.
    reference = keras_io.conditional_reference((28, 28, 1), 10)
    assert reference.generator.input_shape == (None, 128 + 10)  # latent + one-hot label
    assert reference.discriminator.input_shape == (None, 28, 28, 1 + 10)  # + label channels
    assert reference.generator.output_shape == (None, 28, 28, 1)
    assert reference.generator.count_params() == (
        138 * 7 * 7 * 138 + 7 * 7 * 138 + 4 * 4 * 138 * 128 + 128 + 4 * 4 * 128 * 128 + 128
        + 7 * 7 * 128 + 1
    )
    assert reference.discriminator.count_params() == (
        3 * 3 * 11 * 64 + 64 + 3 * 3 * 64 * 128 + 128 + 128 + 1
    )
    optimizer = reference.d_optimizer
    assert (float(optimizer.learning_rate), optimizer.beta_1) == pytest.approx((3e-4, 0.9))


def test_conditional_reference_trains_on_labelled_batches_and_obeys_labels():
    reference = keras_io.conditional_reference((16, 16, 1), num_classes=3, latent_dim=8)
    rng = np.random.default_rng(0)
    batches = without_autotuning(tf.data.Dataset.from_tensor_slices({
        "images": rng.uniform(-1, 1, (16, 16, 16, 1)).astype(np.float32),
        "labels": np.arange(16, dtype=np.int32) % 3,
    }).batch(8, drop_remainder=True))
    history = reference.fit(batches, epochs=1, verbose=0)
    losses = {name: values[-1] for name, values in history.history.items()}
    assert set(losses) == {"d_loss", "g_loss"}
    assert all(math.isfinite(value) for value in losses.values()), losses
    assert int(reference.d_optimizer.iterations) == int(reference.g_optimizer.iterations) == 2
    samples = reference.generate(6, [0, 1, 2, 0, 1, 2], seed=3)
    assert samples.shape == (6, 16, 16, 1) and samples.dtype == np.float32
    assert samples.min() >= -1 and samples.max() <= 1
    other = reference.generate(6, [1, 2, 0, 1, 2, 0], seed=3)  # same noise, other labels
    assert not np.allclose(samples, other)
    np.testing.assert_allclose(reference.generate(6, [0, 1, 2, 0, 1, 2], seed=3), samples)
    with pytest.raises(ganzoo.GanzooError, match="multiples of 4"):
        keras_io.conditional_reference((30, 30, 1), 3)


def _layer_summary(network):
    """[(layer class name, output shape without the batch)] of a Sequential network."""
    return [(type(layer).__name__, tuple(layer.output.shape[1:])) for layer in network.layers]


def test_keras_io_dcgan_networks_are_the_examples_sized_to_the_data():
    # 64x64x3: keras.io dcgan_overriding_train_step.py's CelebA networks exactly.
    generator, discriminator = keras_io.keras_io_dcgan_networks((64, 64, 3))
    assert generator.count_params() == (
        128 * 8 * 8 * 128 + 8 * 8 * 128 + 16 * 128 * 128 + 128 + 16 * 128 * 256 + 256
        + 16 * 256 * 512 + 512 + 25 * 512 * 3 + 3
    )
    assert discriminator.count_params() == (
        16 * 3 * 64 + 64 + 16 * 64 * 128 + 128 + 16 * 128 * 128 + 128 + 8 * 8 * 128 + 1
    )
    # 28x28x1: the same D; G from 7x7 with the first two up-samplings.
    generator, discriminator = keras_io.keras_io_dcgan_networks((28, 28, 1))
    assert _layer_summary(generator) == [
        ("Dense", (7 * 7 * 128,)), ("Reshape", (7, 7, 128)),
        ("Conv2DTranspose", (14, 14, 128)), ("LeakyReLU", (14, 14, 128)),
        ("Conv2DTranspose", (28, 28, 256)), ("LeakyReLU", (28, 28, 256)),
        ("Conv2D", (28, 28, 1)),
    ]
    assert _layer_summary(discriminator) == [
        ("Conv2D", (14, 14, 64)), ("LeakyReLU", (14, 14, 64)),
        ("Conv2D", (7, 7, 128)), ("LeakyReLU", (7, 7, 128)),
        ("Conv2D", (4, 4, 128)), ("LeakyReLU", (4, 4, 128)),
        ("Flatten", (2048,)), ("Dropout", (2048,)), ("Dense", (1,)),
    ]
    assert [layer.kernel_size for layer in discriminator.layers[:6:2]] == [(4, 4)] * 3
    assert generator.layers[-1].kernel_size == (5, 5)
    assert generator.layers[-1].activation is discriminator.layers[-1].activation
    assert discriminator.layers[-1].activation is keras.activations.sigmoid
    with pytest.raises(ganzoo.GanzooError, match="multiples of 4"):
        keras_io.keras_io_dcgan_networks((30, 30, 1))


def test_keras_io_wgan_gp_networks_are_the_examples_at_28x28():
    generator, critic = keras_io.keras_io_wgan_gp_networks((28, 28, 1))
    # The parameter counts keras.io's wgan_gp.py prints for its Fashion-MNIST networks.
    assert (critic.count_params(), generator.count_params()) == (4_305_409, 910_660)
    assert [name for name, _ in _layer_summary(critic)] == [
        "ZeroPadding2D", "Conv2D", "LeakyReLU", "Conv2D", "LeakyReLU", "Dropout", "Conv2D",
        "LeakyReLU", "Dropout", "Conv2D", "LeakyReLU", "Flatten", "Dropout", "Dense",
    ]
    assert _layer_summary(critic)[0][1] == (32, 32, 1)
    assert _layer_summary(generator)[3] == ("Reshape", (4, 4, 256))
    assert _layer_summary(generator)[-2:] == [("Activation", (32, 32, 1)),
                                              ("Cropping2D", (28, 28, 1))]
    assert [layer.rate for layer in critic.layers if isinstance(layer, keras.layers.Dropout)] == [
        0.3, 0.3, 0.2
    ]


@pytest.mark.parametrize("name, d_updates", [("keras_io_dcgan", 1), ("keras_io_wgan_gp", 3)])
def test_keras_io_references_train_and_sample_like_ganzoo(name, d_updates):
    reference = keras_io.KERAS_IO_REFERENCES[name]((28, 28, 1), None)
    # One step: eagerly is twice as fast as tracing wgan_gp's three critic updates with their
    # penalties (ReferenceGAN's traced critic loop: test_wgan_gp_reference_trains_the_models_...).
    reference.run_eagerly = True
    # Kernels: the Wasserstein critic's output bias has no gradient (it cancels in the loss).
    kernels = [w for w in reference.generator.trainable_weights
               + reference.discriminator.trainable_weights if w.path.endswith("kernel")]
    before = [w.numpy() for w in kernels]
    history = reference.fit(image_batches((28, 28, 1), batch_size=8, num_batches=1), verbose=0)
    losses = {key: values[-1] for key, values in history.history.items()}
    assert set(losses) == {"d_loss", "g_loss"}
    assert all(math.isfinite(value) for value in losses.values()), losses
    assert (int(reference.d_optimizer.iterations), int(reference.g_optimizer.iterations)) == (
        d_updates, 1
    )
    assert all(not np.allclose(b, w.numpy()) for b, w in zip(before, kernels))
    samples = reference.generate(5, seed=3)
    assert samples.shape == (5, 28, 28, 1) and samples.dtype == np.float32
    assert samples.min() >= -1 and samples.max() <= 1
    np.testing.assert_allclose(reference.generate(5, seed=3), samples)
    with pytest.raises(ganzoo.GanzooError, match="unconditional"):
        reference.generate(5, labels=[0] * 5)


def test_keras_io_references_keep_the_examples_optimizers():
    dcgan = keras_io.keras_io_dcgan_reference((28, 28, 1))
    wgan = keras_io.keras_io_wgan_gp_reference((28, 28, 1))
    settings = [(float(o.learning_rate), o.beta_1, o.beta_2)
                for o in (dcgan.d_optimizer, dcgan.g_optimizer, wgan.d_optimizer, wgan.g_optimizer)]
    assert np.allclose(settings, [(1e-4, 0.9, 0.999)] * 2 + [(2e-4, 0.5, 0.9)] * 2)
    assert (dcgan.label_noise, wgan.d_steps, wgan.gp_weight) == (0.05, 3, 10.0)


def test_each_image_model_stands_against_the_keras_io_example_a_user_would_copy():
    expected = {"dcgan": "keras_io_dcgan", "lsgan": "keras_io_dcgan", "sngan": "keras_io_dcgan",
                "wgan_gp": "keras_io_wgan_gp", "cgan": "keras_io_conditional_gan",
                "acgan": "keras_io_conditional_gan"}
    assert {name: keras_io.keras_io_reference_name(ganzoo.get_model_class(name))
            for name in expected} == expected
    assert set(expected.values()) == set(keras_io.KERAS_IO_REFERENCES)
