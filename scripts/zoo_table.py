"""The shipped zoo as plain data: which models scripts/build_zoo.py trains (SHIPPED, with the
exact `ganzoo-train` arguments of each), how each dataset is described and scored (DATA), the
helpers that read and rewrite those arguments, and those that read the built folders'
config.json for the README's picture of the Fashion-MNIST models (they import ganzoo).

This module defines no flags, so tests import it beside any script's module.
"""

import dataclasses
import os

FASHION_MNIST = "/usr/share/datasets/fashion-mnist"


@dataclasses.dataclass(frozen=True)
class Shipped:
    """One shipped model: the `ganzoo-train` arguments that make it and how it is scored."""

    train_args: tuple
    scoring: str  # "images": FID, KID, precision, recall (and class accuracy when
    # conditional) with the data's domain classifier; "modes": mode coverage of 2-D data


@dataclasses.dataclass(frozen=True)
class Data:
    """What the cards say about a --dataset value, and how samples of it are scored."""

    description: str
    eval_split: str = "train"  # the real images FID etc. compare with
    eval_samples: int = 1000  # generated and real images per score
    classifier_args: tuple = ()  # ganzoo-train-classifier's arguments (image data)


# Appended to every training command that does not set --precision: see the module docstring.
PINNED_ARGS = ("--precision=float32",)
# The Fashion-MNIST models are trained in mixed bfloat16, as their plateau runs were
# (results/fashion_plateau.json, 22 to 65 minutes each): the speed suite measured bfloat16
# at 1.27-1.31x float32's rate for dcgan (docs/benchmarks.md), and a build has to fit one
# background job; float32 was not timed for these builds. Their --check
# reproduces the fingerprint only on a CPU that rounds bfloat16 the same way.
FASHION_BF16 = ("--precision=mixed_bfloat16",)

SHIPPED = {
    "dcgan_digits": Shipped(
        ("--model=dcgan", "--dataset=digits", "--width=32", "--epochs=40", "--seed=0"), "images"),
    # The recipe of nsgan on the ring (ganzoo/models/recipes.py), spelled out so that the card
    # does not depend on the recipe table. (No grid model: its recipe's 60,000 steps took 36 to 42
    # minutes a seed here, two runs sharing the 2 cores.)
    "nsgan_ring": Shipped(
        ("--model=nsgan", "--dataset=ring", "--steps=12000", "--batch_size=256", "--width=256",
         "--hidden_layers=3", "--packing=4", "--d_steps=2", "--g_learning_rate=0.001",
         "--d_learning_rate=0.001", "--lr_decay_steps=12000", "--seed=0"), "modes"),
    # Fashion-MNIST at the plateau: the values and budgets of the seed-0 plateau runs
    # (docs/benchmarks.md, "Fashion-MNIST at the plateau"), their recipes spelled out; the
    # step counts are where those runs stopped, rounded to the thousand (acgan at its plateau,
    # 14,055; sngan at 26,236; cgan at 13,118) or their budget (dcgan, lsgan, wgan_gp: FID was
    # still falling a little, and wgan_gp's 12,000 are the most one background job affords).
    # stylegan2 at 5,000 steps: its FID was still falling there (80 to 11.3 in 83 minutes),
    # the most one background job of this machine affords.
    "dcgan_fashion": Shipped(
        ("--model=dcgan", f"--dataset={FASHION_MNIST}", "--g_learning_rate=0.0005",
         "--steps=30000", "--seed=0", *FASHION_BF16), "images"),
    "lsgan_fashion": Shipped(
        ("--model=lsgan", f"--dataset={FASHION_MNIST}", "--g_learning_rate=0.001",
         "--d_steps=2", "--steps=30000", "--seed=0", *FASHION_BF16), "images"),
    "sngan_fashion": Shipped(
        ("--model=sngan", f"--dataset={FASHION_MNIST}", "--g_learning_rate=0.001",
         "--d_steps=2", "--steps=26000", "--seed=0", *FASHION_BF16), "images"),
    # wgan_gp at width 48 (its plateau run: 64, 8.8 MB shipped) to keep the zoo under 60 MB
    # (saved_models/README.md, Size).
    "wgan_gp_fashion": Shipped(
        ("--model=wgan_gp", f"--dataset={FASHION_MNIST}", "--width=48", "--steps=12000",
         "--seed=0", *FASHION_BF16), "images"),
    "cgan_fashion": Shipped(
        ("--model=cgan", f"--dataset={FASHION_MNIST}", "--g_learning_rate=0.0005",
         "--d_steps=2", "--steps=13000", "--seed=0", *FASHION_BF16), "images"),
    "acgan_fashion": Shipped(
        ("--model=acgan", f"--dataset={FASHION_MNIST}", "--steps=14000", "--seed=0",
         *FASHION_BF16), "images"),
    "stylegan2_fashion": Shipped(
        ("--model=stylegan2", f"--dataset={FASHION_MNIST}", "--steps=5000", "--seed=0",
         *FASHION_BF16), "images"),
}

