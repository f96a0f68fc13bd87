"""lr_decay_steps: both learning rates fall linearly, each with its own optimizer's updates."""

import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo.models.base import FINAL_LR_FRACTION
from ganzoo.tf_data_options import without_autotuning

RATE = 1e-3


def points(batches, batch_size=8):
    values = np.random.default_rng(0).normal(size=(batches * batch_size, 2)).astype(np.float32)
    return without_autotuning(
        tf.data.Dataset.from_tensor_slices(values).batch(batch_size, drop_remainder=True)
    )


def tiny_mlp(**overrides):
    model = ganzoo.get_model("nsgan", data_shape=(2,), latent_dim=2, width=4,
                             d_learning_rate=RATE, g_learning_rate=RATE, **overrides)
    model.compile()
    return model


@pytest.mark.parametrize("steps, fraction_left", [(2, 0.5), (4, 0.0), (6, 0.0)])
def test_rates_fall_linearly_to_the_final_fraction_then_stay(steps, fraction_left):
    model = tiny_mlp(lr_decay_steps=4, d_steps=2)
    model.fit(points(steps), epochs=1, verbose=0)
    # D updates twice per step, over twice as many of its own updates: both at the same point.
    expected = RATE * (FINAL_LR_FRACTION + (1 - FINAL_LR_FRACTION) * fraction_left)
    assert int(model.d_optimizer.iterations) == 2 * steps
    for optimizer in (model.g_optimizer, model.d_optimizer):
        assert np.isclose(float(optimizer.learning_rate), expected, rtol=1e-5)


def test_without_decay_the_rates_stay():
    model = tiny_mlp()
    model.fit(points(3), epochs=1, verbose=0)
    assert np.isclose(float(model.g_optimizer.learning_rate), RATE)
    assert np.isclose(float(model.d_optimizer.learning_rate), RATE)


def test_a_bad_decay_is_one_line():
    with pytest.raises(ganzoo.GanzooError, match=r"lr_decay_steps=0 is not allowed; "
                                                  r"lr_decay_steps must be an integer >= 1"):
        ganzoo.get_model("nsgan", data_shape=(2,), lr_decay_steps=0)
