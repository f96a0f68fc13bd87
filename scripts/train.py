"""Train a ganzoo model, checkpoint it, and export its generator as a SavedModel.

The README's main job (dcgan on the embedded digits; checkpoints, logs and grids in
runs/dcgan_digits/, the SavedModel in runs/dcgan_digits/export/<version>/):
    ganzoo-train --model=dcgan --dataset=digits --width=32 --epochs=40

Other examples:
    ganzoo-train --model=nsgan --dataset=ring                  # the recipe for the ring
    ganzoo-train --model=wgan_gp --dataset=digits --gp_weight=5 --d_steps=3
    ganzoo-train --model=sngan --dataset=/path/to/images --image_size=64
    ganzoo-train --model=wgan_gp --describe     # the model's arguments, defaults and recipe
    ganzoo-train --model=sngan --architecture=resnet --describe   # ... with resnet's arguments
Every model argument is a flag (--width, --loss_family, --gp_weight, ...); unset, it takes the
chosen model's default, or its recipe's value for this kind of data. From a checkout without
installing: python scripts/train.py. Run with --help for every flag.
"""

import dataclasses
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # For `cli` in a checkout.

import cli  # noqa: E402
from absl import flags  # noqa: E402

from ganzoo import configs, run_dirs  # noqa: E402  (light: no TensorFlow)
from ganzoo.configs import DataConfig, ModelConfig, TrainConfig  # noqa: E402

cli.define_flags(DataConfig)
cli.define_flags(ModelConfig)  # --model's names are checked by the registry, after the import
cli.define_flags(TrainConfig)
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


def check_before_tensorflow():
    """The configuration flags' ranges and the places the run will write, checked before
    TensorFlow is imported: these refusals take well under a second."""
    for config_class in (DataConfig, TrainConfig):
        configs.validate(cli.config_from_flags(config_class))
    if not FLAGS.describe:
        run_dirs.directories(FLAGS.model, FLAGS.dataset, FLAGS.model_dir, FLAGS.export_dir)


def main(argv):
    del argv
    import ganzoo
    from ganzoo import train_lib
    from ganzoo.models import recipes

    if FLAGS.describe:
        print(ganzoo.describe_model(FLAGS.model, **cli.model_arguments_from_flags()))
        print(recipes.describe(FLAGS.model, train_lib.recipe_subject(cli.config_from_flags(
            DataConfig))))
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
    cli.run(main, light_check=check_before_tensorflow,
            define_later=cli.define_model_argument_flags)


if __name__ == "__main__":
    run()
