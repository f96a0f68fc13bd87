"""Recipes: settings per (model, kind of data) measured to work, used where the user set nothing.

A model's `defaults` are its paper's settings for images (Adam(2e-4, 0.5) for DCGAN, ...). They
fail elsewhere: on the 2-D toy sets, nsgan at 2e-4 put all 2,500 samples of the ring on one arc.
A recipe is the small set of values that, for one model on one kind of data, was measured over
several seeds to give what the README promises; its `evidence` says what was measured and how
to measure it again.

Precedence, value by value: what the user set (a flag, a key of `ModelConfig.model_args`, a
`batch_size`/`steps`/`epochs` given in the configs) > the recipe > the model's defaults (and
the configs' fallbacks `DEFAULT_BATCH_SIZE`, `DEFAULT_EPOCHS`). `train_lib.train` applies the
recipe and logs every value it took from it, so a run always says where its settings came from.
"""

import dataclasses

from ganzoo.data.toy import TOY_DATASETS

DATA_KINDS = ("points", "images")  # 2-D toy mixtures; everything with pixels


@dataclasses.dataclass(frozen=True)
class Recipe:
    """Values for one (model, data kind).

    model_args: constructor arguments (names from ganzoo.models.arguments.ARGUMENTS).
    batch_size: global batch size; None keeps the configs' fallback.
    steps: generator steps when neither steps nor epochs is given; None keeps the fallback.
    evidence: what was measured to choose these values, and the command that measures it.
    """

    model_args: dict
    batch_size: int = None
    steps: int = None
    evidence: str = ""


# nsgan on the 2-D mixtures, scored with PacGAN's protocol (2,500 samples, 3-sigma criterion).
# gan (minimax) with the same values captured 0 of 8 ring modes at seed 0: it has no recipe.
_POINTS_EVIDENCE = (
    "ring: 8 of 8 modes, 50 % high-quality samples at seed 0 (the shipped nsgan_ring: "
    "python scripts/build_zoo.py --models=nsgan_ring); the grid is not covered (README, Recipes)"
)
_MLP_ON_POINTS = {
    "width": 128,
    "d_learning_rate": 1e-3,
    "g_learning_rate": 1e-3,
}

RECIPES = {
    ("nsgan", "points"): Recipe(_MLP_ON_POINTS, batch_size=256, steps=4000,
                                evidence=_POINTS_EVIDENCE),
}


def data_kind(dataset):
    """"points" for the 2-D toy sets (ganzoo.data.TOY_DATASETS), "images" for anything else."""
    return "points" if dataset in TOY_DATASETS else "images"


def recipe_for(model_name, dataset):
    """The Recipe of `model_name` on `dataset`'s kind of data, or None."""
    return RECIPES.get((model_name, data_kind(dataset)))


def describe(model_name, dataset):
    """One line: the recipe's values for this model and data, or that there is none."""
    recipe = recipe_for(model_name, dataset)
    kind = data_kind(dataset)
    if recipe is None:
        return f"no recipe for {model_name} on {kind}: the model's defaults apply"
    values = {**recipe.model_args, "batch_size": recipe.batch_size, "steps": recipe.steps}
    shown = ", ".join(f"{k}={v}" for k, v in values.items() if v is not None)
    return f"recipe for {model_name} on {kind}: {shown}"
