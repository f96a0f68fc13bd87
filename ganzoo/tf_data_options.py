"""The tf.data option every pipeline ganzoo builds carries: tf.data's autotuner switched off.

Why. With autotuning on (tf.data's default), every iterator runs a model thread that wakes at
a period doubling from 10 ms to 60 s. Destroying the iterator (when Keras lets go of it, or
whenever Python's garbage collector frees one left in a reference cycle) cancels that thread
and waits for it to end. In TF 2.21 the thread can miss the cancellation: the cancelling
callback wakes it before the cancellation is recorded (`Model::OptimizeLoop` re-checks
`IsCancelled()` and waits again), so it sleeps out the rest of its period, and the thread
freeing the iterator waits with it: up to a minute, at whatever line of the program the
garbage collector happened to run. Measured on TF 2.21 (2 cores): of 60 iterators of a plain
`from_tensor_slices(...).repeat().batch(8)` pipeline, each read for 1.5 s, 6 took 0.2 to 1.05 s
to delete with autotuning on and none with it off; in the test suite, 40 to 60 s pauses with
the CPU idle, in exports and data checks, the main thread in `~LogicalThreadWrapper` under
`RootDataset::Iterator::~Iterator`.

What it costs: nothing measurable for ganzoo's pipelines (their heavy work, decoding and
resizing, runs once before a cache). With the autotuner off, `map(...,
num_parallel_calls=AUTOTUNE)` runs as many calls at once as there are cores, and
`prefetch(AUTOTUNE)` keeps sizing its buffer by itself (its own tuner, not the model thread).

Options are inherited: a dataset made from one that carries them carries them too, so setting
them at a pipeline's source covers everything built on it. Not reached: the per-device
pipelines tf.distribute builds to feed several devices (MirroredStrategy's MultiDeviceIterator
gives each device a new pipeline with tf.data's default options). Measured the same way, 8 of
60 iterators of a distributed dataset whose source had the autotuner off took 0.2 to 1.05 s to
delete; TF offers no option that reaches them, so a run on several devices can still pause at
the end of `fit` (rarely, up to a minute after a long run).
"""

import tensorflow as tf


def without_autotuning(dataset):
    """`dataset` with tf.data's autotuner off (see the module docstring for why)."""
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)
