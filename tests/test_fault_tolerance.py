"""A killed run resumes exactly; a diverged run stops cleanly and spares the last checkpoint;
Keras' backup files keep the names that resuming reads; a backup cut short falls back to the one
before it."""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import time

import keras
import numpy as np
import pytest
import tensorflow as tf

import ganzoo
from ganzoo import train_lib
from ganzoo.errors import TrainingDivergedError
from ganzoo.tf_data_options import without_autotuning
from tests.conftest import (
    ROOT, all_weights, load_weights, run_script, script_command, script_env, tiny_train_args,
    train_tiny,
)

pytestmark = pytest.mark.slow
STEPS, BACKUP_EVERY = 150, 25  # killed after 50 steps, with 100 (over a second) to go


def test_sigkill_mid_epoch_then_rerun_resumes_and_matches_an_uninterrupted_run(tmp_path, tfds_dir):
    # With a decaying learning rate, so that a resume that restarted the schedule would differ.
    args = [f"--steps={STEPS}", f"--backup_every_steps={BACKUP_EVERY}", "--export_dir=",
            f"--lr_decay_steps={STEPS}"]
    # The uninterrupted run in this process (the command's run is the same: test_cli's
    # first-run test and the fingerprint below).
    whole = train_tiny(tfds_dir, tmp_path / "whole", STEPS, {"lr_decay_steps": STEPS},
                       backup_every_steps=BACKUP_EVERY)

    run_dir = tmp_path / "killed"
    command = script_command("train.py", *tiny_train_args(tfds_dir, run_dir, *args))
    process = subprocess.Popen(
        command, env=script_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    metadata = run_dir / "backup" / "training_metadata.json"

    def backed_up_batches():
        try:
            return json.loads(metadata.read_text())["batch"] + 1
        except (OSError, ValueError, KeyError):
            return 0

    try:
        deadline = time.monotonic() + 240
        while backed_up_batches() < 2 * BACKUP_EVERY and process.poll() is None:
            assert time.monotonic() < deadline, "no second backup appeared in time"
            time.sleep(0.02)
        assert process.poll() is None, "the run finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert json.loads(metadata.read_text())["epoch"] == 0  # mid-way through the first epoch
    newest_step = backed_up_batches()
    # As if the kill had struck while the newest backup was being written: resuming must fall
    # back to the previous one (BackupAndRestore's double checkpoint).
    latest = run_dir / "backup" / "latest.weights.h5"
    latest.write_bytes(latest.read_bytes()[:100])

    resumed = run_script("train.py", *tiny_train_args(tfds_dir, run_dir, *args))
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resuming from the backup" in resumed.stderr
    step = int(resumed.stderr.split("resuming from the backup")[1].split("at step ")[1].split()[0])
    assert 0 < step < newest_step and step % BACKUP_EVERY == 0
    assert not (run_dir / "backup").exists()  # removed once the run completed

    uninterrupted = load_weights(tmp_path / "whole" / "model.keras")
    interrupted = load_weights(run_dir / "model.keras")
    difference = max(float(np.max(np.abs(a - b))) for a, b in zip(uninterrupted, interrupted))
    assert difference < 1e-5, difference
    assert resumed.stdout.split("weights fingerprint: ")[1].split()[0] == whole.fingerprint


def test_a_diverging_run_stops_with_one_line_and_leaves_the_checkpoint_intact(tmp_path, tfds_dir):
    # In this process: train() is what ganzoo-train calls, and its refusals (this one a
    # GanzooError too) reach the command line as one line, as test_cli checks.
    run_dir = tmp_path / "run"
    train_tiny(tfds_dir, run_dir, 20)
    # The good checkpoint, in a directory the diverging configuration may use (run.json would
    # refuse a different configuration in the good run's own directory).
    diverging_dir = tmp_path / "diverging"
    diverging_dir.mkdir()
    checkpoint = diverging_dir / "model.keras"
    checkpoint.write_bytes((run_dir / "model.keras").read_bytes())
    before = hashlib.sha256(checkpoint.read_bytes()).hexdigest()

    with pytest.raises(TrainingDivergedError) as diverged:
        train_tiny(tfds_dir, diverging_dir, 200,
                   model_args={"d_learning_rate": 1e30, "g_learning_rate": 1e30},
                   export_dir=str(tmp_path / "export"))
    assert str(diverged.value).startswith("training diverged:") and "\n" not in str(diverged.value)
    assert hashlib.sha256(checkpoint.read_bytes()).hexdigest() == before
    assert not (tmp_path / "export").exists()  # nothing exported from a diverged model


class StopAfterTwoSteps(keras.callbacks.Callback):
    """Keeps `weights_of(model)` after each step and raises RuntimeError after the second, as
    an interruption would (with BackupAndRestore at save_freq=1: two backups)."""

    def __init__(self, weights_of):
        super().__init__()
        self.weights_of, self.weights = weights_of, []

    def on_train_batch_end(self, batch, logs=None):
        self.weights.append(self.weights_of(self.model))
        if batch == 1:
            raise RuntimeError("interrupted")


def test_keras_backup_files_keep_the_names_that_restore_backup_reads(tmp_path):
    # train_lib.restore_backup reads BackupAndRestore's private files by name (to learn the step
    # before fit() and to fall back as Keras does): this fails first when Keras renames them.
    def tiny_model():
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile(keras.optimizers.SGD(0.1), loss="mse")
        return model

    model, stop = tiny_model(), StopAfterTwoSteps(lambda model: model.get_weights())
    backup_dir = tmp_path / "backup"
    backup = keras.callbacks.BackupAndRestore(str(backup_dir), save_freq=1, double_checkpoint=True)
    x, y = np.arange(12, dtype="float32").reshape(4, 3) / 10, np.ones((4, 1), "float32")
    examples = without_autotuning(tf.data.Dataset.from_tensor_slices((x, y)).batch(1))
    with pytest.raises(RuntimeError, match="interrupted"):
        model.fit(examples, epochs=1, verbose=0, callbacks=[backup, stop])
    assert sorted(os.listdir(backup_dir)) == [
        "latest.weights.h5", "latest.weights.h5.bkp",
        "training_metadata.json", "training_metadata.json.bkp",
    ]
    # The newest state and, beside it, the one saved a step before.
    metadata = {name: json.loads((backup_dir / name).read_text())
                for name in ("training_metadata.json", "training_metadata.json.bkp")}
    assert metadata == {"training_metadata.json": {"epoch": 0, "batch": 1},
                        "training_metadata.json.bkp": {"epoch": 0, "batch": 0}}
    # load_weights takes only names ending in .weights.h5 (restore_backup and Keras put the .bkp
    # back over latest.weights.h5 before loading it), hence the copies.
    shutil.copyfile(backup_dir / "latest.weights.h5", tmp_path / "newest.weights.h5")
    shutil.copyfile(backup_dir / "latest.weights.h5.bkp", tmp_path / "previous.weights.h5")
    for name, step in (("newest.weights.h5", 2), ("previous.weights.h5", 1)):
        restored = tiny_model()
        restored.load_weights(tmp_path / name)
        for got, want in zip(restored.get_weights(), stop.weights[step - 1]):
            np.testing.assert_array_equal(got, want)


@pytest.mark.filterwarnings("ignore:Skipping")  # Keras on the half-written file, as it should
def test_a_backup_save_cut_short_in_this_process_falls_back_to_the_previous_backup(tmp_path):
    # Ctrl-C during BackupAndRestore's save leaves Keras' HDF5 store open for writing (it closes
    # it only when a save ends), and HDF5 hands that half-written file back to a later open of
    # the same file in this process. restore_backup then read no variables from the previous
    # backup copied over it ("Layer 'd_conv_0' expected 2 variables, but received 0", seen in
    # the Ctrl-C test of tests/test_runs.py on a loaded machine) and the interrupted run ended
    # in a traceback instead of its one line.
    import h5py  # what Keras writes .weights.h5 files with

    def tiny_gan():
        keras.utils.set_random_seed(0)
        model = ganzoo.get_model("gan", data_shape=(2,), latent_dim=2, width=4)
        model.compile()
        return model

    backup_dir = tmp_path / "backup"
    stop = StopAfterTwoSteps(all_weights)
    backup = keras.callbacks.BackupAndRestore(str(backup_dir), save_freq=1, double_checkpoint=True)
    points = without_autotuning(
        tf.data.Dataset.from_tensor_slices(np.ones((8, 2), "float32")).batch(2)
    )
    with pytest.raises(RuntimeError, match="interrupted"):
        tiny_gan().fit(points, epochs=1, verbose=0, callbacks=[backup, stop])
    # The save after step 3 cut short: the file truncated and still open for writing.
    half_written = h5py.File(backup_dir / "latest.weights.h5", "w")
    half_written.create_group("layers")
    restored = tiny_gan()
    assert train_lib.restore_backup(restored, str(backup_dir)) == 1  # the backup of step 1
    for got, want in zip(all_weights(restored), stop.weights[0]):
        np.testing.assert_array_equal(got, want)
    half_written.close()  # the interrupted save's handle, closed late, spoils nothing
    again = tiny_gan()
    assert train_lib.restore_backup(again, str(backup_dir)) == 1
    for got, want in zip(all_weights(again), stop.weights[0]):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    "model, strategy", [("cgan", "default"), ("dcgan", "mirrored")], ids=["cgan", "mirrored"]
)
def test_ctrl_c_then_rerun_resumes_exactly(tmp_path, tfds_dir, monkeypatch, model, strategy):
    # A conditional model's label stream and a two-replica run resume too (the SIGKILL test
    # above covers dcgan on one device). Ctrl-C is simulated where it takes effect: the
    # InterruptBetweenSteps callback raising KeyboardInterrupt at the end of a step.
    from ganzoo import callbacks
    from ganzoo.configs import DataConfig, ModelConfig, TrainConfig

    steps, interrupt_at = 40, 25

    def run(model_dir):
        return train_lib.train(
            DataConfig(dataset="digits", image_size=16, batch_size=32, data_dir=str(tfds_dir)),
            ModelConfig(model=model, preset="tiny", precision="float32"),
            TrainConfig(steps=steps, backup_every_steps=10, model_dir=str(model_dir),
                        export_dir="", verbose=0, strategy=strategy,
                        devices="/cpu:0,/cpu:1" if strategy == "mirrored" else None),
        )

    whole = run(tmp_path / "whole")

    def ctrl_c_at_step(callback, batch, logs=None):
        if int(callback.model.g_optimizer.iterations.numpy()) >= interrupt_at:
            raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(callbacks.InterruptBetweenSteps, "on_train_batch_end", ctrl_c_at_step)
        with pytest.raises(train_lib.TrainingInterrupted) as interrupted:
            run(tmp_path / "run")
    assert str(interrupted.value) == (
        f"interrupted at step {interrupt_at}; rerun the same command to resume from step 20 "
        f"(the last backup), redoing 5 steps"
    )
    resumed = run(tmp_path / "run")
    assert resumed.fingerprint == whole.fingerprint
