"""Train a zoo model end to end: data -> model in strategy scope -> fit -> checkpoint -> export.

Two entry points: `train(data_config, model_config, train_config)` loads the data set named in
the DataConfig; `train_on_stream(stream, batches_per_epoch, ...)` takes a ready tf.data pipeline
(e.g. arrays in memory) and does the rest identically.

Layout of `model_dir` (default runs/<model>_<data set>):
    run.json      what this run is (model, its arguments, data, seed): a rerun resumes only a
                  run of the same configuration and refuses another one (--overwrite_run
                  discards the old run instead)
    model.keras   the whole model (config, weights, both optimizers), written after every epoch;
                  `keras.models.load_model` resumes from it
    backup/       BackupAndRestore state while a run is in progress (removed when it finishes);
                  rerunning the same command after a crash or Ctrl-C resumes from it, exactly.
                  Backups are written every epoch, or every DEFAULT_BACKUP_STEPS steps on longer
                  epochs, so a rerun redoes at most that many steps (--backup_every_steps)
    logs/         TensorBoard scalars (the model's metrics) and sample images
    samples/      epoch_NNNN.png grids from fixed noise

Every place a run writes to is checked before any data is loaded or step is taken.
Under multi_worker only the chief writes there (and exports); other workers write to
temporary directories that are removed when they finish. Resuming a multi-worker run needs
model_dir on a file system every worker can read.
"""

import dataclasses
import hashlib
import json
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
from ganzoo import (configs, distribute, evaluation, export, fast_paths, features, quality_log,
                    run_dirs)
from ganzoo.configs import DataConfig, ModelConfig, TrainConfig
from ganzoo.errors import GanzooError
from ganzoo.models import arguments as model_arguments
from ganzoo.models import recipes
from ganzoo.models.base import check_packed_batch
from ganzoo.tf_data_options import without_autotuning

log = logging.getLogger("ganzoo")


# Backups once an epoch, but at least this often on long epochs: bounds what a rerun after a
# crash or Ctrl-C redoes, at the cost of one weights file write (milliseconds for the zoo's
# sizes) per interval.
DEFAULT_BACKUP_STEPS = 1000
RUN_FILE = "run.json"


@dataclasses.dataclass
class TrainResult:
    model: keras.Model
    history: dict
    model_dir: str
    export_path: str  # None when export was skipped or this is not the chief
    fingerprint: str  # see weights_fingerprint
    chief: bool


class TrainingInterrupted(GanzooError):
    """Ctrl-C during training; the message says where a rerun resumes."""


def _check_steps_per_execution(steps_per_execution, counts):
    """Keras runs whole calls of N steps: N must divide every step count, or runs overshoot."""
    for what, count in counts.items():
        if count is not None and count % steps_per_execution:
            raise GanzooError(
                f"steps_per_execution {steps_per_execution} does not divide {what} ({count}); "
                f"choose a divisor of it, or 1"
            )


def _model_kwargs(model_config):
    """Constructor arguments (precision resolved for this machine), checked before any work."""
    kwargs = model_config.model_kwargs()
    kwargs["precision"] = fast_paths.resolve_precision(kwargs["precision"])
    model_class = ganzoo.get_model_class(model_config.model)
    # Without the data shape yet: "auto" admits the arguments of both of its backbones here,
    # and the model checks again against the one it builds.
    model_arguments.check_arguments(model_config.model, model_class.defaults, kwargs)
    return kwargs


