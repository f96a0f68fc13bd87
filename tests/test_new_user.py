"""What a new user ran into, as they run it (issue 32): real processes of the scripts, each
mistake one line on stderr with exit status 2, nothing written by a refused command, the
shipped zoo left alone by the commands' defaults.

Flag mistakes are refused before TensorFlow is imported: those cases run the script through
`runpy` with a hook that reports, at exit, whether TensorFlow was imported (a wall-clock bound
would fail on a busy machine; the import is what costs the seconds).
"""

import functools
import hashlib
import json
import os
import subprocess
import sys

import pytest

import ganzoo
from ganzoo import configs, features, run_dirs
from tests.conftest import ROOT, our_stderr_lines, run_script, script_env

TIMEOUT = 300
UNWRITABLE = "/proc/ganzoo_test"  # /proc takes no new files, even from root (CI runs as root)
BENCHMARKS = ("augment", "conditional", "fashion", "mnist", "obedience", "pacgan", "per_minute",
              "plateau", "regularizer_costs", "sampling", "speed", "toy")
SCRIPTS = ("build_zoo.py", "evaluate.py", "export.py", "sample.py", "serve_client.py", "train.py",
           "train_classifier.py", *(f"benchmarks/{suite}.py" for suite in BENCHMARKS))

_REPORT_TENSORFLOW = (
    "import atexit, runpy, sys\n"
    "atexit.register(lambda: print('tensorflow imported:', 'tensorflow' in sys.modules))\n"
    "script = sys.argv.pop(1); sys.argv[0] = script\n"
    "runpy.run_path(script, run_name='__main__')\n"
)


def run_reporting_tensorflow(script, *args, cwd=ROOT):
    """(CompletedProcess, whether TensorFlow was imported) of scripts/<script> with `args`."""
    result = subprocess.run(
        [sys.executable, "-c", _REPORT_TENSORFLOW, os.path.join(ROOT, "scripts", script), *args],
        capture_output=True, text=True, timeout=TIMEOUT, env=script_env(), cwd=cwd,
    )
    lines = result.stdout.splitlines()
    assert lines and lines[-1].startswith("tensorflow imported: "), result.stdout
    return result, lines[-1] == "tensorflow imported: True"


def tree_digest(folder):
    """sha256 over every file's path and bytes under `folder`."""
    digest = hashlib.sha256()
    for directory, subdirectories, files in sorted(os.walk(folder)):
        subdirectories.sort()
        for name in sorted(files):
            path = os.path.join(directory, name)
            digest.update(os.path.relpath(path, folder).encode())
            digest.update(open(path, "rb").read())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def shipped_zoo_digest():
    return tree_digest(os.path.join(ROOT, "saved_models"))


