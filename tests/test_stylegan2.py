"""StyleGAN2's parts checked against their formulas (Karras et al. 2020; NVIDIA's
stylegan2-ada-pytorch), and the model's own behaviour: keyed noise, w_avg, style mixing,
truncation. The contract suite (test_models.py, test_replicas.py) covers training, saving,
resuming, export and 1 vs 2 replicas like every model."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import noise
from ganzoo.backbones import style_layers as sl
from ganzoo.backbones import stylegan2 as networks
from ganzoo.errors import GanzooError


@pytest.fixture
def rng():
    """A generator seeded for each test, so that its draws do not depend on the tests run
    before it."""
    return np.random.default_rng(0)


def tiny(**overrides):
    arguments = {"data_shape": (16, 16, 1), "latent_dim": 8, "width": 4, **overrides}
    return ganzoo.get_model("stylegan2", **arguments)


def test_keyed_normals_are_standard_deterministic_and_per_example():
    seeds = tf.constant(np.arange(4000), tf.int64)
    draws = sl.per_example_normal(seeds, 50, salt=7).numpy()
    assert abs(draws.mean()) < 0.01 and abs(draws.std() - 1.0) < 0.01
    # Within a row and across rows, no correlation to speak of.
    assert abs(np.corrcoef(draws[:, 0], draws[:, 1])[0, 1]) < 0.05
    np.testing.assert_array_equal(draws, sl.per_example_normal(seeds, 50, salt=7).numpy())
    assert not np.allclose(draws, sl.per_example_normal(seeds, 50, salt=8).numpy())
    # A row depends on its own seed only: any slice of the batch (a replica's) draws the same.
    np.testing.assert_array_equal(draws[1000:1004],
                                  sl.per_example_normal(seeds[1000:1004], 50, salt=7).numpy())


def test_latent_seeds_follow_the_latent(rng):
    latent = rng.normal(size=(6, 8)).astype("float32")
    seeds = sl.latent_seeds(tf.constant(latent)).numpy()
    assert len(set(seeds.tolist())) == 6 and seeds.min() >= 0 and seeds.max() < 2**32
    np.testing.assert_array_equal(seeds[2:4], sl.latent_seeds(tf.constant(latent[2:4])).numpy())


def test_equalized_dense_scales_its_weights_at_run_time(rng):
    layer = sl.EqualizedDense(3, lr_multiplier=0.01, bias_init=0.5)
    x = rng.normal(size=(2, 5)).astype("float32")
    y = layer(x).numpy()
    kernel, bias = layer.kernel.numpy(), layer.bias.numpy()
    assert kernel.std() > 10  # stored as N(0, 1 / 0.01)
    np.testing.assert_allclose(y, x @ (kernel * 0.01 / math.sqrt(5)) + bias * 0.01, rtol=1e-5)


def test_fir_resampling_keeps_flat_images_flat_and_sums():
    flat = tf.ones([1, 8, 8, 2])
    up = sl.upsample2d(flat).numpy()
    assert up.shape == (1, 16, 16, 2)
    np.testing.assert_allclose(up[0, 2:-2, 2:-2], 1.0, rtol=1e-6)  # away from the padded edges
    down = sl.downsample2d(flat).numpy()
    assert down.shape == (1, 4, 4, 2)
    np.testing.assert_allclose(down[0, 1:-1, 1:-1], 1.0, rtol=1e-6)
    # The [1, 3, 3, 1] filter: one pixel spreads over 4 x 4 with weights outer(f, f) / 64 * 4.
    dot = np.zeros([1, 8, 8, 1], np.float32)
    dot[0, 3, 3, 0] = 1.0
    spread = sl.upsample2d(tf.constant(dot)).numpy()[0, :, :, 0]
    f = np.array([1, 3, 3, 1]) / 8.0
    np.testing.assert_allclose(spread[5:9, 5:9], np.outer(f, f) * 4, atol=1e-6)
    assert math.isclose(spread.sum(), 4.0, rel_tol=1e-5)


def _fused(layer, x, w):
    """The fused form of the modulated convolution, one example at a time: weights W * s,
    demodulated, as NVIDIA's modulated_conv2d(fused_modconv=True)."""
    styles = layer.affine(w).numpy()
    kernel = layer.kernel.numpy()
    rows = []
    for n in range(x.shape[0]):
        weight = kernel * styles[n][None, None, :, None]
        if layer.demodulate:
            weight = weight / np.sqrt((weight**2).sum(axis=(0, 1, 2)) + 1e-8)
        out = tf.nn.conv2d(x[n : n + 1], weight, 1, "SAME").numpy()
        rows.append(out + layer.bias.numpy())
    return np.concatenate(rows)


