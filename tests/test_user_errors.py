"""What a new user trips on (issue 13): devices that do not exist, a corrupt image, untracked
outputs, TensorFlow's start-up noise, --help without flags, wrong hints. Each command ends within
seconds with one line and a non-zero exit, or with the documented outcome."""

import dataclasses
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from ganzoo import data, distribute, features, train_lib
from ganzoo.configs import DataConfig, ModelConfig, TrainConfig
from ganzoo.errors import GanzooError
from tests.conftest import ROOT, our_stderr_lines, run_script, script_command

# A hang fails the test instead of blocking the suite.
TIMEOUT = 120
HAS_GPU = bool(tf.config.list_physical_devices("GPU"))


def _one_error_line(result):
    assert result.returncode == 2, result.stderr[-3000:]
    lines = our_stderr_lines(result.stderr)
    assert len(lines) == 1, lines
    return lines[0]


def _train(*flags, timeout=TIMEOUT):
    return run_script(
        "train.py", "--model=gan", "--dataset=ring", "--steps=2", "--batch_size=32", *flags,
        timeout=timeout,
    )


# --- 1. devices -----------------------------------------------------------------------------


@pytest.mark.skipif(HAS_GPU, reason="the machine has GPUs")
def test_mirrored_over_missing_gpus_is_one_line_not_a_hang(tmp_path):
    result = _train(
        "--strategy=mirrored", "--devices=/gpu:0,/gpu:1", f"--model_dir={tmp_path / 'run'}",
        "--export_dir=",
    )
    assert _one_error_line(result) == (
        "error: no device /gpu:0, /gpu:1 on this machine; available: /cpu:0"
    )
    assert not os.path.exists(tmp_path / "run")


@pytest.mark.parametrize(
    "strategy, devices, message",
    [
        ("mirrored", ["/cpu:0", "/device:CPU:0"], "--devices lists /cpu:0 more than once"),
        (
            "mirrored",
            ["/cpu:0", "fpga"],
            "device 'fpga' is not a device name; write e.g. /cpu:0, /gpu:1 or /device:GPU:1",
        ),
        (
            "default",
            ["/cpu:0", "/cpu:1"],
            "--devices applies to --strategy=mirrored only, not --strategy=default",
        ),
        (
            "mirrored",
            ["/cpu:0", "/cpu:16"],
            "--devices asks for 17 CPU devices; at most 16 logical CPUs are created "
            "(/cpu:0 to /cpu:15)",
        ),
    ],
)
def test_bad_device_lists_are_refused_before_a_strategy_is_built(strategy, devices, message):
    with pytest.raises(GanzooError) as error:
        distribute.get_strategy(strategy, devices)
    assert str(error.value) == message


