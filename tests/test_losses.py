import math

import numpy as np
import pytest
import tensorflow as tf

from ganzoo import losses


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


LOGITS = [-3.0, -0.5, 0.0, 0.5, 3.0]


def test_discriminator_loss_matches_hand_computed_bce():
    real = np.array(LOGITS, np.float32)
    fake = np.array(LOGITS[::-1], np.float32)
    expected = [
        -math.log(sigmoid(r)) - math.log(1 - sigmoid(f)) for r, f in zip(real, fake)
    ]
    np.testing.assert_allclose(losses.discriminator_loss(real, fake), expected, rtol=1e-6)


def test_discriminator_loss_at_equilibrium_is_2_log_2():
    value = losses.discriminator_loss(tf.zeros([4, 1]), tf.zeros([4, 1]))
    np.testing.assert_allclose(value, [2 * math.log(2)] * 4, rtol=1e-6)


def test_minimax_generator_loss_is_log_one_minus_d():
    expected = [math.log(1 - sigmoid(x)) for x in LOGITS]
    np.testing.assert_allclose(losses.minimax_generator_loss(LOGITS), expected, rtol=1e-6)


def test_non_saturating_generator_loss_is_minus_log_d():
    expected = [-math.log(sigmoid(x)) for x in LOGITS]
    np.testing.assert_allclose(losses.non_saturating_generator_loss(LOGITS), expected, rtol=1e-6)


def test_losses_accept_column_logits_and_return_per_example_vectors():
    column = tf.constant([[1.0], [2.0], [3.0]])
    assert losses.discriminator_loss(column, column).shape == (3,)
    for loss_fn in losses.GENERATOR_LOSSES.values():
        assert loss_fn(column).shape == (3,)


@pytest.mark.parametrize("logit", [-1e4, -200.0, -90.0, 90.0, 200.0, 1e4])
def test_large_logits_stay_finite_and_exact(logit):
    # Where log(sigmoid(x)) would give -inf, the softplus forms give |x| exactly.
    big = abs(logit)
    d_loss = losses.discriminator_loss([logit], [logit]).numpy()[0]
    assert np.isfinite(d_loss)
    np.testing.assert_allclose(d_loss, big, rtol=1e-6)  # one of the two terms is ~|x|, the other ~0
    minimax = losses.minimax_generator_loss([logit]).numpy()[0]
    nonsat = losses.non_saturating_generator_loss([logit]).numpy()[0]
    np.testing.assert_allclose(minimax, -max(logit, 0.0), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(nonsat, max(-logit, 0.0), rtol=1e-6, atol=1e-6)


def _logit_gradient(loss_fn, logit):
    x = tf.constant([logit])
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = tf.reduce_sum(loss_fn(x))
    return tape.gradient(value, x).numpy()[0]


def test_minimax_gradient_saturates_when_d_rejects_fakes_but_non_saturating_does_not():
    # D(G(z)) = sigmoid(-10) ~ 4.5e-5: D confidently rejects the fakes, as early in training.
    minimax = _logit_gradient(losses.minimax_generator_loss, -10.0)
    nonsat = _logit_gradient(losses.non_saturating_generator_loss, -10.0)
    np.testing.assert_allclose(minimax, -sigmoid(-10.0), rtol=1e-4)  # -4.5e-5: vanished
    np.testing.assert_allclose(nonsat, -sigmoid(10.0), rtol=1e-4)  # ~ -1: still pushes G
    assert abs(nonsat) > 1e4 * abs(minimax)
    # Far into saturation the minimax gradient is zero in float32; the other is still -1.
    assert _logit_gradient(losses.minimax_generator_loss, -200.0) == 0.0
    np.testing.assert_allclose(
        _logit_gradient(losses.non_saturating_generator_loss, -200.0), -1.0
    )


def test_both_generator_losses_push_the_logit_up():
    for loss_fn in losses.GENERATOR_LOSSES.values():
        assert _logit_gradient(loss_fn, 0.0) < 0
