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
    np.testing.assert_allclose(losses.bce_discriminator_loss(real, fake), expected, rtol=1e-6)


def test_discriminator_loss_at_equilibrium_is_2_log_2():
    value = losses.bce_discriminator_loss(tf.zeros([4, 1]), tf.zeros([4, 1]))
    np.testing.assert_allclose(value, [2 * math.log(2)] * 4, rtol=1e-6)


def test_minimax_generator_loss_is_log_one_minus_d():
    expected = [math.log(1 - sigmoid(x)) for x in LOGITS]
    np.testing.assert_allclose(losses.minimax_generator_loss(LOGITS), expected, rtol=1e-6)


def test_non_saturating_generator_loss_is_minus_log_d():
    expected = [-math.log(sigmoid(x)) for x in LOGITS]
    np.testing.assert_allclose(losses.non_saturating_generator_loss(LOGITS), expected, rtol=1e-6)


# One pattern for every loss family: on fixed outputs, each (D loss, G loss, metrics) equals the
# paper's formula computed by hand in plain Python. A family added to LOSS_FAMILIES without an
# entry here fails test_every_family_is_checked.
def _bce_d(r, f):
    return -math.log(sigmoid(r)) - math.log(1 - sigmoid(f))


HAND_COMPUTED = {
    "minimax": (_bce_d, lambda f: math.log(1 - sigmoid(f)),
                lambda r, f: {"d_real": sigmoid(r), "d_fake": sigmoid(f)}),
    "non_saturating": (_bce_d, lambda f: -math.log(sigmoid(f)),
                       lambda r, f: {"d_real": sigmoid(r), "d_fake": sigmoid(f)}),
    "wasserstein": (lambda r, f: f - r, lambda f: -f,
                    lambda r, f: {"real_score": r, "fake_score": f, "wasserstein": r - f}),
    "hinge": (lambda r, f: max(0.0, 1 - r) + max(0.0, 1 + f), lambda f: -f,
              lambda r, f: {"real_score": r, "fake_score": f}),
    # Mao et al. 2017 eq. (2) with a = 0, b = 1, c = 1.
    "least_squares": (lambda r, f: 0.5 * (r - 1) ** 2 + 0.5 * f**2, lambda f: 0.5 * (f - 1) ** 2,
                      lambda r, f: {"real_score": r, "fake_score": f}),
}
REAL, FAKE = LOGITS, [2.0, -1.5, 0.0, 0.25, -3.0]


def test_every_family_is_checked():
    assert sorted(HAND_COMPUTED) == sorted(losses.LOSS_FAMILIES)


@pytest.mark.parametrize("name", sorted(HAND_COMPUTED))
def test_each_family_matches_its_formula_on_fixed_outputs(name):
    family = losses.LOSS_FAMILIES[name]
    d_formula, g_formula, metrics_formula = HAND_COMPUTED[name]
    real = tf.constant(REAL, shape=[5, 1])  # [batch, 1], as D returns them
    fake = tf.constant(FAKE, shape=[5, 1])
    np.testing.assert_allclose(
        family.discriminator(real, fake), [d_formula(r, f) for r, f in zip(REAL, FAKE)], rtol=1e-6
    )
    np.testing.assert_allclose(family.generator(fake), [g_formula(f) for f in FAKE], rtol=1e-6,
                               atol=1e-7)
    metrics = family.metrics(real, fake)
    assert tuple(metrics) == family.metric_names
    for metric, values in metrics.items():
        expected = [metrics_formula(r, f)[metric] for r, f in zip(REAL, FAKE)]
        np.testing.assert_allclose(values, expected, rtol=1e-6, err_msg=metric)
        assert values.shape == (5,)
    assert family.outputs_are_logits == (name in ("minimax", "non_saturating"))


@pytest.mark.parametrize("name", sorted(HAND_COMPUTED))
def test_every_generator_loss_pushes_d_output_on_fakes_up(name):
    assert _logit_gradient(losses.LOSS_FAMILIES[name].generator, 0.0) < 0


class LinearCritic:
    """D(x) = <w, x> + b, whose input gradient is w for every x (closed form)."""

    def __init__(self, w, b=0.3):
        self.w = tf.constant(w, tf.float32)
        self.b = b
        self.calls = []

    def __call__(self, x, training=False):
        self.calls.append(x)
        flat = tf.reshape(x, [tf.shape(x)[0], -1])
        return tf.reduce_sum(flat * tf.reshape(self.w, [1, -1]), axis=1, keepdims=True) + self.b


@pytest.mark.parametrize("w", [[3.0, 4.0], [0.6, 0.8], [0.0, 0.5]])
def test_gradient_penalty_of_a_linear_critic_is_norm_minus_one_squared(w):
    critic = LinearCritic(w)
    real = tf.constant([[1.0, 2.0], [0.0, -1.0], [5.0, 5.0]])
    fake = tf.constant([[0.0, 0.0], [2.0, 2.0], [-1.0, 3.0]])
    mix = tf.constant([0.0, 0.25, 1.0])
    penalty = losses.gradient_penalty(critic, real, fake, mix)
    expected = (math.hypot(*w) - 1.0) ** 2
    np.testing.assert_allclose(penalty, [expected] * 3, rtol=1e-5, atol=1e-6)
    # ...evaluated on the interpolates mix * real + (1 - mix) * fake.
    np.testing.assert_allclose(
        critic.calls[-1], [[0.0, 0.0], [1.5, 1.25], [5.0, 5.0]], rtol=1e-6
    )


def test_r1_penalty_of_a_linear_critic_is_the_squared_weight_norm():
    critic = LinearCritic([[1.0, 2.0], [2.0, 0.0]])  # data shape (2, 2)
    real = tf.random.stateless_normal([4, 2, 2], seed=[1, 2])
    np.testing.assert_allclose(losses.r1_penalty(critic, real), [9.0] * 4, rtol=1e-6)


def test_penalties_are_per_example():
    # A critic whose input gradient differs per example: D(x) = sum(x^2) / 2, gradient x.
    def critic(x, training=False):
        return 0.5 * tf.reduce_sum(tf.square(x), axis=1)

    real = tf.constant([[3.0, 4.0], [0.0, 1.0]])
    np.testing.assert_allclose(losses.r1_penalty(critic, real), [25.0, 1.0], rtol=1e-6)
    penalty = losses.gradient_penalty(critic, real, tf.zeros([2, 2]), tf.ones([2]))
    np.testing.assert_allclose(penalty, [16.0, 0.0], atol=1e-5)


def test_losses_accept_column_logits_and_return_per_example_vectors():
    column = tf.constant([[1.0], [2.0], [3.0]])
    for family in losses.LOSS_FAMILIES.values():
        assert family.discriminator(column, column).shape == (3,)
        assert family.generator(column).shape == (3,)


@pytest.mark.parametrize("logit", [-1e4, -200.0, -90.0, 90.0, 200.0, 1e4])
def test_large_logits_stay_finite_and_exact(logit):
    # Where log(sigmoid(x)) would give -inf, the softplus forms give |x| exactly.
    big = abs(logit)
    d_loss = losses.bce_discriminator_loss([logit], [logit]).numpy()[0]
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

