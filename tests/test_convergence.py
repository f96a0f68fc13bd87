"""Short trainings whose outcome is known: a GAN must move its samples to the data."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import data, metrics
from ganzoo.tf_data_options import without_autotuning

pytestmark = pytest.mark.slow


def _adam(learning_rate):
    return keras.optimizers.Adam(learning_rate, beta_1=0.5)


@pytest.mark.parametrize("name", ["gan", "nsgan"])
def test_a_gan_learns_a_1d_gaussian(name):
    # N(1.5, 0.5). The untrained generator outputs ~N(0, 0.1): a mean within 0.5 sigma of 1.5
    # and a std within 30 % of 0.5 can only come from training. The bounds are loose enough for
    # the oscillation GANs keep around the optimum, whose phase at step 1,500 depends on the
    # CPU's floating-point kernels (seen for seed 0: mean 1.38-1.60 on an AVX512-BF16 machine,
    # 1.34 for gan on one without, with identical code); the sampling error is ~0.005.
    keras.utils.set_random_seed(0)
    steps, batch = 1500, 128
    real = np.random.default_rng(0).normal(1.5, 0.5, (steps * batch, 1)).astype("float32")
    model = ganzoo.get_model(name, data_shape=(1,), latent_dim=4, width=32)
    model.compile(_adam(1e-3), _adam(1e-3), steps_per_execution=10)
    untrained = model.generate(10_000, seed=1)
    assert abs(untrained.mean() - 1.5) > 1.0
    model.fit(without_autotuning(tf.data.Dataset.from_tensor_slices(real).batch(batch)), epochs=1,
              verbose=0)
    samples = model.generate(10_000, seed=1)
    assert abs(samples.mean() - 1.5) < 0.25, samples.mean()
    assert abs(samples.std() - 0.5) < 0.15, samples.std()


def test_nsgan_learns_the_ring_of_8_gaussians():
    keras.utils.set_random_seed(0)
    model = ganzoo.get_model("nsgan", data_shape=(2,), latent_dim=8, width=128)
    model.compile(_adam(1e-3), _adam(1e-3), steps_per_execution=10)
    ring = data.load_dataset("ring", batch_size=256, seed=0).repeat()
    model.fit(ring, epochs=1, steps_per_epoch=4000, verbose=0)

    centers, std = data.mode_centers("ring")
    coverage = metrics.mode_coverage(model.generate(5000, seed=1), centers, std)
    # A bound every seed met, not seed 0's luck: seeds 0-4 (model and data seeds alike, on an
    # Intel Xeon with AVX512_BF16, 2026-12-05) captured 8, 8, 8, 7, 8 modes with 67.3, 76.2,
    # 79.1, 37.4, 74.4 % high-quality samples (a mode needs 40 of the 5,000). This width,
    # unpacked, can collapse a mode; the shipped recipe (packing 4, 12,000 steps) gets 8 of 8
    # at every seed, which tests/test_shipped_models.py checks on the shipped model.
    # The suite's slowest test (4,000 steps), kept so: scored every 500 steps (2026-12-06), at
    # 3,000 steps seeds 0 and 3 had 6 and 4 modes; 3,500 met the bound at all five seeds, but
    # seed 0 with 7 modes and seed 3 with 40 %, no margin for another CPU's kernels to save an
    # eighth of the test on; Adam at 2e-3 was no faster (seed 0: 4 modes at 2,000 steps).
    assert coverage.modes_captured >= 7, coverage
    assert coverage.high_quality_percent >= 30.0, coverage
