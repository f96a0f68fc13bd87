"""A run's quality record (`<model_dir>/quality.jsonl`) and the plateau rule that reads it.

One JSON object per evaluation during training, a line each, written as soon as it is scored,
so a run stopped at any point keeps its scores so far:

    {"step": 4685, "epoch": 5, "train_seconds": 291.4, "eval_seconds": 3.1,
     "fid": 1.92, "kid": 0.011, "precision": 0.74, "recall": 0.71,
     "class_accuracy": 0.93, "intra_class_fid": 5.2}     # the last two: conditional models

`step` counts generator updates; `train_seconds` is the wall time spent training up to that
evaluation, evaluations excluded, summed over resumed sessions (the steps a crash makes a
rerun redo are counted once, from the last backup); `eval_seconds` is what that evaluation
cost. A resumed run drops the records of steps after its backup: it scores them again, with
the same values, since training resumes exactly.

The plateau rule (`evaluations_without_progress`): an evaluation makes progress when its FID
is below (1 - tolerance) times the best FID before it; a run has plateaued when the last
`patience` evaluations made none. FID, because it is the one score that sees both fidelity and
diversity; the tolerance, because an evaluation of 1,000-2,000 samples moves by a few percent
between two evaluations of one model with other noise.
"""

import json
import math
import os

FILE_NAME = "quality.jsonl"


def read(path, up_to_step=None):
    """The records in `path` (a list of dicts, oldest first; [] when there is no file), without
    those of steps after `up_to_step` when it is given."""
    if not os.path.exists(path):
        return []
    with open(path) as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    if up_to_step is not None:
        records = [record for record in records if record["step"] <= up_to_step]
    return records


def rewrite(path, records):
    """Replace the file's records with `records` (as a resumed run keeps those of its past)."""
    with open(path, "w") as lines:
        lines.writelines(json.dumps(record, sort_keys=True) + "\n" for record in records)


def append(path, record):
    """Add one record at the end, flushed before returning (a kill keeps it)."""
    with open(path, "a") as lines:
        lines.write(json.dumps(record, sort_keys=True) + "\n")
        lines.flush()
        os.fsync(lines.fileno())


def evaluations_without_progress(fids, tolerance):
    """How many of the last values of `fids` (oldest first) did not beat the best before them
    by the relative `tolerance` (0.02: 2 % lower). 0 for an empty list or an improving last
    value; a non-finite FID never counts as progress.

        >>> evaluations_without_progress([10.0, 5.0, 4.95, 4.99], tolerance=0.02)
        2
    """
    last = last_progress(fids, tolerance)
    return len(fids) - 1 - last if last is not None else len(fids)


def last_progress(fids, tolerance):
    """The index in `fids` of the last evaluation that made progress (the value every later
    one is held against), or None when none did.

        >>> last_progress([10.0, 5.0, 4.95, 4.99], tolerance=0.02)   # 4.95 is 1 % below 5.0
        1
    """
    best, index = math.inf, None
    for i, fid in enumerate(fids):
        if math.isfinite(fid) and (best == math.inf or fid < best * (1.0 - tolerance)):
            best, index = fid, i
    return index


def best(records, metric="fid"):
    """The record with the lowest finite `metric`, or None."""
    finite = [r for r in records if math.isfinite(r.get(metric, math.nan))]
    return min(finite, key=lambda record: record[metric]) if finite else None
