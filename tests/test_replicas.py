"""The contract's replica test: every model (and packing) trains to the same weights, metrics
and per-replica copies on two replicas as on one device. (Its own module, beside
tests/test_models.py, so that --dist loadscope can run the two longest groups of model tests in
different processes.)"""

import numpy as np
import pytest
import tensorflow as tf

from tests.test_models import (  # noqa: F401  (mirrored is a fixture)
    HEAVY, HEAVY_IDS, heavy_d_steps, max_difference, mirrored, train_sgd,
)

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name, shape, overrides", HEAVY, ids=HEAVY_IDS)
def test_two_replicas_equal_one_device(mirrored, name, shape, overrides):
    # Sampled noise (and interpolation weights): each replica takes its own rows of one global
    # draw keyed on (seed, step, sub-step), so the run is the same at any replica count.
    d_steps = heavy_d_steps(name, overrides)
    one = train_sgd(tf.distribute.get_strategy(), name, shape, overrides, 2, d_steps=d_steps)
    two = train_sgd(mirrored, name, shape, overrides, 2, d_steps=d_steps)
    difference = max_difference(one[0], two[0])
    print(f"\n{name}: max|w1-w2| after 2 steps with d_steps={d_steps} = {difference:.1e}")
    assert difference < 1e-5
    for metric in one[2].metric_names():
        np.testing.assert_allclose(one[1][metric], two[1][metric], rtol=1e-5, atol=1e-6,
                                   err_msg=metric)
    # Every variable, power-iteration vectors and batch-norm statistics included, holds the same
    # value on both replicas.
    model = two[2]
    for variable in model.generator.weights + model.discriminator.weights:
        copies = [np.asarray(v) for v in mirrored.experimental_local_results(variable.value)]
        assert len(copies) == 2
        np.testing.assert_array_equal(copies[0], copies[1], err_msg=variable.path)