def test_modulated_convolution_equals_its_fused_form_and_demodulates(rng):
    layer = sl.ModulatedConv2D(5, demodulate=True)
    x = rng.normal(size=(3, 6, 6, 4)).astype("float32")
    w = rng.normal(size=(3, 7)).astype("float32")
    y = layer([x, w]).numpy()
    fused = _fused(layer, x, w)
    np.testing.assert_allclose(y, np.where(fused > 0, fused, 0.2 * fused) * math.sqrt(2),
                               rtol=1e-4, atol=1e-5)
    # Demodulation: scaling an example's styles leaves its output unchanged.
    layer.affine.bias.assign(layer.affine.bias * 3.0)
    layer.affine.kernel.assign(layer.affine.kernel * 3.0)
    np.testing.assert_allclose(layer([x, w]).numpy(), y, rtol=1e-4, atol=1e-5)


def test_torgb_modulates_without_demodulating(rng):
    layer = sl.ModulatedConv2D(1, 1, demodulate=False)
    x = rng.normal(size=(2, 4, 4, 3)).astype("float32")
    w = rng.normal(size=(2, 7)).astype("float32")
    y = layer([x, w]).numpy()
    styles = layer.affine(w).numpy() / math.sqrt(3)
    expected = np.einsum("nhwc,nc,co->nhwo", x, styles, layer.kernel.numpy()[0, 0])
    np.testing.assert_allclose(y, expected + layer.bias.numpy(), rtol=1e-4, atol=1e-5)


def test_minibatch_std_by_hand_within_groups_only(rng):
    x = rng.normal(size=(4, 2, 2, 3)).astype("float32")
    y = sl.MinibatchStd(2)(x).numpy()
    assert y.shape == (4, 2, 2, 4)
    for start in (0, 2):  # groups of consecutive examples
        expected = np.sqrt(x[start : start + 2].var(axis=0) + 1e-8).mean()
        np.testing.assert_allclose(y[start : start + 2, :, :, 3], expected, rtol=1e-5)
    changed = x.copy()
    changed[3] += 5.0
    np.testing.assert_allclose(sl.MinibatchStd(2)(changed).numpy()[:2], y[:2])


def test_w_avg_tracks_the_mean_w_in_training_only(rng):
    model = tiny()
    layer = model.generator.get_layer("w_avg")
    w = rng.normal(size=(6, 8)).astype("float32")
    layer(w, training=False)
    np.testing.assert_array_equal(layer.w_avg.numpy(), 0.0)
    layer(w, training=True)
    np.testing.assert_allclose(layer.w_avg.numpy(), 0.005 * w.mean(axis=0), rtol=1e-5)


def test_style_mixing_swaps_styles_from_a_cutoff_in_training_only():
    layer = sl.StyleMixing(6, probability=0.9, salt=3)
    w = np.zeros((2000, 2), np.float32)
    w2 = np.ones((2000, 2), np.float32)
    seeds = tf.constant(np.arange(2000), tf.int64)
    np.testing.assert_array_equal(layer([w, w2, seeds], training=False), 0.0)
    ws = layer([w, w2, seeds], training=True).numpy()[:, :, 0]
    mixed = ws.max(axis=1) > 0
    assert 0.87 < mixed.mean() < 0.93
    cutoffs = ws[mixed].argmax(axis=1)  # the first layer with w2's style
    assert set(cutoffs.tolist()) == {1, 2, 3, 4, 5}
    assert np.all(np.diff(ws, axis=1) >= 0)  # w up to the cutoff, w2 from it on
    assert np.all(sl.StyleMixing(6, probability=0.0)([w, w2, seeds], training=True) == 0.0)


