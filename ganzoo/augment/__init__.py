"""Augmentations of what D sees, registered by name (`augment` argument, `--augment=...`).

An augmentation is applied by GANModel.train_step to every batch D judges: the real and the
generated images of each D step, the generated images of the G step (so G's gradient flows
through it), and therefore the penalties' inputs too (the gradient penalty's interpolates lie
between augmented images; R1 is taken on augmented reals). This is DiffAugment's and ADA's
rule (Zhao et al. 2020, Karras et al. 2020): augmenting the reals alone would teach G to
draw augmented images.

An augmentation never draws random numbers itself: train_step hands it `uniforms`, float32
[batch, num_uniforms] in [0, 1), drawn for the global batch from the keyed per-replica source
(GANModel.replica_draw, a stream of its own for reals and for fakes), so that a run is the same
at any replica count and a resumed run redraws what the uninterrupted one drew. `apply` turns
them into its parameters and must be differentiable in the images.

Adding one: a subclass of `Augmentation` in a module of this package, decorated with
`register_augmentation`, imported at the bottom of this file (docs/extending.md).
"""

from ganzoo.errors import GanzooError

NONE = "none"
_AUGMENTATIONS = {}


class Augmentation:
    """Base class. Subclasses set `num_uniforms` (per image) and implement `apply`.

    Args:
        model: the GANModel it belongs to (its arguments, e.g. `augment_policy`, and any
            state the augmentation keeps on it, e.g. ADA's probability).
    """

    num_uniforms = 0
    # {name: ganzoo.arguments.Argument, with its default}: the model arguments it reads; a model
    # takes them only with this augmentation chosen (ganzoo.models.arguments).
    arguments = {}
    # A metric name to have D's objective log sign(D(x)) of each augmented real under, and
    # `observe` called after the D steps with its global sum (ADA); None: neither.
    signs_metric = None

    def __init__(self, model):
        self.model = model

    def apply(self, images, uniforms):
        """float32 images [batch, H, W, C] in about [-1, 1] -> the augmented images, the same
        shape; `uniforms` float32 [batch, num_uniforms] in [0, 1)."""
        raise NotImplementedError

    def metric_names(self):
        """What it logs beside the model's metrics (see `track`)."""
        return []

    def observe(self, real_signs, count):
        """With `signs_metric`, after the D steps of a train step: the sum over the global
        batch of sign(D(x)) on the augmented reals of the last D step, and how many outputs were
        summed (both identical on every replica). Returns {metric: value} to log."""
        return {}


def register_augmentation(name):
    """Decorator: register an Augmentation subclass under `name`."""

    def register(cls):
        if name in _AUGMENTATIONS or name == NONE:
            raise ValueError(f"augmentation {name!r} is already registered")
        _AUGMENTATIONS[name] = cls
        return cls

    return register


def list_augmentations():
    """"none" and the registered names."""
    return [NONE, *_AUGMENTATIONS]


def arguments_of(name):
    """{argument name: Argument} of augmentation `name` ({} for "none" and unknown names)."""
    return dict(getattr(_AUGMENTATIONS.get(name), "arguments", {}))


def all_arguments():
    """[(augmentation name, argument name, Argument)] of every registered augmentation."""
    return [(augmentation, name, argument) for augmentation, cls in _AUGMENTATIONS.items()
            for name, argument in cls.arguments.items()]


def build(name, model):
    """The Augmentation `name` for `model`, or None for "none" (GanzooError for others)."""
    if name == NONE:
        return None
    if name not in _AUGMENTATIONS:
        raise GanzooError(
            f"unknown augment {name!r}; choose one of: {', '.join(list_augmentations())}"
        )
    if len(model.data_shape) != 3:
        raise GanzooError(
            f"{model.zoo_name}: augment={name} augments images [H, W, C], not data of shape "
            f"{tuple(model.data_shape)}; use augment=none"
        )
    return _AUGMENTATIONS[name](model)


# Registration order is the order `--help` lists them in.
from ganzoo.augment import diffaugment  # noqa: E402,F401,I001
from ganzoo.augment import ada  # noqa: E402,F401,I001
