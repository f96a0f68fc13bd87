"""A run directory is never lost or mixed: Ctrl-C says where a rerun resumes, another
configuration is refused without touching the run, and output places are checked up front."""

import hashlib
import json
import os
import signal
import subprocess
import time

import pytest

from ganzoo import train_lib
from ganzoo.configs import DataConfig, ModelConfig, TrainConfig
from ganzoo.errors import GanzooError
from tests.conftest import (
    ROOT, our_stderr_lines, run_script, script_command, script_env, tiny_train_args, train_tiny,
)

pytestmark = pytest.mark.slow


def tree_digest(directory):
    """sha256 over every file's path and bytes below `directory`."""
    digest = hashlib.sha256()
    for root, _, names in sorted(os.walk(directory)):
        for name in sorted(names):
            path = os.path.join(root, name)
            digest.update(os.path.relpath(path, directory).encode())
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()


def test_ctrl_c_prints_one_line_and_a_different_configuration_leaves_the_run_intact(
    tmp_path, tfds_dir
):
    run_dir = tmp_path / "run"
    args = ["--steps=3000", "--backup_every_steps=20", "--export_dir="]
    process = subprocess.Popen(
        script_command("train.py", *tiny_train_args(tfds_dir, run_dir, *args)),
        env=script_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    metadata = run_dir / "backup" / "training_metadata.json"
    try:
        deadline = time.monotonic() + 240
        while not metadata.exists() and process.poll() is None:
            assert time.monotonic() < deadline, "no backup appeared in time"
            time.sleep(0.05)
        time.sleep(1.0)  # some steps past the first backup
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, stderr[-3000:]
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    lines = [line for line in our_stderr_lines(stderr) if line.startswith("interrupted")]
    assert len(lines) == 1, stderr[-2000:]
    step, resume, redo = (
        int(lines[0].split("interrupted at step ")[1].split(";")[0]),
        int(lines[0].split("resume from step ")[1].split()[0]),
        int(lines[0].split("redoing ")[1].split()[0]),
    )
    # Ctrl-C takes effect between steps, after any backup of that step was written.
    assert resume % 20 == 0 and 0 < resume <= step and redo == step - resume < 20
    assert json.loads((run_dir / "run.json").read_text())["model"] == "dcgan"
    before = tree_digest(run_dir)

    # Another configuration in the same directory: one line naming both, nothing touched.
    # (In-process, as the two runs below the resume: how a refusal reaches the command line
    # is tested in test_cli.)
    with pytest.raises(GanzooError) as other:
        train_tiny(tfds_dir, run_dir, steps=3000, model_args={"width": 16},
                   backup_every_steps=20)
    assert "holds a dcgan run with width=8; this command asks for width=16" in str(other.value)
    assert "--overwrite_run" in str(other.value) and "\n" not in str(other.value)
    assert tree_digest(run_dir) == before

    # The same configuration resumes from the step the interruption named.
    resumed = run_script(
        "train.py", *tiny_train_args(tfds_dir, run_dir, f"--steps={resume + 20}",
                                     "--backup_every_steps=20", "--export_dir=")
    )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert f"at step {resume}" in resumed.stderr.split("resuming from the backup")[1]

    # --overwrite_run discards the old run and starts afresh.
    fresh = train_tiny(tfds_dir, run_dir, steps=5, model_args={"width": 16}, overwrite_run=True,
                       backup_every_steps=20)
    assert int(fresh.model.g_optimizer.iterations) == 5  # from step 0, not from the backup
    assert json.loads((run_dir / "run.json").read_text())["model_arguments"]["width"] == 16


def test_an_unwritable_output_place_is_refused_before_training(tmp_path):
    # (A read-only directory is refused the same way, by os.access; not tested here because
    # tests run as root in CI, for whom every directory is writable.) In this process: what
    # ganzoo-train calls, whose refusals reach the command line as tested in test_cli.
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    export_dir = blocker / "exports"
    with pytest.raises(GanzooError) as refusal:
        train_lib.train(
            DataConfig(dataset="ring", batch_size=32), ModelConfig(model="gan"),
            TrainConfig(steps=2, model_dir=str(tmp_path / "run"), export_dir=str(export_dir),
                        verbose=0),
        )
    assert str(refusal.value) == (
        f"--export_dir={export_dir} cannot be created: {blocker} is a file, not a directory"
    )
    assert not (tmp_path / "run").exists()  # refused before anything was written


def test_export_refuses_a_missing_saved_models_root_in_one_line(tmp_path):
    result = run_script(
        "export.py", "--model_config", f"--saved_models_root={tmp_path / 'missing'}", timeout=120
    )
    assert result.returncode == 2
    assert f"--saved_models_root={tmp_path / 'missing'} does not exist" in result.stderr
    assert "Traceback" not in result.stderr
