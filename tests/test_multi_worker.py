"""MultiWorkerMirroredStrategy with two real worker processes on 127.0.0.1."""

import json
import os
import socket
import subprocess

import numpy as np
import pytest

from ganzoo import export
from tests.conftest import (
    ROOT, load_weights, script_command, script_env, tiny_train_args, train_tiny,
)

pytestmark = pytest.mark.slow
TIMEOUT = 240


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def test_two_workers_train_identically_and_only_the_chief_writes(tmp_path, tfds_dir):
    cluster = {"worker": [f"127.0.0.1:{port}" for port in free_ports(2)]}
    run_dir, export_dir = tmp_path / "run", tmp_path / "export"
    args = tiny_train_args(
        tfds_dir, run_dir, "--steps=30", "--strategy=multi_worker", f"--export_dir={export_dir}",
        "--precision=float32",  # compared below with one device to 1e-5
    )
    workers, outputs = [], []
    try:
        for index in range(2):
            scratch = tmp_path / f"tmp{index}"  # each worker's TMPDIR, checked empty afterwards
            scratch.mkdir()
            env = script_env(
                TF_CONFIG=json.dumps(
                    {"cluster": cluster, "task": {"type": "worker", "index": index}}
                ),
                TMPDIR=str(scratch),
            )
            workers.append(
                subprocess.Popen(
                    script_command("train.py", *args), env=env, cwd=ROOT, text=True,
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                )
            )
        for worker in workers:
            outputs.append(worker.communicate(timeout=TIMEOUT))
    finally:
        for worker in workers:  # each killed by its own PID if anything above failed
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=30)
    for worker, (stdout, stderr) in zip(workers, outputs):
        assert worker.returncode == 0, stderr[-3000:]

    fingerprints = [stdout.split("weights fingerprint: ")[1].split()[0] for stdout, _ in outputs]
    assert fingerprints[0] == fingerprints[1]  # both workers hold bit-identical weights
    assert "SavedModel: " in outputs[0][0] and "SavedModel: " not in outputs[1][0]
    assert export.existing_versions(str(export_dir)) == [1]  # one export, by the chief
    assert sorted(os.listdir(run_dir)) == ["logs", "model.keras", "run.json", "samples"]
    for index in range(2):
        assert os.listdir(tmp_path / f"tmp{index}") == []  # non-chief scratch dirs removed

    # The same run on one device gives the same weights: replica count does not matter. It
    # trains in this process, which saves a script's TensorFlow start; train_tiny is what the
    # script runs with these flags (test_fault_tolerance compares the two to 1e-5 and by
    # fingerprint).
    single = train_tiny(tfds_dir, tmp_path / "one", 30, precision="float32")
    assert int(single.model.g_optimizer.iterations) == 30
    one, two = load_weights(tmp_path / "one" / "model.keras"), load_weights(run_dir / "model.keras")
    assert max(float(np.max(np.abs(a - b))) for a, b in zip(one, two)) < 1e-5