DATA = {
    "digits": Data(
        "the 1,797 UCI handwritten digits ganzoo embeds (Alpaydin and Kaynak 1998, CC BY 4.0), "
        "8x8 upsampled to 32x32x1. They have one split, which the model trained on, so the "
        "scores compare with training digits",
        classifier_args=("--dataset=digits", "--train_split=train[:80%]",
                         "--test_split=train[80%:]", "--epochs=15", "--seed=0"),
    ),
    FASHION_MNIST: Data(
        "Fashion-MNIST (Xiao et al. 2017, MIT licence): the 60,000 training images of the idx "
        f"files in {FASHION_MNIST} (Debian's dataset-fashion-mnist), 28x28x1, 10 classes. "
        "Scored against the 10,000 test images, which training never saw",
        eval_split="test", eval_samples=2000,
        classifier_args=(f"--dataset={FASHION_MNIST}", "--train_split=train",
                         "--test_split=test", "--epochs=10", "--seed=0"),
    ),
    "ring": Data("the ring of 8 Gaussians (std 0.01) on the unit circle, drawn by ganzoo"),
}

MODE_SAMPLES = 2500  # PacGAN's protocol (see ganzoo.metrics.mode_coverage)
SAMPLE_SEED = 0
README_MARKERS = ("<!-- shipped models: begin (scripts/build_zoo.py writes this table) -->",
                  "<!-- shipped models: end -->")
GITIGNORE_MARKERS = ("# shipped models: begin (scripts/build_zoo.py writes this list)",
                     "# shipped models: end")

MONTAGE = "shipped_samples.png"  # every shipped model's samples (saved_models/README.md)
# The top-level README's first picture: the models trained on real data people know.
FASHION_MONTAGE = "fashion_samples.png"
# Its caption (written from the cards by scripts/build_zoo.py, between these lines).
CAPTION_MARKERS = ("<!-- fashion samples caption: begin (scripts/build_zoo.py writes it) -->",
                   "<!-- fashion samples caption: end -->")


def shipped_path(name):
    """The shipped version of `name` as the card's commands name it (not the folder: users'
    own exports of the name are versions 2, 3, ... beside it)."""
    return f"saved_models/{name}/1"


def fashion_folders(folders):
    """The shipped `folders` whose build trained on Fashion-MNIST, in their order: the models
    of FASHION_MONTAGE and its caption."""
    from ganzoo import pretrained

    return [folder for folder in folders if flag_value(
        pretrained.read_config(folder)["build"]["train_args"], "dataset") == FASHION_MNIST]


def caption_builds(folders):
    """What fashion_caption reads of shipped `folders` (from their config.json)."""
    from ganzoo import pretrained

    builds = []
    for folder in folders:
        config = pretrained.read_config(folder)
        builds.append({"name": os.path.basename(folder),
                       "wall_seconds": config["build"]["wall_seconds"],
                       "conditional": bool(config["config"].get("class_names"))})
    return builds


def fashion_caption(builds):
    """The README's caption of FASHION_MONTAGE, from the builds of its models (each
    {"name", "wall_seconds", "conditional"}, left to right), ending in a newline."""
    minutes = [build["wall_seconds"] / 60 for build in builds]
    names = ", ".join(f"`{build['name']}`" + (" (a row per requested class)"
                                              if build["conditional"] else "")
                      for build in builds)
    return (f"*Samples of the {len(builds)} shipped Fashion-MNIST models, each built on 2 CPU "
            f"cores in {min(minutes):.0f} to {max(minutes):.0f} minutes, from left: {names}. "
            "Their cards give the command, wall time, load and scores; the models beside them "
            "in [saved_models/](saved_models/README.md), trained on data ganzoo embeds or "
            "draws, need no download.*\n")


def flag_value(args, name):
    """The value of --name=value in `args`, or None."""
    prefix = f"--{name}="
    return next((a[len(prefix):] for a in args if a.startswith(prefix)), None)


def with_steps(args, steps):
    """`args` with --epochs/--steps replaced by --steps=`steps` (None: unchanged)."""
    if steps is None:
        return tuple(args)
    return tuple(a for a in args if not a.startswith(("--epochs=", "--steps="))) + (
        f"--steps={steps}",)


def shown(command, args):
    """The shell line of an installed command, e.g. "ganzoo-train --model=dcgan ..."."""
    return " ".join([command, *args])
