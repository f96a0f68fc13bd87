"""Your own Keras networks as a zoo model's G and D (ganzoo.backbones.custom): they train,
save and load, distribute exactly and export like the built-in ones; misfits fail in one
line naming both shapes."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import export
from tests.conftest import all_weights
from tests.test_models import NUM_CLASSES, batches, max_difference, mirrored  # noqa: F401

SHAPE = (8, 8, 1)


def networks(latent=16, conditional=False, conditioning=None):
    """A small dense G and D for SHAPE, as a user would write them (functional models)."""
    latent_in = keras.Input((latent,))
    labels = keras.Input((), dtype="int32")
    x = latent_in
    if conditional:
        x = keras.layers.Concatenate()([latent_in, keras.layers.Embedding(NUM_CLASSES, 4)(labels)])
    x = keras.layers.Dense(32, activation="relu")(x)
    x = keras.layers.Dense(int(np.prod(SHAPE)), activation="tanh")(x)
    images = keras.layers.Reshape(SHAPE)(x)
    generator = keras.Model([latent_in, labels] if conditional else latent_in, images)
    data = keras.Input(SHAPE)
    y = keras.layers.Dense(32)(keras.layers.Flatten()(data))
    y = keras.layers.LeakyReLU(0.2)(y)
    if conditioning == "projection":
        y = keras.layers.Concatenate()([y, keras.layers.Embedding(NUM_CLASSES, 4)(labels)])
        discriminator = keras.Model([data, labels], keras.layers.Dense(1)(y))
    elif conditioning == "auxiliary":
        discriminator = keras.Model(data, [keras.layers.Dense(1)(y),
                                           keras.layers.Dense(NUM_CLASSES)(y)])
    else:
        discriminator = keras.Model(data, keras.layers.Dense(1)(y))
    return generator, discriminator


@pytest.mark.parametrize("name", ["nsgan", "wgan_gp", "cgan", "acgan"])
def test_own_networks_train_save_load_and_export_like_built_in_ones(tmp_path, name):
    model_class = ganzoo.get_model_class(name)
    keras.utils.set_random_seed(0)
    generator, discriminator = networks(
        conditional=model_class.conditional, conditioning=model_class.conditioning)
    extra = {"num_classes": NUM_CLASSES} if model_class.conditional else {}
    model = ganzoo.get_model(name, data_shape=SHAPE, generator=generator,
                             discriminator=discriminator, d_normalization="none", **extra)
    assert model.latent_dim == 16  # read from G's input
    model.compile()
    data = batches(name, SHAPE, num_batches=3)
    history = model.fit(data, epochs=1, verbose=0).history
    assert all(np.isfinite(values).all() for values in history.values())
    path = str(tmp_path / "own.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    for a, b in zip(all_weights(model), all_weights(loaded)):
        np.testing.assert_array_equal(a, b)
    # Continuing both gives the same weights: the optimizers and the step came back too.
    model.fit(data, epochs=1, verbose=0)
    loaded.fit(data, epochs=1, verbose=0)
    for a, b in zip(all_weights(model), all_weights(loaded)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    served = tf.saved_model.load(export.export_generator(model, str(tmp_path / "export")))
    latent = model.sample_latent(4, seed=1)
    if model.conditional:
        labels = np.array([0, 1, 2, 0], "int32")
        images = served.signatures["serving_default"](latent=latent, labels=labels)["images"]
        expected = model.generate(latent=latent, labels=labels)
    else:
        images = served.signatures["serving_default"](latent=latent)["images"]
        expected = model.generate(latent=latent)
    np.testing.assert_allclose(images, expected, atol=1e-5)
    if model.conditioning == "auxiliary":
        judged = served.signatures["discriminate"](images=images)
        assert judged["class_probabilities"].shape == (4, NUM_CLASSES)


def test_own_networks_train_alike_on_two_replicas(mirrored):
    weights = []
    for strategy in (tf.distribute.get_strategy(), mirrored):
        keras.utils.set_random_seed(0)
        with strategy.scope():  # the user's networks too, as the model
            generator, discriminator = networks()
            model = ganzoo.get_model("nsgan", data_shape=SHAPE, generator=generator,
                                     discriminator=discriminator)
            model.compile(d_optimizer=keras.optimizers.SGD(0.1),
                          g_optimizer=keras.optimizers.SGD(0.1))
        model.fit(batches("nsgan", SHAPE, 8, 3), epochs=1, verbose=0, shuffle=False)
        weights.append(all_weights(model))
    assert max_difference(*weights) < 1e-5


def test_networks_that_do_not_fit_are_refused_in_one_line():
    generator, discriminator = networks()
    with pytest.raises(ganzoo.GanzooError, match=r"^the generator makes samples of shape "
                                                 r"\(8, 8, 1\), but the model's data_shape is "
                                                 r"\(16, 16, 1\)$"):
        ganzoo.get_model("nsgan", data_shape=(16, 16, 1), generator=generator,
                         discriminator=discriminator)
    with pytest.raises(ganzoo.GanzooError, match=r"^the generator cannot take the latent "
                                                 r"\[batch, 8\]"):
        ganzoo.get_model("nsgan", data_shape=SHAPE, latent_dim=8, generator=generator,
                         discriminator=discriminator)
    wide = keras.Sequential([keras.Input(SHAPE), keras.layers.Flatten(), keras.layers.Dense(2)])
    with pytest.raises(ganzoo.GanzooError, match=r"^the discriminator's adversarial output has "
                                                 r"shape \(None, 2\); the model needs "
                                                 r"\(None, 1\)$"):
        ganzoo.get_model("nsgan", data_shape=SHAPE, generator=generator, discriminator=wide)
    with pytest.raises(ganzoo.GanzooError, match="give both generator and discriminator"):
        ganzoo.get_model("nsgan", data_shape=SHAPE, generator=generator)
    with pytest.raises(ganzoo.GanzooError, match="must return adversarial and class_logits"):
        ganzoo.get_model("acgan", data_shape=SHAPE, num_classes=NUM_CLASSES,
                         generator=networks(conditional=True)[0], discriminator=discriminator)
