"""Recipes: settings per (model, data) measured to work, used where the user set nothing.

A model's `defaults` are its paper's settings for images (Adam(2e-4, 0.5) for DCGAN, ...). They
fail elsewhere: on the 2-D toy sets, nsgan at 2e-4 put all 2,500 samples of the ring on one arc.
A recipe is the small set of values that, for one model on one data set (or kind of data), was
measured over several seeds to give what docs/recipes.md promises; its `evidence` says what was
measured and how to measure it again.

Recipes are filed by what the data is, as the data source reports it
(`ganzoo.data.recipe_keys`: the data set's own name where recipes may be filed under it, then
its kind, "points" or "images"), or by an explicit `--recipe`; this module knows nothing of
where data comes from.

Precedence, value by value: what the user set (a flag, a key of `ModelConfig.model_args`, a
`batch_size`/`steps`/`epochs` given in the configs, a precision other than "auto") > the recipe >
the model's defaults (and the configs' fallbacks `DEFAULT_BATCH_SIZE`, `DEFAULT_EPOCHS`, and
auto's precision for the machine). `train_lib.train` applies the recipe and logs every value it
took from it, so a run always says where its settings came from.
"""

import dataclasses

DATA_KINDS = ("points", "images")  # 2-D toy mixtures; everything with pixels


@dataclasses.dataclass(frozen=True)
class Recipe:
    """Values for one (model, data set or data kind).

    model_args: constructor arguments (of the model or its parts: ganzoo.models.arguments).
    batch_size: global batch size; None keeps the configs' fallback.
    steps: generator steps when neither steps nor epochs is given; None keeps the fallback.
    precision: the compute precision when the user leaves it at "auto"; None keeps auto's
        choice for the machine (ganzoo.fast_paths).
    evidence: what was measured to choose these values, and the command that measures it.
    """

    model_args: dict
    batch_size: int = None
    steps: int = None
    precision: str = None
    evidence: str = ""


# nsgan on the 2-D mixtures, scored with PacGAN's protocol (2,500 samples from fixed noise, a
# sample of high quality within 3 std of its nearest mode). What mattered, measured at seed 0:
# - a learning rate decaying to 1 % (lr_decay_steps): at a constant Adam(1e-3) the samples
#   stay smeared around the modes (grid, packing 2: 1.5 % high quality); decaying over the
#   run, they sharpen (90 % after 20,000 steps);
# - packing and a 256 x 3 MLP for coverage: the grid kept 15 of 25 modes unpacked, 20 at
#   packing 2, 25 at packing 4 (but 55 % high quality after 30,000 steps); the ring at width
#   128 unpacked collapsed onto one mode at seed 1;
# - 2 D steps per G step with packing 4: a sharper D, so sharp samples too (grid: 22 modes,
#   90.8 % high quality at 30,000 steps; ring: 8 of 8, each with at least 200 of the 2,500
#   samples, 94.8 % after 12,000 of 16,000 steps and 96.4 % after 16,000, where packing 2
#   and one D step left a mode with fewer than 1 % of the samples). The ring's recipe stops
#   at 12,000: the five-seed figures in `evidence` are for 12,000 steps.
# - 60,000 steps for the grid: at 40,000 the five seeds gave 90.3 +- 2.7 % high-quality samples
#   on one CPU (2026-11-23) and 88.1 +- 3.0 % on another (AMD EPYC with AVX512_BF16,
#   2026-12-02), no margin over the 90 % docs/recipes.md promised; 60,000 steps, the decay
#   spanning them, gave 21, 25, 22, 22, 25 modes and 93.7 +- 1.6 % (91.8 to 95.5) on a third
#   (AMD EPYC Zen 3, AVX2 only, 2026-12-02): sharper at every seed, for 1.2 modes fewer on
#   average and 1.5x the steps.
# gan (minimax) at the former recipe (width 128, 4,000 steps) captured 0 of 8 ring modes.
# float32 on every machine: the five-seed figures were measured in float32, and where
# precision=auto picks mixed_bfloat16 (a CPU with native bfloat16) it gained nothing here
# (300 steps of the ring's recipe at batch 256, median of 5 alternating in one process: time
# ratio 1.0 to float32, AMD EPYC with AVX512_BF16, 2026-12-02) while it rounds the 2-D
# activations to 8 bits of mantissa.
_PACKED_MLP = {
    "width": 256,
    "hidden_layers": 3,
    "packing": 4,
    "d_steps": 2,
    "d_learning_rate": 1e-3,
    "g_learning_rate": 1e-3,
}
_FIVE_SEEDS = "python scripts/benchmarks/toy.py --datasets={} --seeds=5"

RECIPES = {
    ("nsgan", "ring"): Recipe(
        {**_PACKED_MLP, "lr_decay_steps": 12000}, batch_size=256, steps=12000,
        precision="float32",
        evidence=("ring, seeds 0-4: 8 of 8 modes at every seed, each with at least 1 % of the "
                  "samples; 92.7 +- 1.1 % high-quality samples (docs/benchmarks.md, Quality "
                  "benchmark): "
                  + _FIVE_SEEDS.format("ring")),
    ),
    ("nsgan", "grid"): Recipe(
        {**_PACKED_MLP, "lr_decay_steps": 60000}, batch_size=256, steps=60000,
        precision="float32",
        evidence=("grid, seeds 0-4: 21, 25, 22, 22, 25 of 25 modes; 93.7 +- 1.6 % "
                  "high-quality samples (docs/benchmarks.md, Quality benchmark): "
                  + _FIVE_SEEDS.format("grid")),
    ),
}


