"""Train a zoo model end to end: data -> model in strategy scope -> fit -> checkpoint -> export.

Layout of `model_dir` (default runs/<model>):
    model.keras   the whole model (config, weights, both optimizers), written after every epoch;
                  `keras.models.load_model` resumes from it
    backup/       BackupAndRestore state while a run is in progress (removed when it finishes);
                  rerunning the same command after a crash resumes from it, exactly
    logs/         TensorBoard scalars (d_loss, g_loss, d_real, d_fake) and sample images
    samples/      epoch_NNNN.png grids from fixed noise

Under multi_worker only the chief writes there (and exports); other workers write to
temporary directories that are removed when they finish. Resuming a multi-worker run needs
model_dir on a file system every worker can read.
"""

import dataclasses
import hashlib
import logging
import math
import os
import shutil
import tempfile

import keras
import numpy as np
import tensorflow as tf

import ganzoo
from ganzoo import callbacks as ganzoo_callbacks
from ganzoo import data as ganzoo_data
from ganzoo import distribute, evaluation, export, fast_paths, features
from ganzoo.configs import DataConfig, ModelConfig, TrainConfig
from ganzoo.errors import GanzooError

log = logging.getLogger("ganzoo")


@dataclasses.dataclass
class TrainResult:
    model: keras.Model
    history: dict
    model_dir: str
    export_path: str  # None when export was skipped or this is not the chief
    fingerprint: str  # see weights_fingerprint
    chief: bool


def _check_positive(name, value):
    if value is not None and (not isinstance(value, int) or value < 1):
        raise GanzooError(f"{name} must be a positive integer, got {value!r}")


def _check_steps_per_execution(steps_per_execution, counts):
    """Keras runs whole calls of N steps: N must divide every step count, or runs overshoot."""
    for what, count in counts.items():
        if count is not None and count % steps_per_execution:
            raise GanzooError(
                f"steps_per_execution {steps_per_execution} does not divide {what} ({count}); "
                f"choose a divisor of it, or 1"
            )


def build_model(model_config, data_shape, train_config, strategy):
    """A compiled model inside `strategy.scope()`, optimizers built (DESIGN facts 1-2)."""
    kwargs = model_config.model_kwargs()
    kwargs["precision"] = fast_paths.resolve_precision(kwargs["precision"])
    with strategy.scope():
        model = ganzoo.get_model(
            model_config.model, data_shape=data_shape, seed=train_config.seed, **kwargs
        )
        model.compile(
            d_optimizer=keras.optimizers.Adam(train_config.d_learning_rate, train_config.beta_1),
            g_optimizer=keras.optimizers.Adam(train_config.g_learning_rate, train_config.beta_1),
            steps_per_execution=train_config.steps_per_execution,
            jit_compile={"auto": "auto", "true": True, "false": False}[train_config.jit_compile],
        )
    return model


def weights_fingerprint(model):
    """First 16 hex digits of the sha256 of every G and D variable: equal means bit-identical."""
    digest = hashlib.sha256()
    for variable in model.generator.weights + model.discriminator.weights:
        digest.update(np.asarray(variable.numpy(), dtype=np.float32).tobytes())
    return digest.hexdigest()[:16]


def restore_backup(model, backup_dir):
    """Load an interrupted run's backup into `model`; return the generator steps it had done.

    BackupAndRestore reloads the same file inside fit(); loading it here first tells us how
    many batches the run had consumed, so the data stream can skip exactly those.
    """
    weights = os.path.join(backup_dir, "latest.weights.h5")
    if not os.path.exists(weights):
        return 0
    try:
        model.load_weights(weights)
    except OSError:
        # Killed while writing it: fall back, as BackupAndRestore would, to the copy made
        # before that save (double_checkpoint), by putting it back in place.
        previous = weights + ".bkp"
        if not os.path.exists(previous):
            raise
        shutil.copyfile(previous, weights)
        metadata = os.path.join(backup_dir, "training_metadata.json")
        if os.path.exists(metadata + ".bkp"):
            shutil.copyfile(metadata + ".bkp", metadata)
        model.load_weights(weights)
    return ganzoo_callbacks.generator_steps(model)


def _distributed_input(stream, resumed_step):
    """The endless training stream, advanced past the batches a resumed run already used.

    Every batch is a deterministic function of (seed, position) (see load_training_stream), so
    a resumed run sees exactly the batches an uninterrupted one would have. Sharding by DATA
    (every worker reads the pipeline and keeps its share of each global batch) works for any
    source, including single-file ones that FILE sharding would starve.
    """
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return stream.skip(resumed_step).with_options(options)


