"""Keras callbacks used by train_lib: sample grids, a step budget and a divergence guard."""

import math
import os
import signal
import threading
import time

import keras
import numpy as np
import tensorflow as tf

from ganzoo import images
from ganzoo.errors import TrainingDivergedError


def as_float(value):
    """A logged metric as a Python float (multi-worker runs log rank-1 arrays of one value)."""
    return float(np.asarray(value, dtype=np.float64).reshape(-1)[0])


def generator_steps(model):
    """Generator updates done so far, as an int (works for mirrored variables too)."""
    return int(model.g_optimizer.iterations.numpy())


class SampleGrid(keras.callbacks.Callback):
    """After every epoch, G's samples for a FIXED latent batch, as a PNG and a TensorBoard image.

    Files: <directory>/epoch_0001.png, ... Fixed noise makes the pictures of successive epochs
    comparable. Images: a grid of `num_samples`. 2-D points: a 512x512 scatter plot of
    `num_points` samples (`images.scatter_picture`), with the true modes' `centers` (float
    [k, 2]) as red crosses and their 3-std circles (`std`) when given, e.g. for the toy sets.

    Conditional models (`model.conditional`) get one row per class instead, the class name
    written at the left of each row (`images.class_grid`): `columns` samples per class, column j
    drawn from the same noise in every row, so a column shows one style across the classes.
    Models with more than `max_classes` classes show their first `max_classes` classes only.
    Images smaller than 32 pixels are upscaled (pixel repetition) so that the names are legible.
    """

    def __init__(self, directory, log_dir=None, num_samples=64, seed=1234, columns=8,
                 max_classes=10, num_points=2500, centers=None, std=None):
        super().__init__()
        self.directory = directory
        self.log_dir = log_dir
        self.num_samples = num_samples
        self.seed = seed
        self.columns = columns
        self.max_classes = max_classes
        self.num_points = num_points  # PacGAN's count: enough to see a mode's mass and spread
        self.centers = centers
        self.std = std
        self._writer = None
        self._latent = None
        self._labels = None

    def on_train_begin(self, logs=None):
        os.makedirs(self.directory, exist_ok=True)
        if self.model.conditional:
            classes = min(self.model.num_classes, self.max_classes)
            self._latent = np.tile(self.model.sample_latent(self.columns, self.seed), (classes, 1))
            self._labels = np.repeat(np.arange(classes, dtype=np.int32), self.columns)
        else:
            points = tuple(self.model.data_shape) == (2,)
            count = self.num_points if points else self.num_samples
            self._latent = self.model.sample_latent(count, self.seed)
        if self.log_dir:
            self._writer = tf.summary.create_file_writer(os.path.join(self.log_dir, "samples"))

    def picture(self):
        """The uint8 [H, W, C] picture of the model's current samples for the fixed noise."""
        if self._labels is None:
            return images.samples_picture(
                self.model.generate(latent=self._latent), centers=self.centers, std=self.std
            )
        samples = self.model.generate(latent=self._latent, labels=self._labels)
        rows = images.rows_by_label(self._labels, samples, self.model.label_names())
        return images.class_grid(rows, upscale=images.legible_upscale(samples.shape[1]))

    def on_epoch_end(self, epoch, logs=None):
        picture = self.picture()
        images.write_png(os.path.join(self.directory, f"epoch_{epoch + 1:04d}.png"), picture)
        if self._writer is not None:
            with self._writer.as_default():
                tf.summary.image("samples", picture[None], step=epoch + 1)
            self._writer.flush()

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()


class InterruptBetweenSteps(keras.callbacks.Callback):
    """Ctrl-C (SIGINT) ends training between two steps, never inside a backup's write.

    While fit runs, the first SIGINT only sets a flag; this callback, placed after the backup
    callback, raises KeyboardInterrupt at the end of the step in which it arrived. A second
    SIGINT interrupts at once (Python's default). Only in the main thread, where Python
    delivers signals; elsewhere Ctrl-C keeps its default behaviour.
    """

    def __init__(self):
        super().__init__()
        self._requested = False
        self._previous = None

    def _request(self, signum, frame):
        del signum, frame
        self._requested = True
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C: at once

    def on_train_begin(self, logs=None):
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._request)

    def on_train_batch_end(self, batch, logs=None):
        if self._requested:
            raise KeyboardInterrupt

    def on_train_end(self, logs=None):
        self.restore()

    def restore(self):
        """Put back the SIGINT handler that was there before training (idempotent)."""
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None


class StopAtStep(keras.callbacks.Callback):
    """Stop training once the generator has taken `total_steps` steps (survives resumption,
    since it reads the checkpointed optimizer step counter)."""

    def __init__(self, total_steps):
        super().__init__()
        self.total_steps = total_steps

    def on_train_batch_end(self, batch, logs=None):
        if generator_steps(self.model) >= self.total_steps:
            self.model.stop_training = True


class StopOnNonFinite(keras.callbacks.Callback):
    """Raise TrainingDivergedError as soon as a logged loss is NaN or Inf.

    Put it first in the callback list: it then raises before any checkpoint callback could save
    the diverged weights, so the last good checkpoint stays as it was.
    """

    def on_train_batch_end(self, batch, logs=None):
        for name, value in (logs or {}).items():
            value = as_float(value)
            if not math.isfinite(value):
                raise TrainingDivergedError(
                    f"training diverged: {name} = {value} at step "
                    f"{generator_steps(self.model)}; checkpoints were left as they "
                    f"were; lower the learning rates or change the seed"
                )