def test_truncation_zero_collapses_to_the_mean_style_and_one_is_generate(served):
    model = served[0]  # trained two steps: w_avg has moved off 0
    spread = {psi: model.generate(16, seed=4, truncation=psi).std(axis=0).mean()
              for psi in (0.0, 0.5, 1.0)}
    # Only G's noise (its strengths start at 0, and moved for two steps) differs at psi = 0.
    assert spread[0.0] < 0.02 * spread[1.0]
    assert spread[0.0] < spread[0.5] < spread[1.0]
    np.testing.assert_allclose(model.generate(5, seed=4, truncation=1.0),
                               model.generate(5, seed=4), atol=0)
    with pytest.raises(GanzooError, match=r"^truncation must be a number >= 0, got -1.0$"):
        model.generate(2, truncation=-1)
    # The truncated path checks its inputs as generate does.
    with pytest.raises(GanzooError, match=r"^latent must have shape \[n, 8\], got \[2, 3\]$"):
        model.generate(latent=np.zeros((2, 3), np.float32), truncation=0.5)


def test_truncated_images_come_from_the_average_generator():
    model = tiny()
    generator = model.sampling_generator()
    latent = model.sample_latent(3, seed=0)
    np.testing.assert_allclose(networks.truncated(generator, latent, truncation=1.0).numpy(),
                               generator(latent, training=False).numpy(), atol=1e-5)


def test_stylegan2_refuses_other_networks_and_normalizations():
    with pytest.raises(GanzooError, match=r"^stylegan2: architecture=dcgan has no mapping "):
        tiny(architecture="dcgan")
    with pytest.raises(GanzooError, match=r"^the stylegan2 networks take d_normalization none, "
                                          r"not spectral$"):
        tiny(d_normalization="spectral")


