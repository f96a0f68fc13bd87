r"""Training throughput of ganzoo against the same networks trained plainly.

    ganzoo-benchmark                                         # every unconditional model, batch 64
    ganzoo-benchmark --models=dcgan --batch_sizes=64,256 --torch
    ganzoo-benchmark --models=wgan_gp,sngan --batch_sizes=64,256
    ganzoo-benchmark --pipeline_only                         # the tf.data pipeline alone

(From a checkout: python scripts/benchmarks/speed.py ...) Per model (any registered model;
--model is an alias; default: the unconditional ones) and batch size, on the embedded digits, in
one process, runs alternating, --repetitions times --steps timed steps after --warmup untimed
ones (median and min-max images/s):
  reference  the identical networks in a keras.io-style float32 train_step with the model's loss
             family, d_steps, penalties and Adam settings (references.reference_for; sngan's
             discriminator uses keras.layers.SpectralNormalization there). For a conditional
             model (cgan, acgan; trained on the digits' labels) the reference is keras.io's
             conditional_gan.py with ITS OWN networks (keras_io.conditional_reference: one-hot
             labels into G's input and D's channels, BCE, Adam(3e-4)), so the ratio compares
             two whole recipes, not only ganzoo's machinery
  float32    ganzoo's model in float32
  default    ganzoo's default configuration for this machine (fast_paths.default_precision);
             where that is float32 it is the float32 run, timed once
  torch      with --torch: the identical networks in PyTorch eager (needs PyTorch; BCE models
             without penalties only, skipped with a note for the others)
and the ratios to the reference, the FLOPs of one training step, the machine's float32 matmul
peak and the fraction of it that the default configuration achieves. --pipeline_only times the
input pipeline alone against training instead. Only ratios from one run mean anything on a
shared machine; fewer than ~30 steps and 3 repetitions is a smoke test. The results go to
--output (runs/speed.json). --model_args (name=value, e.g. architecture=resnet,attention=8)
go to every model measured, unconditional ones only; the reference then takes the same
networks (a spectral D only where it is a chain of layers, as references rebuild it).
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # scripts/

import cli  # noqa: E402
from absl import flags  # noqa: E402
from benchmarks import common  # noqa: E402

flags.DEFINE_list("models", None, "Registered models to measure; default: the unconditional "
                  "ones.")
flags.DEFINE_alias("model", "models")
flags.DEFINE_list("batch_sizes", ["64"], "Global batch sizes.")
flags.DEFINE_list("model_args", [], "Arguments of every (unconditional) model measured, "
                  "name=value (e.g. architecture=resnet,attention=8); the reference takes the "
                  "same networks.")
flags.DEFINE_integer("steps", 30, "Timed steps per repetition (generator steps; each has the "
                     "model's d_steps D updates).", lower_bound=1)
flags.DEFINE_integer("warmup", 5, "Untimed steps before each timed run.", lower_bound=1)
flags.DEFINE_integer("repetitions", 3, "Repetitions of each measurement.", lower_bound=1)
flags.DEFINE_bool("pipeline_only", False, "Time the input pipeline alone, against training.")
flags.DEFINE_bool("torch", False, "Also time the same networks in PyTorch eager.")
flags.DEFINE_string("data_dir", None, "tensorflow-datasets data directory.")
flags.DEFINE_string("output", "runs/speed.json", "The results file.")
FLAGS = flags.FLAGS

KINDS = ("reference", "float32", "default", "torch")


def _training_row(name, batch_size, stream, shape, model_args):
    import keras

    import ganzoo
    from benchmarks import flops, keras_io, references, timing, torch_twin
    from ganzoo import data, fast_paths

    keras.utils.set_random_seed(0)
    conditional = ganzoo.get_model_class(name).conditional
    classes = {}
    if conditional:
        names = [str(n) for n in data.class_names("digits", FLAGS.data_dir)]
        classes = {"num_classes": len(names), "class_names": names}
    float32 = ganzoo.get_model(name, data_shape=shape, precision="float32", **classes,
                               **model_args)
    reference = (  # compiled, float32
        keras_io.conditional_reference(shape, classes["num_classes"], float32.latent_dim)
        if conditional else references.reference_for(float32)
    )
    keras_models = {"reference": reference, "float32": float32}
    default_precision = fast_paths.default_precision()
    if default_precision != "float32":  # else "default" is the float32 run
        keras_models["default"] = ganzoo.get_model(name, data_shape=shape,
                                                   precision=default_precision, **classes,
                                                   **model_args)
    for kind, model in keras_models.items():
        if kind != "reference":
            model.compile()  # Adam with the model's own learning rates and betas

    def keras_run(model):
        return lambda: timing.training_rate(model, stream, batch_size, FLAGS.steps, FLAGS.warmup)

    runs = {kind: keras_run(model) for kind, model in keras_models.items()}
    torch_skipped = FLAGS.torch and torch_twin.torch_unsupported(float32)
    if FLAGS.torch and not torch_skipped:
        twin = torch_twin.TorchTwin(float32)
        batches = twin.batches(stream, FLAGS.warmup + FLAGS.steps)
        runs["torch"] = lambda: twin.rate(batches, FLAGS.warmup)
    rates = {kind: [] for kind in runs}
    for _ in range(FLAGS.repetitions):
        for kind, run in runs.items():
            rates[kind].append(run())
    row = {"model": name, "model_args": model_args, "batch_size": batch_size,
           "loss_family": float32.loss_family,
           "d_steps": float32.d_steps, "default_precision": default_precision,
           "reference_kind": "keras_io_conditional_gan" if conditional else "same_networks"}
    row.update({kind: timing.summary(values) for kind, values in rates.items()})
    if "default" not in rates:
        row["default"] = row["float32"]
    for kind in row.keys() & set(KINDS):
        row[f"{kind}_over_reference"] = row[kind]["median"] / row["reference"]["median"]
    if "torch" in rates:
        row["default_over_torch"] = row["default"]["median"] / row["torch"]["median"]
    if torch_skipped:
        row["torch_skipped"] = torch_skipped
    step_flops = flops.training_step_flops(float32, batch_size)
    row["flops_per_step"] = step_flops
    row["flops_exclude_penalties"] = float32.gp_weight > 0 or float32.r1_weight > 0
    row["default_flops_per_second"] = step_flops * row["default"]["median"] / batch_size
    return row


def _print_training(row, peak):
    from benchmarks import timing

    kinds = [kind for kind in KINDS if kind in row]
    given = "".join(f", {name}={value}" for name, value in row["model_args"].items())
    print(f"\n{row['model']} ({row['loss_family']}, d_steps {row['d_steps']}{given}) batch "
          f"{row['batch_size']} (default = {row['default_precision']}), images/s median [min-max]:")
    if row["reference_kind"] == "keras_io_conditional_gan":
        print("  (reference: keras.io conditional_gan.py, its own networks, labels one-hot)")
    for kind in kinds:
        same = kind == "default" and row["default"] is row["float32"]
        print(f"  {kind:9} {timing.rate_text(row[kind])}  x{row[kind + '_over_reference']:.2f} of "
              f"reference{'  (the float32 run)' if same else ''}")
    if "default_over_torch" in row:
        print(f"  default / torch: x{row['default_over_torch']:.2f}")
    if "torch_skipped" in row:
        print(f"  torch: skipped, {row['torch_skipped']}")
    penalties = " without the penalties" if row["flops_exclude_penalties"] else ""
    print(f"  {row['flops_per_step'] / 1e9:.2f} GFLOP per step (Dense/conv, fwd+bwd{penalties}); "
          f"default achieves {row['default_flops_per_second'] / 1e9:.1f} GFLOP/s = "
          f"{100 * row['default_flops_per_second'] / peak:.1f}% of the float32 matmul peak",
          flush=True)


def _pipeline_row(name, batch_size, stream, shape):
    import ganzoo
    from benchmarks import timing

    model = ganzoo.get_model(name, data_shape=shape)
    model.compile()
    training, pipeline = [], []
    for _ in range(FLAGS.repetitions):
        training.append(
            timing.training_rate(model, stream, batch_size, FLAGS.steps, FLAGS.warmup)
        )
        pipeline.append(timing.pipeline_rate(stream, batch_size, 20 * FLAGS.steps))
    row = {"model": name, "batch_size": batch_size,
           "training": timing.summary(training), "pipeline": timing.summary(pipeline)}
    row["pipeline_over_training"] = row["pipeline"]["median"] / row["training"]["median"]
    print(f"{name:6} batch {batch_size:4}: pipeline {timing.rate_text(row['pipeline'])} images/s, "
          f"training {timing.rate_text(row['training'])}: x{row['pipeline_over_training']:.0f}",
          flush=True)
    return row


def main(argv):
    del argv
    import keras
    import tensorflow as tf

    import ganzoo
    from benchmarks import flops, selection, torch_twin
    from ganzoo import data, fast_paths
    from ganzoo.configs import DataConfig

    names = selection.models_to_measure(FLAGS.models, unconditional_only=FLAGS.pipeline_only)
    batch_sizes = selection.parse_batch_sizes(FLAGS.batch_sizes)
    model_args = selection.parse_model_args(FLAGS.model_args)
    selection.check_model_args(names, model_args, FLAGS.pipeline_only)
    if FLAGS.torch:
        torch_twin.import_torch()  # A missing PyTorch fails before any measurement.
    results = {"tensorflow": tf.__version__, "keras": keras.__version__, "training": [],
               "pipeline": [], "command": common.command_line(__file__),
               "machine": common.machine(), "date": time.strftime("%Y-%m-%d")}
    if not FLAGS.pipeline_only:
        results["float32_matmul_peak"] = flops.matmul_peak("float32")
        print(f"float32 matmul peak: {results['float32_matmul_peak'] / 1e9:.0f} GFLOP/s")
        if fast_paths.default_precision() == "mixed_bfloat16":
            results["bfloat16_matmul_peak"] = flops.matmul_peak("bfloat16")
            print(f"bfloat16 matmul peak: {results['bfloat16_matmul_peak'] / 1e9:.0f} GFLOP/s")
    if model_args:  # every model and its reference built once: refusals before measuring
        from benchmarks import references

        config = DataConfig(dataset="digits", batch_size=batch_sizes[0], data_dir=FLAGS.data_dir)
        shape = data.example_shape(data.load_training_stream(config)[0])
        for name in names:
            references.reference_for(ganzoo.get_model(name, data_shape=shape, **model_args))
    for batch_size in batch_sizes:
        config = DataConfig(dataset="digits", batch_size=batch_size, data_dir=FLAGS.data_dir)
        stream, _ = data.load_training_stream(config)
        shape = data.example_shape(stream)
        for name in names:
            if FLAGS.pipeline_only:
                results["pipeline"].append(_pipeline_row(name, batch_size, stream, shape))
            else:
                labelled = (data.load_training_stream(config, with_labels=True)[0]
                            if ganzoo.get_model_class(name).conditional else stream)
                row = _training_row(name, batch_size, labelled, shape, model_args)
                _print_training(row, results["float32_matmul_peak"])
                results["training"].append(row)
    common.write_json(FLAGS.output, results)


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