def build_model(model_config, data_shape, train_config, strategy):
    """A compiled model inside `strategy.scope()`, optimizers built (docs/design.md, facts 1-2).

    The optimizers are the model's own (Adam with its learning rates and betas)."""
    with strategy.scope():
        model = ganzoo.get_model(
            model_config.model, data_shape=data_shape, seed=train_config.seed,
            **_model_kwargs(model_config),
        )
        model.compile(
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
    except (OSError, ValueError):
        # Killed (or interrupted by Ctrl-C) while writing it: a truncated file (OSError) or one
        # missing variables (ValueError). Fall back, as BackupAndRestore would, to the copy made
        # before that save (double_checkpoint), by putting it back in place.
        previous = weights + ".bkp"
        if not os.path.exists(previous):
            raise GanzooError(
                f"the only backup in {backup_dir} was cut short while it was written (the run "
                f"was killed during its first backup); delete {backup_dir} to start the run again"
            ) from None
        _put_back(previous, weights)
        metadata = os.path.join(backup_dir, "training_metadata.json")
        if os.path.exists(metadata + ".bkp"):
            _put_back(metadata + ".bkp", metadata)
        model.load_weights(weights)
    return ganzoo_callbacks.generator_steps(model)


def _put_back(copy, path):
    """Make `path` a new file with the bytes of `copy` (written beside it, then renamed).

    Not a rewrite of the old file: a save interrupted in this process (Ctrl-C) may still hold it
    open for writing (Keras closes its HDF5 store only when a save ends), and HDF5 hands that
    half-written file back to any later open of the same file in the process, whatever was
    copied into it; a late close would also write over it. A new file is a different one."""
    restoring = f"{path}.restoring"
    shutil.copyfile(copy, restoring)
    os.replace(restoring, path)


def _distributed_input(stream, resumed_step):
    """The endless training stream, advanced past the batches a resumed run already used.

    Every batch is a deterministic function of (seed, position) (see load_training_stream), so
    a resumed run sees exactly the batches an uninterrupted one would have. Sharding by DATA
    (every worker reads the pipeline and keeps its share of each global batch) works for any
    source, including single-file ones that FILE sharding would starve.
    """
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return without_autotuning(stream.skip(resumed_step).with_options(options))


def _validate(model_config, train_config, data_config=None):
    for config in (model_config, train_config) + ((data_config,) if data_config else ()):
        configs.validate(config)
    if model_config.preset not in configs.MODEL_PRESETS:
        raise GanzooError(
            f"unknown preset {model_config.preset!r}; choose one of: "
            f"{', '.join(configs.MODEL_PRESETS)}"
        )
    _model_kwargs(model_config)  # unknown model, argument or value: before any work
    if train_config.eval_every and not train_config.eval_features:
        raise GanzooError("--eval_every needs --eval_features=inception|domain:<path.keras>")
    for name in ("eval_split", "stop_at_plateau"):
        if getattr(train_config, name) and not train_config.eval_every:
            raise GanzooError(f"--{name} needs --eval_every (the evaluations it reads)")


def _strategy(train_config, batch_size):
    devices = [d for d in (train_config.devices or "").split(",") if d]
    strategy = distribute.get_strategy(train_config.strategy, devices)
    replicas = strategy.num_replicas_in_sync
    if batch_size % replicas:
        raise GanzooError(f"batch_size {batch_size} is not divisible by the {replicas} replicas")
    return strategy


def _directories(model_config, train_config, dataset_name):
    return run_dirs.directories(
        model_config.model, dataset_name, train_config.model_dir, train_config.export_dir
    )


def _run_identity(model_config, train_config, data_description):
    """What makes two runs the same run: resuming across any difference here would mix them."""
    return {
        "model": model_config.model,
        "model_arguments": _model_kwargs(model_config),
        "data": data_description,
        "seed": train_config.seed,
    }


def _flat_identity(identity):
    return {
        "model": identity["model"], "seed": identity["seed"],
        **{f"{k}": v for k, v in identity["model_arguments"].items()},
        **{f"{k}": v for k, v in identity["data"].items()},
    }


def _identity_difference(previous, identity):
    """("dataset=ring, width=8", "dataset=grid, width=16"): what differs between two runs."""
    old, new = _flat_identity(previous), _flat_identity(identity)
    keys = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    return tuple(", ".join(f"{k}={side.get(k, '<default>')}" for k in keys) for side in (old, new))


def _claim_run_directory(model_dir, identity, overwrite):
    """Write run.json, or refuse a directory that holds a different run (unless `overwrite`,
    which discards that run's files first)."""
    path = os.path.join(model_dir, RUN_FILE)
    if os.path.exists(path):
        with open(path) as run_file:
            previous = json.load(run_file)
        if previous != json.loads(json.dumps(identity)):
            if not overwrite:
                old, new = _identity_difference(previous, identity)
                raise GanzooError(
                    f"{model_dir} holds a {previous['model']} run with {old}; this command asks "
                    f"for {new}; choose another --model_dir, or pass --overwrite_run to discard "
                    f"the old run"
                )
            for entry in ("backup", "logs", "samples", "model.keras", quality_log.FILE_NAME,
                          RUN_FILE):
                target = os.path.join(model_dir, entry)
                if os.path.isdir(target):
                    shutil.rmtree(target)
                elif os.path.exists(target):
                    os.remove(target)
    os.makedirs(model_dir, exist_ok=True)
    with open(path, "w") as run_file:
        json.dump(identity, run_file, indent=2, sort_keys=True)


def _schedule(train_config, batches_per_epoch):
    """(total steps, steps per epoch, epochs, backup interval in steps or "epoch")."""
    total_steps = train_config.steps or (
        (train_config.epochs or configs.DEFAULT_EPOCHS) * batches_per_epoch
    )
    steps_per_epoch = min(total_steps, batches_per_epoch)
    epochs = math.ceil(total_steps / steps_per_epoch)
    backup_every = train_config.backup_every_steps
    if backup_every is None and steps_per_epoch > DEFAULT_BACKUP_STEPS:
        per_call = train_config.steps_per_execution
        backup_every = max(per_call, DEFAULT_BACKUP_STEPS // per_call * per_call)
    _check_steps_per_execution(
        train_config.steps_per_execution,
        {"the steps per epoch": steps_per_epoch, "--steps": total_steps,
         "--backup_every_steps": backup_every},
    )
    return total_steps, steps_per_epoch, epochs, backup_every or "epoch"


def _callbacks(write_dir, train_config, total_steps, backup_every, stream, extractor,
               dataset_name, eval_examples=None):
    log_dir = os.path.join(write_dir, "logs")
    # The toy sets' true modes are drawn on the scatter plot of the generated points.
    centers, std = (
        ganzoo_data.mode_centers(dataset_name)
        if dataset_name in ganzoo_data.TOY_DATASETS else (None, None)
    )
    quality = []
    if extractor is not None:
        real, labels = eval_examples or evaluation.take_examples(
            stream, train_config.eval_samples
        )
        quality.append(ganzoo_callbacks.SampleQuality(
            real, extractor, train_config.eval_every, real_labels=labels,
            log_path=os.path.join(write_dir, quality_log.FILE_NAME),
            patience=train_config.stop_at_plateau, tolerance=train_config.plateau_tolerance,
        ))
    return [
        ganzoo_callbacks.StopOnNonFinite(),  # First: raises before anything saves NaN weights.
        ganzoo_callbacks.StopAtStep(total_steps),
        keras.callbacks.BackupAndRestore(
            os.path.join(write_dir, "backup"),
            save_freq=backup_every,
            double_checkpoint=True,  # A kill during a save leaves the previous one usable.
        ),
        keras.callbacks.ModelCheckpoint(os.path.join(write_dir, "model.keras")),
        *quality,  # Before TensorBoard, which logs what it adds.
        keras.callbacks.TensorBoard(log_dir),
        ganzoo_callbacks.SampleGrid(
            os.path.join(write_dir, "samples"), log_dir, num_samples=train_config.grid_samples,
            centers=centers, std=std,
        ),
    ]


def _log_plateau(callbacks):
    """One line naming the evaluation the plateau rule held the last ones against and, when a
    later one was lower by less than the tolerance, that lowest one too."""
    for callback in callbacks:
        if getattr(callback, "stopped_at_plateau", False):
            records = callback.records
            last = quality_log.last_progress([r["fid"] for r in records], callback.tolerance)
            if last is None:
                log.info("stopped after step %d: none of the last %d evaluations gave a finite "
                         "FID", records[-1]["step"], callback.patience)
                continue
            held, lowest = records[last], quality_log.best(records)
            under = 1.0 - lowest["fid"] / held["fid"]
            log.info(
                "stopped at the plateau after step %d: none of the last %d evaluations lowered "
                "the FID of step %d (%.4g) by %g %%%s", records[-1]["step"], callback.patience,
                held["step"], held["fid"], 100 * callback.tolerance,
                "" if lowest is held else
                f" (the lowest, {lowest['fid']:.4g} at step {lowest['step']}, is "
                f"{100 * under:.1f} % under it)",
            )


def _interrupted(model, backup_dir):
    """The one-line TrainingInterrupted for Ctrl-C at the model's current step.

    The step a rerun resumes from is read by loading the backup as a rerun will (the model is
    discarded anyway): Ctrl-C during a backup's write leaves the previous backup, and the
    message then names that one.
    """
    step = ganzoo_callbacks.generator_steps(model)
    last_backup = restore_backup(model, backup_dir) if os.path.isdir(backup_dir) else 0
    where = f"step {last_backup} (the last backup)" if last_backup else "the start (no backup yet)"
    return TrainingInterrupted(
        f"interrupted at step {step}; rerun the same command to resume from {where}, "
        f"redoing {step - last_backup} steps"
    )


def _with_data_classes(model_config, data_config):
    """`model_config` with num_classes and class_names taken from the data's labels (a data
    set without labels, or a num_classes that contradicts the data, is a one-line error)."""
    names = ganzoo_data.class_names(data_config.dataset, data_config.data_dir)
    if names is None:
        raise GanzooError(
            f"{model_config.model} is conditional but data set {data_config.dataset!r} has no "
            f"class labels; use labelled data ('digits', a tfds classification set, a folder "
            f"with one sub-folder per class, an idx folder with label files)"
        )
    given = model_config.model_args.get("num_classes")
    if given is not None and given != len(names):
        raise GanzooError(
            f"num_classes={given} but data set {data_config.dataset!r} has {len(names)} classes"
        )
    return dataclasses.replace(
        model_config,
        model_args={**model_config.model_args, "num_classes": len(names),
                    "class_names": list(names)},
    )


def recipe_subject(data_config):
    """The recipe keys of `data_config`: its --recipe when given, else what its data source
    reports (ganzoo.data.recipe_keys)."""
    if data_config.recipe is None:
        return ganzoo_data.recipe_keys(data_config.dataset)
    if data_config.recipe not in recipes.subjects():
        raise GanzooError(f"unknown --recipe {data_config.recipe!r}; choose one of: "
                          f"{', '.join(recipes.subjects())}")
    return (data_config.recipe,)


def with_recipe(data_config, model_config, train_config):
    """The three configs with every value the user left unset filled in: from the recipe of the
    model on this kind of data (ganzoo/models/recipes.py), else from the configs' fallbacks.

    Returns:
        (data_config, model_config, train_config, {name: value} taken from the recipe).
    """
    recipe = recipes.recipe_for(model_config.model, recipe_subject(data_config))
    taken = {}
    if recipe is not None:
        given = model_config.model_kwargs()  # the preset's values count as given
        taken.update({k: v for k, v in recipe.model_args.items() if k not in given})
        if "lr_decay_steps" in taken and train_config.steps is not None:
            taken["lr_decay_steps"] = train_config.steps  # the decay spans the run asked for
        model_config = dataclasses.replace(
            model_config, model_args={**taken, **model_config.model_args}
        )
        if data_config.batch_size is None and recipe.batch_size is not None:
            taken["batch_size"] = recipe.batch_size
        if train_config.steps is None and train_config.epochs is None and recipe.steps:
            taken["steps"] = recipe.steps
        if model_config.precision == "auto" and recipe.precision is not None:
            taken["precision"] = recipe.precision
            model_config = dataclasses.replace(model_config, precision=recipe.precision)
    data_config = dataclasses.replace(
        data_config,
        batch_size=data_config.batch_size or taken.get("batch_size", configs.DEFAULT_BATCH_SIZE),
    )
    if train_config.steps is None and train_config.epochs is None:
        train_config = dataclasses.replace(
            train_config, steps=taken.get("steps"),
            epochs=None if "steps" in taken else configs.DEFAULT_EPOCHS,
        )
    return data_config, model_config, train_config, taken


def training_stream(data_config, seed, with_labels=False):
    """(stream, batches per epoch) of ganzoo.data.load_training_stream, in the order `train`
    reads it at `seed` in any process.

    tf.data pairs the shuffle's seed with TensorFlow's global one: (87654321, seed) while none
    is set, (seed of the last run, seed) after one. The global seed is cleared first, so a
    second run in one process reads the data in the order of the first (and of the command
    line); train_on_stream seeds everything again once the data is loaded.
    """
    tf.random.set_seed(None)
    return ganzoo_data.load_training_stream(data_config, seed, with_labels=with_labels)


def train(data_config=DataConfig(), model_config=ModelConfig(), train_config=TrainConfig(),
          overwrite_run=False):
    """Train, checkpoint and export one model on the data set `data_config` names.

    Training is counted in generator steps: `steps`, or `epochs` passes over the data. Values
    left unset (None, or a model argument not in `model_args`) come from the model's recipe for
    this kind of data where there is one (`with_recipe`; logged), else from the defaults. A run
    interrupted at any point (even SIGKILL) and started again with the same arguments resumes
    from its last backup and ends with the weights an uninterrupted run would have.
    Conditional models train on the data's labels and take their number and names from it.
    Bad configuration raises GanzooError before anything is written or loaded.

    Returns:
        A TrainResult.
    """
    _validate(model_config, train_config, data_config)
    data_config, model_config, train_config, taken = with_recipe(
        data_config, model_config, train_config
    )
    if taken:
        log.info(
            "recipe for %s on %s: %s (set any of them to override)", model_config.model,
            recipes.recipe_data(model_config.model, recipe_subject(data_config)),
            recipes.format_values(taken),
        )
    _strategy(train_config, data_config.batch_size)
    _directories(model_config, train_config, data_config.dataset)
    conditional = ganzoo.get_model_class(model_config.model).conditional
    if conditional:
        model_config = _with_data_classes(model_config, data_config)
    stream, batches_per_epoch = training_stream(data_config, train_config.seed, conditional)
    eval_examples = None
    if train_config.eval_every and train_config.eval_split:
        eval_examples = evaluation.take_examples(
            ganzoo_data.load_dataset(
                data_config.dataset, batch_size=min(256, train_config.eval_samples),
                image_size=data_config.image_size, channels=data_config.channels,
                split=train_config.eval_split, data_dir=data_config.data_dir,
                shuffle_buffer=1, with_labels=conditional,  # the split's first images, in order
            ),
            train_config.eval_samples,
        )
    data_description = {
        name: getattr(data_config, name)
        for name in ("dataset", "split", "image_size", "channels", "batch_size")
    }
    return train_on_stream(
        stream, batches_per_epoch, model_config, train_config, data_config.dataset,
        data_description, overwrite_run, eval_examples,
    )


def train_on_stream(stream, batches_per_epoch, model_config=ModelConfig(),
                    train_config=TrainConfig(), dataset_name="data", data_description=None,
                    overwrite_run=False, eval_examples=None):
    """Train, checkpoint and export one model on a ready tf.data pipeline.

    Args:
        stream: an endless, batched tf.data.Dataset of float32 [global batch, *data_shape],
            or of dicts {"images", "labels", "latent"?} (see GANModel; labels for conditional
            models, whose num_classes and class_names come from model_config.model_args). For
            exact resumption after a crash, batch i of the stream must be the same in every
            iteration (see data.load_training_stream).
        batches_per_epoch: batches in one pass over the data.
        dataset_name: names the default directories (runs/<model>_<dataset_name>).
        data_description: {name: value} identifying the data, kept in run.json; default
            {"dataset": dataset_name}.
        model_config, train_config, overwrite_run: as for `train`.
        eval_examples: (images, labels or None) the --eval_every scores compare against;
            default: the first --eval_samples examples of `stream`.

    Returns:
        A TrainResult.
    """
    _validate(model_config, train_config)
    spec = stream.element_spec
    batch_size = (spec["images"] if isinstance(spec, dict) else spec).shape[0]
    if batch_size is None:
        raise GanzooError("the stream needs a static batch size: batch it with drop_remainder=True")
    strategy = _strategy(train_config, int(batch_size))
    replicas = strategy.num_replicas_in_sync
    arguments = {**ganzoo.get_model_class(model_config.model).defaults,
                 **_model_kwargs(model_config)}
    check_packed_batch(  # before run.json is written: a wrong batch must not claim the run
        model_config.model, arguments["packing"], int(batch_size) // replicas, replicas
    )
    model_dir, export_dir = _directories(model_config, train_config, dataset_name)
    extractor = (
        features.get_extractor(train_config.eval_features) if train_config.eval_every else None
    )
    total_steps, steps_per_epoch, epochs, backup_every = _schedule(train_config, batches_per_epoch)
    identity = _run_identity(
        model_config, train_config, data_description or {"dataset": dataset_name}
    )
    # Seed after loading: preparing a tfds data set on first use draws from the global RNGs,
    # which would make the first run on a machine start from other weights than later runs.
    # (The data's order depends on its own seed and, through tf.data, on the global seed: see
    # `training_stream`.)
    keras.utils.set_random_seed(train_config.seed)
    # Built before run.json is written: networks that cannot take this data (an image size,
    # a normalisation the loss forbids) are refused with nothing written, so the corrected
    # command is not then refused as "a different run".
    model = build_model(model_config, ganzoo_data.example_shape(stream), train_config, strategy)
    chief = distribute.is_chief(strategy)
    if chief:
        _claim_run_directory(model_dir, identity, overwrite_run)
    log.info(
        "strategy %s: %d replica(s), global batch %d, per-replica batch %d; precision %s "
        "(precision=%s asked)", train_config.strategy, strategy.num_replicas_in_sync, batch_size,
        batch_size // strategy.num_replicas_in_sync, model.precision, model_config.precision,
    )

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

    interrupt = ganzoo_callbacks.InterruptBetweenSteps()
    callbacks = _callbacks(write_dir, train_config, total_steps, backup_every, stream, extractor,
                           dataset_name, eval_examples)
    try:
        history = model.fit(
            _distributed_input(stream, resumed_step),
            epochs=epochs,
            steps_per_epoch=steps_per_epoch,
            callbacks=callbacks + [interrupt],  # last: after the backup
            verbose=train_config.verbose,
            shuffle=False,  # The stream is shuffled already, with its seed.
        )
    except KeyboardInterrupt:
        raise _interrupted(model, backup_dir) from None
    finally:
        interrupt.restore()  # on_train_end does not run when fit raises
        if not chief:
            shutil.rmtree(write_dir, ignore_errors=True)

    _log_plateau(callbacks)
    export_path = None
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
