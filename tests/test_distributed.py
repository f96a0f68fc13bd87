"""Replication must not change the mathematics (the per-model 2 replicas == 1 device test is
tests/test_replicas.py); here: noise per replica, the generator average, batch
norm options, strategy errors."""

import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import distribute
from ganzoo import noise as noise_lib
from ganzoo.configs import DataConfig, ModelConfig, TrainConfig
from ganzoo import train_lib
from tests.conftest import TWO_CPUS
from tests.test_models import max_difference, mirrored, tiny_case, train_sgd  # noqa: F401

def test_the_generator_average_is_the_same_at_any_replica_count(mirrored):
    name, shape, overrides = tiny_case("dcgan")
    one = train_sgd(tf.distribute.get_strategy(), name, shape, overrides, 3, g_ema_decay=0.5)
    two = train_sgd(mirrored, name, shape, overrides, 3, g_ema_decay=0.5)
    averages = [[a.numpy() for a in run[2]._ema_weights] for run in (one, two)]
    assert max_difference(*averages) < 1e-5
    assert max_difference(averages[0], [v.numpy() for v in one[2].generator.weights]) > 1e-4


def test_per_replica_batch_norm_is_an_option_that_changes_the_result(mirrored):
    name, shape, overrides = tiny_case("dcgan")
    # With the default (synchronized) batch norm, 2 replicas train this dcgan to the single
    # device's weights within 1e-5: tests/test_replicas.py's dcgan case, over 2 steps with
    # d_steps=2, so it is not trained a third time here. The option must break that equality.
    one = train_sgd(tf.distribute.get_strategy(), name, shape, overrides, 1)
    local = train_sgd(mirrored, name, shape, overrides, 1, synchronized_batch_norm=False)
    assert max_difference(one[0], local[0]) > 1e-4  # statistics of 4 examples, not 8


def test_replicas_draw_different_noise_and_seeds_reproduce_it(mirrored):
    name, shape, overrides = tiny_case("gan")
    noise = []
    for seed in (5, 5, 6):
        with mirrored.scope():
            model = ganzoo.get_model(name, data_shape=shape, seed=seed, **overrides)
            model.compile()
        per_replica = mirrored.run(lambda: model.replica_latent(4, sub_step=0))
        noise.append([v.numpy() for v in mirrored.experimental_local_results(per_replica)])
    replica_0, replica_1 = noise[0]
    assert replica_0.shape == (4, overrides["latent_dim"])
    assert not np.allclose(replica_0, replica_1)
    np.testing.assert_array_equal(noise[0][0], noise[1][0])
    np.testing.assert_array_equal(noise[0][1], noise[1][1])
    assert not np.allclose(noise[0][0], noise[2][0])
    # The two replicas' rows together are the single-device draw of the global batch.
    single_device = noise_lib.latent_batch(8, overrides["latent_dim"], 5, 0, 0)  # seed, step, sub
    np.testing.assert_allclose(np.concatenate(noise[0]), single_device, rtol=1e-6)


def test_a_global_batch_that_replicas_cannot_split_is_refused(tmp_path):
    with pytest.raises(
        ganzoo.GanzooError, match="batch_size 31 is not divisible by the 2 replicas"
    ):
        train_lib.train(
            DataConfig(dataset="ring", batch_size=31),
            ModelConfig(model="nsgan", preset="tiny"),
            TrainConfig(strategy="mirrored", devices=",".join(TWO_CPUS), model_dir=str(tmp_path)),
        )
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize(
    "tf_config, message",
    [
        ("", "needs the TF_CONFIG variable"),
        ("{not json", "TF_CONFIG is not valid JSON"),
        ('{"task": {"type": "worker", "index": 0}}', "needs 'cluster' and 'task'"),
        (
            '{"cluster": {"worker": ["127.0.0.1:1"]}, "task": {"type": "worker", "index": 3}}',
            "is not in its cluster",
        ),
    ],
)
def test_bad_tf_config_gets_a_clear_error(tf_config, message):
    with pytest.raises(ganzoo.GanzooError, match=message):
        distribute.parse_tf_config(tf_config)


def test_unknown_strategy_lists_the_known_ones():
    with pytest.raises(ganzoo.GanzooError, match="unknown strategy 'tpu'.*mirrored, multi_worker"):
        distribute.get_strategy("tpu")


def test_steps_per_execution_trains_exactly_the_steps_asked_for(tmp_path):
    result = train_lib.train(
        DataConfig(dataset="ring", batch_size=32),
        ModelConfig(model="nsgan", preset="tiny"),
        TrainConfig(steps=20, steps_per_execution=5, backup_every_steps=10, export_dir="",
                    model_dir=str(tmp_path), verbose=0),
    )
    assert int(result.model.g_optimizer.iterations) == 20
