"""The fashion, pacgan and toy suites (scripts/benchmarks/) end to end at toy sizes. (Its own
module so that the two test processes share the benchmark tests: --dist loadscope keeps a module
in one process.)"""

import json
import math
import os
import subprocess

import numpy as np
import pytest
import tensorflow as tf

from ganzoo.errors import GanzooError
from ganzoo.models import recipes
from ganzoo_scripts.benchmarks import common, contenders
from tests.conftest import ROOT, our_stderr_lines, run_script, script_command, script_env

pytestmark = pytest.mark.slow


@pytest.fixture
def tiny_fashion(tmp_path):
    """An idx folder named like Fashion-MNIST's (so its classes get Fashion-MNIST's names): 320
    train and 100 test random 28x28 images, labels cycling through the ten classes."""
    from tests.test_idx import idx_bytes, write

    folder = tmp_path / "fashion-tiny"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for prefix, count in (("train", 320), ("t10k", 100)):
        images = rng.integers(0, 256, (count, 28, 28), dtype=np.uint8)
        write(folder / f"{prefix}-images-idx3-ubyte", idx_bytes(images), gz=True)
        labels = (np.arange(count) % 10).astype(np.uint8)
        write(folder / f"{prefix}-labels-idx1-ubyte", idx_bytes(labels), gz=True)
    return folder


