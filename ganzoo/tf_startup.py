"""TensorFlow's start-up lines, filtered by TF_CPP_MIN_LOG_LEVEL as they used to be.

TF_CPP_MIN_LOG_LEVEL (default 2 here) no longer reaches the lines TensorFlow 2.21's native code
logs through absl before its logging is initialised ("oneDNN custom operations are on", "Could
not find cuda drivers", "failed call to cuInit" on machines without CUDA). So
`quiet_tensorflow_import()`, called before anything imports TensorFlow, makes its first import
and device discovery run with the process's stderr (file descriptor 2) captured; the captured
lines are written back except those the level hides (1: INFO, 2: WARNING too, 3: ERROR too)
and the cuInit error on a machine without an NVIDIA driver. Set TF_CPP_MIN_LOG_LEVEL=0 to see
everything. Used by the command-line scripts and the test suite.
"""

import os
import re
import sys
import tempfile


def _hidden_native_line(level):
    """A predicate: is this line of native stderr one TF_CPP_MIN_LOG_LEVEL=`level` hides?"""
    severities = "IWEF"[: max(0, min(level, 3))]
    patterns = [rf"[{severities}]\d{{4}} "] if severities else []
    if level >= 1:  # the header of the INFO lines that follow it
        patterns.append(r"WARNING: All log messages before absl::InitializeLog\(\) is called")
    if level >= 1 and not os.path.exists("/proc/driver/nvidia"):
        patterns.append(r"E\d{4} .*failed call to cuInit")  # no driver: no GPU, not an error
    pattern = re.compile("|".join(patterns)) if patterns else None
    return lambda line: bool(pattern and pattern.match(line))


def _import_tensorflow_quietly(exec_module):
    """`exec_module` of TensorFlow's package, wrapped to filter its native start-up lines."""

    def quiet_exec_module(module):
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _QuietTensorFlowFinder)]
        try:
            level = int(os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0"))
        except ValueError:
            level = 0
        hidden = _hidden_native_line(level)
        sys.stderr.flush()
        saved_stderr = os.dup(2)
        with tempfile.TemporaryFile() as captured:
            os.dup2(captured.fileno(), 2)
            try:
                exec_module(module)
                module.config.list_physical_devices()  # device discovery logs cuInit
            finally:
                sys.stderr.flush()
                os.dup2(saved_stderr, 2)
                os.close(saved_stderr)
                captured.seek(0)
                for line in captured.read().decode(errors="replace").splitlines(keepends=True):
                    if not hidden(line):
                        sys.stderr.write(line)
                sys.stderr.flush()

    return quiet_exec_module


class _QuietTensorFlowFinder:
    """A sys.meta_path entry that only wraps the loading of the `tensorflow` package."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader.exec_module = _import_tensorflow_quietly(spec.loader.exec_module)
                return spec
        return None


def quiet_tensorflow_import():
    """Filter TensorFlow's start-up lines (see the module's docstring); sets
    TF_CPP_MIN_LOG_LEVEL to 2 unless it is set. Does nothing once TensorFlow is imported."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "tensorflow" not in sys.modules and not any(
        isinstance(f, _QuietTensorFlowFinder) for f in sys.meta_path
    ):
        sys.meta_path.insert(0, _QuietTensorFlowFinder())
