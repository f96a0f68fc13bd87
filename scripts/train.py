"""Train a ganzoo model, checkpoint it, and export its generator as a SavedModel.

The README's main job (dcgan on the embedded digits, exported to saved_models/dcgan/<version>/):
    python scripts/train.py            # or: ganzoo-train

Other examples:
    python scripts/train.py --model=nsgan --dataset=ring --steps=3000 --batch_size=256
    python scripts/train.py --model=dcgan --dataset=cifar10 --epochs=20 --width=64
    python scripts/train.py --model=dcgan --dataset=/path/to/images --image_size=64
Run with --helpfull for every flag.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # For `cli` in a checkout.

import cli  # noqa: E402

import ganzoo  # noqa: E402
from ganzoo import train_lib  # noqa: E402
from ganzoo.configs import DataConfig, ModelConfig, TrainConfig  # noqa: E402

cli.define_flags(DataConfig)
cli.define_flags(ModelConfig, choices={"model": ganzoo.list_models()})
cli.define_flags(TrainConfig)


def main(argv):
    del argv
    result = train_lib.train(
        cli.config_from_flags(DataConfig),
        cli.config_from_flags(ModelConfig),
        cli.config_from_flags(TrainConfig),
    )
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
