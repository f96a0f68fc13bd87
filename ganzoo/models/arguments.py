"""Every constructor argument a zoo model may take: its type, allowed values and meaning.

A model class names the arguments it takes, with its defaults, in its `defaults` dict (data, not
code: `ganzoo.describe_model(name)` prints it, the CLI turns each argument into a flag). This
table checks any value given for them, so that a bad value fails at construction with one line
naming the allowed range, whichever way it came in (Python, a flag, a saved config).
"""

import dataclasses
import math
from typing import Optional

from ganzoo import augment, backbones, losses
from ganzoo.backbones import common as backbone_common
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
    """

    kind: type
    help: str
    choices: Optional[tuple] = None
    low: Optional[float] = None
    high: Optional[float] = None
    low_open: bool = False
    high_open: bool = False
    optional: bool = False

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


def _positive_int(help_text):
    return Argument(int, help_text, low=1)


def _rate(help_text):
    return Argument(float, help_text, low=0.0, low_open=True)


def _beta(help_text):
    return Argument(float, help_text, low=0.0, high=1.0, high_open=True)


ARGUMENTS = {
    "latent_dim": _positive_int("Width of the noise vector z ~ N(0, I)."),
    "architecture": Argument(
        str, f"The backbone (ganzoo.backbones): {backbones.architecture_help()}.",
        choices=backbones.architecture_choices(),
    ),
    "width": _positive_int(
        "Units per hidden layer (mlp) or base filters (dcgan, resnet); pacgan_mlp ignores it."
    ),
    "augment": Argument(
        str, "Augmentation of every image D sees, reals and fakes, in both steps "
        "(ganzoo.augment): none, diffaugment (Zhao et al. 2020) or ada (Karras et al. 2020, p "
        "adapted to D's overfitting).", choices=tuple(augment.list_augmentations()),
    ),
    "augment_policy": Argument(
        str, "DiffAugment's policies, comma-separated, applied in order: color, translation, "
        "cutout.",
    ),
    "ada_target": Argument(
        float, "ADA's target for r_t = E[sign(D(augmented real))]: p rises while r_t is above "
        "it.", low=0.0, high=1.0,
    ),
    "ada_kimg": _positive_int(
        "ADA's speed: thousands of images over which p can move by 1 (the paper: 500)."
    ),
    "attention": Argument(
        int, "Side of the feature map that gets a self-attention block in G and D (SAGAN; "
        "resnet only, e.g. 16 for 32x32 images); None = no attention.", low=1, optional=True,
    ),
    "hidden_layers": _positive_int("Hidden layers of G and of D (mlp only)."),
    "d_normalization": Argument(
        str, "Normalisation of D's hidden layers (spectral: every layer of D spectrally "
        "normalised).", choices=backbone_common.NORMALIZATIONS,
    ),
    "synchronized_batch_norm": Argument(
        bool, "Batch-norm statistics over all replicas (exact at any replica count) rather than "
        "per replica (faster on many devices, results then depend on the replica count).",
    ),
    "loss_family": Argument(
        str, "(D loss, G loss) pair, see ganzoo/losses.py.", choices=tuple(losses.LOSS_FAMILIES)
    ),
    "d_steps": _positive_int("Discriminator updates per generator update (k)."),
    "gp_weight": Argument(
        float, "Weight (lambda) of the WGAN-GP gradient penalty on interpolates; 0 = off.", low=0.0
    ),
    "r1_weight": Argument(
        float, "Weight (gamma) of the R1 penalty on real data, gamma/2 * ||grad D(x)||^2; 0 = off.",
        low=0.0,
    ),
    "r1_interval": _positive_int(
        "Lazy R1 (StyleGAN2): compute it every N generator steps only, N times as strong, D's "
        "Adam rate and betas adjusted as the paper; 1 = every step."
    ),
    "bcr_weight": Argument(
        float, "Balanced consistency regularisation (Zhao et al. 2021): weight of (D(x) - "
        "D(T(x)))^2 on reals and fakes, T a random translation of 1/8 of the side; 0 = off.",
        low=0.0,
    ),
    "packing": _positive_int(
        "PacGAN packing (Lin et al. 2018): D judges packs of this many samples, all real or all "
        "fake, joined along the channel (images) or feature (vectors) axis; losses and "
        "penalties are per pack; the per-replica batch must be a multiple; 1 = off. "
        "Unconditional models only."
    ),
    "d_learning_rate": _rate("Adam learning rate of D."),
    "g_learning_rate": _rate("Adam learning rate of G."),
    "lr_decay_steps": Argument(
        int, "Generator steps over which both learning rates fall linearly to 1 % of their "
        "values (D's over as many of its own updates, d_steps per step), then stay; None = "
        "constant.", low=1, optional=True,
    ),
    "beta_1": _beta("Adam beta_1 of both optimizers."),
    "beta_2": _beta("Adam beta_2 of both optimizers."),
    "g_ema_decay": Argument(
        float, "Decay of an exponential moving average of G's weights (e.g. 0.999) used for "
        "samples, evaluation and export; None = off.", low=0.0, high=1.0, low_open=True,
        high_open=True, optional=True,
    ),
    "seed": Argument(
        int, "Key of every random draw of training (noise, interpolates, fake labels).", low=0
    ),
    "num_classes": Argument(
        int, "Classes of a conditional model (set from the data's labels by ganzoo-train).", low=2
    ),
    "class_names": Argument(
        list, "Names of the classes, index i = label i (from the data; default '0', '1', ...); "
        "they travel with checkpoints and exports.", optional=True,
    ),
    "class_loss_weight": Argument(
        float, "Weight of the auxiliary classifier's cross-entropy in D's and G's objectives.",
        low=0.0,
    ),
    "precision": Argument(
        str, "Compute precision of G and D (variables, G's output and D's output stay float32).",
        choices=backbone_common.PRECISIONS,
    ),
}


def check_arguments(model_name, defaults, given):
    """{name: value} of every argument of a model: `defaults` updated with `given`, each checked.

    Raises:
        GanzooError: an argument the model does not take (listing the ones it takes), or a value
            outside its allowed range.
    """
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise GanzooError(
            f"{model_name} has no argument {unknown[0]!r}; its arguments: {', '.join(defaults)}"
        )
    values = {**defaults, **given}
    return {name: ARGUMENTS[name].check(model_name, name, value) for name, value in values.items()}


def describe(model_name, defaults):
    """A table of a model's arguments: name, default, allowed values, meaning."""
    rows = [f"{model_name} arguments (--name=value on the command line, name=value in Python):"]
    for name, default in defaults.items():
        argument = ARGUMENTS[name]
        rows.append(f"  {name:24} {default!s:16} {argument.allowed()}")
        rows.append(f"  {'':24} {argument.help}")
    return "\n".join(rows)