@pytest.mark.parametrize(
    "script, args, line",
    [
        ("train.py", ["--batch_size=0"], "error: --batch_size must be an integer >= 1, got 0"),
        ("train.py", ["--image_size=5000"],
         "error: --image_size must be an integer in [1, 1024], got 5000"),
        ("train.py", ["--grid_samples=100000"],
         "error: --grid_samples must be an integer in [1, 4096], got 100000"),
        ("train.py", [f"--model_dir={UNWRITABLE}/run"],
         f"error: --model_dir={UNWRITABLE}/run is not writable: /proc refuses new files"),
        ("train.py", ["--model_dir={tmp}/run", f"--export_dir={UNWRITABLE}/export"],
         f"error: --export_dir={UNWRITABLE}/export is not writable: /proc refuses new files"),
        ("train.py", ["--model_dir={tmp}/a_file/run"],
         "error: --model_dir={tmp}/a_file/run cannot be created: {tmp}/a_file is a file, not a "
         "directory"),
        ("train.py", ["--strategy=tpu"],
         "error: flag --strategy=tpu: value should be one of "
         "<default|one_device|mirrored|multi_worker>"),
        ("train.py", ["extra"],
         "error: unexpected arguments ['extra']; flags are written --name=value"),
        ("sample.py", ["--num_samples=100000"],
         "error: flag --num_samples=100000: 100000 is not an integer in the range [1, 4096]"),
        ("sample.py", [f"--output={UNWRITABLE}/grid.png"],
         f"error: --output={UNWRITABLE}/grid.png is not writable: /proc refuses new files"),
        ("sample.py", ["--output={tmp}"], "error: --output={tmp} is a directory; give a file name"),
        ("sample.py", ["--saved_model=no/such/model"],
         "error: --saved_model=no/such/model is not a directory; give a SavedModel version "
         "directory or a model directory (the shipped ones: saved_models/<name>)"),
        ("evaluate.py", ["--features=inception", f"--output_json={UNWRITABLE}/scores.json"],
         f"error: --output_json={UNWRITABLE}/scores.json is not writable: /proc refuses new "
         f"files"),
        ("export.py", ["--checkpoint={tmp}/model.keras", f"--export_dir={UNWRITABLE}/x"],
         f"error: --export_dir={UNWRITABLE}/x is not writable: /proc refuses new files"),
        ("train_classifier.py", ["--epochs=0"],
         "error: flag --epochs=0: 0 is not a positive integer"),
        ("benchmarks/regularizer_costs.py", ["--steps=20"],
         "error: flag --steps=20: must be a multiple of 16, or the timed windows hold different "
         "numbers of lazy steps"),
    ],
)
def test_a_flag_mistake_is_one_line_and_exit_2_before_tensorflow_is_imported(
    tmp_path, shipped_zoo_digest, script, args, line
):
    (tmp_path / "a_file").write_text("a file, not a folder")
    (tmp_path / "model.keras").write_text("not looked at before the export folder is checked")
    before = sorted(os.listdir(tmp_path))
    result, imported = run_reporting_tensorflow(
        script, *(arg.format(tmp=tmp_path) for arg in args)
    )
    assert result.returncode == 2, result.stderr
    lines = our_stderr_lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith(line.format(tmp=tmp_path)), result.stderr
    assert not imported
    assert sorted(os.listdir(tmp_path)) == before  # nothing written
    assert tree_digest(os.path.join(ROOT, "saved_models")) == shipped_zoo_digest


@functools.lru_cache(maxsize=None)
def help_of(script):
    """The finished `scripts/<script> --help` (run once per script: train.py's imports
    TensorFlow to list the models' arguments)."""
    return run_script(script, "--help", timeout=TIMEOUT)


@pytest.mark.parametrize("script", SCRIPTS)
def test_help_exits_0_and_shows_the_scripts_docstring(script):
    result = help_of(script)
    assert result.returncode == 0, result.stderr[-2000:]
    with open(os.path.join(ROOT, "scripts", script)) as source:
        first_line = source.read().split('"""')[1].strip().splitlines()[0]
    assert result.stdout.startswith(first_line)


def test_help_gives_the_default_directories_the_code_applies():
    result = help_of("train.py")
    help_text = " ".join(result.stdout.split())
    model_dir, export_dir = run_dirs.directories("dcgan", "digits")
    assert (model_dir, export_dir) == ("runs/dcgan_digits", "runs/dcgan_digits/export")
    assert "default: runs/<model>_<data set> (e.g. runs/dcgan_digits)" in help_text
    assert f"default: <model_dir>/{configs.EXPORT_SUBDIR}" in help_text
    assert "ganzoo-train --model=dcgan --dataset=digits" in result.stdout
    assert "python scripts/train.py --" not in result.stdout  # examples as users type them


@pytest.mark.parametrize("name", ganzoo.list_models())
def test_describe_summaries_are_whole_sentences(name):
    summary = ganzoo.describe_model(name).splitlines()[0]
    assert summary.endswith("."), summary
    words = " ".join(ganzoo.get_model_class(name).__doc__.split("\n\n")[0].split())
    assert summary == words


