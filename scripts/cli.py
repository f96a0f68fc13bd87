"""Shared plumbing of the absl scripts: dataclass fields -> flags -> dataclasses, and a runner
that turns ganzoo's errors and bad flags into one line on stderr (exit status 2) instead of a
traceback.

Importing this module, before anything imports TensorFlow:
- Quiets TensorFlow's start-up (ganzoo.tf_startup; TF_CPP_MIN_LOG_LEVEL=0 shows everything).
- Makes every flag a helper below defines a key flag of the script calling it
  (`flags.disclaim_key_flags`), and `run` shows them under `--help` also when the script runs
  as an installed command (ganzoo-train), whose main module absl names by its path.
"""

import dataclasses
import json
import logging
import sys
import typing

from absl import app, flags
from absl import logging as absl_logging

from ganzoo import tf_startup, writable  # light: ganzoo's __init__ imports no TensorFlow

tf_startup.quiet_tensorflow_import()

flags.disclaim_key_flags()  # DEFINE_* calls in this module's helpers: key flags of the caller


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
    """Write `value` as indented JSON to `path` (a --output_json flag; its folder is created);
    None writes nothing."""
    if path:
        writable.make_parent(path)
        with open(path, "w") as out:
            json.dump(value, out, indent=2)


def run(main, light_check=None, define_later=None):
    """app.run(main), printing GanzooError and flag errors as one line and exiting with
    status 2; --help exits 0.

    A script whose flags need TensorFlow to be defined (the zoo's model arguments) passes
    `define_later`, which defines them, and `light_check`, which checks the flags defined so
    far: the command line is then parsed for those first and `light_check` runs, so that their
    mistakes are refused before TensorFlow is imported (in well under a second); then
    `define_later` runs and the whole command line is parsed.

    `--help` lists the flags of `main`'s module (the script), including those cli's helpers
    defined for it, whether it runs as `python scripts/x.py` or as an installed command.
    """
    script = main.__module__

    def show_in_help():
        if script != "__main__":  # an installed command: absl's --help shows sys.argv[0]'s
            for flag in flags.FLAGS.get_key_flags_for_module(script):
                flags.FLAGS.register_key_flag_for_module(sys.argv[0], flag)
            command = sys.modules["__main__"]
            command.__doc__ = command.__doc__ or sys.modules[script].__doc__  # --help's header

    def define_the_rest():
        if define_later is not None:
            define_later()
        show_in_help()

    def guarded(argv):
        from ganzoo.errors import GanzooError  # ganzoo's __init__ is light: no TensorFlow

        _refuse_arguments(argv[1:])
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

    app.run(guarded, flags_parser=lambda argv: parse_flags(argv, light_check, define_the_rest))


def _refuse_arguments(arguments):
    if arguments:
        print(f"error: unexpected arguments {arguments}; flags are written --name=value",
              file=sys.stderr)
        sys.exit(2)


_HELP_FLAGS = ("-?", "--help", "--helpshort", "--helpfull", "--helpxml")


def parse_flags(argv, light_check=None, define_later=None):
    """absl's flag parsing with ganzoo's contract: a bad flag is one line naming it and what it
    takes, with exit status 2 (absl prints "FATAL Flags parsing error" and usage hints, exit 1);
    --help and its kin print the help and exit 0 (absl exits 1). `light_check` and
    `define_later`: see `run`."""
    from ganzoo.errors import GanzooError

    try:
        if light_check is not None and not any(
            arg.split("=")[0] in _HELP_FLAGS for arg in argv[1:]
        ):
            rest = flags.FLAGS(argv, known_only=True)  # the flags defined so far
            _refuse_arguments([arg for arg in rest[1:] if not arg.startswith("-")])
            light_check()
        if define_later is not None:
            define_later()
        return flags.FLAGS(argv)
    except (flags.Error, GanzooError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    except SystemExit as exit_:  # absl's help flags print the help, then exit(1)
        sys.exit(0 if exit_.code == 1 else exit_.code)


# Model arguments the scripts set through other flags (--seed, --precision) or from the data's
# labels (the classes of conditional models).
_ARGUMENTS_SET_ELSEWHERE = ("seed", "precision", "num_classes", "class_names")


def define_model_argument_flags():
    """One flag per argument of any model or part (ganzoo.models.arguments.all_arguments),
    default None = "the chosen model's default". One mechanism for every argument: a new
    argument of a model or a part is a new flag, with no code here. A flag the chosen model
    and its parts do not take is refused in one line by the model (naming the part it comes
    with)."""
    from ganzoo.models.arguments import all_arguments

    for name, owners in all_arguments().items():
        if name in _ARGUMENTS_SET_ELSEWHERE:
            continue
        argument = owners[0][1]
        meaning = " ".join(
            each.help if owner == "model" else f"[{owner}] {each.help}" for owner, each in owners
        )
        help_text = f"Model argument: {meaning} Default: the model's (see --describe)."
        if argument.choices is not None:
            flags.DEFINE_enum(name, None, list(argument.choices), help_text)
        elif argument.kind is bool:
            flags.DEFINE_bool(name, None, help_text)
        elif argument.kind is int:
            flags.DEFINE_integer(name, None, help_text)
        elif argument.kind is float:
            flags.DEFINE_float(name, None, help_text)
        else:  # text (e.g. augment_policy), checked by the model at construction
            flags.DEFINE_string(name, None, help_text)


def model_arguments_from_flags():
    """{argument: value} of the model-argument flags the user set."""
    from ganzoo.models.arguments import all_arguments

    values = flags.FLAGS
    return {
        name: values[name].value
        for name in all_arguments()
        if name not in _ARGUMENTS_SET_ELSEWHERE and values[name].present
    }
