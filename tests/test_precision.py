"""Mixed precision: one 16-bit step moves the weights as the float32 step does."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import export, fast_paths
from ganzoo.backbones import common as backbone_common
from ganzoo.tf_data_options import without_autotuning
from tests.test_models import BFLOAT16_IN_TEST_PRECISION, tiny_case

# One SGD step from identical weights on an identical batch and latent batch. The 16-bit
# forward and backward passes round every activation, so the update differs from float32's by
# about the format's precision (bfloat16: 8 mantissa bits, float16: 11), not by orders of
# magnitude as when the loss scale is forgotten (docs/design.md, fact 8: 32768x too small). Measured
# on the tiny zoo: relative error of the whole update <= 0.03 (bfloat16) and <= 0.0006
# (float16); per-variable cosine >= 0.987 and >= 0.9999.
MAX_RELATIVE_ERROR = {"mixed_bfloat16": 0.06, "mixed_float16": 0.003}
MIN_COSINE = {"mixed_bfloat16": 0.95, "mixed_float16": 0.999}


def one_step_update(name, shape, overrides, precision, weights=None):
    keras.utils.set_random_seed(0)
    model = ganzoo.get_model(name, data_shape=shape, precision=precision, **overrides)
    model.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1))
    if weights is not None:
        model.set_weights(weights)
    before = model.get_weights()
    rng = np.random.default_rng(0)
    batch = {
        "images": rng.uniform(-1, 1, (16, *shape)).astype("float32"),
        "latent": rng.normal(size=(16, model.latent_dim)).astype("float32"),
    }
    model.fit(without_autotuning(tf.data.Dataset.from_tensors(batch)), epochs=1, verbose=0)
    return model, before, [after - start for after, start in zip(model.get_weights(), before)]


# wgan_gp with mixed_float16 is not held to these bounds: its gradient penalty's inner gradient
# is computed in float16 without loss scaling (measured: per-variable cosine 0.996 after one
# step); docs/models.md says to prefer mixed_bfloat16 for critics with penalties.
# The bfloat16 cases are those that test_models' zoo-wide bfloat16 test leaves to this one.
@pytest.mark.parametrize(
    "name, precision",
    [(name, "mixed_bfloat16") for name in BFLOAT16_IN_TEST_PRECISION]
    + [("dcgan", "mixed_float16")],
)
def test_one_mixed_precision_step_moves_the_weights_like_float32(name, precision):
    name, shape, overrides = tiny_case(name)
    _, start, reference = one_step_update(name, shape, overrides, "float32")
    model, _, mixed = one_step_update(name, shape, overrides, precision, weights=start)
    assert model.generator.layers[1].compute_dtype == precision.removeprefix("mixed_")
    assert model.generator.output.dtype == "float32"
    assert all(out.dtype == "float32" for out in model.discriminator.outputs)
    if precision == "mixed_float16":
        assert isinstance(model.g_optimizer, keras.optimizers.LossScaleOptimizer)
        assert isinstance(model.d_optimizer, keras.optimizers.LossScaleOptimizer)
    moved = [np.linalg.norm(r) > 0 for r in reference]
    assert sum(moved) >= len(reference) // 2
    flat_reference = np.concatenate([r.ravel() for r in reference])
    flat_mixed = np.concatenate([m.ravel() for m in mixed])
    error = np.linalg.norm(flat_mixed - flat_reference) / np.linalg.norm(flat_reference)
    assert error < MAX_RELATIVE_ERROR[precision]
    for expected, got, is_moved in zip(reference, mixed, moved):
        if is_moved:
            cosine = np.dot(expected.ravel(), got.ravel()) / (
                np.linalg.norm(expected) * np.linalg.norm(got)
            )
            assert cosine > MIN_COSINE[precision], (expected.shape, cosine)


def test_precision_round_trips_through_the_config_and_rejects_unknown_names():
    model = ganzoo.get_model("gan", data_shape=(2,), precision="mixed_bfloat16")
    clone = type(model).from_config(model.get_config())
    assert clone.precision == "mixed_bfloat16"
    with pytest.raises(
        ganzoo.GanzooError, match="precision='float8' is not allowed.*mixed_float16"
    ):
        ganzoo.get_model("gan", data_shape=(2,), precision="float8")
    assert backbone_common.PRECISIONS == ("float32", "mixed_bfloat16", "mixed_float16")


def test_a_mixed_precision_model_samples_and_exports_in_float32_with_its_weights(tmp_path):
    name, shape, overrides = tiny_case("dcgan")
    model, _, _ = one_step_update(name, shape, overrides, "mixed_bfloat16")
    exact = ganzoo.get_model(name, data_shape=shape, **overrides)
    exact.set_weights(model.get_weights())
    version_dir = export.export_generator(model, str(tmp_path / name))
    latent = np.random.default_rng(1).normal(size=(5, model.latent_dim)).astype("float32")
    served = export.load_signature(version_dir)(latent=tf.constant(latent))["images"].numpy()
    np.testing.assert_allclose(served, exact.generator(latent, training=False), atol=1e-6)
    np.testing.assert_allclose(served, model.generate(latent=latent), atol=1e-6)
    assert not np.allclose(served, model.generator(latent, training=False), atol=1e-6)


# mlp: the fix; pacgan_mlp, whose G output was float32 already: a guard against regressions.
@pytest.mark.parametrize("architecture, sizes", [("mlp", {"width": 16}), ("pacgan_mlp", {})])
def test_a_bfloat16_generator_of_points_does_not_round_its_samples_to_bfloat16(architecture,
                                                                                sizes):
    # G's last layer computes in float32: bfloat16 would round the ring's points (radius 1)
    # to steps of 0.004-0.008, most of a mode's std (0.01). On the ring at seed 0 (docs/recipes.md
    # command, --precision=mixed_bfloat16) a bfloat16 last layer left 7 of 8 modes with 1 % of
    # the samples and 92.3 % high quality; with it in float32, 8 of 8 and 94.2 %, as float32
    # throughout.
    model = ganzoo.get_model("nsgan", data_shape=(2,), architecture=architecture,
                             precision="mixed_bfloat16", latent_dim=2, **sizes)
    samples = model.generator(np.random.default_rng(0).normal(size=(256, 2)), training=False)
    rounded = tf.cast(tf.cast(samples, tf.bfloat16), tf.float32)
    assert np.mean(samples.numpy() != rounded.numpy()) > 0.9


def test_the_float32_twin_stays_out_of_the_models_weight_files(tmp_path):
    # A 16-bit model samples through a float32 twin (made at the first sample grid). Keras
    # saves every attribute it finds with dir(); a twin it could see doubled each backup and,
    # worse, made a backup written before the twin existed unloadable into the model once the
    # twin existed (the "received 0 variables" error a Ctrl-C after the first grid hit).
    name, shape, overrides = tiny_case("dcgan")
    model, _, _ = one_step_update(name, shape, overrides, "mixed_bfloat16")
    before_twin = str(tmp_path / "before.weights.h5")
    model.save_weights(before_twin)
    model.generate(num_samples=2)  # makes the twin
    after_twin = str(tmp_path / "after.weights.h5")
    model.save_weights(after_twin)
    assert os.path.getsize(after_twin) == os.path.getsize(before_twin)
    model.load_weights(before_twin)
    fresh = ganzoo.get_model(name, data_shape=shape, precision="mixed_bfloat16", **overrides)
    fresh.load_weights(after_twin)
    for loaded, saved in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(loaded, saved)


_CPUINFO = "processor\t: {i}\nvendor_id\t: GenuineIntel\nflags\t\t: fpu sse2 avx2 fma {extra}\n\n"


@pytest.mark.parametrize(
    "extra, has_gpu, expected",
    [
        ("avx512f", False, "float32"),  # AVX-512 without its bfloat16 extension: emulated
        ("avx512f avx512_bf16", False, "mixed_bfloat16"),
        ("amx_tile amx_bf16", False, "mixed_bfloat16"),
        ("avx512_bf16", True, "float32"),  # a GPU decides, not the CPU
        ("avx512_bf16x", False, "float32"),  # a flag is a whole word
    ],
)
def test_auto_precision_follows_the_cpus_bfloat16_flags_and_the_gpu(extra, has_gpu, expected):
    cpuinfo = "".join(_CPUINFO.format(i=i, extra=extra) for i in range(2))
    assert fast_paths.choose_precision(has_gpu, fast_paths.cpu_supports_bfloat16(cpuinfo)) == (
        expected
    )
    assert not fast_paths.cpu_supports_bfloat16("model name\t: avx512_bf16 in a name\n")


def test_a_precision_given_is_kept_and_auto_is_one_of_the_choices():
    assert fast_paths.resolve_precision("mixed_float16") == "mixed_float16"
    assert fast_paths.resolve_precision("auto") in ("float32", "mixed_bfloat16")
