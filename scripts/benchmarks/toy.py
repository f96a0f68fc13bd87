r"""The ring and grid commands of the recipes over seeds, scored beside PacGAN's Table 1.

    python scripts/benchmarks/toy.py                              # ring and grid, seeds 0-4
    python scripts/benchmarks/toy.py --datasets=ring --picture_dir=runs/toy_pictures

For each data set (ring of 8, grid of 25 Gaussians), model (default nsgan) and seed, train as
`ganzoo-train --model=<model> --dataset=<data> --seed=<seed>` does (the recipe,
ganzoo/models/recipes.py; --steps, --batch_size, --width, --latent_dim and --learning_rate
override it), draw 2,500 samples from fixed noise (as PacGAN does) and score them with
ganzoo.metrics.mode_coverage: per seed, and mean +- std over seeds, the modes covered (by one
high-quality sample, PacGAN's criterion, and by 1 % of the samples), the high-quality samples
(%) and the reverse KL over the modes. The results go to --output (results/toy.json), rewritten
after every seed; the Markdown table is printed at the end.
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # scripts/

import cli  # noqa: E402
from absl import flags  # noqa: E402
from benchmarks import common  # noqa: E402

# The anchors beside the rows: the recipes pack 4 samples.
ANCHORS = ("GAN", "PacGAN4", "VEEGAN")

flags.DEFINE_list("datasets", ["ring", "grid"], "Toy data sets.")
flags.DEFINE_list("models", ["nsgan"], "Models to train on each data set.")
flags.DEFINE_integer("seeds", 5, "Seeds per (data set, model).", lower_bound=1)
flags.DEFINE_integer("first_seed", 0, "Seeds first_seed, first_seed + 1, ...: runs of one table "
                     "split over processes.", lower_bound=0)
flags.DEFINE_integer("steps", None, "Generator steps per run (default: the recipe's).",
                     lower_bound=1)
flags.DEFINE_integer("batch_size", None, "Global batch size (default: the recipe's).",
                     lower_bound=1)
flags.DEFINE_integer("width", None, "Hidden units of G and D (default: the recipe's).")
flags.DEFINE_integer("latent_dim", None, "Latent width (default: the recipe's).")
flags.DEFINE_float("learning_rate", None, "Adam learning rate of both networks (default: the "
                   "recipe's).")
flags.DEFINE_integer("num_samples", 2500, "Samples scored per run (PacGAN: 2,500).")
flags.DEFINE_string("picture_dir", None, "With a folder: the first seed's samples over the true "
                    "modes as <folder>/<model>_<data>.png.")
flags.DEFINE_string("output", os.path.join(common.RESULTS, "toy.json"), "The results file.")
FLAGS = flags.FLAGS


def _summary(dataset, model_name, num_modes, runs):
    """One (data set, model): its runs, and mean and std over them."""
    import numpy as np

    summary = {"dataset": dataset, "model": model_name, "num_modes": num_modes,
               "seeds": len(runs), "runs": runs}
    for field in ("modes_captured", "modes_1_percent", "high_quality_percent", "reverse_kl"):
        values = np.array([run[field] for run in runs], dtype=float)
        summary[field] = {"mean": float(values.mean()), "std": float(values.std())}
    return summary


def _table(results):
    """Markdown: per (data, model) the figures of every seed, their mean ± std, PacGAN's. A mode
    is covered by one high-quality sample (PacGAN's criterion) or, stricter, by 1 % of them."""
    from benchmarks import modes

    lines = ["| data | model | seeds | modes per seed | modes (mean ± std) | modes with 1 % per "
             "seed | high-quality % per seed | high quality % (mean ± std) | reverse KL | "
             "PacGAN Table 1 |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results["results"]:
        covered, quality, kl = r["modes_captured"], r["high_quality_percent"], r["reverse_kl"]

        def per_seed(key, form="{}"):
            return ", ".join(form.format(run[key]) for run in r["runs"])

        published = "; ".join(f"{name}: {modes.PUBLISHED[r['dataset']][name]}"
                              for name in ANCHORS)
        lines.append(
            f"| {r['dataset']} | {r['model']} | {r['seeds']} | {per_seed('modes_captured')} (of "
            f"{r['num_modes']}) | {covered['mean']:.1f} ± {covered['std']:.1f} | "
            f"{per_seed('modes_1_percent')} | {per_seed('high_quality_percent', '{:.1f}')} | "
            f"{quality['mean']:.1f} ± {quality['std']:.1f} | {kl['mean']:.3f} ± "
            f"{kl['std']:.3f} | {published} |"
        )
    lines += ["", "Produced by:", f"    {results['command']}"]
    return "\n".join(lines)


def main(argv):
    del argv
    import time

    from benchmarks import modes
    from ganzoo import data, images, train_lib
    from ganzoo.configs import DataConfig, ModelConfig, TrainConfig

    command = common.command_line(__file__)
    # Only the values given as flags override the recipe (the recipes' commands set none).
    overrides = {name: FLAGS[flag].value for name, flag in (
        ("latent_dim", "latent_dim"), ("width", "width"),
        ("d_learning_rate", "learning_rate"), ("g_learning_rate", "learning_rate"),
    ) if FLAGS[flag].value is not None}
    results = {"command": command, "results": []}
    for dataset in FLAGS.datasets:
        centers, std = data.mode_centers(dataset)
        for model_name in FLAGS.models:
            runs = []
            for seed in range(FLAGS.first_seed, FLAGS.first_seed + FLAGS.seeds):
                start = time.perf_counter()
                with tempfile.TemporaryDirectory() as model_dir:
                    trained = train_lib.train(
                        DataConfig(dataset=dataset, batch_size=FLAGS.batch_size),
                        # float32 as the toy recipes train, also for models without one
                        ModelConfig(model=model_name, precision="float32", model_args=overrides),
                        TrainConfig(steps=FLAGS.steps, seed=seed, model_dir=model_dir,
                                    export_dir="", verbose=0),
                    )
                samples = trained.model.generate(FLAGS.num_samples, seed=10_000 + seed)
                coverage, one_percent = modes.coverage_both_ways(samples, centers, std)
                if seed == FLAGS.first_seed and FLAGS.picture_dir:
                    images.write_png(
                        os.path.join(FLAGS.picture_dir, f"{model_name}_{dataset}.png"),
                        images.scatter_picture(samples, centers, std),
                    )
                runs.append({"seed": seed, "modes_captured": coverage.modes_captured,
                             "modes_1_percent": one_percent.modes_captured,
                             "samples_per_mode": coverage.samples_per_mode,
                             "high_quality_percent": coverage.high_quality_percent,
                             "reverse_kl": coverage.reverse_kl,
                             "wall_seconds": time.perf_counter() - start})
                print(f"{dataset} {model_name} seed {seed}: {coverage.modes_captured}/"
                      f"{coverage.num_modes} modes ({one_percent.modes_captured} with 1 % of the "
                      f"samples), {coverage.high_quality_percent:.1f} % high quality, reverse "
                      f"KL {coverage.reverse_kl:.3f}", flush=True)
                # Kept after every seed: an interrupted suite loses no finished run.
                common.write_json(FLAGS.output, {"command": command, "results": [
                    *results["results"], _summary(dataset, model_name, len(centers), runs)]})
            results["results"].append(_summary(dataset, model_name, len(centers), runs))
    print(_table(results), flush=True)


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
