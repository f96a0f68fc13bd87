"""The scripts, run as a user runs them: subprocesses, flags, files on disk."""

import os
import re
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo  # noqa: F401  (registers the classes that load_model needs)
from ganzoo import export

# TensorFlow's C++ start-up chatter, which no environment variable silences in TF 2.21.
TF_NATIVE_LOG = re.compile(r"^([IWEF]\d{4} |WARNING: All log messages before absl)")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_script(name, *args, timeout=300):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", name), *args],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT,
    )


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory, tfds_dir):
    """A tiny dcgan trained on the embedded digits by scripts/train.py, then exported."""
    work = tmp_path_factory.mktemp("cli")
    result = run_script(
        "train.py", "--model=dcgan", "--dataset=digits", "--preset=tiny", "--image_size=16",
        "--batch_size=32", "--steps=60", "--verbose=2", f"--data_dir={tfds_dir}",
        f"--model_dir={work / 'run'}", f"--export_dir={work / 'export'}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return work, result


def test_train_writes_checkpoint_logs_grids_and_a_savedmodel(trained_run):
    work, result = trained_run
    assert "SavedModel: " in result.stdout
    assert sorted(os.listdir(work / "run" / "samples")) == ["epoch_0001.png", "epoch_0002.png"]
    assert os.path.exists(work / "run" / "model.keras")
    assert not os.path.exists(work / "run" / "backup")  # removed once the run completes
    assert any(files for _, _, files in os.walk(work / "run" / "logs"))
    assert export.existing_versions(str(work / "export")) == [1]
    assert "Epoch 2/2" in result.stdout


def test_exported_model_reproduces_the_checkpoint(trained_run):
    work, _ = trained_run
    model = keras.models.load_model(str(work / "run" / "model.keras"))
    assert int(model.g_optimizer.iterations) == 60
    latent = model.sample_latent(8, seed=5)
    serve = export.load_serving_fn(str(work / "export" / "1"))
    np.testing.assert_allclose(
        serve(latent=latent)["images"], model.generate(latent=latent), atol=1e-5
    )


def test_sample_writes_a_png_grid(trained_run):
    work, _ = trained_run
    output = work / "grid.png"
    result = run_script(
        "sample.py", f"--saved_model={work / 'export'}", "--num_samples=9", "--upscale=1",
        f"--output={output}",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    grid = tf.io.decode_png(tf.io.read_file(str(output))).numpy()
    assert grid.shape == (3 * 17 + 1, 3 * 17 + 1, 1)  # 3x3 tiles of 16 px, 1 px gaps
    assert grid.std() > 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["--model=wgan"], "--model=wgan: value should be one of <dcgan|gan|nsgan>"),
        (["--dataset=mnsit", "--data_dir=/tmp"], "error: unknown dataset 'mnsit'"),
        (["--dataset=ring"], "error: DCGAN cannot model data of shape (2,); supported"),
        (["--generator_loss=hinge"], "value should be one of <minimax|non_saturating>"),
        (["--batch_size=0"], "error: batch_size must be a positive integer, got 0"),
    ],
)
def test_bad_flags_get_a_one_line_error(tmp_path, args, message):
    result = run_script("train.py", *args, f"--model_dir={tmp_path}", "--export_dir=", timeout=120)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    ours = [line for line in result.stderr.splitlines() if line.strip() and not TF_NATIVE_LOG.match(line)]
    assert len(ours) <= 2, result.stderr  # absl's flag errors add a "--helpshort" hint line
