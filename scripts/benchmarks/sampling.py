r"""Sampling throughput of the exported SavedModel against the live generator.

    ganzoo-benchmark-sampling                                # every unconditional model
    ganzoo-benchmark-sampling --model=gan --repetitions=9

(From a checkout: python scripts/benchmarks/sampling.py ...) Per model (an unconditional
registered model; --model is an alias; default: all of them, at their default sizes for the
embedded digits), the generator is exported and loaded with tf.saved_model.load, as TF Serving
loads it, and each signature is timed against the same computation on the live Keras generator
in a tf.function (export.ServingModule.outputs: float images and images_uint8):
`serving_default` from a given latent batch, `sample` with the noise drawn in the graph; at
batches of 1, 64 and 1,024, --repetitions times, alternating (median and min-max images/s, and
the ratio SavedModel / live). The results go to --output (runs/sampling.json).
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # scripts/

import cli  # noqa: E402
from absl import flags  # noqa: E402
from benchmarks import common  # noqa: E402

BATCH_SIZES = (1, 64, 1024)

flags.DEFINE_list("models", None, "Unconditional registered models to measure; default: all "
                  "of them.")
flags.DEFINE_alias("model", "models")
flags.DEFINE_integer("repetitions", 3, "Repetitions of each measurement.", lower_bound=1)
flags.DEFINE_string("data_dir", None, "tensorflow-datasets data directory.")
flags.DEFINE_string("output", "runs/sampling.json", "The results file.")
FLAGS = flags.FLAGS


def _rates(model, export_dir):
    """Images/s of the exported signatures against the live generator: one dict per
    (signature, batch size) of BATCH_SIZES, the SavedModel written to `export_dir`."""
    import tensorflow as tf

    from benchmarks import timing
    from ganzoo import export, noise

    version_dir = export.export_generator(model, export_dir, overwrite=True)
    loaded = tf.saved_model.load(version_dir)
    serving_default, sample = loaded.signatures["serving_default"], loaded.signatures["sample"]
    live_module = export.ServingModule(model)
    live_generate = tf.function(live_module.outputs)
    live_sample = tf.function(
        lambda n, seed: live_module.outputs(noise.latent_batch(n, model.latent_dim, seed))
    )
    contenders = {  # signature: (SavedModel function, live function), same arguments
        "serving_default": (lambda latent: serving_default(latent=latent), live_generate),
        "sample": (lambda n, seed: sample(num_samples=n, seed=seed), live_sample),
    }
    rows = []
    for batch in BATCH_SIZES:
        calls = min(200, max(20, 16384 // batch))
        arguments = {
            "serving_default": (tf.random.normal([batch, model.latent_dim]),),
            "sample": (tf.constant(batch, tf.int32), tf.constant(1, tf.int64)),
        }
        for name, (saved, live) in contenders.items():
            saved_rates, live_rates = [], []
            for _ in range(FLAGS.repetitions):
                saved_rates.append(batch * timing.calls_per_second(saved, arguments[name], calls))
                live_rates.append(batch * timing.calls_per_second(live, arguments[name], calls))
            row = {"signature": name, "batch_size": batch,
                   "saved_model": timing.summary(saved_rates), "live": timing.summary(live_rates)}
            row["ratio"] = row["saved_model"]["median"] / row["live"]["median"]
            rows.append(row)
    return rows


def main(argv):
    del argv
    import keras
    import tensorflow as tf

    import ganzoo
    from benchmarks import selection, timing
    from ganzoo import data
    from ganzoo.configs import DataConfig

    names = selection.models_to_measure(FLAGS.models, unconditional_only=True)
    stream, _ = data.load_training_stream(DataConfig(dataset="digits", data_dir=FLAGS.data_dir))
    shape = data.example_shape(stream)
    results = {"tensorflow": tf.__version__, "keras": keras.__version__, "sampling": []}
    for name in names:
        model = ganzoo.get_model(name, data_shape=shape)
        with tempfile.TemporaryDirectory() as export_dir:
            rows = _rates(model, os.path.join(export_dir, name))
        for row in rows:
            row["model"] = name
            print(f"{name:6} {row['signature']:15} batch {row['batch_size']:5}: SavedModel "
                  f"{timing.rate_text(row['saved_model'])} images/s, live "
                  f"{timing.rate_text(row['live'])}: x{row['ratio']:.2f}", flush=True)
        results["sampling"] += rows
    common.write_json(FLAGS.output, results)


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
