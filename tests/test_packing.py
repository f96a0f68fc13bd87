"""PacGAN packing (Lin et al. 2018): D judges packs of m samples. The contract suite
(tests/test_models.py) runs two packed cases through save/load, 2 replicas == 1 device and
export; here: the packing itself, the per-pack loss and penalties by hand, the batch checks,
and what a packed export serves."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import distribute, export, layers, losses, train_lib
from ganzoo.configs import DataConfig, ModelConfig, TrainConfig
from ganzoo.models.base import GANModel, check_packed_batch
from ganzoo.tf_data_options import without_autotuning
from tests.conftest import TWO_CPUS, all_weights
from tests.test_models import batches, tiny, tiny_case


def test_pack_joins_images_on_channels_and_vectors_on_features():
    rng = np.random.default_rng(0)
    images = rng.normal(size=(6, 3, 2, 2)).astype("float32")
    packed = layers.Pack(3)(images).numpy()
    assert packed.shape == (2, 3, 2, 6)
    for i in range(2):  # pack i = examples 3i, 3i+1, 3i+2, their channels side by side
        np.testing.assert_array_equal(packed[i], np.concatenate(images[3 * i : 3 * i + 3], -1))
    vectors = rng.normal(size=(4, 5)).astype("float32")
    np.testing.assert_array_equal(
        layers.Pack(2)(vectors), np.stack([np.concatenate(vectors[i : i + 2]) for i in (0, 2)])
    )
    assert layers.Pack(2).compute_output_shape((None, 5)) == (None, 10)


@pytest.mark.parametrize("packing", [1, 2])
def test_packing_decides_which_examples_each_verdict_reads(packing):
    # packing=1 (every model's default) must judge each example alone, as an unpacked D does:
    # verdict i changes when example i changes and no other. With packing=2, verdict i reads
    # examples 2i and 2i+1 together.
    name, shape, overrides = "wgan_gp", (2,), {"latent_dim": 4, "width": 8}
    assert ganzoo.get_model_class("gan").defaults["packing"] == 1
    model = tiny(name, shape, overrides, packing=packing)
    rng = np.random.default_rng(0)
    data = rng.normal(size=(4, 2)).astype("float32")
    before = np.asarray(model.adversarial_outputs(data)).reshape(-1)
    assert before.shape == (4 // packing,)
    for changed in range(4):
        moved = data.copy()
        moved[changed] += 1.0
        after = np.asarray(model.adversarial_outputs(moved)).reshape(-1)
        differs = [i for i in range(len(after)) if after[i] != before[i]]
        assert differs == [changed // packing], (changed, differs)


@pytest.mark.parametrize("name", ["gan", "dcgan"])
def test_a_packed_discriminator_judges_packs(name):
    name, shape, overrides = tiny_case(name)
    model = tiny(name, shape, overrides, packing=2)
    pack = model.discriminator.get_layer("d_pack")
    assert pack.output.shape == (None, *shape[:-1], 2 * shape[-1])
    real, fake = (tf.random.stateless_uniform((6, *shape), (seed, 0), -1, 1) for seed in (1, 2))
    assert model.adversarial_outputs(real).shape == (3, 1)
    loss, metrics = model.discriminator_objective(real, fake, 0)
    assert loss.shape == (3,) and all(v.shape == (3,) for v in metrics.values())
    assert model.generator_objective(fake)[0].shape == (3,)


class LinearCritic(GANModel):
    """The minimax game with D = one Dense unit on the packs: a loss computable by hand."""

    def build_networks(self):
        generator, _ = super().build_networks()
        data = keras.Input(self.data_shape)
        packs = layers.Pack(self.packing)(data)
        return generator, keras.Model(data, keras.layers.Dense(1, name="d_logits")(packs))


def test_the_discriminator_loss_is_averaged_over_packs():
    keras.utils.set_random_seed(0)
    model = LinearCritic(data_shape=(2,), latent_dim=3, width=4, packing=2)
    model.compile(d_optimizer=keras.optimizers.SGD(0.5), g_optimizer=keras.optimizers.SGD(0.5))
    rng = np.random.default_rng(0)
    real = rng.normal(size=(8, 2)).astype("float32")
    latent = rng.normal(size=(8, 3)).astype("float32")
    fake = model.generator(latent).numpy()
    kernel, bias = (w.numpy() for w in model.discriminator.get_layer("d_logits").weights)

    # By hand: packs of two consecutive rows, features side by side; BCE per pack, mean over
    # the 4 packs (not the 8 samples).
    real_packs, fake_packs = real.reshape(4, 4), fake.reshape(4, 4)
    real_logits, fake_logits = real_packs @ kernel + bias, fake_packs @ kernel + bias
    per_pack = np.logaddexp(0, -real_logits) + np.logaddexp(0, fake_logits)
    sigmoid = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    kernel_gradient = np.mean(-sigmoid(-real_logits) * real_packs
                              + sigmoid(fake_logits) * fake_packs, axis=0)

    batch = without_autotuning(tf.data.Dataset.from_tensors({"images": real, "latent": latent}))
    history = model.fit(batch, verbose=0).history
    np.testing.assert_allclose(history["d_loss"][0], per_pack.mean(), rtol=1e-5)
    np.testing.assert_allclose(history["d_real"][0], sigmoid(real_logits).mean(), rtol=1e-5)
    np.testing.assert_allclose(model.discriminator.get_layer("d_logits").kernel.numpy(),
                               kernel - 0.5 * kernel_gradient[:, None], rtol=1e-5, atol=1e-6)


def test_the_penalties_take_the_gradient_of_the_whole_pack_and_one_mix_per_pack():
    # D(pack) = |pack|^2 / 2 has the pack itself as its input gradient.
    def critic(data, training=True):
        return 0.5 * tf.reduce_sum(tf.square(layers.Pack(2)(data)), axis=1)

    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(2, 6, 3)).astype("float32")
    mix = np.array([0.2, 0.5, 0.9], "float32")
    penalty = losses.gradient_penalty(critic, real, fake, mix, packing=2).numpy()
    real_packs, fake_packs = real.reshape(3, 6), fake.reshape(3, 6)
    interpolates = mix[:, None] * real_packs + (1 - mix[:, None]) * fake_packs
    np.testing.assert_allclose(penalty, (np.linalg.norm(interpolates, axis=1) - 1) ** 2,
                               rtol=1e-5)
    np.testing.assert_allclose(losses.r1_penalty(critic, real, packing=2),
                               np.sum(real_packs**2, axis=1), rtol=1e-5)


def test_a_batch_the_packs_do_not_tile_is_refused_in_one_line():
    name, shape, overrides = tiny_case("gan")
    data = batches(name, shape, batch_size=6)
    with pytest.raises(ganzoo.GanzooError) as error:
        tiny(name, shape, overrides, packing=4).fit(data, verbose=0)
    assert str(error.value) == ("gan: packing=4 needs a per-replica batch divisible by 4; a batch "
                                "of 6 on 1 replica(s) gives 6 per replica")
    with distribute.get_strategy("mirrored", TWO_CPUS).scope():
        model = ganzoo.get_model(name, data_shape=shape, packing=2, **overrides)
        model.compile()
    with pytest.raises(ganzoo.GanzooError, match="a batch of 6 on 2 replica.s. gives 3 per"):
        model.fit(data, verbose=0)
    # The same check before any model exists (for a caller that knows the batch early).
    with pytest.raises(ganzoo.GanzooError, match="a batch of 6 on 2 replica.s. gives 3 per"):
        check_packed_batch("gan", 2, 3, 2)
    check_packed_batch("gan", 2, 4, 2)
    # A batch size known only at run time (no drop_remainder): checked in the graph.
    ragged = without_autotuning(
        tf.data.Dataset.from_tensor_slices(np.zeros((10, 2), "float32")).batch(4)
    )
    with pytest.raises(tf.errors.InvalidArgumentError, match="needs a per-replica batch divis"):
        tiny(name, shape, overrides, packing=4).fit(ragged, verbose=0)


@pytest.mark.parametrize("name", ["cgan", "acgan"])
def test_conditional_models_refuse_packing(name):
    name, shape, overrides = tiny_case(name)
    with pytest.raises(ganzoo.GanzooError, match=f"^{name}: packing=2 is for unconditional "):
        ganzoo.get_model(name, data_shape=shape, packing=2, **overrides)


def test_a_packed_export_scores_packs_and_refuses_other_batches(tmp_path):
    name, shape, overrides = tiny_case("nsgan")
    model = tiny(name, shape, overrides, packing=3)
    version_dir = export.export_generator(model, str(tmp_path / name))
    discriminate = export.load_signature(version_dir, "discriminate")
    samples = np.random.default_rng(0).normal(size=(6, 2)).astype("float32")
    judged = discriminate(samples=samples)
    assert judged["logits"].shape == (2,)
    np.testing.assert_allclose(
        judged["logits"], np.reshape(model.adversarial_outputs(samples, training=False), -1),
        atol=1e-6)
    with pytest.raises(tf.errors.InvalidArgumentError, match="samples must be a batch of a mult"):
        discriminate(samples=samples[:4])
    # The warmup file's discriminate request holds whole packs, so TF Serving's replay passes.
    loaded = tf.saved_model.load(version_dir)
    for request in export.read_warmup_requests(os.path.join(version_dir, export.WARMUP_FILE)):
        inputs = {k: tf.constant(tf.make_ndarray(v)) for k, v in request.inputs.items()}
        answer = loaded.signatures[request.model_spec.signature_name](**inputs)
        assert all(int(v.shape[0]) == export.WARMUP_BATCH for v in answer.values())


def test_pacgans_setting_trains_on_2d_points_and_xla_compiles_the_same_steps():
    # The paper's grid experiment: 2-D latent, its toy networks, packs of 2. The pacgan benchmark
    # compiles its steps with XLA (as Keras does by itself on a GPU): the same updates, to float
    # rounding, given the same noise (XLA turns random bits into other floats: ganzoo.noise), so
    # the latent batch comes with the data here.
    runs, starts = [], []
    for jit_compile in (False, True):
        model = tiny("nsgan", (2,), {}, architecture="pacgan_mlp", latent_dim=2, packing=2)
        starts.append(all_weights(model))
        model.compile(d_optimizer=keras.optimizers.SGD(0.05),  # again, to set jit_compile
                      g_optimizer=keras.optimizers.SGD(0.05), steps_per_execution=2,
                      jit_compile=jit_compile)
        history = model.fit(batches("nsgan", (2,), 16, 2, latent_dim=2), verbose=0).history
        assert all(np.isfinite(values).all() for values in history.values())
        runs.append(all_weights(model))
    for a, b in zip(*starts):
        np.testing.assert_array_equal(a, b)
    moved = max(np.abs(after - before).max() for after, before in zip(runs[0], starts[0]))
    assert moved > 1e-3
    for plain, compiled in zip(*runs):
        np.testing.assert_allclose(compiled, plain, rtol=1e-4, atol=1e-6)


def test_train_refuses_a_packed_batch_before_writing_anything(tmp_path):
    with pytest.raises(ganzoo.GanzooError, match="packing=3 needs a per-replica batch"):
        train_lib.train(
            DataConfig(dataset="ring", batch_size=64),
            ModelConfig(model="gan", preset="tiny", model_args={"packing": 3}),
            TrainConfig(steps=2, model_dir=str(tmp_path / "run"), export_dir=""),
        )
    assert not os.path.exists(tmp_path / "run")
