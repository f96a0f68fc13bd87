"""Shared fixtures. Tests run on the CPU, on data they generate or that ganzoo embeds."""

import os
import re
import subprocess
import sys

from ganzoo import tf_startup  # noqa: E402  (light: imports no TensorFlow)

# TensorFlow's start-up lines filtered as the scripts filter them: without this, the native
# lines of the first import (oneDNN, CUDA) print after pytest's summary.
tf_startup.quiet_tensorflow_import()
# One thread per op, here and in the scripts the tests start (they inherit the environment): the
# suite runs two workers, often with a script beside each, on 2 cores, and ops on tiny models
# gain nothing from more threads. (Measured: no difference beyond this machine's run-to-run
# noise either way; it keeps the processes from competing for the same cores.)
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from ganzoo.tf_data_options import without_autotuning  # noqa: E402

# Two logical CPUs, so MirroredStrategy has two replicas to split the batch over. This must run
# before TensorFlow initialises its devices, i.e. before any op, hence here.
tf.config.set_logical_device_configuration(
    tf.config.list_physical_devices("CPU")[0], [tf.config.LogicalDeviceConfiguration()] * 2
)
TWO_CPUS = ["/cpu:0", "/cpu:1"]


def pytest_collection_modifyitems(config, items):
    """The module with the most tests first, then the modules with slow tests, then the rest
    from the most tests to the fewest.

    `--dist loadscope --no-loadscope-reorder` (setup.cfg) hands whole modules to the two workers
    in this order, each taking the next when it runs out. The largest module (the zoo's contract,
    about a fifth of the suite) must start first, or one worker ends up running it alone; and
    xdist's own order (most tests first) would leave the modules of one or two long script tests
    (multi-worker, SIGKILL, benchmarks) to the end, where they run alone too."""
    counts = {}
    for item in items:
        counts[item.module.__name__] = counts.get(item.module.__name__, 0) + 1
    largest = max(counts, key=counts.get)
    slow = {item.module.__name__ for item in items if item.get_closest_marker("slow")}

    def order(item):
        module = item.module.__name__
        return (module != largest, module not in slow, -counts[module])

    items.sort(key=order)


@pytest.fixture(scope="session")
def tfds_dir(tmp_path_factory):
    """A private tensorflow-datasets directory, so tests never touch ~/tensorflow_datasets,
    with the embedded digits prepared once (so that concurrent workers only read it)."""
    from ganzoo import data

    directory = str(tmp_path_factory.mktemp("tensorflow_datasets"))
    data.load_dataset("digits", batch_size=1, data_dir=directory)
    return directory


@pytest.fixture(scope="session")
def digits_classifier(tmp_path_factory, tfds_dir):
    """(path, metadata) of the domain classifier every scoring test uses: the embedded digits
    at 16x16 (they are 8x8 upsampled, so 16 loses nothing; the extractor resizes other sizes),
    trained on their first 80 % for 15 epochs and tested on the rest. Trained once per run:
    the first xdist worker to ask trains it under a lock in the run's shared folder, the other
    loads it."""
    import fcntl
    import json

    from ganzoo import data, features

    # Under xdist each worker's base folder sits in one folder of this run; without xdist the
    # base folder's parent is shared by every run, so the base folder itself is used.
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    path = shared / "digits.keras"
    with open(shared / "digits.keras.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            train, classes = data.load_labeled_images("digits", "train[:80%]", 16,
                                                      data_dir=tfds_dir)
            test, _ = data.load_labeled_images("digits", "train[80%:]", 16, data_dir=tfds_dir)
            features.train_domain_classifier(train, test, classes, str(path), epochs=15)
    with open(f"{path}.json") as metadata:
        return str(path), json.load(metadata)


def image_batches(shape, batch_size=16, num_batches=2, seed=0):
    """A dataset of random images in [-1, 1], [batch_size, *shape] per element."""
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1, 1, (batch_size * num_batches, *shape)).astype(np.float32)
    return without_autotuning(
        tf.data.Dataset.from_tensor_slices(images).batch(batch_size, drop_remainder=True)
    )


def all_weights(model):
    """Every variable of G and D (trainable and not), as numpy arrays."""
    return [v.numpy() for v in model.generator.weights + model.discriminator.weights]


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# TensorFlow's C++ start-up chatter, which no environment variable silences in TF 2.21.
TF_NATIVE_LOG = re.compile(r"^([IWEF]\d{4} |WARNING: All log messages before absl)")


def script_command(name, *args):
    return [sys.executable, os.path.join(ROOT, "scripts", name), *args]


def script_env(**extra):
    return dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **extra)


def run_script(name, *args, timeout=300, **env):
    """Run scripts/<name> to completion, as a user would; returns the CompletedProcess."""
    return subprocess.run(
        script_command(name, *args), capture_output=True, text=True, timeout=timeout,
        env=script_env(**env), cwd=ROOT,
    )


def our_stderr_lines(stderr):
    """stderr without TensorFlow's native logging lines."""
    return [line for line in stderr.splitlines() if line.strip() and not TF_NATIVE_LOG.match(line)]


def tiny_train_args(tfds_dir, model_dir, *more):
    """scripts/train.py flags for a tiny dcgan on the embedded digits at 16x16."""
    return [
        "--model=dcgan", "--dataset=digits", "--preset=tiny", "--image_size=16",
        "--batch_size=32", "--verbose=2", f"--data_dir={tfds_dir}", f"--model_dir={model_dir}",
        *more,
    ]


def train_tiny(tfds_dir, model_dir, steps, model_args=None, overwrite_run=False,
               precision="auto", export_dir="", **train):
    """train_lib.train in this process with the configuration `tiny_train_args` gives the script
    (plus model arguments, --precision and TrainConfig fields), no export unless
    `export_dir`."""
    from ganzoo import train_lib
    from ganzoo.configs import DataConfig, ModelConfig, TrainConfig

    return train_lib.train(
        DataConfig(dataset="digits", image_size=16, batch_size=32, data_dir=str(tfds_dir)),
        ModelConfig(model="dcgan", preset="tiny", precision=precision,
                    model_args=model_args or {}),
        TrainConfig(steps=steps, model_dir=str(model_dir), export_dir=export_dir, verbose=0,
                    **train),
        overwrite_run=overwrite_run,
    )


def load_weights(model_keras_path):
    import keras

    import ganzoo  # noqa: F401  (registers the classes)

    return all_weights(keras.models.load_model(str(model_keras_path)))
