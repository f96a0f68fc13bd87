"""Backbones: the (generator, discriminator) network pairs models train, registered by name.

A model picks its backbone with the `architecture` argument (`--architecture=resnet`); "auto"
is `dcgan` for images [H, W, C] and `mlp` for vectors such as 2-D points. A backbone is one
module with one builder, `build(spec) -> (generator, discriminator)`, registered here with what
it can model; the conditioning parts (`ganzoo.backbones.conditioning`) are shared by every
backbone that takes labels. Nothing here knows of losses or training.

Every builder returns a pair of functional `keras.Model`s:
    generator:     latent float32 [batch, latent_dim] (and labels int32 [batch] when
                   conditional) -> float32 [batch, *data_shape]
    discriminator: float32 [batch, *data_shape] (and labels, projection) -> float32
                   [batch / packing, 1] raw outputs (logits for the BCE loss families, scores
                   for critics: see ganzoo.losses), one per pack of `packing` consecutive
                   examples (PacGAN, Lin et al. 2018); ACGAN's D adds class logits
                   [batch, num_classes] as a second output.

Image data lives in [-1, 1] (G ends in tanh); other data, such as 2-D points, is unbounded (G
ends in a linear layer). Adding a backbone: a module with a builder decorated by
`register_backbone`, imported at the bottom of this file (docs/extending.md).
"""

import dataclasses
from typing import Callable, Optional

from ganzoo.errors import GanzooError


@dataclasses.dataclass(frozen=True)
class NetworkSpec:
    """What a backbone builds for: the model's network arguments every backbone reads, and
    `options`, the values of the backbone's own arguments (those it registers), read as
    attributes: `spec.width`, `spec.attention`.

    data_shape: shape of one example, e.g. (28, 28, 1) or (2,).
    latent_dim: int >= 1.
    d_normalization: one of common.NORMALIZATIONS, for D.
    synchronized_batch_norm: batch statistics over the global batch (all replicas).
    precision: one of common.PRECISIONS.
    num_classes, conditioning: a conditional pair (conditioning.CONDITIONINGS), or None.
    packing: examples per pack D judges.
    options: {argument: value} of the backbone's own arguments; one it declares but that is
        missing here takes its registered default (see `with_defaults`).
    """

    data_shape: tuple
    latent_dim: int
    d_normalization: str = "none"
    synchronized_batch_norm: bool = True
    precision: str = "float32"
    num_classes: Optional[int] = None
    conditioning: Optional[str] = None
    packing: int = 1
    options: dict = dataclasses.field(default_factory=dict)

    def __getattr__(self, name):
        # Only reached for names that are not fields: a backbone's own argument.
        options = self.__dict__.get("options", {})
        if name in options:
            return options[name]
        raise AttributeError(f"NetworkSpec has no field or option {name!r}")


@dataclasses.dataclass(frozen=True)
class Backbone:
    name: str
    build: Callable
    images: bool  # models [H, W, C] images
    vectors: bool  # models flat vectors such as 2-D points
    conditionings: tuple  # the conditioning parts it takes
    arguments: dict  # {name: ganzoo.arguments.Argument} the model arguments it reads
    normalizations: Optional[tuple]  # the d_normalization values it takes; None: all
    summary: str  # one line for the argument's help


_BACKBONES = {}
# Names kept for configurations saved before backbones had their own names.
ALIASES = {"conv": "dcgan"}
AUTO = "auto"


def register_backbone(name, *, images, vectors, conditionings=(), arguments=None,
                      normalizations=None, summary=""):
    """Decorator: register `build(spec) -> (generator, discriminator)` as backbone `name`.

    `arguments` {name: ganzoo.arguments.Argument, with its default} are the model arguments the
    backbone reads (fields of NetworkSpec): a model built with this backbone takes them, and
    only then (ganzoo.models.arguments).
    """

    def register(build):
        if name in _BACKBONES or name in ALIASES or name == AUTO:
            raise ValueError(f"backbone {name!r} is already registered")
        _BACKBONES[name] = Backbone(name, build, images, vectors, tuple(conditionings),
                                    dict(arguments or {}),
                                    None if normalizations is None else tuple(normalizations),
                                    summary)
        return build

    return register


