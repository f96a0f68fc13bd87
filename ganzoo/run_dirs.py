"""Where a run writes: its default folder names, checked writable before any work.

Light (no TensorFlow): `ganzoo-train` checks its directories before importing it.
"""

import os
import re

from ganzoo import configs, writable


def dataset_slug(name):
    """A short directory-safe name of a data set: "digits", "mnist" for "mnist:3.0.1", the
    folder's own name for a path."""
    name = os.path.basename(os.path.normpath(name)) if os.sep in name else name.split(":")[0]
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "data"


def default_run_name(model_name, dataset_name):
    """<model>_<data set>, e.g. "dcgan_digits": the default run and export directory name."""
    return f"{model_name}_{dataset_slug(dataset_name)}"


def directories(model_name, dataset_name, model_dir=None, export_dir=None):
    """(model_dir, export_dir or "" for none) with the defaults applied, both checked writable
    by the file system itself (ganzoo.writable); nothing is left behind.

    The defaults keep a run and its exports together, away from the shipped zoo:
    runs/<model>_<data set>/ and its export/ folder (configs.RUNS_ROOT, configs.EXPORT_SUBDIR).
    """
    model_dir = model_dir or os.path.join(
        configs.RUNS_ROOT, default_run_name(model_name, dataset_name)
    )
    if export_dir is None:
        export_dir = os.path.join(model_dir, configs.EXPORT_SUBDIR)
    writable.check_directory(model_dir, "--model_dir")
    if export_dir:
        writable.check_directory(export_dir, "--export_dir")
    return model_dir, export_dir
