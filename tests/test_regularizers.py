"""The regularisers as parts (ganzoo.regularizers): lazy R1's schedule and scale, StyleGAN2's
optimizer adjustment, consistency regularisation by hand, and exactness across replicas."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import losses, regularizers
from tests.test_models import batches, max_difference, mirrored, train_sgd  # noqa: F401

SHAPE = (16, 16, 1)


def tiny(**arguments):
    keras.utils.set_random_seed(0)
    model = ganzoo.get_model("nsgan", data_shape=SHAPE, latent_dim=8, width=4,
                             architecture="dcgan", d_normalization="layer", **arguments)
    model.compile()
    return model


def penalty(model, name, step, real, fake=None):
    model.g_optimizer.iterations.assign(step)
    critic = lambda data, training=True: model.adversarial_outputs(data, None, training)  # noqa
    value = regularizers.REGULARIZERS[name].penalty(
        model, critic, real, real if fake is None else fake, 0)
    return np.asarray(value)


def test_lazy_r1_is_computed_on_due_steps_only_and_scaled_by_the_interval():
    real = tf.constant(np.random.default_rng(0).uniform(-1, 1, (4, *SHAPE)), tf.float32)
    every = tiny(r1_weight=1.0)
    lazy = tiny(r1_weight=1.0, r1_interval=4)
    lazy.set_weights(every.get_weights())
    full = penalty(every, "r1_penalty", 0, real)
    np.testing.assert_allclose(full, losses.r1_penalty(
        lambda d, training=True: every.adversarial_outputs(d, None, training), real), rtol=1e-6)
    assert (full > 0).all()
    np.testing.assert_allclose(penalty(lazy, "r1_penalty", 8, real), 4 * full, rtol=1e-5)
    for step in (1, 2, 3, 9):
        np.testing.assert_array_equal(penalty(lazy, "r1_penalty", step, real), 0.0)


def test_lazy_r1_adjusts_ds_adam_as_stylegan2():
    rate, beta_1, beta_2 = regularizers.lazy_adam_settings(0.0025, 0.0, 0.99, 16)
    assert rate == pytest.approx(0.0025 * 16 / 17) and beta_1 == 0.0
    assert beta_2 == pytest.approx(0.99 ** (16 / 17))
    model = tiny(r1_weight=1.0, r1_interval=16, d_learning_rate=0.0025, beta_1=0.0,
                 beta_2=0.99)
    assert float(model.d_optimizer.learning_rate) == pytest.approx(rate)
    assert float(model.d_optimizer.beta_2) == pytest.approx(beta_2)
    assert float(model.g_optimizer.learning_rate) == pytest.approx(model.g_learning_rate)
    unregularized = tiny(r1_interval=16)  # no R1, nothing lazy: no adjustment
    assert float(unregularized.d_optimizer.learning_rate) == pytest.approx(2e-4)


def test_consistency_is_the_squared_change_of_d_under_a_translation_by_hand():
    model = tiny(bcr_weight=10.0)
    rng = np.random.default_rng(1)
    real = tf.constant(rng.uniform(-1, 1, (4, *SHAPE)), tf.float32)
    fake = tf.constant(rng.uniform(-1, 1, (4, *SHAPE)), tf.float32)
    value = penalty(model, "consistency", 3, real, fake)
    # The same translations, drawn again from the same key, give the same penalty by hand.
    moved_real = regularizers._translated(model, real, 0, 0)
    moved_fake = regularizers._translated(model, fake, 0, 1)

    def d(x):
        return np.asarray(model.adversarial_outputs(x, None)).reshape(-1)

    expected = (d(real) - d(moved_real)) ** 2 + (d(fake) - d(moved_fake)) ** 2
    np.testing.assert_allclose(value, expected, rtol=1e-5, atol=1e-7)
    assert (value > 0).all()
    assert "consistency" in model.metric_names()
    with pytest.raises(ganzoo.GanzooError, match="bcr_weight translates images"):
        ganzoo.get_model("nsgan", data_shape=(2,), bcr_weight=1.0)


@pytest.mark.parametrize("arguments", [{"r1_weight": 1.0, "r1_interval": 2},
                                       {"bcr_weight": 1.0}])
def test_regularised_training_is_the_same_on_two_replicas(mirrored, arguments):
    overrides = {"latent_dim": 8, "width": 4, "d_normalization": "layer", **arguments}
    one = train_sgd(tf.distribute.get_strategy(), "dcgan", SHAPE, overrides, 4)
    two = train_sgd(mirrored, "dcgan", SHAPE, overrides, 4)
    assert max_difference(one[0], two[0]) < 1e-5
    name = "r1_penalty" if "r1_weight" in arguments else "consistency"
    np.testing.assert_allclose(one[1][name], two[1][name], rtol=1e-5)
    assert one[1][name][0] > 0
