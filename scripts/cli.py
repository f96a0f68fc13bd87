"""Shared plumbing of the absl scripts: dataclass fields -> flags -> dataclasses, and a runner
that turns ganzoo's errors into one line on stderr (exit status 2) instead of a traceback."""

import dataclasses
import json
import logging
import os
import sys
import typing

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # Before TensorFlow is imported anywhere.

from absl import app, flags  # noqa: E402
from absl import logging as absl_logging  # noqa: E402


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
        **{f.name: values[f.name].value for f in dataclasses.fields(config_class) if f.name in values}
    )


def write_json(path, value):
    """Write `value` as indented JSON to `path` (a --output_json flag); None writes nothing."""
    if path:
        with open(path, "w") as out:
            json.dump(value, out, indent=2)


def run(main):
    """app.run(main), printing GanzooError as one line and exiting with status 2."""

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


# Model arguments the scripts set through other flags (--seed, --precision).
_ARGUMENTS_SET_ELSEWHERE = ("seed", "precision")


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