def quality_scores(generated, extractor, real_features, labels=None, real_labels=None,
                   num_classes=None):
    """The scores SampleQuality logs, {name: float}, of float32 images [n, H, W, C] in [-1, 1]
    against real images' `extractor` features [m, d]: fid, kid (subsets of min(1000, m // 2),
    20 of them), precision and recall; given the requested `labels` int [n] (a conditional
    generator's), also class_accuracy, and with `real_labels` int [m] and `num_classes`,
    intra_class_fid."""
    from ganzoo import metrics

    scores = {}
    if labels is None:
        fake_features = extractor.features(generated)
    else:
        fake_features, probabilities = extractor.features_and_probabilities(generated)
        scores["class_accuracy"] = metrics.class_accuracy(probabilities, labels)[0]
        if real_labels is not None:
            scores["intra_class_fid"] = metrics.intra_class_frechet_distance(
                real_features, real_labels, fake_features, labels, num_classes)[0]
    scores["fid"] = metrics.frechet_distance(real_features, fake_features)
    scores["kid"] = metrics.kernel_distance(
        real_features, fake_features, subset_size=min(1000, len(real_features) // 2),
        num_subsets=20,
    )[0]
    scores["precision"], scores["recall"] = metrics.precision_recall(real_features, fake_features)
    return {name: float(value) for name, value in scores.items()}


class SampleQuality(keras.callbacks.Callback):
    """Every `every` epochs, FID, KID, precision and recall of `num_samples` generated images
    against fixed real ones, with one fixed feature extractor; added to the epoch logs (so they
    reach the history and TensorBoard: put this callback before TensorBoard) and, given
    `log_path`, appended to the run's quality record (`ganzoo/quality_log.py`) with the step
    and the training and evaluation seconds.

    Conditional models (`model.conditional`) are sampled with balanced labels (num_samples //
    num_classes of each class) and also log `class_accuracy` (how often the extractor, which
    must classify into the model's classes, recognises the requested class) and, given
    `real_labels` (int [num_samples], the real images' classes), `intra_class_fid`. A classifier
    with other classes, or fewer than 2 samples per class, is a one-line GanzooError when
    training begins.

    `patience` (evaluations) stops training at the plateau: once the last `patience`
    evaluations have not lowered the best FID by the relative `tolerance`
    (`quality_log.evaluations_without_progress`, over the resumed record too). The step budget
    of the run still bounds a rule that never triggers.
    """

    def __init__(self, real_images, extractor, every=1, seed=4321, real_labels=None,
                 log_path=None, patience=None, tolerance=0.02):
        super().__init__()
        self.extractor = extractor
        self.every = every
        self.seed = seed
        self.num_samples = len(real_images)
        self.real_labels = None if real_labels is None else np.asarray(real_labels, np.int32)
        self.log_path = log_path
        self.patience = patience
        self.tolerance = tolerance
        self.records = []  # this run's quality record, resumed ones included
        self.stopped_at_plateau = False
        self._real_features = extractor.features(real_images)
        self._labels = None

    def on_train_begin(self, logs=None):
        from ganzoo import quality_log

        self._labels = None
        self.stopped_at_plateau = False
        self.records = []
        if self.log_path:
            self.records = quality_log.read(self.log_path, up_to_step=generator_steps(self.model))
            quality_log.rewrite(self.log_path, self.records)
        self._started = time.monotonic()
        self._seconds_before = self.records[-1]["train_seconds"] if self.records else 0.0
        self._eval_seconds = 0.0
        if not getattr(self.model, "conditional", False):
            return
        from ganzoo import evaluation
        from ganzoo.errors import GanzooError

        names = self.model.label_names()
        labels = evaluation.requested_labels(
            self.extractor, names, self.num_samples, "eval_samples"
        )
        if self.real_labels is not None:
            counts = np.bincount(self.real_labels, minlength=len(names))
            if len(counts) > len(names) or counts.min() < evaluation.MIN_SAMPLES_PER_CLASS:
                raise GanzooError(
                    f"intra-class FID needs at least {evaluation.MIN_SAMPLES_PER_CLASS} real "
                    f"images of each of the {len(names)} classes; the {self.num_samples} real "
                    f"ones have {counts.tolist()}: raise eval_samples"
                )
        self._labels = labels

    def _scores(self):
        if self._labels is None:
            generated = self.model.generate(self.num_samples, seed=self.seed)
            return quality_scores(generated, self.extractor, self._real_features)
        generated = self.model.generate(len(self._labels), seed=self.seed, labels=self._labels)
        return quality_scores(generated, self.extractor, self._real_features, self._labels,
                              self.real_labels, len(self.model.label_names()))

    def on_epoch_end(self, epoch, logs=None):
        if logs is None or (epoch + 1) % self.every:
            return
        from ganzoo import quality_log

        began = time.monotonic()
        scores = self._scores()
        seconds = time.monotonic() - began
        logs.update(scores)
        record = {
            "step": generator_steps(self.model), "epoch": epoch + 1,
            "train_seconds": round(
                self._seconds_before + began - self._started - self._eval_seconds, 2
            ),
            "eval_seconds": round(seconds, 2), **scores,
        }
        self._eval_seconds += seconds
        self.records.append(record)
        if self.log_path:
            quality_log.append(self.log_path, record)
        fids = [r["fid"] for r in self.records]
        if self.patience and quality_log.evaluations_without_progress(
            fids, self.tolerance
        ) >= self.patience:
            self.stopped_at_plateau = True
            self.model.stop_training = True