def test_more_cpus_than_configured_become_logical_cpus_in_a_fresh_process():
    # What --strategy=mirrored --devices=CPU:0,/device:CPU:2 does before training starts.
    code = (
        "from ganzoo import distribute; "
        "s = distribute.get_strategy('mirrored', ['CPU:0', '/device:CPU:2']); "
        "print(s.num_replicas_in_sync, distribute._available_devices())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split("\n")[0] == "2 ['/cpu:0', '/cpu:1', '/cpu:2']"


def test_device_names_are_normalised():
    assert distribute.check_devices(["CPU:0", "/device:CPU:1"]) == ["/cpu:0", "/cpu:1"]
    assert distribute.normalize_device(" /job:localhost/replica:0/task:0/device:GPU:3") == "/gpu:3"


def test_cpus_cannot_be_added_once_tensorflow_set_up_its_devices():
    tf.config.list_logical_devices()  # initialises them, if nothing in this process did yet
    have = len(tf.config.list_logical_devices("CPU"))
    with pytest.raises(GanzooError) as error:
        distribute.check_devices(["/cpu:0", f"/cpu:{have}"])
    assert str(error.value) == (
        f"cannot create {have + 1} logical CPU devices: TensorFlow already set up its devices "
        f"({', '.join(f'/cpu:{i}' for i in range(have))}) in this process; ask for them before "
        f"the first TensorFlow op, e.g. from the command line"
    )


# --- 2. a corrupt image in a folder ---------------------------------------------------------


def _image_folder(folder, count=8, corrupt=("sub/broken.png",)):
    """`count` 8x8 PNGs plus files with a .png name that are not PNGs; {path: bytes}."""
    rng = np.random.default_rng(0)
    for index in range(count):
        image = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)
        tf.io.write_file(str(folder / f"{index:02d}.png"), tf.io.encode_png(image))
    for name in corrupt:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"\x89PNG\r\n\x1a\n but then garbage")
    return {path: path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_a_corrupt_image_is_refused_naming_it_and_the_folder_is_left_as_it_was(tmp_path):
    files = _image_folder(tmp_path)
    with pytest.raises(GanzooError) as error:
        data.load_dataset(str(tmp_path), batch_size=4, image_size=8)
    assert str(error.value) == (
        f"1 of the 9 image files in folder {str(tmp_path)!r} cannot be decoded: "
        f"{tmp_path / 'sub' / 'broken.png'}; remove or replace them"
    )
    assert {p: p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()} == files


def test_many_corrupt_images_are_counted_and_a_fixed_folder_loads(tmp_path):
    bad = [f"bad_{i}.png" for i in range(7)] + ["empty.jpg"]
    _image_folder(tmp_path, corrupt=bad)
    (tmp_path / "empty.jpg").write_bytes(b"")
    with pytest.raises(GanzooError, match=r"^8 of the 16 image files .* cannot be decoded: "
                       r"(\S+, ){4}\S+ and 3 more; remove or replace them$"):
        data.load_dataset(str(tmp_path), batch_size=4, image_size=8)
    for name in bad:
        os.remove(tmp_path / name)
    tf.io.write_file(str(tmp_path / "bad_0.png"), tf.io.encode_png(np.zeros((8, 8, 3), np.uint8)))
    batches = list(data.load_dataset(str(tmp_path), batch_size=3, image_size=8))
    assert [b.shape for b in batches] == [(3, 8, 8, 3)] * 3


def test_training_on_a_folder_with_a_corrupt_image_writes_nothing(tmp_path):
    # In this process: how a GanzooError reaches the command line as one line is the same for
    # every error (test_cli, and the script runs in this module).
    files = _image_folder(tmp_path / "images")
    with pytest.raises(GanzooError) as error:
        train_lib.train(
            DataConfig(dataset=str(tmp_path / "images"), batch_size=4),
            ModelConfig(model="dcgan"),
            TrainConfig(steps=2, model_dir=str(tmp_path / "run"), export_dir="", verbose=0),
        )
    assert str(error.value) == (
        f"1 of the 9 image files in folder {str(tmp_path / 'images')!r} cannot be "
        f"decoded: {tmp_path / 'images' / 'sub' / 'broken.png'}; remove or replace them"
    )
    assert {p: p.read_bytes() for p in sorted(files)} == files
    assert not os.path.exists(tmp_path / "run")


# --- 7. .gitignore --------------------------------------------------------------------------

DOCUMENTED_OUTPUTS = [
    ".venv/bin/python", "runs/dcgan_digits/model.keras",
    # The main command exports into its run folder; what a user exports into saved_models/
    # with --export_dir (a new version of a shipped name, or a new name) is not tracked.
    "runs/dcgan_digits/export/1/saved_model.pb", "runs/samples.png", "runs/three.png",
    "saved_models/dcgan_digits/2/saved_model.pb", "saved_models/my_model/1/saved_model.pb",
    "classifiers/digits.keras", "dcgan.keras", "runs/grid.png", "runs/served_samples.png",
    "runs/scores.json", "runs/quality_toy_ring.json", "runs/quality_toy_ring.json.lock",
    "runs/training.json", "runs/mnist_dcgan_samples.png", "runs/obedience/default.json",
]


@pytest.mark.skipif(not os.path.isdir(os.path.join(ROOT, ".git")), reason="not a git checkout")
def test_what_the_documented_commands_write_is_ignored_and_nothing_tracked_is():
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", *DOCUMENTED_OUTPUTS], capture_output=True,
        text=True, cwd=ROOT,
    )
    assert ignored.stdout.split() == DOCUMENTED_OUTPUTS
    tracked_but_ignored = subprocess.run(
        ["git", "ls-files", "--cached", "--ignored", "--exclude-standard"], capture_output=True,
        text=True, cwd=ROOT,
    )
    assert tracked_but_ignored.stdout == ""