def test_fashion_suite_scores_a_model_and_its_keras_io_reference(tiny_fashion, tmp_path):
    out, grids = tmp_path / "fashion.json", tmp_path / "grids"
    result = run_script(
        "benchmarks/fashion.py", f"--dataset={tiny_fashion}", "--steps=2", "--batch_size=16",
        "--models=dcgan", "--classifier_epochs=1", f"--classifier={tmp_path / 'classifier.keras'}",
        f"--grid_dir={grids}", f"--output={out}", timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["setting"]["steps"] == 2 and report["setting"]["image_shape"] == [28, 28, 1]
    # The accuracy reported is the classifier's own record, not any number in [0, 1].
    record = json.loads((tmp_path / "classifier.keras.json").read_text())
    assert report["classifier"]["test_accuracy"] == pytest.approx(record["test_accuracy"])
    rows = {row["name"]: row for row in report["runs"]}
    assert set(rows) == {"dcgan", "keras_io_dcgan"}
    assert (rows["dcgan"]["reference"], rows["keras_io_dcgan"]["reference"]) == (
        "keras_io_dcgan", None
    )
    for row in [*rows.values(), report["real_floor"]]:
        assert all(math.isfinite(row[key]) for key in ("fid", "kid", "precision", "recall")), row
        assert (row["num_generated"], row["num_real"]) == (100, 100)
    assert all(row["wall_seconds"] > 0 and (grids / f"{row['name']}.png").is_file()
               for row in rows.values())
    assert rows["dcgan"]["class_accuracy"] is None  # unconditional
    # Real training images against the test images (the floor) are closer than two steps'
    # samples: the scores measure the samples, not the run.
    assert report["real_floor"]["fid"] < rows["dcgan"]["fid"]
    # The folder is named like Fashion-MNIST's, so dcgan trains with its Fashion-MNIST recipe,
    # as ganzoo-train would, and the table says so.
    recipe = recipes.recipe_for("dcgan", "fashion_mnist").model_args
    assert rows["dcgan"]["recipe"] == recipe and rows["keras_io_dcgan"]["recipe"] is None
    shown = ", ".join(f"{k}={v}" for k, v in recipe.items())
    assert f"| dcgan (recipe: {shown}) | keras_io_dcgan | 1 |" in result.stdout
    assert "| keras_io_dcgan (`dcgan_overriding_train_step.py`) | - | 1 |" in result.stdout
    assert "--models=dcgan" in report["commands"][0]


def test_the_fashion_suite_refuses_a_missing_folder_and_non_image_models(tiny_fashion):
    # The suite calls these first; checked in this process (how a refusal reaches the command
    # line: the pacgan suite's test below and the other scripts' tests).
    common.require_fashion_mnist(str(tiny_fashion))
    with pytest.raises(GanzooError) as refusal:
        common.require_fashion_mnist("/nonexistent")
    assert str(refusal.value) == (
        "no Fashion-MNIST idx files in --dataset=/nonexistent: install them with `apt-get "
        "install dataset-fashion-mnist` (into /usr/share/datasets/fashion-mnist) or give their "
        "folder"
    )
    assert contenders.fashion_contenders(["cgan", "dcgan", "lsgan"], (28, 28, 1)) == [
        ("cgan", "keras_io_conditional_gan"), ("keras_io_conditional_gan", None),
        ("dcgan", "keras_io_dcgan"), ("keras_io_dcgan", None), ("lsgan", "keras_io_dcgan"),
    ]
    assert contenders.fashion_contenders(["dcgan"], (28, 28, 1), with_references=False) == [
        ("dcgan", "keras_io_dcgan")]
    with pytest.raises(GanzooError) as refusal:
        contenders.fashion_contenders(["dcgan", "gan", "nope"], (28, 28, 1))
    prefix = ("--models: gan, nope not among the zoo's image models (whose default networks "
              "are convolutional): ")
    assert str(refusal.value).startswith(prefix)
    listed = set(str(refusal.value)[len(prefix):].split(", "))
    assert {"acgan", "cgan", "dcgan", "lsgan", "sngan", "wgan_gp"} <= listed
    assert not listed & {"gan", "nsgan"}
    every = [name for name, reference in contenders.fashion_contenders(None, (28, 28, 1))
             if reference is not None]
    assert every == sorted(listed)


def test_pacgan_suite_scores_gan_and_pacgan2_along_a_curve_from_two_processes(tmp_path):
    """Two processes, one seed each, given one --output build one table of both seeds.
    (--noxla: the compile would cost more than these 20 updates; XLA's step is checked against
    the plain one in test_packing.)"""
    out = tmp_path / "pacgan.json"
    setting = ["--datasets=ring", "--curve=10", "--seeds=1", "--batch_size=10",
               "--num_samples=200", f"--output={out}", "--noxla"]
    flags = [*setting, "--budget=20"]
    processes = [subprocess.Popen(script_command("benchmarks/pacgan.py", *flags,
                                                 f"--first_seed={seed}"),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env=script_env(), cwd=ROOT)
                 for seed in (0, 1)]
    try:
        outputs = [process.communicate(timeout=180) for process in processes]
    finally:
        for process in processes:
            process.kill()
    assert [process.returncode for process in processes] == [0, 0], [
        stderr[-2000:] for _, stderr in outputs]
    report = json.loads(out.read_text())
    assert report["setting"]["architecture"] == "pacgan_mlp" and report["setting"]["budget"] == 20
    assert sorted((r["model"], r["packing"], r["seed"]) for r in report["runs"]) == [
        ("nsgan", 1, 0), ("nsgan", 1, 1), ("nsgan", 2, 0), ("nsgan", 2, 1)
    ]
    assert len(report["commands"]) == 2
    assert "ring nsgan packing 2 seed 1: 10 of 20 updates, " in outputs[1][0]  # progress
    for run in report["runs"]:
        assert [point["updates"] for point in run["curve"]] == [10, 20]
        for point in run["curve"]:
            assert 0 <= point["modes_1_percent"] <= point["modes"] <= 8
            assert 0 <= point["high_quality_percent"] <= 100
    # The process that ended last printed the table of all four runs.
    stdout = max((o[0] for o in outputs), key=lambda text: text.count("| ring | nsgan | 2 | 2 |"))
    assert "| ring | nsgan | 2 | 2 |" in stdout and "| ring | nsgan | 1 | 2 |" in stdout
    assert stdout.count("| data | model | packing | 10 | 20 |") == 2  # modes, high quality
    assert "| GAN: 6.3 ± 0.5 modes, 98.2 ± 0.2 %, reverse KL 0.45 ± 0.09 |" in stdout
    assert "| PacGAN2: 7.9 ± 0.1 modes, 95.6 ± 2.0 %, reverse KL 0.07 ± 0.03 |" in stdout

    # A rerun finds its runs in the file and trains nothing.
    result = run_script("benchmarks/pacgan.py", *flags, "--first_seed=0", timeout=120)
    assert result.returncode == 0 and "seed 0: in " in result.stdout
    assert json.loads(out.read_text())["runs"] == report["runs"]

    result = run_script("benchmarks/pacgan.py", "--budget=20", "--curve=7", timeout=120)
    assert result.returncode == 2
    assert our_stderr_lines(result.stderr) == ["error: --curve=7 must divide --budget=20"]
    result = run_script("benchmarks/pacgan.py", *setting, "--budget=40", timeout=120)
    assert result.returncode == 2
    assert our_stderr_lines(result.stderr) == [
        f"error: --output={out} holds results of another setting (budget: 20 there, 40 "
        f"here); give the same flags, or another file"
    ]


def test_toy_suite_runs_the_recipe_per_seed(tmp_path):
    out = tmp_path / "toy.json"
    result = run_script(
        "benchmarks/toy.py", "--datasets=ring", "--seeds=2", "--first_seed=1", "--steps=20",
        "--width=8", "--num_samples=200", f"--output={out}",
        f"--picture_dir={tmp_path / 'pictures'}", timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (summary,) = json.loads(out.read_text())["results"]
    assert (summary["dataset"], summary["model"], summary["num_modes"]) == ("ring", "nsgan", 8)
    assert [run["seed"] for run in summary["runs"]] == [1, 2]
    modes = [run["modes_captured"] for run in summary["runs"]]
    assert summary["modes_captured"]["mean"] == np.mean(modes)
    # Seed 1's figures are those of the run the suite describes, trained and scored here
    # again: the recipe's nsgan at width 8 on the ring for 20 steps, 200 samples of seed
    # 10,001 (not any count in [0, 8]).
    from ganzoo import data, train_lib
    from ganzoo.configs import DataConfig, ModelConfig, TrainConfig
    from ganzoo_scripts.benchmarks import modes as toy_modes

    again = train_lib.train(
        DataConfig(dataset="ring"),
        ModelConfig(model="nsgan", precision="float32", model_args={"width": 8}),
        TrainConfig(steps=20, seed=1, model_dir=str(tmp_path / "again"), export_dir="",
                    verbose=0),
    )
    coverage, one_percent = toy_modes.coverage_both_ways(
        again.model.generate(200, seed=10_001), *data.mode_centers("ring"))
    first = summary["runs"][0]
    assert (first["modes_captured"], first["modes_1_percent"]) == (
        coverage.modes_captured, one_percent.modes_captured)
    assert first["high_quality_percent"] == pytest.approx(coverage.high_quality_percent)
    assert first["reverse_kl"] == pytest.approx(coverage.reverse_kl)
    # The recipe ran where no flag overrode it: packing 4 and lr_decay_steps set to --steps.
    assert "packing=4" in result.stderr and "lr_decay_steps=20" in result.stderr
    assert f"| ring | nsgan | 2 | {modes[0]}, {modes[1]} (of 8) |" in result.stdout
    assert "; PacGAN4: 7.8 ± 0.1 modes, 95.9 ± 1.4 %, reverse KL 0.07 ± 0.02;" in result.stdout
    picture = tf.io.decode_png(tf.io.read_file(str(tmp_path / "pictures" / "nsgan_ring.png")))
    assert picture.shape[:2] == (512, 512) and np.ptp(picture.numpy()) > 0


def test_a_suites_run_is_trained_and_scored_once_and_reused(tmp_path):
    import sys

    trained = tmp_path / "trained"
    scores = tmp_path / "run.scores.json"
    train = [sys.executable, "-c", f"open({str(trained)!r}, 'a').write('x')"]
    evaluate = [sys.executable, "-c",
                f"import json; json.dump({{'fid': 1.5}}, open({str(scores)!r}, 'w'))"]
    first = common.train_and_score(str(tmp_path), "run", train, evaluate, str(scores))
    assert first[0] == {"fid": 1.5} and isinstance(first[1], int)
    again = common.train_and_score(str(tmp_path), "run", train, evaluate, str(scores))
    assert again == first and trained.read_text() == "x"  # not trained a second time
    assert (tmp_path / "run.train.log").exists() and (tmp_path / "run.eval.log").exists()
    with pytest.raises(GanzooError, match=r"^--models: unknown 'vit'; choose from dcgan, cgan$"):
        common.check_choices("models", ["dcgan", "vit"], ("dcgan", "cgan"))


def test_the_plateau_suite_refuses_an_argument_a_model_does_not_take_before_training(
        tiny_fashion, tmp_path):
    work = tmp_path / "work"
    result = run_script("benchmarks/plateau.py", "--models=dcgan,sngan", "--model_args=bogus=1",
                        f"--dataset={tiny_fashion}", f"--work_dir={work}",
                        f"--output={tmp_path / 'plateau.json'}", timeout=120)
    assert result.returncode == 2
    lines = our_stderr_lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith(
        "error: dcgan has no argument 'bogus'; its arguments: latent_dim, architecture,"), lines
    assert sorted(os.listdir(tmp_path)) == ["fashion-tiny"]  # no classifier, run or results


def test_the_per_minute_suite_scores_a_model_and_its_reference_on_one_clock(tiny_fashion,
                                                                           tmp_path):
    from ganzoo import fast_paths

    out = tmp_path / "per_minute.json"
    flags = [f"--dataset={tiny_fashion}", "--models=cgan", "--minutes=0.1", "--score_every=0.03",
             "--eval_samples=40", "--batch_size=16", "--classifier_epochs=1",
             f"--classifier={tmp_path / 'classifier.keras'}", f"--output={out}"]
    result = run_script("benchmarks/per_minute.py", *flags, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text())
    runs = {run["name"]: run for run in report["runs"]}
    assert set(runs) == {"cgan", "keras_io_conditional_gan"}
    assert (runs["cgan"]["precision"], runs["keras_io_conditional_gan"]["precision"]) == (
        fast_paths.default_precision(), "float32")
    every, budget = 0.03, 0.1
    for run in runs.values():
        marks = [point["mark"] for point in run["curve"]]
        minutes = [point["minutes"] for point in run["curve"]]
        batches = [point["batches"] for point in run["curve"]]
        # One score at the first batch past the marks it reached (the last one passed, when a
        # slow batch passes several), the last at the first batch past the budget.
        assert marks[-1] == budget and minutes[-1] >= budget, run["curve"]
        assert all(m in (budget, round(every * round(m / every), 3)) for m in marks), marks
        assert marks == sorted(set(marks)) and batches == sorted(set(batches)), run["curve"]
        assert all(minute >= mark for mark, minute in zip(marks, minutes))
        assert all(minute < mark + every for mark, minute in zip(marks[1:-1], minutes[1:-1]))
        assert batches[-1] == run["batches"]
        assert run["train_seconds"] / 60 == pytest.approx(minutes[-1], abs=1e-3)
        # Conditional contenders: balanced requested classes, scored as SampleQuality does.
        assert all(math.isfinite(point[key]) and 0 <= point["class_accuracy"] <= 1
                   for point in run["curve"] for key in ("fid", "kid", "intra_class_fid"))
    again = run_script("benchmarks/per_minute.py", *flags, timeout=180)
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"\ncgan seed 0: in {out} already" in "\n" + again.stdout
    assert f"keras_io_conditional_gan seed 0: in {out} already" in again.stdout
    assert json.loads(out.read_text())["runs"] == report["runs"]
    # --noganzoo: acgan's reference is there already, and acgan itself is not trained.
    alone = run_script("benchmarks/per_minute.py", *flags, "--models=acgan", "--noganzoo",
                       timeout=180)
    assert alone.returncode == 0, alone.stderr[-3000:]
    assert f"keras_io_conditional_gan seed 0: in {out} already" in alone.stdout
    assert "acgan" not in alone.stdout.replace("keras_io_conditional_gan", "")
    assert json.loads(out.read_text())["runs"] == report["runs"]


def test_the_per_minute_suite_refuses_a_budget_of_no_minutes(tmp_path):
    result = run_script("benchmarks/per_minute.py", "--minutes=0", f"--output={tmp_path / 'x'}",
                        timeout=60)
    assert result.returncode == 2
    assert our_stderr_lines(result.stderr) == [
        "error: --minutes=0: give a number of minutes above 0"]
    assert not (tmp_path / "x").exists()
