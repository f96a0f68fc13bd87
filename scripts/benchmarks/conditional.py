r"""cgan against keras.io's `conditional_gan.py` on one labelled stream: does each draw the class
asked for, how close are its samples, how fast does it train.

    python scripts/benchmarks/conditional.py                     # the embedded digits
    python scripts/benchmarks/conditional.py --dataset=/usr/share/datasets/fashion-mnist

`cgan` (ganzoo defaults, float32; --cgan_args for a documented non-default setting) against
keras.io's `conditional_gan.py` (keras_io.conditional_reference: its own networks, one-hot labels
concatenated to G's input and to D's input channels, BCE, Adam(3e-4)), both trained on the same
stream (same data, batch, order and number of steps) of a labelled data set at --image_size
(28: keras.io's MNIST networks exactly). cgan trains through ganzoo.train_lib.train_on_stream
(checkpoints, backups and sample grids included, one "epoch" per run), the reference with its own
`fit`. A domain classifier (ganzoo.features, versioned; --classifier reuses or keeps one) is
trained on the data's train split (on 80 % of it when there is no test split) and reports its
held-out accuracy. The scoring pool is the test split, else the whole train split, shuffled and
halved: half B is the real reference, and (half A vs B) the real-vs-real floor; each model draws
as many samples as A holds, the same number of each class, and is scored with
evaluation.score_conditional_images: class accuracy (the classifier's argmax equals the requested
class), FID, KID, intra-class FID. Speed: fresh copies of both, alternating in this process,
--speed_repetitions x --speed_steps timed steps after --speed_warmup (images/s, and the ratio
cgan / reference). The results go to --output (results/conditional.json).
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # scripts/

import cli  # noqa: E402
from absl import flags  # noqa: E402
from benchmarks import common  # noqa: E402

flags.DEFINE_string("dataset", "digits", "Labelled data set: 'digits', an idx folder or a folder "
                    "with one sub-folder per class.")
flags.DEFINE_integer("image_size", 28, "Image side (a multiple of 4 that cgan supports: 28 gives "
                     "keras.io's networks exactly).")
flags.DEFINE_integer("steps", 3000, "Generator steps per run.", lower_bound=1)
flags.DEFINE_integer("batch_size", 64, "Global batch size.", lower_bound=1)
flags.DEFINE_integer("seeds", 1, "Seeds 0, 1, ... of both models.", lower_bound=1)
flags.DEFINE_string("cgan_args", "{}", "JSON constructor arguments of cgan beyond its defaults, "
                    "e.g. '{\"loss_family\": \"non_saturating\", \"d_normalization\": "
                    "\"batch\"}' (reported with the results).")
flags.DEFINE_string("classifier", None, "Domain classifier (.keras): used if the file exists, "
                    "else trained and kept there; default: trained in a temporary folder.")
flags.DEFINE_integer("classifier_epochs", 10, "Epochs of a domain classifier trained here.",
                     lower_bound=1)
flags.DEFINE_integer("speed_steps", 30, "Timed steps per speed repetition.", lower_bound=1)
flags.DEFINE_integer("speed_warmup", 5, "Untimed steps before each timed one.", lower_bound=1)
flags.DEFINE_integer("speed_repetitions", 3, "Alternating speed repetitions per model.",
                     lower_bound=1)
flags.DEFINE_string("grid_png", None, "With a path: sample grids of both models (one row per "
                    "class) as <path stem>_<model>.png for the first seed.")
flags.DEFINE_string("output", os.path.join(common.RESULTS, "conditional.json"),
                    "The results file.")
FLAGS = flags.FLAGS


def _has_test_split(dataset):
    from ganzoo import data

    try:
        return "test" in data.idx.split_files(dataset)
    except Exception:  # noqa: BLE001 - not an idx folder: digits and class folders have one split
        return False


def main(argv):
    del argv
    import json

    import keras
    import numpy as np

    import ganzoo
    from benchmarks import contenders, keras_io, scoring, timing
    from ganzoo import data, evaluation
    from ganzoo.configs import DataConfig
    from ganzoo.errors import GanzooError

    dataset, image_size = FLAGS.dataset, FLAGS.image_size
    steps, batch_size, seeds = FLAGS.steps, FLAGS.batch_size, FLAGS.seeds
    try:
        cgan_args = json.loads(FLAGS.cgan_args)
    except ValueError as error:
        raise GanzooError(f"--cgan_args is not JSON: {error}") from None
    if not isinstance(cgan_args, dict):
        raise GanzooError(f"--cgan_args must be a JSON object, got {FLAGS.cgan_args!r}")
    names = data.class_names(dataset)
    if names is None:
        raise GanzooError(f"--dataset={dataset!r} has no class labels")
    names, num_classes = [str(name) for name in names], len(names)

    # Classifier data and the scoring pool (see the module docstring).
    train_images, train_labels = scoring.labelled_arrays(dataset, "train", image_size)
    if _has_test_split(dataset):
        pool = scoring.labelled_arrays(dataset, "test", image_size)
        classifier_train, classifier_test = (train_images, train_labels), pool
    else:
        order = np.random.default_rng(0).permutation(len(train_images))
        cut = int(0.8 * len(order))
        classifier_train = (train_images[order[:cut]], train_labels[order[:cut]])
        classifier_test = (train_images[order[cut:]], train_labels[order[cut:]])
        pool = (train_images, train_labels)
    order = np.random.default_rng(1).permutation(len(pool[0]))
    half = len(order) // 2
    floor = pool[0][order[:half]], pool[1][order[:half]]
    real = pool[0][order[half:]], pool[1][order[half:]]
    requested = evaluation.balanced_labels(num_classes, half // num_classes)

    results = {"dataset": dataset, "image_size": image_size, "steps": steps,
               "batch_size": batch_size, "seeds": seeds, "cgan_args": cgan_args,
               "num_generated": int(len(requested)), "num_real": int(len(real[0])),
               "runs": []}
    with tempfile.TemporaryDirectory() as work:
        extractor, classifier = scoring.domain_classifier(
            FLAGS.classifier, classifier_train, classifier_test, num_classes, work,
            FLAGS.classifier_epochs,
        )
        results["classifier"] = classifier
        evaluation.check_classifier(extractor, names)
        results["real_floor"] = scoring.scores(*floor, real, extractor, names)
        data_config = DataConfig(dataset=dataset, image_size=image_size, batch_size=batch_size)
        model_args = {"num_classes": num_classes, "class_names": names, **cgan_args}
        shape = None
        for seed in range(seeds):
            stream, _ = data.load_training_stream(data_config, seed, with_labels=True)
            shape = data.example_shape(stream)
            cgan, cgan_wall = contenders.train_ganzoo(
                "cgan", stream, steps, seed, model_args, os.path.join(work, f"cgan_{seed}"),
                "conditional")
            keras.utils.set_random_seed(seed)
            reference = keras_io.conditional_reference(shape, num_classes)
            reference_wall = contenders.fit_reference(reference, stream, steps)
            for model_name, model, wall in (("cgan", cgan, cgan_wall),
                                            ("keras_io_reference", reference, reference_wall)):
                samples = model.generate(num_samples=len(requested), labels=requested,
                                         seed=10_000 + seed)
                row = {"model": model_name, "seed": seed, "wall_seconds": wall,
                       **scoring.scores(samples, requested, real, extractor, names)}
                results["runs"].append(row)
                print(f"seed {seed} {model_name:18}: class accuracy {row['class_accuracy']:.4f}, "
                      f"FID {row['fid']:.3f}, KID {row['kid']:.4f}, intra-class FID "
                      f"{row['intra_class_fid']:.3f}, {wall:.0f} s", flush=True)
                if seed == 0 and FLAGS.grid_png:
                    stem = os.path.splitext(FLAGS.grid_png)[0]
                    contenders.write_grid(f"{stem}_{model_name}.png", model, names)

    # Throughput: fresh float32 copies, alternating, in this process.
    stream, _ = data.load_training_stream(data_config, 0, with_labels=True)
    keras.utils.set_random_seed(0)
    speed_models = {
        "cgan": ganzoo.get_model("cgan", data_shape=shape, precision="float32", **model_args),
        "keras_io_reference": keras_io.conditional_reference(shape, num_classes),
    }
    speed_models["cgan"].compile()
    rates = {name: [] for name in speed_models}
    for _ in range(FLAGS.speed_repetitions):
        for name, model in speed_models.items():
            rates[name].append(timing.training_rate(
                model, stream, batch_size, FLAGS.speed_steps, FLAGS.speed_warmup
            ))
    results["images_per_second"] = {name: timing.summary(v) for name, v in rates.items()}
    speed = results["images_per_second"]
    results["cgan_over_reference_speed"] = (
        speed["cgan"]["median"] / speed["keras_io_reference"]["median"]
    )
    _print(results)
    common.write_json(FLAGS.output, results)


def _print(results):
    import numpy as np

    classifier = results["classifier"]
    print(f"\n{results['dataset']} at {results['image_size']}x{results['image_size']}, "
          f"{results['steps']} steps, batch {results['batch_size']}, {results['seeds']} seed(s); "
          f"cgan args {results['cgan_args'] or 'defaults'}")
    print(f"classifier {classifier['name']} (version {classifier.get('version', '?')}), "
          f"held-out accuracy {classifier.get('test_accuracy', float('nan')):.4f}; "
          f"{results['num_generated']} generated (balanced) vs {results['num_real']} real")
    header = (f"{'model':20} {'class acc':>10} {'FID':>9} {'KID':>9} {'intra FID':>10} "
              f"{'images/s':>9} {'wall s':>8}")
    print(header)
    for name in ("cgan", "keras_io_reference"):
        runs = [r for r in results["runs"] if r["model"] == name]

        def mean(key, runs=runs):
            values = np.array([r[key] for r in runs], dtype=float)
            return f"{values.mean():.4f}" + (f"+-{values.std():.4f}" if len(values) > 1 else "")

        rate = results["images_per_second"][name]["median"]
        print(f"{name:20} {mean('class_accuracy'):>10} {mean('fid'):>9} {mean('kid'):>9} "
              f"{mean('intra_class_fid'):>10} {rate:9.0f} {mean('wall_seconds'):>8}")
    floor = results["real_floor"]
    print(f"{'real vs real (floor)':20} {floor['class_accuracy']:10.4f} {floor['fid']:9.4f} "
          f"{floor['kid']:9.4f} {floor['intra_class_fid']:10.4f}")
    print(f"images/s cgan / reference: x{results['cgan_over_reference_speed']:.2f} "
          f"(median of {FLAGS.speed_repetitions}, alternating, same process)", flush=True)


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