# --- 8. noise and discoverability -----------------------------------------------------------


def test_a_command_prints_its_one_line_and_no_tensorflow_start_up_lines(tmp_path):
    # A folder with no SavedModel in it is found out after TensorFlow is imported.
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}  # cli's default
    result = subprocess.run(
        script_command("sample.py", f"--saved_model={tmp_path}",
                       f"--output={tmp_path / 'grid.png'}"),
        capture_output=True, text=True, timeout=TIMEOUT, env=env, cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"error: no SavedModel at '{tmp_path}' (and no numbered version directories in it)\n"
    )


def test_help_of_the_installed_command_lists_the_flags_cli_defined_for_it():
    # What the ganzoo-train entry point does, without needing it installed.
    code = (
        "import sys; sys.argv[0] = 'ganzoo-train'; "
        "from ganzoo_scripts.train import run; run()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "--help"], capture_output=True, text=True, timeout=TIMEOUT,
        cwd=ROOT, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
    )
    assert result.stdout.startswith("Train a ganzoo model"), result.stdout[:500]
    listed = {
        line.split(":")[0].strip().replace("[no]", "")
        for line in result.stdout.splitlines()
        if line.startswith("  --")
    }
    config_flags = {f"--{f.name}" for c in (DataConfig, TrainConfig) for f in dataclasses.fields(c)}
    assert config_flags | {"--model", "--describe"} <= listed
    assert "--helpfull" not in listed and "--logtostderr" not in listed  # absl's stay hidden


def test_a_missing_domain_classifier_names_the_command_that_trains_one(tmp_path):
    path = str(tmp_path / "digits.keras")
    with pytest.raises(GanzooError) as error:
        features.get_extractor(f"domain:{path}")
    assert str(error.value) == (
        f"no domain classifier at {path!r}; train one with: ganzoo-train-classifier "
        f"--dataset=digits --output={path} (from a checkout: python scripts/train_classifier.py)"
    )


@pytest.fixture(scope="module")
def ring_model(tmp_path_factory):
    """(model_dir, export_dir) of a 2-D gan trained for 4 steps (in this process) and exported."""
    work = tmp_path_factory.mktemp("ring")
    train_lib.train(
        DataConfig(dataset="ring", batch_size=32), ModelConfig(model="gan"),
        TrainConfig(steps=4, model_dir=str(work / "run"), export_dir=str(work / "export"),
                    verbose=0),
    )
    return work / "run", work / "export"


@pytest.mark.parametrize("source", ["saved_model", "checkpoint"])
def test_evaluating_a_2d_model_says_image_metrics_need_image_models(ring_model, source):
    model_dir, export_dir = ring_model
    flag, shown = (
        (f"--saved_model={export_dir}", export_dir / "1")
        if source == "saved_model"
        else (f"--checkpoint={model_dir}", model_dir / "model.keras")
    )
    result = run_script(
        "evaluate.py", flag, "--features=domain:/no/classifier.keras", "--num_samples=10",
        timeout=TIMEOUT,
    )
    assert _one_error_line(result) == (
        f"error: {str(shown)!r} generates data of shape (2,), not images: evaluate.py scores "
        f"image models (FID, KID, ...); score 2-D models with ganzoo.metrics.mode_coverage"
    )
