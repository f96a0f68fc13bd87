r"""What each of StyleGAN2's regularisers costs: training speed of variants of one model.

    python scripts/benchmarks/regularizer_costs.py        # stylegan2 at batch 64
    python scripts/report.py                              # docs/benchmarks.md's table

In one process, runs alternating, --repetitions times --steps timed steps after --warmup
untimed ones, on the embedded digits (32x32), the model at its defaults (the default
precision for this machine) and with one regulariser changed at a time (VARIANTS); each rate
is reported as a ratio to the defaults. --steps is a multiple of 16 so that every timed window
holds the same number of lazy R1 steps (every 16th) and path-length steps (every 4th). The
results go to --output (results/regularizer_costs.json).
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # scripts/

import cli  # noqa: E402
from absl import flags  # noqa: E402
from benchmarks import common  # noqa: E402

MODEL = "stylegan2"
# Variant name -> the model arguments it changes from the defaults (lazy R1 with gamma 0.01
# every 16 steps, style mixing with probability 0.9, no path-length penalty).
VARIANTS = {
    "defaults": {},
    "no R1": {"r1_weight": 0.0},
    "R1 every step": {"r1_interval": 1},
    "no style mixing": {"style_mixing": 0.0},
    "path length every 4 steps": {"pl_weight": 2.0, "pl_interval": 4},
    "path length every step": {"pl_weight": 2.0, "pl_interval": 1},
}
LAZY_PERIOD = 16

flags.DEFINE_integer("batch_size", 64, "Global batch size.", lower_bound=1)
flags.DEFINE_integer("steps", 32, f"Timed steps per run, a multiple of {LAZY_PERIOD}.",
                     lower_bound=LAZY_PERIOD)
flags.register_validator(
    "steps", lambda steps: steps % LAZY_PERIOD == 0,
    f"must be a multiple of {LAZY_PERIOD}, or the timed windows hold different numbers of "
    f"lazy steps")
flags.DEFINE_integer("warmup", 4, "Untimed steps before each timed run.", lower_bound=1)
flags.DEFINE_integer("repetitions", 3, "Runs of each variant.", lower_bound=1)
flags.DEFINE_string("data_dir", None, "tensorflow-datasets data directory.")
flags.DEFINE_string("output", os.path.join(common.RESULTS, "regularizer_costs.json"),
                    "The results file.")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    import keras

    import ganzoo
    from benchmarks import timing
    from ganzoo import data, fast_paths
    from ganzoo.configs import DataConfig

    stream, _ = data.load_training_stream(
        DataConfig(dataset="digits", batch_size=FLAGS.batch_size, data_dir=FLAGS.data_dir))
    shape = data.example_shape(stream)
    precision = fast_paths.default_precision()
    models = {}
    for name, arguments in VARIANTS.items():
        keras.utils.set_random_seed(0)
        models[name] = ganzoo.get_model(MODEL, data_shape=shape, precision=precision,
                                        **arguments)
        models[name].compile()
    rates = {name: [] for name in VARIANTS}
    for repetition in range(FLAGS.repetitions):
        for name, model in models.items():
            rates[name].append(timing.training_rate(model, stream, FLAGS.batch_size,
                                                    FLAGS.steps, FLAGS.warmup))
            print(f"repetition {repetition + 1}: {name:26} {rates[name][-1]:6.1f} images/s",
                  flush=True)
    reference = timing.summary(rates["defaults"])["median"]
    rows = []
    for name, arguments in VARIANTS.items():
        summary = timing.summary(rates[name])
        rows.append({"variant": name, "arguments": arguments, "images_per_second": summary,
                     "time_over_defaults": reference / summary["median"]})
        print(f"{name:26} {timing.rate_text(summary)} images/s, step time x"
              f"{rows[-1]['time_over_defaults']:.2f} of the defaults")
    common.write_json(FLAGS.output, {
        "model": MODEL, "batch_size": FLAGS.batch_size, "steps": FLAGS.steps,
        "warmup": FLAGS.warmup, "repetitions": FLAGS.repetitions, "precision": precision,
        "data": f"the embedded digits, {'x'.join(map(str, shape))}",
        "machine": common.machine(), "keras": keras.__version__,
        "date": time.strftime("%Y-%m-%d"), "command": common.command_line(__file__),
        "variants": rows,
    })


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