def list_backbones():
    """The registered backbone names, in registration order."""
    return list(_BACKBONES)


def architecture_choices():
    """Every value the `architecture` argument takes: "auto", the backbones, the aliases."""
    return (AUTO, *_BACKBONES, *ALIASES)


def architecture_help():
    return "; ".join(
        [f"{AUTO}: dcgan for images, mlp for vectors"]
        + [f"{b.name}: {b.summary}" for b in _BACKBONES.values()]
        + [f"{alias}: {target} (its former name)" for alias, target in ALIASES.items()]
    )


def is_image_shape(data_shape):
    """True for [height, width, channels] data."""
    return len(data_shape) == 3


def resolve(architecture, data_shape):
    """The backbone name `architecture` stands for on data of `data_shape` (GanzooError
    naming the choices for an unknown one)."""
    if architecture == AUTO:
        return "dcgan" if is_image_shape(data_shape) else "mlp"
    architecture = ALIASES.get(architecture, architecture)
    if architecture not in _BACKBONES:
        raise GanzooError(
            f"unknown architecture {architecture!r}; choose one of: "
            f"{', '.join(architecture_choices())}"
        )
    return architecture


def get_backbone(architecture, data_shape):
    return _BACKBONES[resolve(architecture, data_shape)]


def candidates(architecture, data_shape=None):
    """The backbones `architecture` may stand for: one, or for "auto" without a data shape
    (a model described before it sees data) both of auto's choices."""
    if architecture == AUTO and data_shape is None:
        return [_BACKBONES["dcgan"], _BACKBONES["mlp"]]
    return [get_backbone(architecture, data_shape)]


def all_arguments():
    """[(backbone name, argument name, Argument)] of every registered backbone."""
    return [(b.name, name, argument) for b in _BACKBONES.values()
            for name, argument in b.arguments.items()]


def check(architecture, spec):
    """Refuse, in one line, a spec the backbone cannot build: the kind of data, the
    conditioning, attention."""
    backbone = get_backbone(architecture, spec.data_shape)
    image = is_image_shape(spec.data_shape)
    if spec.conditioning is not None and not image:
        raise GanzooError(
            f"class conditioning ({spec.conditioning}) needs images [H, W, C], not data of "
            f"shape {tuple(spec.data_shape)}; train conditional models on labelled images"
        )
    if not (backbone.images if image else backbone.vectors):
        fits = [b.name for b in _BACKBONES.values() if (b.images if image else b.vectors)]
        kind = "images" if image else "vectors"
        raise GanzooError(
            f"the {backbone.name} networks model {'vectors' if image else 'images'}, not data "
            f"of shape {tuple(spec.data_shape)}; for {kind} choose one of: {', '.join(fits)}"
        )
    if backbone.normalizations and spec.d_normalization not in backbone.normalizations:
        raise GanzooError(
            f"the {backbone.name} networks take d_normalization "
            f"{' or '.join(backbone.normalizations)}, not {spec.d_normalization}"
        )
    if spec.conditioning is not None and spec.conditioning not in backbone.conditionings:
        takers = [b.name for b in _BACKBONES.values() if spec.conditioning in b.conditionings]
        raise GanzooError(
            f"the {backbone.name} networks take no {spec.conditioning} conditioning; "
            f"backbones that do: {', '.join(takers)}"
        )
    for name, value in spec.options.items():
        if name not in backbone.arguments:
            takers = [b.name for b in _BACKBONES.values() if name in b.arguments]
            raise GanzooError(
                f"{name}={value} is an argument of {' and '.join(takers) or 'no backbone'}, "
                f"not of {backbone.name}"
            )
    return backbone


def build_pair(architecture, spec):
    """(generator, discriminator) of backbone `architecture` (or "auto") for `spec`; the
    backbone's arguments missing from `spec.options` take its defaults."""
    backbone = check(architecture, spec)
    defaults = {name: argument.default for name, argument in backbone.arguments.items()}
    return backbone.build(dataclasses.replace(spec, options={**defaults, **spec.options}))


# The zoo's backbones register themselves on import, in this order (the help lists them so).
from ganzoo.backbones import mlp, dcgan, pacgan_mlp, resnet, stylegan2  # noqa: E402,F401
