"""The GAN models: training behaviour, the rules of the game, configs and saving."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo.models.base import METRIC_NAMES
from tests.conftest import all_weights, image_batches

# (name, data shape, overrides): tiny versions of every registered model.
ZOO = [
    ("gan", (2,), {"latent_dim": 4, "width": 16}),
    ("nsgan", (8, 8, 1), {"latent_dim": 4, "width": 16}),
    ("dcgan", (16, 16, 1), {"latent_dim": 8, "width": 4}),
]


def tiny(name, shape, overrides, **more):
    keras.utils.set_random_seed(0)
    model = ganzoo.get_model(name, data_shape=shape, **{**overrides, **more})
    model.compile(
        d_optimizer=keras.optimizers.SGD(0.05), g_optimizer=keras.optimizers.SGD(0.05)
    )
    return model


def test_every_registered_model_is_covered():
    assert sorted(name for name, _, _ in ZOO) == ganzoo.list_models()


def test_default_generator_losses_follow_the_papers():
    assert ganzoo.get_model("gan", data_shape=(2,)).generator_loss == "minimax"
    assert ganzoo.get_model("nsgan", data_shape=(2,)).generator_loss == "non_saturating"
    assert ganzoo.get_model("dcgan", data_shape=(28, 28, 1)).generator_loss == "non_saturating"


@pytest.mark.parametrize("name, shape, overrides", ZOO)
@pytest.mark.parametrize("generator_loss", ["minimax", "non_saturating"])
def test_models_train_with_finite_moving_losses(name, shape, overrides, generator_loss):
    model = tiny(name, shape, overrides, generator_loss=generator_loss)
    before = all_weights(model)
    history = model.fit(image_batches(shape, num_batches=4), epochs=3, verbose=0).history
    assert sorted(history) == sorted(METRIC_NAMES)
    for metric in METRIC_NAMES:
        assert np.all(np.isfinite(history[metric])), metric
    assert len(set(np.round(history["d_loss"], 7))) > 1  # the loss moves
    assert len(set(np.round(history["g_loss"], 7))) > 1
    assert all(0 < v < 1 for v in history["d_real"] + history["d_fake"])
    changed = [not np.array_equal(a, b) for a, b in zip(before, all_weights(model))]
    assert all(changed[: len(model.generator.weights)])  # every G variable moved
    assert any(changed[len(model.generator.weights) :])


@pytest.mark.parametrize("name, shape, overrides", ZOO)
def test_the_generator_step_never_updates_the_discriminator(name, shape, overrides):
    model = tiny(name, shape, overrides)
    model.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.1))
    d_before = [v.numpy() for v in model.discriminator.trainable_variables]
    g_before = [v.numpy() for v in model.generator.trainable_variables]
    model.fit(image_batches(shape), epochs=1, verbose=0)
    for before, after in zip(d_before, model.discriminator.trainable_variables):
        np.testing.assert_array_equal(before, after.numpy())
    assert any(
        not np.array_equal(b, a.numpy()) for b, a in zip(g_before, model.generator.trainable_variables)
    )


def test_d_steps_gives_k_discriminator_updates_per_generator_update():
    name, shape, overrides = ZOO[0]
    model = tiny(name, shape, overrides, d_steps=3)
    model.fit(image_batches(shape, num_batches=2), epochs=2, verbose=0)
    assert int(model.g_optimizer.iterations) == 4
    assert int(model.d_optimizer.iterations) == 12


def test_a_given_latent_batch_replaces_the_sampled_noise():
    name, shape, overrides = ZOO[2]
    images = np.random.default_rng(1).uniform(-1, 1, (16, *shape)).astype("float32")
    latent = np.random.default_rng(2).normal(size=(16, 8)).astype("float32")
    batches = tf.data.Dataset.from_tensor_slices({"images": images, "latent": latent}).batch(8)
    runs = []
    for seed in (0, 99):  # The noise seed is irrelevant when the latent is given...
        model = tiny(name, shape, overrides, seed=seed)
        model.fit(batches, epochs=1, verbose=0)
        runs.append(all_weights(model))
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)
    model = tiny(name, shape, overrides, seed=0)  # ...and sampled noise differs from it.
    model.fit(batches.map(lambda batch: batch["images"]), epochs=1, verbose=0)
    assert any(not np.array_equal(a, b) for a, b in zip(runs[0], all_weights(model)))


def test_training_is_reproducible_with_a_seed():
    name, shape, overrides = ZOO[2]
    runs = []
    for _ in range(2):
        model = tiny(name, shape, overrides, seed=7)
        model.fit(image_batches(shape), epochs=2, verbose=0)
        runs.append(all_weights(model))
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name, shape, overrides", ZOO)
def test_generate_is_seeded_and_in_range(name, shape, overrides):
    model = tiny(name, shape, overrides)
    a, b, c = model.generate(5, seed=1), model.generate(5, seed=1), model.generate(5, seed=2)
    assert a.shape == (5, *shape)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    if len(shape) == 3:
        assert a.min() >= -1.0 and a.max() <= 1.0
    np.testing.assert_allclose(
        model.generate(latent=model.sample_latent(5, seed=1)), a, rtol=1e-6
    )


def test_generate_rejects_a_latent_of_the_wrong_width():
    model = tiny(*ZOO[0])
    with pytest.raises(ganzoo.GanzooError, match=r"latent must have shape \[n, 4\]"):
        model.generate(latent=np.zeros((2, 5), "float32"))


@pytest.mark.parametrize("name, shape, overrides", ZOO)
def test_get_config_round_trip(name, shape, overrides):
    model = tiny(name, shape, overrides, d_steps=2, generator_loss="minimax", seed=3)
    config = model.get_config()
    clone = type(model).from_config(config)
    assert clone.get_config() == config
    assert [w.shape for w in clone.weights] == [w.shape for w in model.weights]
    assert clone.generator.count_params() == model.generator.count_params()


def test_bad_constructor_arguments_get_clear_errors():
    with pytest.raises(ganzoo.GanzooError, match="unknown generator_loss 'wasserstein'.*minimax"):
        ganzoo.get_model("gan", data_shape=(2,), generator_loss="wasserstein")
    with pytest.raises(ganzoo.GanzooError, match="d_steps must be a positive integer"):
        ganzoo.get_model("gan", data_shape=(2,), d_steps=0)


@pytest.mark.parametrize("name, shape, overrides", [ZOO[0], ZOO[2]])
def test_keras_save_and_load_resumes_training_exactly(tmp_path, name, shape, overrides):
    model = tiny(name, shape, overrides)
    model.compile()  # Adam: its moment estimates must survive the round trip.
    data = image_batches(shape, num_batches=3)
    model.fit(data, epochs=1, verbose=0)
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is type(model)
    assert int(loaded.g_optimizer.iterations) == 3 and int(loaded.d_optimizer.iterations) == 3
    for a, b in zip(all_weights(model), all_weights(loaded)):
        np.testing.assert_array_equal(a, b)
    # Continuing the original and the loaded copy gives the same weights: optimizer moments,
    # step counter and noise stream were all restored.
    model.fit(data, epochs=2, verbose=0)
    history = loaded.fit(data, epochs=2, verbose=0).history
    assert np.all(np.isfinite(history["g_loss"]))
    for a, b in zip(all_weights(model), all_weights(loaded)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_g_ema_averages_the_generator_and_is_what_samples_and_exports(tmp_path):
    from ganzoo import export

    name, shape, overrides = ZOO[0]
    model = tiny(name, shape, overrides, g_ema_decay=0.25)
    before = [v.numpy() for v in model.generator.weights]
    model.fit(image_batches(shape, num_batches=1), epochs=1, verbose=0)  # one G step
    after = [v.numpy() for v in model.generator.weights]
    for average, w0, w1 in zip(model._ema_weights, before, after):
        np.testing.assert_allclose(average.numpy(), 0.25 * w0 + 0.75 * w1, rtol=1e-6, atol=1e-7)
    latent = model.sample_latent(4, seed=0)
    raw = model.generator(latent, training=False).numpy()
    averaged = model.generate(latent=latent)
    assert not np.allclose(raw, averaged)
    averaged_by_hand = keras.models.clone_model(model.generator)
    averaged_by_hand.set_weights([a.numpy() for a in model._ema_weights])
    np.testing.assert_allclose(averaged, averaged_by_hand(latent, training=False), atol=1e-6)
    served = export.load_signature(export.export_generator(model, str(tmp_path / "gan")))
    np.testing.assert_allclose(served(latent=latent)["samples"], averaged, atol=1e-6)
    with pytest.raises(ganzoo.GanzooError, match="g_ema_decay must be in"):
        ganzoo.get_model("gan", data_shape=(2,), g_ema_decay=1.0)


def test_train_step_is_traced_once_across_steps_and_epochs():
    # Python in train_step runs only while TensorFlow traces it: count those runs.
    name, shape, overrides = ZOO[2]
    model = tiny(name, shape, overrides)
    traces = []
    original = model.train_step

    def counting_train_step(data):
        traces.append(1)
        return original(data)

    model.train_step = counting_train_step
    model.fit(image_batches(shape, num_batches=3), epochs=3, verbose=0)
    assert int(model.g_optimizer.iterations) == 9
    assert len(traces) == 1
