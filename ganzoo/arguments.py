"""A constructor argument of a model or of one of its parts: its type, allowed values and
meaning, and the one-line refusal of a value outside them.

Models (ganzoo/models/arguments.py) and parts (backbones, augmentations, regularisers) declare
their arguments with this type, each where it is used; ganzoo.models.arguments assembles a
model's table from its own arguments and those of the parts it is built with.
"""

import dataclasses
import math
from typing import Optional

from ganzoo.errors import GanzooError


@dataclasses.dataclass(frozen=True)
class Argument:
    """One model argument.

    Attributes:
        kind: int, float, str or bool.
        help: one line for --help and describe_model.
        choices: the allowed values of a str argument.
        low, high: bounds of a number; `low_open`/`high_open` make them exclusive.
        optional: None is allowed too (meaning "off").
        default: the value a part's argument takes when the model does not set it (parts
            declare their arguments with defaults; a model's own defaults live in its
            `defaults` dict).
    """

    kind: type
    help: str
    choices: Optional[tuple] = None
    low: Optional[float] = None
    high: Optional[float] = None
    low_open: bool = False
    high_open: bool = False
    optional: bool = False
    default: object = None

    def allowed(self):
        """The allowed values as text, e.g. "an integer >= 1" or "one of: batch, layer"."""
        if self.choices is not None:
            return f"one of: {', '.join(self.choices)}"
        if self.kind is bool:
            return "true or false"
        if self.kind is list:
            return "a list of names" + (", or None" if self.optional else "")
        if self.kind is str:
            return "text"
        noun = "an integer" if self.kind is int else "a number"
        low = "-inf" if self.low is None else f"{self.low:g}"
        high = "inf" if self.high is None else f"{self.high:g}"
        if self.high is None:
            text = (
                f"{noun} {'>' if self.low_open else '>='} {low}" if self.low is not None else noun
            )
        else:
            text = (f"{noun} in {'(' if self.low_open else '['}{low}, "
                    f"{high}{')' if self.high_open else ']'}")
        return text + (", or None (off)" if self.optional else "")

    def check(self, model_name, name, value):
        """`value` converted to `kind`; GanzooError naming the allowed values otherwise."""
        if value is None and self.optional:
            return None

        def refuse():
            raise GanzooError(
                f"{model_name}: {name}={value!r} is not allowed; {name} must be {self.allowed()}"
            )

        if self.kind is bool:
            if not isinstance(value, bool):
                refuse()
            return value
        if self.kind is list:  # of strings
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                refuse()
            return list(value)
        if self.kind is str:
            if not isinstance(value, str) or (self.choices and value not in self.choices):
                refuse()
            return value
        # Numbers: accept ints for floats, and integral floats for ints (JSON configs).
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            refuse()
        if self.kind is int:
            if value != int(value):
                refuse()
            value = int(value)
        else:
            value = float(value)
            if not math.isfinite(value):
                refuse()
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            refuse()
        if self.high is not None and (value > self.high or (self.high_open and value == self.high)):
            refuse()
        return value


def positive_int(help_text, default=None):
    return Argument(int, help_text, low=1, default=default)


def rate(help_text):
    return Argument(float, help_text, low=0.0, low_open=True)


def beta(help_text):
    return Argument(float, help_text, low=0.0, high=1.0, high_open=True)
