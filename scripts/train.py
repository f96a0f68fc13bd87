"""Train a ganzoo model, checkpoint it, and export its generator as a SavedModel.

The README's main job (dcgan on the embedded digits, exported to
saved_models/dcgan_digits/<version>/):
    python scripts/train.py            # or: ganzoo-train

Other examples:
    python scripts/train.py --model=nsgan --dataset=ring --steps=3000 --batch_size=256
    python scripts/train.py --model=wgan_gp --dataset=digits --gp_weight=5 --d_steps=3
    python scripts/train.py --model=sngan --dataset=/path/to/images --image_size=64
    python scripts/train.py --model=wgan_gp --describe     # the model's arguments and defaults
Every model argument is a flag (--width, --loss_family, --gp_weight, ...); unset, it takes the
chosen model's default. Run with --help for every flag.
"""

import dataclasses
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # For `cli` in a checkout.

import cli  # noqa: E402

from absl import flags  # noqa: E402

import ganzoo  # noqa: E402
from ganzoo import distribute, networks, train_lib  # noqa: E402
from ganzoo.configs import DataConfig, ModelConfig, TrainConfig  # noqa: E402
from ganzoo.models import recipes  # noqa: E402

cli.define_flags(DataConfig)
cli.define_flags(
    ModelConfig,
    choices={"model": ganzoo.list_models(), "precision": ("auto", *networks.PRECISIONS)},
)
cli.define_flags(TrainConfig, choices={"strategy": distribute.STRATEGIES})
cli.define_model_argument_flags()
flags.DEFINE_bool(
    "describe", False,
    "Print the --model's arguments and defaults, and its recipe for --dataset, then exit.",
)
flags.DEFINE_bool(
    "overwrite_run", False,
    "Discard a different run found in --model_dir (its checkpoints, backup, logs, grids) "
    "instead of refusing to start.",
)
FLAGS = flags.FLAGS


def main(argv):
    del argv
    if FLAGS.describe:
        print(ganzoo.describe_model(FLAGS.model))
        print(recipes.describe(FLAGS.model, FLAGS.dataset))
        return
    model_config = dataclasses.replace(
        cli.config_from_flags(ModelConfig), model_args=cli.model_arguments_from_flags()
    )
    try:
        result = train_lib.train(
            cli.config_from_flags(DataConfig), model_config, cli.config_from_flags(TrainConfig),
            overwrite_run=FLAGS.overwrite_run,
        )
    except train_lib.TrainingInterrupted as interrupted:
        print(interrupted, file=sys.stderr)
        sys.exit(130)  # the shell's code for Ctrl-C
    last = {name: values[-1] for name, values in result.history.items()}
    print("final metrics: " + ", ".join(f"{k}={v:.4f}" for k, v in sorted(last.items())))
    print(f"weights fingerprint: {result.fingerprint}")
    if result.chief:
        print(f"checkpoints, logs and sample grids: {result.model_dir}")
    if result.export_path:
        print(f"SavedModel: {result.export_path}")


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
