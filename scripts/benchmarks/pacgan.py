r"""PacGAN's toy protocol: GAN and PacGAN2 on the ring and the grid, beside the paper's Table 1.

    python scripts/benchmarks/pacgan.py                          # the paper's 400,000 updates
    python scripts/benchmarks/pacgan.py --budget=100000 --curve=10000

Lin et al. 2018, Sec. 5.1 and Table 1, with the settings of its code (fjxmlzn/PacGAN
synthetic_data_experiments), for each data set (ring of 8, grid of 25), model (default nsgan:
the paper's "GAN" loss is the non-saturating one; --models=gan for the minimax loss) and
packing (--packings, default 1 and 2: the paper's GAN and PacGAN2): the paper's networks
(architecture pacgan_mlp: G 4 x 400 ReLU with batch norm, linear output; D 3 x 200 maxout
units of 5 pieces), a 2-D latent, Adam(1e-4, beta_1=0.8) for both, 100,000 training points per
run drawn once (data.sample_toy with the run's seed), batches of 100 packs (--batch_size) of
consecutive points of a reshuffled stream of them, --budget generator updates, --seeds runs
(--first_seed splits them over processes). Compiled with XLA (--xla), an update took 6.8 ms on
an idle 2-core CPU (13.7 ms without), about 45 minutes a run at the paper's budget. Each run
draws --num_samples samples from fixed noise and scores them with metrics.mode_coverage: a
sample is high quality within 3 std of its nearest mode; a mode is covered by one high-quality
sample (the paper's code), also reported with 1 % of the samples. Means +- standard errors over
seeds beside Table 1; --curve=N also scores every N updates of the same runs. Every finished
run is kept in --output (results/pacgan.json), which several processes can fill at once; a
rerun skips the runs the file holds.

Departs from the paper: ganzoo alternates the D and G updates (its code updates both at once),
G's batch norm averages with momentum 0.9 (0.95), Keras' default initialisers (the paper's:
N(0, 0.02) weights and zero biases). Neither of the last two held the samples back in one-off
checks on the grid's GAN at seed 0: its samples from batch statistics (exact for the 2,500) had
the high-quality share of those from the moving averages to within 3 points at every 5,000
updates up to 35,000, and with the paper's initialisers it was 48.9 % at 20,000 updates against
53.7 % with Keras' (one run each, the data in another order: no sign of a gain).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # scripts/

import cli  # noqa: E402
from absl import flags  # noqa: E402
from benchmarks import common  # noqa: E402

# PacGAN's toy protocol (Lin et al. 2018, Sec. 5.1 and its code, fjxmlzn/PacGAN
# synthetic_data_experiments): 100,000 fixed points per run, batches of 100 packs, Adam(1e-4,
# beta_1=0.8) for both networks, 400 epochs of 1,000 batches.
TRAINING_POINTS = 100_000
UPDATES = 400_000
SETTINGS = {"architecture": "pacgan_mlp", "latent_dim": 2, "d_learning_rate": 1e-4,
            "g_learning_rate": 1e-4, "beta_1": 0.8, "beta_2": 0.999}
# Steps per tf.function call, compiled with XLA: on an idle 2-core CPU an update of the grid's
# GAN took 6.8 ms so, against 13.7 ms with 10 steps a call and no XLA (20.5 ms with 100 and no
# XLA; 10.2 ms with 10 and XLA), which halves the hours of the paper's budget. The step is the
# same train_step, but XLA turns the same random bits into other floats (ganzoo.noise): a run
# with XLA draws other noise than one without, so `xla` is part of the results' setting.
STEPS_PER_EXECUTION = 100
STEPS_PER_EXECUTION_WITHOUT_XLA = 10
# What identifies a run in the results file.
RUN_FIELDS = ("dataset", "model", "packing", "seed")

flags.DEFINE_list("datasets", ["ring", "grid"], "Toy data sets.")
flags.DEFINE_list("models", ["nsgan"], "Models to train on each data set at each packing.")
flags.DEFINE_list("packings", ["1", "2"], "Packings of each model: 1 is the paper's GAN, 2 its "
                  "PacGAN2.")
flags.DEFINE_integer("budget", UPDATES, "Generator updates per run; PacGAN: 400 epochs of 1,000 "
                     "batches = 400,000.", lower_bound=1)
flags.DEFINE_boolean("xla", True, "Compile the training steps with XLA (2x faster on a CPU; "
                     "--noxla skips the compile, seconds a run, in short test runs).")
flags.DEFINE_integer("curve", None, "Also score every N updates (N divides --budget): tables of "
                     "modes and high-quality samples against updates.", lower_bound=1)
flags.DEFINE_integer("seeds", 5, "Seeds per (data set, model, packing).", lower_bound=1)
flags.DEFINE_integer("first_seed", 0, "Seeds first_seed, first_seed + 1, ...: given one --output "
                     "on one machine, processes with other seeds fill one table.", lower_bound=0)
flags.DEFINE_integer("batch_size", 100, "Packs per batch (PacGAN: 100).", lower_bound=1)
flags.DEFINE_integer("num_samples", 2500, "Samples scored per run (PacGAN: 2,500).")
flags.DEFINE_string("output", os.path.join(common.RESULTS, "pacgan.json"), "The results file.")
FLAGS = flags.FLAGS


def _curve_callback(dataset, chunk, seed, points, label):
    """A Keras callback: at the end of every "epoch" of `chunk` updates (one point of the
    curve), PacGAN's mode coverage of the model's samples from fixed noise, appended to
    `points` as {"updates", "modes", "modes_1_percent", "high_quality_percent", "reverse_kl"}
    and printed after `label` when the run scores more than once (its progress)."""
    import time

    import keras

    from benchmarks import modes
    from ganzoo import data

    centers, std = data.mode_centers(dataset)

    class ModeCoverageCurve(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            # The same noise at every point of a run (PacGAN draws its 2,500 once).
            samples = self.model.generate(FLAGS.num_samples, seed=10_000 + seed)
            any_sample, one_percent = modes.coverage_both_ways(samples, centers, std)
            points.append({
                "updates": (epoch + 1) * chunk, "modes": any_sample.modes_captured,
                "modes_1_percent": one_percent.modes_captured,
                "high_quality_percent": any_sample.high_quality_percent,
                "reverse_kl": any_sample.reverse_kl,
            })
            if self.params["epochs"] > 1:
                print(f"{label}: {points[-1]['updates']:,} of {self.params['epochs'] * chunk:,} "
                      f"updates, {any_sample.modes_captured} modes, "
                      f"{any_sample.high_quality_percent:.1f} % high quality, "
                      f"{time.perf_counter() - self.start:.0f} s", flush=True)

    return ModeCoverageCurve()


def _pacgan_run(dataset, model_name, packing, seed, budget, chunk, label):
    """One run of PacGAN's protocol: {"curve": [point every `chunk` updates], "wall_seconds"}."""
    import math
    import time

    import keras
    import tensorflow as tf

    import ganzoo
    from ganzoo import data
    from ganzoo.tf_data_options import without_autotuning

    keras.utils.set_random_seed(seed)
    points = data.sample_toy(dataset, TRAINING_POINTS, seed=seed)
    # Packs of `packing` consecutive points of a stream reshuffled with a fixed seed: random
    # packs of the fixed training points, as PacGAN's code draws them.
    stream = without_autotuning(
        tf.data.Dataset.from_tensor_slices(points).repeat()
        .shuffle(TRAINING_POINTS, seed=seed, reshuffle_each_iteration=False)
        .batch(FLAGS.batch_size * packing, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
    )
    model = ganzoo.get_model(model_name, data_shape=(2,), packing=packing, seed=seed,
                             precision="float32", **SETTINGS)
    per_call = STEPS_PER_EXECUTION if FLAGS.xla else STEPS_PER_EXECUTION_WITHOUT_XLA
    model.compile(steps_per_execution=math.gcd(chunk, per_call), jit_compile=FLAGS.xla)
    curve = []
    start = time.perf_counter()
    model.fit(stream, epochs=budget // chunk, steps_per_epoch=chunk, verbose=0, shuffle=False,
              callbacks=[_curve_callback(dataset, chunk, seed, curve, label)])
    return {"curve": curve, "wall_seconds": time.perf_counter() - start}


def _standard_error(values):
    import numpy as np

    values = np.asarray(values, dtype=float)
    return float(values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1 else float("nan")


def _published(dataset, packing):
    """PacGAN Table 1's figure for its GAN (packing 1) or PacGAN<m> on `dataset`, or "-"."""
    from benchmarks import modes

    name = "GAN" if packing == 1 else f"PacGAN{packing}"
    published = modes.PUBLISHED[dataset]
    return f"{name}: {published[name]}" if name in published else "-"


def _table(results):
    """Markdown: modes, high-quality samples and reverse KL after the budget (mean ± standard
    error over seeds) beside PacGAN's Table 1, then, when curved, modes and high-quality
    samples against updates; the commands that produced the runs last."""
    import numpy as np

    setting = results["setting"]
    groups = {}
    from ganzoo import data

    def order(run):  # the data sets as PacGAN's Table 1 (and TOY_DATASETS) list them
        return (data.TOY_DATASETS.index(run["dataset"]), run["model"], run["packing"],
                run["seed"])

    for run in sorted(results["runs"], key=order):
        groups.setdefault((run["dataset"], run["model"], run["packing"]), []).append(run)

    def cell(group, key, index, digits):
        values = [run["curve"][index][key] for run in group]
        error = _standard_error(values)
        return f"{np.mean(values):.{digits}f}" + ("" if np.isnan(error) else
                                                  f" ± {error:.{digits}f}")

    lines = [
        f"PacGAN's toy protocol: {setting['budget']:,} generator updates (PacGAN: "
        f"{UPDATES:,}) at {setting['packs_per_batch']} packs a batch on "
        f"{setting['training_points']:,} fixed points, {setting['num_samples']:,} samples from "
        f"fixed noise; mean ± standard error over seeds. A mode is covered by one "
        f"high-quality sample (within 3 std of it; PacGAN's criterion) or by 1 % of them.",
        "",
        "| data | model | packing | seeds | modes | modes (1 %) | high quality % | reverse KL "
        "| wall s | PacGAN Table 1 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (dataset, model, packing), group in groups.items():
        lines.append(
            f"| {dataset} | {model} | {packing} | {len(group)} | {cell(group, 'modes', -1, 1)} | "
            f"{cell(group, 'modes_1_percent', -1, 1)} | "
            f"{cell(group, 'high_quality_percent', -1, 1)} | {cell(group, 'reverse_kl', -1, 3)} "
            f"| {np.mean([run['wall_seconds'] for run in group]):.0f} | "
            f"{_published(dataset, packing)} |"
        )
    updates = range(setting["curve_every"], setting["budget"] + 1, setting["curve_every"])
    if len(updates) > 1:
        for key, title in (("modes", "Modes covered (one high-quality sample)"),
                           ("high_quality_percent", "High-quality samples (%)")):
            lines += ["", f"{title} against generator updates:", "",
                      "| data | model | packing | " + " | ".join(f"{u:,}" for u in updates) + " |",
                      "|---|---|---|" + "---|" * len(updates)]
            for (dataset, model, packing), group in groups.items():
                cells = " | ".join(cell(group, key, i, 1) for i in range(len(updates)))
                lines.append(f"| {dataset} | {model} | {packing} | {cells} |")
    lines += ["", "Produced by:", *[f"    {command}" for command in results["commands"]]]
    return "\n".join(lines)


def main(argv):
    del argv
    from ganzoo.errors import GanzooError

    budget, seeds = FLAGS.budget, FLAGS.seeds
    chunk = FLAGS.curve or budget
    if budget % chunk:
        raise GanzooError(f"--curve={chunk} must divide --budget={budget}")
    packings = [int(p) for p in FLAGS.packings]
    setting = {"budget": budget, "curve_every": chunk, "packs_per_batch": FLAGS.batch_size,
               "training_points": TRAINING_POINTS, "num_samples": FLAGS.num_samples,
               "xla": FLAGS.xla, **SETTINGS}
    runs_file = common.runs_file(FLAGS.output, "pacgan", setting, RUN_FIELDS)
    runs_file.add_command(common.command_line(__file__))
    for dataset in FLAGS.datasets:
        for model_name in FLAGS.models:
            for packing in packings:
                for seed in range(FLAGS.first_seed, FLAGS.first_seed + seeds):
                    identity = (dataset, model_name, packing, seed)
                    label = f"{dataset} {model_name} packing {packing} seed {seed}"
                    if runs_file.has(identity):  # another process's, or an earlier command's
                        print(f"{label}: in {FLAGS.output} already", flush=True)
                        continue
                    entry = {**dict(zip(RUN_FIELDS, identity)),
                             **_pacgan_run(dataset, model_name, packing, seed, budget, chunk,
                                           label)}
                    runs_file.add(entry)
                    last = entry["curve"][-1]
                    print(f"{label}: {last['modes']} modes ({last['modes_1_percent']} with 1 % "
                          f"of the samples), {last['high_quality_percent']:.1f} % high quality "
                          f"after {last['updates']} updates, {entry['wall_seconds']:.0f} s",
                          flush=True)
    print(_table(runs_file.record), flush=True)


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