@pytest.mark.slow
def test_a_refused_run_writes_nothing_so_the_corrected_command_runs(tmp_path, tfds_dir):
    # The refusal comes from building the networks, after TensorFlow is imported: run.json must
    # not be written first (it was: the corrected command was then refused as another run).
    common = ["--model=wgan_gp", "--preset=tiny", "--image_size=16", "--batch_size=8",
              f"--data_dir={tfds_dir}", f"--model_dir={tmp_path / 'run'}", "--export_dir=",
              "--verbose=0", "--steps=2"]
    refused = run_script("train.py", *common, "--d_normalization=batch", timeout=TIMEOUT)
    assert refused.returncode == 2
    assert our_stderr_lines(refused.stderr) == [
        "error: wgan_gp: gp_weight needs per-example input gradients, which a batch-normalised D "
        "does not have; set d_normalization to layer, spectral or none"
    ]
    assert not (tmp_path / "run").exists()
    corrected = run_script("train.py", *common, timeout=TIMEOUT)
    assert corrected.returncode == 0, corrected.stderr[-2000:]
    assert json.loads((tmp_path / "run" / "run.json").read_text())["model"] == "wgan_gp"


@pytest.mark.slow
def test_the_defaults_export_into_the_run_and_sample_the_shipped_model(
    tmp_path, tfds_dir, shipped_zoo_digest
):
    # A user's run without --model_dir and --export_dir, in a folder of their own: its export
    # goes to runs/<model>_<data set>/export/, not into a saved_models/ beside it.
    trained = subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "train.py"), "--preset=tiny",
         "--image_size=16", "--batch_size=32", "--steps=2", "--verbose=0",
         f"--data_dir={tfds_dir}"],
        capture_output=True, text=True, timeout=TIMEOUT, env=script_env(), cwd=tmp_path,
    )
    assert trained.returncode == 0, trained.stderr[-2000:]
    assert "SavedModel: runs/dcgan_digits/export/1" in trained.stdout
    assert sorted(os.listdir(tmp_path)) == ["runs"]
    # ganzoo-sample with nothing but an output: the shipped dcgan, version 1.
    sampled = run_script("sample.py", f"--output={tmp_path / 'grid.png'}", timeout=TIMEOUT)
    assert sampled.returncode == 0, sampled.stderr[-2000:]
    assert sampled.stdout.startswith("wrote 64 samples from saved_models/dcgan_digits/1 to ")
    assert (tmp_path / "grid.png").stat().st_size > 0
    assert tree_digest(os.path.join(ROOT, "saved_models")) == shipped_zoo_digest


@pytest.mark.slow
def test_scores_in_a_poor_classifiers_features_are_refused(tmp_path):
    # A classifier that tells 2 digits in 10 apart (as 2 epochs of training gave) made
    # FID 0.03 and precision 0.86 for a dcgan: numbers about the classifier, not the samples.
    path = str(tmp_path / "poor.keras")
    features._domain_network((32, 32, 1), 10).save(path)
    with open(path + ".json", "w") as record:
        json.dump({"version": 1, "test_accuracy": 0.22}, record)
    result = run_script(
        "evaluate.py", "--saved_model=saved_models/dcgan_digits", f"--features=domain:{path}",
        "--num_samples=10", f"--output_json={tmp_path / 'scores.json'}", timeout=TIMEOUT,
    )
    assert result.returncode == 2
    assert our_stderr_lines(result.stderr) == [
        f"error: domain classifier {path} has held-out accuracy 0.220, below 0.8: scores in its "
        f"features would describe the classifier, not the samples; train it longer "
        f"(ganzoo-train-classifier --epochs=15) or lower --min_classifier_accuracy"
    ]
    assert not (tmp_path / "scores.json").exists()


@pytest.mark.slow
@pytest.mark.parametrize("model", ["cgan", "wgan_gp"])
def test_a_run_prints_no_tensorflow_error_lines(tmp_path, tfds_dir, model):
    # With TF_CPP_MIN_LOG_LEVEL unset (the scripts' default hides INFO and WARNING only), these
    # runs printed grappler's "E0000 ... remapper failed: ... LeakyReluGrad exist for missing
    # node ... BiasAdd" (docs/design.md, fact 15): ganzoo's LeakyReLU avoids the pattern.
    env = {k: v for k, v in script_env().items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "train.py"), f"--model={model}",
         "--preset=tiny", "--image_size=16", "--batch_size=16", "--steps=4", "--verbose=0",
         f"--data_dir={tfds_dir}", f"--model_dir={tmp_path / 'run'}", "--export_dir="],
        capture_output=True, text=True, timeout=TIMEOUT, env=env, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    noise = [line for line in result.stderr.splitlines()
             if line[:1] in "EW" and line[1:5].isdigit()]
    assert noise == []