# ------------------------------------------------------------------------------- serving
@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(a tiny stylegan2 trained two steps, its loaded SavedModel, the version directory)."""
    from ganzoo import export
    from tests.test_models import batches

    # Seeded: the initial weights otherwise depend on the tests run before in the process, and
    # the truncation test's ratio of spreads ranged 0.008-0.020 over them (bound 0.02).
    keras.utils.set_random_seed(0)
    model = tiny()
    # Eagerly: these tests read the trained state and the export, not the compiled step, whose
    # tracing cost more than the rest of the fixture (tests/test_models.py keeps it compiled).
    model.compile(run_eagerly=True)
    model.fit(batches("stylegan2", (16, 16, 1)), epochs=1, verbose=0)
    version_dir = export.export_generator(model, str(tmp_path_factory.mktemp("style") / "m"))
    return model, tf.saved_model.load(version_dir), version_dir


def test_the_export_adds_truncation_mapping_and_synthesis(served):
    from tests.test_serving import signature_defs

    _, _, version_dir = served
    signatures = signature_defs(version_dir)
    scalars = {"num_samples": ("DT_INT32", "()"), "seed": ("DT_INT64", "()"),
               "truncation": ("DT_FLOAT", "()")}
    image = "(-1, 16, 16, 1)"
    images = {"images": ("DT_FLOAT", image), "images_uint8": ("DT_UINT8", image)}
    assert signatures["sample_truncated"] == {"inputs": scalars, "outputs": images}
    assert signatures["sample_png_truncated"] == {
        "inputs": scalars, "outputs": {"images_bytes": ("DT_STRING", "(-1)")}}
    assert signatures["mapping"] == {
        "inputs": {"latent": ("DT_FLOAT", "(-1, 8)"), "truncation": ("DT_FLOAT", "()")},
        "outputs": {"w": ("DT_FLOAT", "(-1, 8)"), "noise_seeds": ("DT_INT64", "(-1)")}}
    num_ws = networks.num_ws(16)
    assert signatures["synthesis"] == {
        "inputs": {"ws": ("DT_FLOAT", f"(-1, {num_ws}, 8)"),
                   "noise_seeds": ("DT_INT64", "(-1)")},
        "outputs": images}


def test_served_truncation_collapses_at_zero_and_is_sample_at_one(served):
    model, loaded, _ = served
    def sample(psi):
        return loaded.signatures["sample_truncated"](
            num_samples=tf.constant(12), seed=tf.constant(3, tf.int64),
            truncation=tf.constant(psi))["images"].numpy()
    plain = loaded.signatures["sample"](num_samples=tf.constant(12),
                                        seed=tf.constant(3, tf.int64))["images"].numpy()
    np.testing.assert_allclose(sample(1.0), plain, atol=1e-5)
    assert sample(0.0).std(axis=0).mean() < 0.02 * plain.std(axis=0).mean()
    np.testing.assert_allclose(
        sample(0.6), model.generate(latent=noise.latent_batch(12, 8, 3), truncation=0.6),
        atol=1e-5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="truncation must be >= 0"):
        sample(-0.5)


def test_mapping_then_synthesis_is_serving_default_and_mixes_styles(served):
    _, loaded, _ = served
    latent = noise.latent_batch(4, 8, 9)
    mapped = loaded.signatures["mapping"](latent=latent, truncation=tf.constant(1.0))
    num_ws = networks.num_ws(16)
    ws = np.repeat(mapped["w"].numpy()[:, None, :], num_ws, axis=1)
    synthesis = loaded.signatures["synthesis"]
    images = synthesis(ws=tf.constant(ws), noise_seeds=mapped["noise_seeds"])["images"].numpy()
    np.testing.assert_allclose(
        images, loaded.signatures["serving_default"](latent=latent)["images"].numpy(), atol=1e-5)
    # Coarse styles of example 0, fine ones of example 1: unlike either.
    mixed = ws[:1].copy()
    mixed[0, num_ws // 2:] = ws[1, num_ws // 2:]
    image = synthesis(ws=tf.constant(mixed), noise_seeds=mapped["noise_seeds"][:1])["images"]
    assert not np.allclose(image.numpy()[0], images[0]) and not np.allclose(image[0], images[1])
    with pytest.raises(tf.errors.InvalidArgumentError, match=rf"ws must be float32 \[batch, "
                                                               rf"{num_ws}, 8\]"):
        synthesis(ws=tf.constant(ws[:, :2]), noise_seeds=mapped["noise_seeds"])


def test_every_style_signature_has_a_warmup_request_and_the_tf1_loader_runs_it(tmp_path,
                                                                                served):
    from ganzoo import export
    from tests.test_serving import assert_the_tf1_loader_serves_generate

    model, loaded, version_dir = served
    requests = export.read_warmup_requests(f"{version_dir}/{export.WARMUP_FILE}")
    assert {r.model_spec.signature_name for r in requests} == set(loaded.signatures)
    for request in requests:
        inputs = {k: tf.constant(tf.make_ndarray(v)) for k, v in request.inputs.items()}
        outputs = loaded.signatures[request.model_spec.signature_name](**inputs)
        assert all(int(v.shape[0]) == export.WARMUP_BATCH for v in outputs.values())
    assert_the_tf1_loader_serves_generate(tmp_path, model, version_dir)


def test_the_sample_script_draws_a_style_mixing_grid_and_an_interpolation(tmp_path, served):
    from ganzoo import images
    from tests.conftest import run_script

    _, loaded, version_dir = served
    result = run_script("sample.py", f"--saved_model={version_dir}", "--mixing=3",
                        "--upscale=1", "--seed=5", f"--output={tmp_path / 'mixing.png'}")
    assert result.returncode == 0, result.stderr[-2000:]
    grid = tf.io.decode_png(tf.io.read_file(str(tmp_path / "mixing.png"))).numpy()
    assert grid.shape == (3 * 17 + 1, 3 * 17 + 1, 1)  # 3 x 3 tiles of 16 px, 1 px gaps
    plain = images.to_uint8(loaded.signatures["serving_default"](
        latent=noise.latent_batch(3, 8, 5))["images"].numpy())
    for i in range(3):  # the diagonal: one sample's own styles
        tile = grid[1 + 17 * i : 17 * (i + 1), 1 + 17 * i : 17 * (i + 1)]
        np.testing.assert_array_equal(tile, plain[i])
    assert not np.array_equal(grid[1:17, 18:34], plain[0])  # row 0 with column 1's fine styles
    result = run_script("sample.py", f"--saved_model={version_dir}", "--interpolate=5",
                        "--upscale=1", f"--output={tmp_path / 'strip.png'}")
    assert result.returncode == 0, result.stderr[-2000:]
    strip = tf.io.decode_png(tf.io.read_file(str(tmp_path / "strip.png"))).numpy()
    assert strip.shape == (17 + 1, 5 * 17 + 1, 1)


def test_the_sample_script_refuses_style_flags_for_other_models(tmp_path):
    from tests.conftest import our_stderr_lines, run_script

    result = run_script("sample.py", "--saved_model=saved_models/dcgan_digits",
                        "--truncation=0.5", f"--output={tmp_path / 'x.png'}")
    assert result.returncode == 2
    assert our_stderr_lines(result.stderr) == [
        "error: saved_models/dcgan_digits/1 has no mapping signature: --truncation, --mixing "
        "and --interpolate need a style-based model (stylegan2)"]
    assert not (tmp_path / "x.png").exists()


# ----------------------------------------------------------------- path-length regulariser
def test_the_path_length_penalty_by_the_full_jacobian():
    model = tiny(pl_weight=2.0, pl_interval=4)
    model.compile()
    mapping, _, synthesis = networks.style_parts(model.generator)
    penalty = model._path_length_penalty(model._path_lengths(3, None), 1.0).numpy()
    # The same draws (keyed on seed, step 0 and the stream), then J^T y from the Jacobian.
    latent = noise.latent_batch(3, 8, 0, 0, noise.PATH_LENGTH_STREAM, 0)
    directions = noise.latent_batch(3, 256, 0, 0, noise.PATH_LENGTH_STREAM, 1).numpy() / 16.0
    w = mapping(latent, training=True)
    num_ws = networks.num_ws(16)
    lengths = []
    for n in range(3):
        ws = tf.tile(w[n : n + 1, None, :], [1, num_ws, 1])
        with tf.GradientTape() as tape:
            tape.watch(ws)
            image = synthesis([ws, sl.latent_seeds(latent[n : n + 1])], training=True)
        jacobian = tape.jacobian(image, ws).numpy().reshape(256, num_ws, 8)
        product = np.einsum("p,pkw->kw", directions[n], jacobian)  # J^T y per layer
        lengths.append(np.sqrt((product**2).sum(axis=1).mean()))
    lengths = np.array(lengths)
    mean = 0.01 * lengths.mean()  # from a = 0
    np.testing.assert_allclose(model.pl_mean.numpy(), mean, rtol=1e-4)
    np.testing.assert_allclose(penalty, 4 * 2.0 * (lengths - mean) ** 2, rtol=1e-3)


# cstylegan2: its penalty maps latents with labels (the contract cases leave the path length to
# stylegan2's). R1 is off: this test does not read it, and it is a fifth of the traced step.
@pytest.mark.parametrize("name", ["stylegan2", "cstylegan2"])
def test_path_length_is_lazy_and_adjusts_gs_adam(name):
    classes = {"num_classes": 3} if name == "cstylegan2" else {}
    model = ganzoo.get_model(name, data_shape=(16, 16, 1), latent_dim=8, width=4, pl_weight=2.0,
                             pl_interval=4, r1_weight=0.0, **classes)
    # Eagerly: the schedule reads the optimizer's step counter in either mode, and tracing the
    # compiled step cost more than its four steps. The contract's stylegan2 case trains the
    # penalty compiled (pl_interval=2; tests/test_models.py, tests/test_replicas.py).
    model.compile(run_eagerly=True)
    assert math.isclose(float(model.g_optimizer.learning_rate), 0.0025 * 0.8, rel_tol=1e-6)
    assert math.isclose(float(model.g_optimizer.beta_2), 0.99**0.8, rel_tol=1e-9)
    plain = tiny()
    plain.compile()
    assert math.isclose(float(plain.g_optimizer.learning_rate), 0.0025, rel_tol=1e-6)
    assert plain.g_optimizer.beta_2 == 0.99
    assert "pl_penalty" not in plain.metric_names()
    from tests.test_models import batches

    # The logged penalty is the running mean over the epoch's steps: due on step 0 only of
    # steps 0-3, it halves after step 1 and is a quarter of step 0's after step 3.
    logged = []
    record = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: logged.append(float(logs["pl_penalty"])))
    model.fit(batches(name, (16, 16, 1), num_batches=4), epochs=1, verbose=0,
              callbacks=[record])
    assert logged[0] > 0
    np.testing.assert_allclose(logged[1:], [logged[0] / 2, logged[0] / 3, logged[0] / 4],
                               rtol=1e-5)
    assert model.pl_mean.numpy() > 0
    if classes:  # the labels reach the mapping of the penalty's latents
        lengths = [model._path_lengths(3, tf.constant(labels)).numpy()
                   for labels in ([0, 1, 2], [2, 0, 1])]
        assert not np.allclose(*lengths, rtol=1e-4)


def test_the_conditional_variant_maps_the_label_and_serves_it(tmp_path):
    from ganzoo import export

    model = ganzoo.get_model("cstylegan2", data_shape=(16, 16, 1), latent_dim=8, width=4,
                             num_classes=3)
    loaded = tf.saved_model.load(export.export_generator(model, str(tmp_path / "m")))
    latent = tf.tile(noise.latent_batch(1, 8, 2), [3, 1])  # one latent, three labels
    labels = tf.constant([0, 1, 2])
    mapped = loaded.signatures["mapping"](latent=latent, labels=labels,
                                          truncation=tf.constant(1.0))
    w = mapped["w"].numpy()
    assert not np.allclose(w[0], w[1]) and not np.allclose(w[1], w[2])  # the label moves w
    ws = tf.constant(np.repeat(w[:, None, :], networks.num_ws(16), axis=1))
    np.testing.assert_allclose(
        loaded.signatures["synthesis"](ws=ws, noise_seeds=mapped["noise_seeds"])["images"],
        loaded.signatures["serving_default"](latent=latent, labels=labels)["images"], atol=1e-5)
    truncated = loaded.signatures["sample_truncated"](
        num_samples=tf.constant(3), seed=tf.constant(0, tf.int64), truncation=tf.constant(0.5),
        labels=labels)["images"].numpy()
    np.testing.assert_allclose(
        truncated, model.generate(latent=noise.latent_batch(3, 8, 0), labels=[0, 1, 2],
                                  truncation=0.5), atol=1e-5)


def test_the_cifar_preset_is_the_papers_setting_and_other_models_refuse_it():
    from ganzoo import configs

    preset = configs.MODEL_PRESETS["stylegan2_cifar"]
    model = ganzoo.get_model("stylegan2", data_shape=(32, 32, 3), **preset)
    config = model.get_config()
    assert {name: config[name] for name in preset} == {
        "latent_dim": 512, "width": 512, "mapping_layers": 2, "style_mixing": 0.0,
        "pl_weight": 0.0, "mbstd_group": 32, "g_ema_decay": 0.9999}
    # The rest of the cifar setting is stylegan2's default optimisation.
    assert (config["d_learning_rate"], config["g_learning_rate"], config["beta_1"],
            config["beta_2"], config["r1_weight"], config["r1_interval"]) == (
        0.0025, 0.0025, 0.0, 0.99, 0.01, 16)
    assert model.generator.get_layer("synthesis").output.shape[1:] == (32, 32, 3)
    with pytest.raises(GanzooError, match=r"^dcgan has no argument 'mapping_layers' with "
                                          r"architecture=dcgan .*: it comes with "
                                          r"architecture=stylegan2"):
        ganzoo.get_model("dcgan", data_shape=(32, 32, 3), **preset)
