"""Images per second, timed the same way for every contender of a suite.

Every rate here is images per second of wall time; on a shared machine only ratios measured in
one process, runs alternating, mean anything.
"""

import time

import keras
import numpy as np

class _StepClock(keras.callbacks.Callback):
    """Wall time at the end of every executed batch (logs read, so the step has finished)."""

    def __init__(self):
        super().__init__()
        self.ends = []  # (steps done, time)

    def on_train_batch_end(self, batch, logs=None):
        if logs:
            np.asarray(next(iter(logs.values())))
        self.ends.append((batch + 1, time.perf_counter()))


def training_rate(model, stream, batch_size, steps, warmup):
    """Images/s of `model.fit` over `steps` steps that follow `warmup` untimed ones.

    The clock runs from the end of the last warm-up step to the end of the last step, so
    tracing and fit's set-up are excluded, as is anything per-call rather than per-step.
    """
    clock = _StepClock()
    model.fit(stream, epochs=1, steps_per_epoch=warmup + steps, verbose=0, shuffle=False,
              callbacks=[clock])
    start = max((s, t) for s, t in clock.ends if s <= warmup)
    end = clock.ends[-1]
    return (end[0] - start[0]) * batch_size / (end[1] - start[1])


def pipeline_rate(stream, batch_size, batches):
    """Images per second that the input pipeline alone delivers."""
    iterator = iter(stream)
    next(iterator)  # fill caches and prefetch buffers
    start = time.perf_counter()
    for _ in range(batches):
        next(iterator)
    return batches * batch_size / (time.perf_counter() - start)


def summary(rates):
    """{"median", "min", "max"} of a list of rates."""
    rates = np.asarray(rates, dtype=float)
    return {"median": float(np.median(rates)), "min": float(rates.min()), "max": float(rates.max())}


def calls_per_second(function, args, calls):
    """Calls per second of `function(*args)` over `calls` calls after one untimed call (tracing,
    warm-up), the last call's output read so that every call has finished."""
    function(*args)  # trace / warm up
    start = time.perf_counter()
    for _ in range(calls):
        outputs = function(*args)
    np.asarray(next(iter(outputs.values())) if isinstance(outputs, dict) else outputs)
    return calls / (time.perf_counter() - start)


def rate_text(rates):
    """A `summary` of rates as a table cell: "<median> [<min>-<max>]"."""
    return f"{rates['median']:7.0f} [{rates['min']:.0f}-{rates['max']:.0f}]"
