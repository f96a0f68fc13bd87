"""The scripts, run as a user runs them: subprocesses, flags, files on disk. Where a test needs a
trained run only as input to the script under test, or checks what train_lib.train (what
ganzoo-train calls) does with a configuration, it runs train_lib.train in this process, which
saves a TensorFlow start."""

import glob
import os
import re
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo  # noqa: F401  (registers the classes that load_model needs)
from ganzoo import export, images, noise, train_lib
from ganzoo.configs import DataConfig, ModelConfig, TrainConfig
from ganzoo.errors import GanzooError
from tests.conftest import ROOT, our_stderr_lines, run_script, tiny_train_args, train_tiny


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory, tfds_dir):
    """A tiny dcgan trained on the embedded digits by scripts/train.py, then exported."""
    work = tmp_path_factory.mktemp("cli")
    result = run_script(
        "train.py",
        *tiny_train_args(tfds_dir, work / "run", "--steps=60", f"--export_dir={work / 'export'}"),
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
    serve = export.load_signature(str(work / "export" / "1"))
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
    # The grid is the export's samples of seed 0's noise (the default --seed), in order.
    serve = export.load_signature(str(work / "export" / "1"))
    latent = noise.latent_batch(9, serve.structured_input_signature[1]["latent"].shape[1], 0)
    expected = images.samples_picture(serve(latent=latent)["images"].numpy(), 1)
    np.testing.assert_array_equal(grid, expected)


# What the command line itself refuses (absl's choices: --model here, every enum flag the same
# way) and how a refusal from ganzoo reaches the user: one line, no traceback, from the script
# as a user runs it.
@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--model=no_such_gan"],
            "error: unknown model 'no_such_gan'; known models: acgan, cgan, cstylegan2, dcgan, "
            "gan, lsgan, nsgan, sngan, stylegan2, wgan_gp",
        ),
        (["--width=0"], "error: dcgan: width=0 is not allowed; width must be an integer >= 1"),
        # A text argument reaches the model as text, which names what it takes.
        (["--augment=diffaugment", "--augment_policy=color,blur"],
         "error: augment_policy='color,blur': unknown 'blur'; a comma-separated list of: color, "
         "translation, cutout"),
    ],
)
def test_bad_flags_get_a_one_line_error(tmp_path, args, message):
    result = run_script("train.py", *args, f"--model_dir={tmp_path}", "--export_dir=", timeout=120)
    assert result.returncode == 2
    assert our_stderr_lines(result.stderr) == [message], result.stderr


# The other settings a flag carries are refused by train_lib before any work, with the message
# the script prints after "error: " (as above); checked in this process, since each script
# start costs seconds of TensorFlow's import.
@pytest.mark.parametrize(
    "data, model, train, message",
    [
        ({"dataset": "ring"}, {}, {},
         "the dcgan networks model images, not data of shape (2,); for vectors choose one of: "
         "mlp, pacgan_mlp"),
        ({"image_size": 30}, {}, {},
         "the convolutional networks (DCGAN's) cannot model data of shape (30, 30, 1)"),
        ({"dataset": "ring"}, {"model": "cgan"}, {},
         "class conditioning (projection) needs images [H, W, C], not data of shape (2,)"),
        ({"dataset": "mnsit"}, {}, {}, "unknown dataset 'mnsit' (did you mean mnist"),
        ({"batch_size": 0}, {}, {}, "--batch_size must be an integer >= 1, got 0"),
        ({}, {}, {"seed": -1}, "--seed must be an integer >= 0, got -1"),
        ({}, {"model_args": {"g_learning_rate": -1.0}}, {},
         "dcgan: g_learning_rate=-1.0 is not allowed; "),
        ({}, {"model_args": {"gp_weight": 10.0}}, {},
         "dcgan: gp_weight needs per-example input gradients"),
        # A part's argument without the part: named with the choice that brings it.
        ({}, {"model_args": {"ada_target": 0.5}}, {},
         "dcgan has no argument 'ada_target' with architecture=dcgan and augment=none: it comes "
         "with augment=ada; its arguments: latent_dim, architecture,"),
        ({}, {"model_args": {"hidden_layers": 3}}, {},
         "dcgan has no argument 'hidden_layers' with architecture=dcgan and augment=none: it "
         "comes with architecture=mlp; its arguments:"),
        ({"dataset": "ring"}, {"model": "gan"}, {"steps": 25, "steps_per_execution": 10},
         "steps_per_execution 10 does not divide the steps per epoch (25)"),
    ],
)
def test_bad_settings_are_refused_before_training(tmp_path, tfds_dir, data, model, train, message):
    data = {"dataset": "digits", "image_size": 16, "batch_size": 32, "data_dir": tfds_dir, **data}
    model = {"model": "dcgan", "preset": "tiny", **model}
    train = {"steps": 5, "model_dir": str(tmp_path / "run"), "export_dir": "", "verbose": 0,
             **train}
    with pytest.raises(GanzooError) as refusal:
        train_lib.train(DataConfig(**data), ModelConfig(**model), TrainConfig(**train))
    assert message in str(refusal.value)
    assert "\n" not in str(refusal.value)
    assert not (tmp_path / "run").exists()  # nothing written: the corrected command runs