# The image models on Fashion-MNIST (its 60,000 training images, 28x28), scored like the fashion
# suite, scripts/benchmarks/fashion.py (FID of 10,000 samples against the 10,000 test images in
# the domain classifier's features) at its budget, 300 generator steps at batch 64, against the
# keras.io example a user would copy (one seed: its DCGAN 35.6, its conditional GAN 66.7). At the
# defaults (Adam(2e-4) for both networks) dcgan scored 40.2 and 38.9 (seeds 0, 1), lsgan 76.8
# (collapsed: recall 0.000), sngan 41.3, cgan 69.0. What mattered was G's rate, and for the
# least-squares and hinge losses two D steps per G step. Tried at seed 0 without gain: dcgan
# without batch norm in D (39.3), with D at 1e-4 (38.1; 43.2 at seed 1), both rates at 4e-4
# (38.5), width 128 (45.7), keras.io's Adam(1e-4, 0.9) (132.4, collapsed), a weight average of G
# (55.8); lsgan with G at 5e-4 (45.8; 46.9 with D at 1e-4), 1e-3 (41.4), 2e-3 (39.2), one D step
# each; sngan with one D step and G at 5e-4 (35.0, 43.8, 63.1 at seeds 0-2) or both at 5e-4
# (35.0, 43.4), with two D steps and G at 5e-4 (35.6, 35.5, 34.8), both at 5e-4 (42.2), G at
# 1e-3 with D at 1e-4 or 4e-4 (37.8, 46.3). Measured only at 300 steps: longer runs may want
# other values. acgan needs none (44.5 against the conditional reference's 66.7 at defaults).
# cgan's own default G rate has been 5e-4 since 2026-12-05 (its docstring says why); its recipe
# here keeps the value explicit and adds the second D step.
_FASHION_COMMAND = ("python scripts/benchmarks/fashion.py --steps=300 "
                    "--models={} --seeds=3 --noreferences")


def _fashion(model_name, values, measured):
    return Recipe(values, evidence=(f"Fashion-MNIST, 300 steps at batch 64, seeds 0-2: FID "
                                    f"{measured} (docs/benchmarks.md, Quality benchmark): "
                                    + _FASHION_COMMAND.format(model_name)))


RECIPES.update({
    ("dcgan", "fashion_mnist"): _fashion(
        "dcgan", {"g_learning_rate": 5e-4}, "34.0, 31.8, 28.4 (defaults: 40.2, 38.9 at seeds 0-1)"
    ),
    ("lsgan", "fashion_mnist"): _fashion(
        "lsgan", {"g_learning_rate": 1e-3, "d_steps": 2}, "35.1, 34.4, 32.0 (defaults: 76.8)"
    ),
    ("sngan", "fashion_mnist"): _fashion(
        "sngan", {"g_learning_rate": 1e-3, "d_steps": 2}, "35.1, 36.0, 30.8 (defaults: 41.3)"
    ),
    ("cgan", "fashion_mnist"): _fashion(
        "cgan", {"g_learning_rate": 5e-4, "d_steps": 2}, "42.6, 40.5, 36.8 (defaults: 69.0)"
    ),
})


NO_RECIPE = "none"


def _keys(subject):
    """A data set's recipe keys as a tuple: what ganzoo.data.recipe_keys reports (or a single
    key given as a string)."""
    return (subject,) if isinstance(subject, str) else tuple(subject)


def subjects():
    """Every value `--recipe` takes: the data sets recipes are filed under, the kinds, "none"."""
    return (*sorted({data for _, data in RECIPES} - set(DATA_KINDS)), *DATA_KINDS, NO_RECIPE)


def recipe_data(model_name, subject):
    """Which of the data's recipe keys (`subject`: ganzoo.data.recipe_keys(dataset), most
    specific first, e.g. ("fashion_mnist", "images")) `model_name`'s recipe is filed under: the
    first with a recipe, else the last (the kind of data)."""
    keys = _keys(subject)
    return next((key for key in keys if (model_name, key) in RECIPES), keys[-1])


def recipe_for(model_name, subject):
    """The Recipe of `model_name` for the data's recipe keys `subject`, or None ("none"
    applies no recipe)."""
    return RECIPES.get((model_name, recipe_data(model_name, subject)))


def describe(model_name, subject):
    """One line: the recipe's values for this model and data (its recipe keys), or that there
    is none."""
    recipe = recipe_for(model_name, subject)
    subject = recipe_data(model_name, subject)
    if recipe is None:
        return f"no recipe for {model_name} on {subject}: the model's defaults apply"
    values = {**recipe.model_args, "batch_size": recipe.batch_size, "steps": recipe.steps,
              "precision": recipe.precision}
    return f"recipe for {model_name} on {subject}: {format_values(values)}"


def format_values(values):
    """{"g_learning_rate": 0.0005, "d_steps": 2} -> "g_learning_rate=0.0005, d_steps=2", the
    form recipes are shown in everywhere (start of a run, docs/recipes.md, the Fashion-MNIST
    table); None values are left out."""
    return ", ".join(f"{name}={value}" for name, value in values.items() if value is not None)
