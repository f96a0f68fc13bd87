"""Mode-coverage benchmark on the 2-D toy sets, beside the published PacGAN anchors.

    python scripts/benchmark_quality.py --seeds=5 --output_json=quality_toy.json

For each data set (ring of 8, grid of 25 Gaussians), model (gan, nsgan) and seed: train with
the given budget, draw 2,500 samples (as PacGAN does) and score them with
ganzoo.metrics.mode_coverage. Prints mean +- std over seeds of modes captured, high-quality
samples (%) and reverse KL over the modes, next to PacGAN's Table 1.
"""

import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # For `cli` in a checkout.

import cli  # noqa: E402
from absl import flags  # noqa: E402

flags.DEFINE_list("datasets", ["ring", "grid"], "Toy data sets.")
flags.DEFINE_list("models", ["gan", "nsgan"], "Models to compare.")
flags.DEFINE_integer("seeds", 5, "Seeds per (data set, model).", lower_bound=1)
flags.DEFINE_integer("steps", 6000, "Generator steps per run.", lower_bound=1)
flags.DEFINE_integer("batch_size", 256, "Global batch size.")
flags.DEFINE_integer("width", 128, "Hidden units of G and D.")
flags.DEFINE_integer("latent_dim", 8, "Latent width.")
flags.DEFINE_float("learning_rate", 1e-3, "Adam learning rate of both networks (beta_1 0.5).")
flags.DEFINE_integer("num_samples", 2500, "Samples scored per run (PacGAN: 2,500).")
flags.DEFINE_string("output_json", None, "Also write the results here.")
FLAGS = flags.FLAGS

# PacGAN (Lin et al. 2018), Table 1: modes captured and high-quality samples (%).
PUBLISHED = {
    "ring": {"GAN": "6.3 +- 0.5 modes, 98.2 %", "VEEGAN": "8 modes, 52.9 %"},
    "grid": {"GAN": "17.3 +- 0.8 modes, 94.8 %", "VEEGAN": "24.6 modes, 40 %"},
}


def main(argv):
    del argv
    import numpy as np

    from ganzoo import data, metrics, train_lib
    from ganzoo.configs import DataConfig, ModelConfig, TrainConfig

    results = []
    for dataset in FLAGS.datasets:
        centers, std = data.mode_centers(dataset)
        for model_name in FLAGS.models:
            runs = []
            for seed in range(FLAGS.seeds):
                with tempfile.TemporaryDirectory() as model_dir:
                    trained = train_lib.train(
                        DataConfig(dataset=dataset, batch_size=FLAGS.batch_size),
                        ModelConfig(model=model_name, latent_dim=FLAGS.latent_dim, width=FLAGS.width),
                        TrainConfig(
                            steps=FLAGS.steps, seed=seed, d_learning_rate=FLAGS.learning_rate,
                            g_learning_rate=FLAGS.learning_rate, model_dir=model_dir,
                            export_dir="", verbose=0,
                        ),
                    )
                samples = trained.model.generate(FLAGS.num_samples, seed=10_000 + seed)
                coverage = metrics.mode_coverage(samples, centers, std)
                runs.append(coverage)
                print(f"{dataset} {model_name} seed {seed}: {coverage.modes_captured}/"
                      f"{coverage.num_modes} modes, {coverage.high_quality_percent:.1f} % "
                      f"high quality, reverse KL {coverage.reverse_kl:.3f}", flush=True)
            summary = {"dataset": dataset, "model": model_name, "seeds": FLAGS.seeds}
            for field in ("modes_captured", "high_quality_percent", "reverse_kl"):
                values = np.array([getattr(run, field) for run in runs], dtype=float)
                summary[field] = {"mean": float(values.mean()), "std": float(values.std())}
            results.append(summary)

    print(f"\n{'data':5} {'model':6} {'modes':>13} {'high quality %':>15} {'reverse KL':>13}   published (PacGAN Table 1)")
    for r in results:
        m, h, k = r["modes_captured"], r["high_quality_percent"], r["reverse_kl"]
        published = "; ".join(f"{key}: {value}" for key, value in PUBLISHED[r["dataset"]].items())
        print(f"{r['dataset']:5} {r['model']:6} {m['mean']:6.1f} +- {m['std']:3.1f} "
              f"{h['mean']:8.1f} +- {h['std']:4.1f} {k['mean']:6.3f} +- {k['std']:5.3f}   {published}")
    if FLAGS.output_json:
        config = {k: FLAGS[k].value for k in ("steps", "batch_size", "width", "latent_dim", "learning_rate", "num_samples")}
        with open(FLAGS.output_json, "w") as out:
            json.dump({"config": config, "results": results}, out, indent=2)


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