def test_the_first_run_on_a_machine_is_as_reproducible_as_later_ones(tmp_path):
    # The first run prepares the tfds data set (which draws from the global RNGs); the
    # second only reads it. Same seed, same weights. In one process, which also checks that
    # the first run's seeding does not change the second's data order (it did: tf.data pairs
    # its shuffle seed with TensorFlow's global seed).
    fingerprints = [
        train_tiny(tmp_path / "tfds", tmp_path / f"run{i}", steps=5).fingerprint for i in range(2)
    ]
    assert (tmp_path / "tfds" / "ganzoo_digits").is_dir()  # the first run did prepare it
    assert fingerprints[0] == fingerprints[1]


def _class_folders(root, names, per_class=16, size=16):
    """PNG files in one sub-folder per class, each class a different grey level."""
    for index, name in enumerate(names):
        folder = root / name
        folder.mkdir(parents=True)
        for i in range(per_class):
            pixels = np.full((size, size, 1), 40 + 80 * index + i, np.uint8)
            tf.io.write_file(str(folder / f"{i}.png"), tf.io.encode_png(pixels))
    return root


@pytest.mark.slow
def test_conditional_models_train_on_digits_and_on_a_labelled_folder(tmp_path, tfds_dir):
    import json

    # What ganzoo-train calls (in this process: the script only turns flags into these
    # configs). A folder with one sub-folder per class: the classes come from the folder.
    folder = _class_folders(tmp_path / "shapes", ["circle", "square"])
    train_lib.train(
        DataConfig(dataset=str(folder), image_size=16, batch_size=16),
        ModelConfig(model="acgan", preset="tiny"),
        TrainConfig(steps=2, model_dir=str(tmp_path / "acgan"), export_dir="", verbose=0),
    )
    model = keras.models.load_model(str(tmp_path / "acgan" / "model.keras"))
    assert (model.num_classes, model.class_names) == (2, ["circle", "square"])

    # The digits' names reach run.json and the export.
    tiny = dict(image_size=16, batch_size=32, data_dir=str(tfds_dir))
    train_lib.train(
        DataConfig(dataset="digits", **tiny), ModelConfig(model="cgan", preset="tiny"),
        TrainConfig(steps=2, model_dir=str(tmp_path / "cgan"), export_dir=str(tmp_path / "e1"),
                    verbose=0),
    )
    run = json.loads((tmp_path / "cgan" / "run.json").read_text())
    assert run["model_arguments"]["class_names"] == [str(i) for i in range(10)]
    names = export.load_signature(str(tmp_path / "e1" / "1"), "class_names")()["class_names"]
    assert [n.decode() for n in names.numpy()] == [str(i) for i in range(10)]

    unlabelled = tmp_path / "flat"
    unlabelled.mkdir()
    for i in range(4):
        tf.io.write_file(
            str(unlabelled / f"{i}.png"), tf.io.encode_png(np.zeros((16, 16, 1), np.uint8))
        )
    with pytest.raises(GanzooError, match="has no class labels") as refusal:
        train_lib.train(
            DataConfig(dataset=str(unlabelled), image_size=16, batch_size=2),
            ModelConfig(model="cgan", preset="tiny"),
            TrainConfig(steps=2, model_dir=str(tmp_path / "flat_run"), export_dir="", verbose=0),
        )
    assert "\n" not in str(refusal.value) and not (tmp_path / "flat_run").exists()


# What a test imports from scripts/ shares one process (an xdist worker) with whatever another
# test imported; absl refuses a flag defined twice, so those modules must define none.
_IMPORT_FROM_SCRIPTS = re.compile(r"^\s*from (ganzoo_scripts(?:\.\w+)*) import ([\w, ]+)$", re.M)
_FLAGS_DEFINED_BY_SCRIPTS = """
import importlib, os, sys
from absl import flags
for module in sys.argv[1:]:
    importlib.import_module(module)
scripts = os.path.realpath("scripts")  # run in the checkout
for name, defined in flags.FLAGS.flags_by_module_dict().items():
    source = getattr(sys.modules.get(name), "__file__", None) or ""
    if os.path.realpath(source).startswith(scripts + os.sep):
        print(name, sorted(flag.name for flag in defined))
"""


def test_the_script_modules_tests_import_define_no_flags():
    imported = set()
    for test_file in glob.glob(os.path.join(ROOT, "tests", "*.py")):
        with open(test_file) as source:
            for package, names in _IMPORT_FROM_SCRIPTS.findall(source.read()):
                # "a, b as c": modules a and b
                imported.update(f"{package}.{name.split()[0]}" for name in names.split(","))
    assert "ganzoo_scripts.reports" in imported and "ganzoo_scripts.zoo_table" in imported
    result = subprocess.run([sys.executable, "-c", _FLAGS_DEFINED_BY_SCRIPTS, *sorted(imported)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == "", f"script modules that tests import define flags:\n{result.stdout}"
