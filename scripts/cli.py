"""Shared plumbing of the absl scripts: dataclass fields -> flags -> dataclasses, and a runner
that turns ganzoo's errors into one line on stderr (exit status 2) instead of a traceback.

Importing this module, before anything imports TensorFlow:
- Quiets TensorFlow's start-up. TF_CPP_MIN_LOG_LEVEL (default 2 here) no longer reaches the lines
  TensorFlow 2.21's native code logs through absl before its logging is initialised ("Could not
  find cuda drivers", "failed call to cuInit" on machines without CUDA), so the first import of
  TensorFlow and its device discovery run with the process's stderr (file descriptor 2) captured,
  and the captured lines are written back except those the level hides (1: INFO, 2: WARNING
  too, 3: ERROR too) and the cuInit error on a machine without an NVIDIA driver. Set
  TF_CPP_MIN_LOG_LEVEL=0 to see everything.
- Makes every flag a helper below defines a key flag of the script calling it
  (`flags.disclaim_key_flags`), and `run` shows them under `--help` also when the script runs
  as an installed command (ganzoo-train), whose main module absl names by its path.
"""

import dataclasses
import json
import logging
import os
import re
import sys
import tempfile
import typing

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # Before TensorFlow is imported anywhere.

from absl import app, flags  # noqa: E402
from absl import logging as absl_logging  # noqa: E402

flags.disclaim_key_flags()  # DEFINE_* calls in this module's helpers: key flags of the caller


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


if "tensorflow" not in sys.modules:
    sys.meta_path.insert(0, _QuietTensorFlowFinder())


def _base_type(annotation):
    """int for Optional[int], etc."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    return args[0] if args else annotation


def define_flags(config_class, choices=None):
    """Define one absl flag per field of `config_class` (a dataclass).

    Args:
        config_class: the dataclass whose fields become flags, defaults and help included.
        choices: optional {field: allowed values} overriding or adding `metadata["choices"]`.
    """
    choices = choices or {}
    hints = typing.get_type_hints(config_class)
    for field in dataclasses.fields(config_class):
        allowed = choices.get(field.name, field.metadata.get("choices"))
        help_text = field.metadata.get("help", field.name)
        kind = _base_type(hints[field.name])
        if kind is dict:  # e.g. ModelConfig.model_args: flags of their own, see below
            continue
        if allowed is not None:
            flags.DEFINE_enum(field.name, field.default, list(allowed), help_text)
        elif kind is bool:
            flags.DEFINE_bool(field.name, field.default, help_text)
        elif kind is int:
            flags.DEFINE_integer(field.name, field.default, help_text)
        elif kind is float:
            flags.DEFINE_float(field.name, field.default, help_text)
        else:
            flags.DEFINE_string(field.name, field.default, help_text)


def config_from_flags(config_class):
    """An instance of `config_class` from the parsed flags of the same names."""
    values = flags.FLAGS
    return config_class(
        **{
            f.name: values[f.name].value
            for f in dataclasses.fields(config_class)
            if f.name in values
        }
    )


def write_json(path, value):
    """Write `value` as indented JSON to `path` (a --output_json flag); None writes nothing."""
    if path:
        with open(path, "w") as out:
            json.dump(value, out, indent=2)


def run(main):
    """app.run(main), printing GanzooError as one line and exiting with status 2.

    `--help` lists the flags of `main`'s module (the script), including those cli's helpers
    defined for it, whether it runs as `python scripts/x.py` or as an installed command.
    """
    script = main.__module__
    if script != "__main__":  # an installed command: absl's --help shows module sys.argv[0]
        for flag in flags.FLAGS.get_key_flags_for_module(script):
            flags.FLAGS.register_key_flag_for_module(sys.argv[0], flag)
        command = sys.modules["__main__"]
        command.__doc__ = command.__doc__ or sys.modules[script].__doc__  # --help's header

    def guarded(argv):
        from ganzoo.errors import GanzooError

        if len(argv) > 1:
            sys.exit(f"error: unexpected arguments {argv[1:]}; flags are written --name=value")
        # TensorFlow's and tfds' INFO logs (signature renaming, sharding callbacks, package
        # index refreshes) drown our own lines; ganzoo's own logger stays at INFO.
        absl_logging.set_verbosity(absl_logging.WARNING)
        logging.getLogger("tensorflow").setLevel(logging.WARNING)
        logging.getLogger("ganzoo").setLevel(logging.INFO)
        try:
            return main(argv)
        except GanzooError as error:
            print(f"error: {error}", file=sys.stderr)
            sys.exit(2)

    app.run(guarded)


# Model arguments the scripts set through other flags (--seed, --precision) or from the data's
# labels (the classes of conditional models).
_ARGUMENTS_SET_ELSEWHERE = ("seed", "precision", "num_classes", "class_names")


def define_model_argument_flags():
    """One flag per model constructor argument (ganzoo.models.arguments.ARGUMENTS), default
    None = "the chosen model's default". One mechanism for every argument of every model: a new
    argument in the table is a new flag, with no code here."""
    from ganzoo.models.arguments import ARGUMENTS

    for name, argument in ARGUMENTS.items():
        if name in _ARGUMENTS_SET_ELSEWHERE:
            continue
        help_text = f"Model argument: {argument.help} Default: the model's (see --describe)."
        if argument.choices is not None:
            flags.DEFINE_enum(name, None, list(argument.choices), help_text)
        elif argument.kind is bool:
            flags.DEFINE_bool(name, None, help_text)
        elif argument.kind is int:
            flags.DEFINE_integer(name, None, help_text)
        else:
            flags.DEFINE_float(name, None, help_text)


def model_arguments_from_flags():
    """{argument: value} of the model-argument flags the user set."""
    from ganzoo.models.arguments import ARGUMENTS

    values = flags.FLAGS
    return {
        name: values[name].value
        for name in ARGUMENTS
        if name not in _ARGUMENTS_SET_ELSEWHERE and values[name].present
    }