def train(data_config=DataConfig(), model_config=ModelConfig(), train_config=TrainConfig()):
    """Train, checkpoint and export one model. Returns a TrainResult.

    Training is counted in generator steps: `steps`, or `epochs` passes over the data. A run
    interrupted at any point (even SIGKILL) and started again with the same arguments resumes
    from its last backup and ends with the weights an uninterrupted run would have.
    Bad configuration raises GanzooError before anything is written.
    """
    ganzoo.get_model_class(model_config.model)  # Unknown names fail before any work.
    _check_positive("batch_size", data_config.batch_size)
    _check_positive("epochs", train_config.epochs)
    _check_positive("steps", train_config.steps)
    _check_positive("d_steps", model_config.d_steps)
    _check_positive("steps_per_execution", train_config.steps_per_execution)
    _check_positive("backup_every_steps", train_config.backup_every_steps)
    _check_positive("eval_every", train_config.eval_every)
    extractor = None
    if train_config.eval_every:
        if not train_config.eval_features:
            raise GanzooError("--eval_every needs --eval_features=inception|domain:<path.keras>")
        extractor = features.get_extractor(train_config.eval_features)
    devices = [d for d in (train_config.devices or "").split(",") if d]
    strategy = distribute.get_strategy(train_config.strategy, devices)
    replicas = strategy.num_replicas_in_sync
    if data_config.batch_size % replicas:
        raise GanzooError(
            f"batch_size {data_config.batch_size} is not divisible by the {replicas} replicas"
        )
    log.info(
        "strategy %s: %d replica(s), global batch %d, per-replica batch %d",
        train_config.strategy, replicas, data_config.batch_size,
        data_config.batch_size // replicas,
    )

    stream, batches_per_epoch = ganzoo_data.load_training_stream(data_config, train_config.seed)
    # Seed after loading: preparing a tfds data set on first use draws from the global RNGs,
    # which would make the first run on a machine start from other weights than later runs.
    # (The data pipeline has its own explicit seeds.)
    keras.utils.set_random_seed(train_config.seed)
    model = build_model(model_config, ganzoo_data.example_shape(stream), train_config, strategy)
    log.info("precision %s (--precision=%s)", model.precision, model_config.precision)

    total_steps = train_config.steps or train_config.epochs * batches_per_epoch
    steps_per_epoch = min(total_steps, batches_per_epoch)
    epochs = math.ceil(total_steps / steps_per_epoch)
    _check_steps_per_execution(
        train_config.steps_per_execution,
        {"the steps per epoch": steps_per_epoch, "--steps": total_steps,
         "--backup_every_steps": train_config.backup_every_steps},
    )

    model_dir = train_config.model_dir or os.path.join("runs", model_config.model)
    chief = distribute.is_chief(strategy)
    # Only the chief writes to model_dir; the other workers must still run every callback
    # (saving is collective-free, but they must not clobber the chief's files).
    write_dir = model_dir if chief else tempfile.mkdtemp(prefix="ganzoo-worker-")
    backup_dir = os.path.join(write_dir, "backup")
    if not chief and os.path.isdir(os.path.join(model_dir, "backup")):
        shutil.copytree(os.path.join(model_dir, "backup"), backup_dir)  # Resume like the chief.
    os.makedirs(write_dir, exist_ok=True)
    resumed_step = restore_backup(model, backup_dir)
    if resumed_step:
        log.info("resuming from the backup in %s at step %d", backup_dir, resumed_step)

    log_dir = os.path.join(write_dir, "logs")
    quality = []
    if extractor is not None:
        real = evaluation.take_images(stream, train_config.eval_samples)
        quality.append(ganzoo_callbacks.SampleQuality(real, extractor, train_config.eval_every))
    fit_callbacks = [
        ganzoo_callbacks.StopOnNonFinite(),  # First: raises before anything saves NaN weights.
        ganzoo_callbacks.StopAtStep(total_steps),
        keras.callbacks.BackupAndRestore(
            backup_dir,
            save_freq=train_config.backup_every_steps or "epoch",
            double_checkpoint=True,  # A kill during a save leaves the previous one usable.
        ),
        keras.callbacks.ModelCheckpoint(os.path.join(write_dir, "model.keras")),
        *quality,  # Before TensorBoard, which logs what it adds.
        keras.callbacks.TensorBoard(log_dir),
        ganzoo_callbacks.SampleGrid(
            os.path.join(write_dir, "samples"), log_dir, num_samples=train_config.grid_samples
        ),
    ]
    try:
        history = model.fit(
            _distributed_input(stream, resumed_step),
            epochs=epochs,
            steps_per_epoch=steps_per_epoch,
            callbacks=fit_callbacks,
            verbose=train_config.verbose,
            shuffle=False,  # The stream is shuffled already, with its seed.
        )
    finally:
        if not chief:
            shutil.rmtree(write_dir, ignore_errors=True)

    export_path = None
    export_dir = train_config.export_dir
    if export_dir is None:
        export_dir = os.path.join(export.SAVED_MODELS_ROOT, model_config.model)
    if export_dir and chief:
        export_path = export.export_generator(model, export_dir)
        log.info("exported the generator to %s", export_path)
    history = {
        name: [ganzoo_callbacks.as_float(value) for value in values]
        for name, values in history.history.items()
    }
    return TrainResult(
        model, history, model_dir, export_path, weights_fingerprint(model), chief
    )
