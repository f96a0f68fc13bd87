"""Quality benchmarks beside published anchors.

    python scripts/benchmark_quality.py --suite=toy --seeds=5 --output_json=runs/quality_toy.json
    python scripts/benchmark_quality.py --suite=mnist --mnist_dir=../shared/data/mnist
    python scripts/benchmark_quality.py --suite=fashion \
        --fashion_dir=/usr/share/datasets/fashion-mnist \
        --fashion_classifier=runs/fashion_classifier.keras --fashion_grid_dir=runs/fashion_grids \
        --output_json=runs/quality_fashion.json
    python scripts/benchmark_quality.py --suite=pacgan --seeds=5 --curve=50000 \
        --output_json=runs/quality_pacgan.json

toy: the README's ring and grid commands over seeds: for each data set (ring of 8, grid of 25
Gaussians), model (default nsgan) and seed, train as `ganzoo-train --model=<model>
--dataset=<data> --seed=<seed>` does (the recipe, ganzoo/models/recipes.py; --steps,
--batch_size, --width, --latent_dim, --learning_rate override it), draw 2,500 samples (as PacGAN
does) and score them with ganzoo.metrics.mode_coverage: per seed, and mean +- std over seeds of
modes covered (by one high-quality sample, PacGAN's criterion, and by 1 % of the samples),
high-quality samples (%) and reverse KL over the modes, beside PacGAN's Table 1.

mnist: the 10,000 real MNIST test digits (IDX files), shuffled with seed 0: 8,000 train dcgan
(28x28) and a domain classifier; 2,000 are held apart. FID/KID (domain-classifier features) of 2,000
generated digits against the held-apart ones, and of 2,000 training digits against them (the
real-vs-real floor). Writes a sample grid.

conditional: `cgan` (ganzoo defaults, float32; --cgan_args for a documented non-default
setting) against keras.io's `conditional_gan.py` (benchmark_lib.conditional_reference: its own
networks, one-hot labels concatenated to G's input and to D's input channels, BCE, Adam(3e-4)),
both trained on the same stream (same data, batch, order and number of steps) of a labelled
data set at --conditional_image_size (28: keras.io's MNIST networks exactly):

    python scripts/benchmark_quality.py --suite=conditional --steps=3000 --batch_size=64
    python scripts/benchmark_quality.py --suite=conditional --steps=3000 --batch_size=64 \
        --conditional_dataset=/usr/share/datasets/fashion-mnist

cgan trains through ganzoo.train_lib.train_on_stream (checkpoints, backups and sample grids
included, one "epoch" per run), the reference with its own `fit`. A domain classifier
(ganzoo.features, versioned; --conditional_classifier reuses or keeps one) is trained on the
data's train split (on 80 % of it when there is no test split) and reports its held-out
accuracy. The scoring pool is the test split, else the whole train split, shuffled and halved:
half B is the real reference, and (half A vs B) the real-vs-real floor; each model draws as many
samples as A holds, the same number of each class (balanced requested labels), and is scored
with evaluation.score_conditional_images: class accuracy (the classifier's argmax equals the
requested class), FID, KID, intra-class FID. Speed: fresh copies of both, alternating in this
process, --speed_repetitions x --speed_steps timed steps after --speed_warmup (images/s, and
the ratio cgan / reference).

fashion: every image model of the zoo (those whose default networks are convolutional for
images: not gan and nsgan, MLPs by default) at what `ganzoo-train` would use on the folder (its
defaults and its Fashion-MNIST recipe, ganzoo.models.recipes), float32, against the keras.io
example a user would copy instead (benchmark_lib.keras_io_reference_name): dcgan, lsgan and
sngan against `dcgan_overriding_train_step.py`, wgan_gp against `wgan_gp.py`, cgan and acgan
against `conditional_gan.py`, each with the example's own networks (sized to 28x28), train
step, loss and optimizer. Full Fashion-MNIST from its idx folder (--fashion_dir; `apt-get
install dataset-fashion-mnist`) at its native 28x28 (ganzoo's DCGAN networks go 7 -> 14 -> 28,
as keras.io's): every contender trains --steps generator steps (default 3,000) at --batch_size
(default 64) on the same stream of the 60,000 training images (same order; labels beside them
for the conditional ones), ganzoo's through train_lib.train_on_stream (checkpoints and backups
included in its wall time), each reference once per seed (none with --nofashion_references),
with its own `fit`. A domain
classifier (ganzoo.features, versioned; trained on the 60,000 training images for
--classifier_epochs, or reused from --fashion_classifier) scores 10,000 samples of each against
the 10,000 test images: FID, KID, precision and recall in its features, and for conditional
models (sampled with balanced requested labels) class accuracy and intra-class FID. The floor:
10,000 training images drawn at random against the test images (the same sample sizes, so the
same small-sample bias of FID as the models'; the score of a generator that reproduces the
training distribution). --models picks a subset; rows are added to --output_json (a file of
another setting is refused), so the table can be built a model at a time; the Markdown table
printed at the end holds every row of that file, with the commands that produced it.

pacgan: PacGAN's toy protocol (Lin et al. 2018, Sec. 5.1 and Table 1; the settings of its code,
fjxmlzn/PacGAN synthetic_data_experiments) for each data set (ring of 8, grid of 25), model
(default nsgan: the paper's "GAN" loss is the non-saturating one, its G descending
softplus(-D(G(z))); --models=gan for the minimax loss) and packing (--packings, default 1 and
2: the paper's GAN and PacGAN2): the paper's networks (architecture pacgan_mlp: G 4 x 400 ReLU
with batch norm, linear output; D 3 x 200 maxout units of 5 pieces), a 2-D latent, Adam(1e-4,
beta_1=0.8) for both, 100,000 training points per run drawn once (data.sample_toy with the
run's seed) and batches of 100 packs (--batch_size) of consecutive points of a reshuffled stream
of them, --budget generator updates (default the paper's 400 epochs of 1,000 batches = 400,000),
--seeds runs (default 5; --first_seed splits them over processes). An update of these networks
at 100 packs costs about 1 GFLOP; compiled with XLA (--xla, the default) it took 6.8 ms on an
idle 2-core CPU (13.7 ms without), so the paper's budget is about 45 minutes a run there (40-80
ms an update were measured without XLA under load); --curve on a shorter one shows where the
modes stop changing. Each run draws --num_samples (2,500) samples from fixed noise and
scores them with metrics.mode_coverage: a sample is high quality within 3 std of its nearest
mode; a mode is covered by at least one high-quality sample (the paper's code), also reported
with 1 % of the samples (25 of 2,500). Means +- standard errors over seeds beside Table 1;
--curve=N scores every N updates of the same runs, tables of modes and of high-quality samples
against updates. Departs from the paper: ganzoo alternates the D and G updates (its code updates
both at once), G's batch norm averages with momentum 0.9 (0.95), Keras' default initialisers
(the paper's: N(0, 0.02) weights and zero biases). Neither of the last two held the samples
back in one-off checks on the grid's GAN at seed 0: its samples from batch statistics (exact
for the 2,500) had the high-quality share of those from the moving averages to within 3 points
at every 5,000 updates up to 35,000, and with the paper's initialisers it was 48.9 % at 20,000
updates against 53.7 % with Keras' (one run each, the data in another order: no sign of a
gain).
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # For `cli` in a checkout.

import cli  # noqa: E402
from absl import flags  # noqa: E402

flags.DEFINE_enum("suite", "toy", ["toy", "mnist", "conditional", "fashion", "pacgan"],
                  "Which benchmark.")
flags.DEFINE_string("mnist_dir", "../shared/data/mnist",
                    "Folder with t10k-*-idx*-ubyte.gz (mnist suite).")
flags.DEFINE_integer("mnist_epochs", 20,
                     "dcgan epochs over the 8,000 training digits (mnist suite).")
flags.DEFINE_string("grid_png", "runs/mnist_dcgan_samples.png", "Sample grid of the mnist suite.")
flags.DEFINE_list("datasets", ["ring", "grid"], "Toy data sets.")
flags.DEFINE_list("models", None, "Models to compare; default gan,nsgan (toy), every image "
                  "model (fashion), nsgan (pacgan).")
flags.DEFINE_list("packings", ["1", "2"], "PacGAN packings of each model (pacgan suite): 1 is "
                  "the paper's GAN, 2 its PacGAN2.")
flags.DEFINE_integer("budget", 400_000, "Generator updates per run (pacgan suite); PacGAN: "
                     "400 epochs of 1,000 batches = 400,000.", lower_bound=1)
flags.DEFINE_boolean("xla", True, "Compile the pacgan suite's training steps with XLA (2x faster "
                     "on a CPU; --noxla skips the compile, seconds a run, in short test runs).")
flags.DEFINE_integer("curve", None, "Also score every N updates (pacgan suite; N divides "
                     "--budget): tables of modes and high-quality samples against updates.",
                     lower_bound=1)
flags.DEFINE_integer("seeds", None, "Seeds per (data set, model); default 5 (toy, pacgan), 1 "
                     "(conditional, fashion).", lower_bound=1)
flags.DEFINE_integer("first_seed", 0, "Seeds first_seed, first_seed + 1, ... (toy, pacgan): "
                     "so that runs of one table can be split over processes (pacgan: given one "
                     "--output_json on one machine, they fill one table).",
                     lower_bound=0)
flags.DEFINE_integer("steps", None, "Generator steps per run; default the recipe's (toy), 3000 "
                     "(conditional, fashion).", lower_bound=1)
flags.DEFINE_integer("batch_size", None, "Global batch size; default the recipe's (toy), 64 "
                     "(conditional, fashion); pacgan: packs per batch, default 100 (PacGAN's).",
                     lower_bound=1)
flags.DEFINE_string("fashion_dir", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST's idx "
                    "folder (fashion suite).")
flags.DEFINE_string("fashion_classifier", None, "Domain classifier (.keras) of the fashion "
                    "suite: used if the file exists, else trained and kept there; default: "
                    "trained in a temporary folder.")
flags.DEFINE_string("toy_picture_dir", None, "With a folder: the first seed's samples over the "
                    "true modes as <folder>/<model>_<data>.png (toy suite).")
flags.DEFINE_boolean("fashion_references", True, "Train each model's keras.io reference too "
                     "(fashion suite); --nofashion_references scores the ganzoo models alone, "
                     "e.g. more seeds of them beside references already in --output_json.")
flags.DEFINE_string("fashion_grid_dir", None, "With a folder: a sample grid per model and "
                    "reference (first seed) as <folder>/<name>.png (fashion suite).")
flags.DEFINE_string("conditional_dataset", "digits", "Labelled data set of the conditional "
                    "suite: 'digits', an idx folder or a folder with one sub-folder per class.")
flags.DEFINE_integer("conditional_image_size", 28, "Image side of the conditional suite (a "
                     "multiple of 4 that cgan supports: 28 gives keras.io's networks exactly).")
flags.DEFINE_string("conditional_classifier", None, "Domain classifier (.keras) of the "
                    "conditional suite: used if the file exists, else trained and kept there; "
                    "default: trained in a temporary folder.")
flags.DEFINE_integer("classifier_epochs", 10, "Epochs of a domain classifier the conditional "
                     "and fashion suites train.", lower_bound=1)
flags.DEFINE_string("cgan_args", "{}", "JSON constructor arguments of cgan beyond its defaults, "
                    "e.g. '{\"loss_family\": \"non_saturating\", \"d_normalization\": "
                    "\"batch\"}' (reported with the results).")
flags.DEFINE_integer("speed_steps", 30, "Timed steps per speed repetition (conditional).",
                     lower_bound=1)
flags.DEFINE_integer("speed_warmup", 5, "Untimed steps before each timed one.", lower_bound=1)
flags.DEFINE_integer("speed_repetitions", 3, "Alternating speed repetitions per model.",
                     lower_bound=1)
flags.DEFINE_string("conditional_grid_png", None, "With a path: sample grids of both models "
                    "(one row per class) as <path stem>_<model>.png for the first seed.")
flags.DEFINE_integer("width", None, "Hidden units of G and D (toy suite; default the recipe's).")
flags.DEFINE_integer("latent_dim", None, "Latent width (toy suite; default the recipe's).")
flags.DEFINE_float("learning_rate", None, "Adam learning rate of both networks (toy suite; "
                   "default the recipe's).")
flags.DEFINE_integer("num_samples", 2500, "Samples scored per run (PacGAN: 2,500).")
flags.DEFINE_string("output_json", None, "Also write the results here.")
FLAGS = flags.FLAGS

# PacGAN (Lin et al. 2018), Table 1 as its code's repository shows it (fjxmlzn/PacGAN,
# synthetic_data_experiments/results/Table1.png): modes captured, high-quality samples and
# reverse KL, mean +- standard error over 10 runs of 400,000 updates; VEEGAN (Srivastava et al.
# 2017), Table 1.
PUBLISHED = {
    "ring": {"GAN": "6.3 ± 0.5 modes, 98.2 ± 0.2 %, reverse KL 0.45 ± 0.09",
             "PacGAN2": "7.9 ± 0.1 modes, 95.6 ± 2.0 %, reverse KL 0.07 ± 0.03",
             "PacGAN3": "7.8 ± 0.1 modes, 97.7 ± 0.3 %, reverse KL 0.10 ± 0.02",
             "PacGAN4": "7.8 ± 0.1 modes, 95.9 ± 1.4 %, reverse KL 0.07 ± 0.02",
             "VEEGAN": "8 modes, 52.9 %"},
    "grid": {"GAN": "17.3 ± 0.8 modes, 94.8 ± 0.7 %, reverse KL 0.70 ± 0.07",
             "PacGAN2": "23.8 ± 0.7 modes, 91.3 ± 0.8 %, reverse KL 0.13 ± 0.04",
             "PacGAN3": "24.6 ± 0.4 modes, 94.2 ± 0.4 %, reverse KL 0.06 ± 0.02",
             "PacGAN4": "24.8 ± 0.2 modes, 93.6 ± 0.6 %, reverse KL 0.04 ± 0.01",
             "VEEGAN": "24.6 modes, 40 %"},
}
# The anchors beside the toy suite's rows: its recipes pack 4 samples.
TOY_ANCHORS = ("GAN", "PacGAN4", "VEEGAN")


def read_idx(path):
    """A gzipped IDX file (MNIST's format) as a numpy array."""
    import gzip

    import numpy as np

    with gzip.open(path, "rb") as raw:
        content = raw.read()
    dims = content[3]
    shape = [int.from_bytes(content[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(content, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def mnist_suite():
    import numpy as np
    import tensorflow as tf

    from ganzoo import evaluation, features, images, train_lib
    from ganzoo.configs import ModelConfig, TrainConfig
    from ganzoo.errors import GanzooError

    image_path = os.path.join(FLAGS.mnist_dir, "t10k-images-idx3-ubyte.gz")
    label_path = os.path.join(FLAGS.mnist_dir, "t10k-labels-idx1-ubyte.gz")
    if not os.path.exists(image_path):
        raise GanzooError(f"no MNIST IDX files in {FLAGS.mnist_dir!r}")
    # The test split is ordered (its first 5,000 digits come from other writers than the last
    # 5,000), so split it at random, with a fixed seed.
    order = np.random.default_rng(0).permutation(10_000)
    digits = read_idx(image_path)[order][..., None]  # uint8 [10000, 28, 28, 1]
    labels = read_idx(label_path).astype(np.int64)[order]
    scaled = digits.astype(np.float32) / 127.5 - 1.0
    train_images, held_images = scaled[:8000], scaled[8000:]

    with tempfile.TemporaryDirectory() as work:
        classifier_path = os.path.join(work, "mnist_classifier.keras")
        metadata = features.train_domain_classifier(
            tf.data.Dataset.from_tensor_slices((train_images, labels[:8000])),
            tf.data.Dataset.from_tensor_slices((held_images, labels[8000:])),
            10, classifier_path, epochs=10,
        )
        print(f"domain classifier: held-out accuracy {metadata['test_accuracy']:.4f}", flush=True)
        extractor = features.domain_classifier(classifier_path)
        # The 8,000 training digits from memory, repeated then shuffled with a fixed seed as
        # ganzoo.data.load_training_stream does (same order as the image folder this suite used
        # to write, without writing 8,000 PNG files).
        stream = (
            tf.data.Dataset.from_tensor_slices(train_images).repeat()
            .shuffle(len(train_images), seed=0, reshuffle_each_iteration=False)
            .batch(64, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
        )
        trained = train_lib.train_on_stream(
            stream, len(train_images) // 64,
            # float32 as measured; dcgan's own Adam(2e-4, 0.5, 0.999) for both networks.
            ModelConfig(model="dcgan", precision="float32", model_args={"width": FLAGS.width}),
            TrainConfig(epochs=FLAGS.mnist_epochs, model_dir=os.path.join(work, "run"),
                        export_dir="", verbose=2),
            dataset_name="mnist_test_8000",
        )
        generated = trained.model.generate(2000, seed=1)
        model_scores = evaluation.score_images(generated, held_images, extractor,
                                               kid_subset_size=1000)
        floor = evaluation.score_images(train_images[:2000], held_images, extractor,
                                        kid_subset_size=1000)
    images.write_png(FLAGS.grid_png, images.samples_picture(generated[:64], upscale=2))
    print(f"\n{'compared with 2,000 held-apart digits':40} {'FID':>8} {'KID':>18}  features")
    for label, scores in (("dcgan samples", model_scores), ("real training digits (floor)", floor)):
        print(f"{label:40} {scores['fid']:8.3f} {scores['kid']:9.4f} +- "
              f"{scores['kid_std_error']:.4f}  {scores['feature_extractor']}")
    print(f"sample grid: {FLAGS.grid_png}")
    return {"classifier": metadata, "dcgan": model_scores, "real_floor": floor,
            "config": {"epochs": FLAGS.mnist_epochs, "width": FLAGS.width, "batch_size": 64}}


def _labelled_arrays(dataset, split, image_size):
    """(float32 images [n, H, W, C] in [-1, 1], int32 labels [n]) of a labelled data set."""
    import numpy as np

    from ganzoo import data

    pairs, _ = data.load_labeled_images(dataset, split, image_size)
    images, labels = [], []
    for image, label in pairs.batch(1024).as_numpy_iterator():
        images.append(image)
        labels.append(label)
    return np.concatenate(images).astype(np.float32), np.concatenate(labels).astype(np.int32)


def _has_test_split(dataset):
    from ganzoo import data

    try:
        return "test" in data.idx.split_files(dataset)
    except Exception:  # noqa: BLE001 - not an idx folder: digits and class folders have one split
        return False


def _domain_classifier(path, train, test, num_classes, work):
    """(FeatureExtractor, its metadata with its accuracy on `test`): the classifier saved at
    `path` if that file exists, else one trained on `train` for --classifier_epochs and kept at
    `path` (None: in `work`). `train` and `test` are (float32 images in [-1, 1], int labels)."""
    import json

    import tensorflow as tf

    from ganzoo import features, metrics, writable

    path = path or os.path.join(work, "domain_classifier.keras")
    if os.path.isfile(path):
        how = "reused"
    else:
        writable.make_parent(path)
        features.train_domain_classifier(
            tf.data.Dataset.from_tensor_slices(train), tf.data.Dataset.from_tensor_slices(test),
            num_classes, path, epochs=FLAGS.classifier_epochs,
        )
        how = f"trained on {len(train[0])} images for {FLAGS.classifier_epochs} epochs"
    # Any accuracy: the suites print it beside every table they score with it (a test's
    # one-epoch classifier included), rather than refusing as ganzoo-evaluate does.
    extractor = features.domain_classifier(path, min_accuracy=0.0)
    metadata_path = path + ".json"
    metadata = json.load(open(metadata_path)) if os.path.exists(metadata_path) else {}
    # Measured here, so a reused file reports its accuracy on this run's held-out images.
    accuracy, _ = metrics.class_accuracy(extractor.features_and_probabilities(test[0])[1], test[1])
    print(f"domain classifier {extractor.name} ({how}): accuracy {accuracy:.4f} on "
          f"{len(test[0])} held-out images", flush=True)
    return extractor, {**metadata, "name": extractor.name, "path": path, "test_accuracy": accuracy}


_SCORE_KEYS = ("fid", "kid", "kid_std_error", "precision", "recall", "class_accuracy",
               "intra_class_fid", "num_generated", "num_real")


def _scores(samples, labels, real, extractor, class_names):
    """{_SCORE_KEYS: value} of float32 images [n, H, W, C] in [-1, 1] against `real` (images,
    labels); with requested `labels` [n] (conditional) also class accuracy and intra-class FID,
    else those two are None."""
    from ganzoo import evaluation

    kid_subset_size = min(1000, len(samples), len(real[0]))
    if labels is None:
        scores = evaluation.score_images(samples, real[0], extractor, kid_subset_size)
    else:
        scores = evaluation.score_conditional_images(
            samples, labels, real[0], real[1], extractor, class_names, kid_subset_size
        )
    return {key: scores.get(key) for key in _SCORE_KEYS}


def _train_ganzoo(name, stream, steps, seed, model_args, model_dir, dataset_name):
    """(trained model, wall seconds): ganzoo's `name` at its defaults (plus `model_args`),
    float32, trained through train_lib.train_on_stream for `steps` steps as one "epoch":
    backups every 1,000 steps (train_lib's default), one checkpoint and sample grid at the end."""
    import time

    from ganzoo import train_lib
    from ganzoo.configs import ModelConfig, TrainConfig

    start = time.perf_counter()
    trained = train_lib.train_on_stream(
        stream, steps, ModelConfig(model=name, precision="float32", model_args=model_args),
        TrainConfig(steps=steps, seed=seed, model_dir=model_dir, export_dir="", verbose=0),
        dataset_name=dataset_name, overwrite_run=True,
    )
    return trained.model, time.perf_counter() - start


def _fit_reference(reference, stream, steps):
    """Wall seconds of `steps` training steps of a compiled benchmark_lib reference."""
    import time

    start = time.perf_counter()
    reference.fit(stream, epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)
    return time.perf_counter() - start


def _write_grid(path, model, class_names):
    """A sample grid of a ganzoo model or benchmark_lib reference at `path`: one named row of 8
    per class for conditional models, else 64 samples; both from noise seed 7."""
    import numpy as np

    from ganzoo import images, writable

    if getattr(model, "conditional", False):
        per_class = 8
        labels = np.repeat(np.arange(len(class_names), dtype=np.int32), per_class)
        samples = model.generate(num_samples=len(labels), labels=labels, seed=7)
        picture = images.class_grid(
            [(name, samples[i * per_class : (i + 1) * per_class])
             for i, name in enumerate(class_names)], upscale=2,
        )
    else:
        picture = images.samples_picture(model.generate(num_samples=64, seed=7), upscale=2)
    writable.make_parent(path)
    images.write_png(path, picture)
    print(f"sample grid: {path}", flush=True)
    return path


def conditional_suite():
    import json

    import keras
    import numpy as np

    import benchmark_lib
    import ganzoo
    from ganzoo import data, evaluation
    from ganzoo.configs import DataConfig
    from ganzoo.errors import GanzooError

    dataset, image_size = FLAGS.conditional_dataset, FLAGS.conditional_image_size
    steps, batch_size, seeds = FLAGS.steps or 3000, FLAGS.batch_size or 64, FLAGS.seeds or 1
    try:
        cgan_args = json.loads(FLAGS.cgan_args)
    except ValueError as error:
        raise GanzooError(f"--cgan_args is not JSON: {error}") from None
    if not isinstance(cgan_args, dict):
        raise GanzooError(f"--cgan_args must be a JSON object, got {FLAGS.cgan_args!r}")
    names = data.class_names(dataset)
    if names is None:
        raise GanzooError(f"--conditional_dataset={dataset!r} has no class labels")
    names, num_classes = [str(name) for name in names], len(names)

    # Classifier data and the scoring pool (see the module docstring).
    train_images, train_labels = _labelled_arrays(dataset, "train", image_size)
    if _has_test_split(dataset):
        pool = _labelled_arrays(dataset, "test", image_size)
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
        extractor, classifier = _domain_classifier(
            FLAGS.conditional_classifier, classifier_train, classifier_test, num_classes, work
        )
        results["classifier"] = classifier
        evaluation.check_classifier(extractor, names)
        results["real_floor"] = _scores(*floor, real, extractor, names)
        data_config = DataConfig(dataset=dataset, image_size=image_size, batch_size=batch_size)
        model_args = {"num_classes": num_classes, "class_names": names, **cgan_args}
        shape = None
        for seed in range(seeds):
            stream, _ = data.load_training_stream(data_config, seed, with_labels=True)
            shape = data.example_shape(stream)
            cgan, cgan_wall = _train_ganzoo("cgan", stream, steps, seed, model_args,
                                            os.path.join(work, f"cgan_{seed}"), "conditional")
            keras.utils.set_random_seed(seed)
            reference = benchmark_lib.conditional_reference(shape, num_classes)
            reference_wall = _fit_reference(reference, stream, steps)
            for model_name, model, wall in (("cgan", cgan, cgan_wall),
                                            ("keras_io_reference", reference, reference_wall)):
                samples = model.generate(num_samples=len(requested), labels=requested,
                                         seed=10_000 + seed)
                row = {"model": model_name, "seed": seed, "wall_seconds": wall,
                       **_scores(samples, requested, real, extractor, names)}
                results["runs"].append(row)
                print(f"seed {seed} {model_name:18}: class accuracy {row['class_accuracy']:.4f}, "
                      f"FID {row['fid']:.3f}, KID {row['kid']:.4f}, intra-class FID "
                      f"{row['intra_class_fid']:.3f}, {wall:.0f} s", flush=True)
                if seed == 0 and FLAGS.conditional_grid_png:
                    stem = os.path.splitext(FLAGS.conditional_grid_png)[0]
                    _write_grid(f"{stem}_{model_name}.png", model, names)

    # Throughput: fresh float32 copies, alternating, in this process.
    stream, _ = data.load_training_stream(data_config, 0, with_labels=True)
    keras.utils.set_random_seed(0)
    speed_models = {
        "cgan": ganzoo.get_model("cgan", data_shape=shape, precision="float32", **model_args),
        "keras_io_reference": benchmark_lib.conditional_reference(shape, num_classes),
    }
    speed_models["cgan"].compile()
    rates = {name: [] for name in speed_models}
    for _ in range(FLAGS.speed_repetitions):
        for name, model in speed_models.items():
            rates[name].append(benchmark_lib.training_rate(
                model, stream, batch_size, FLAGS.speed_steps, FLAGS.speed_warmup
            ))
    results["images_per_second"] = {name: benchmark_lib.summary(v) for name, v in rates.items()}
    speed = results["images_per_second"]
    results["cgan_over_reference_speed"] = (
        speed["cgan"]["median"] / speed["keras_io_reference"]["median"]
    )
    _print_conditional(results)
    return results


def _print_conditional(results):
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


# What identifies a row in the fashion results file.
FASHION_RUN_FIELDS = ("name", "seed")


def _runs_file(suite, setting, key, hint="give the same flags, or another file"):
    """The ganzoo.runs_file.RunsFile of --output_json (in memory without one) for `suite`."""
    from ganzoo.runs_file import RunsFile

    return RunsFile(FLAGS.output_json, suite, setting, key, label=f"--output_json="
                    f"{FLAGS.output_json}", hint=hint)


def _fashion_run(name, reference, seed, streams, shape, class_names, requested, test, extractor,
                 work):
    """One row of the fashion table: train `name` (a ganzoo model whose keras.io `reference` is
    given, or a keras.io reference) on streams[conditional], sample, score, draw its grid."""
    import keras

    import benchmark_lib
    import ganzoo
    from ganzoo.models import recipes

    steps, batch_size = FLAGS.steps or 3000, FLAGS.batch_size or 64
    if reference is None:
        keras.utils.set_random_seed(seed)
        model = benchmark_lib.KERAS_IO_REFERENCES[name](shape, len(class_names))
        wall = _fit_reference(model, streams[model.conditional], steps)
    else:
        conditional = ganzoo.get_model_class(name).conditional
        # What `ganzoo-train --dataset=<the folder>` would use: the recipe's values, if any.
        recipe = recipes.recipe_for(name, FLAGS.fashion_dir)
        recipe_args = dict(recipe.model_args) if recipe else {}
        model_args = dict(recipe_args)
        if conditional:
            model_args.update(num_classes=len(class_names), class_names=class_names)
        model, wall = _train_ganzoo(name, streams[conditional], steps, seed, model_args,
                                    os.path.join(work, f"{name}_{seed}"), "fashion")
    labels = requested if model.conditional else None
    samples = model.generate(num_samples=len(test[0]) if labels is None else len(labels),
                             labels=labels, seed=10_000 + seed)
    row = {"name": name, "reference": reference, "seed": seed, "wall_seconds": wall,
           "recipe": recipe_args if reference is not None else None,
           "images_per_second": steps * batch_size / wall,
           **_scores(samples, labels, test, extractor, class_names)}
    if seed == 0 and FLAGS.fashion_grid_dir:
        row["grid"] = _write_grid(os.path.join(FLAGS.fashion_grid_dir, f"{name}.png"), model,
                                  class_names)
    print(f"seed {seed} {name:24}: FID {row['fid']:.3f}, KID {row['kid']:.4f}, precision "
          f"{row['precision']:.3f}, recall {row['recall']:.3f}, {wall:.0f} s", flush=True)
    return row


def fashion_suite():
    import numpy as np

    import benchmark_lib
    from ganzoo import data, evaluation, train_lib
    from ganzoo.configs import DataConfig

    folder = FLAGS.fashion_dir
    benchmark_lib.check_fashion_folder(folder)
    steps, batch_size, seeds = FLAGS.steps or 3000, FLAGS.batch_size or 64, FLAGS.seeds or 1
    class_names = [str(name) for name in data.class_names(folder)]
    train = _labelled_arrays(folder, "train", None)
    test = _labelled_arrays(folder, "test", None)
    shape = train[0].shape[1:]
    contenders = benchmark_lib.fashion_contenders(FLAGS.models, shape, FLAGS.fashion_references)
    with tempfile.TemporaryDirectory() as work:
        extractor, classifier = _domain_classifier(
            FLAGS.fashion_classifier, train, test, len(class_names), work
        )
        evaluation.check_classifier(extractor, class_names)
        setting = {"dataset": os.path.abspath(folder), "train_images": len(train[0]),
                   "test_images": len(test[0]), "image_shape": list(shape), "steps": steps,
                   "batch_size": batch_size, "classifier": extractor.name}
        runs_file = _runs_file("fashion", setting, FASHION_RUN_FIELDS,
                               "give the same flags and --fashion_classifier, or another file")
        # The floor: as many random training images as there are test images (see the docstring).
        pick = np.random.default_rng(0).permutation(len(train[0]))[: len(test[0])]
        runs_file.update(classifier=classifier, real_floor=_scores(
            train[0][pick], train[1][pick], test, extractor, class_names))
        runs_file.add_command(_command())
        requested = evaluation.balanced_labels(len(class_names), len(test[0]) // len(class_names))
        data_config = DataConfig(dataset=folder, batch_size=batch_size)
        for seed in range(seeds):
            # The same images in the same order (the one `ganzoo-train --seed` reads), with their
            # labels for the conditional models.
            streams = {conditional: train_lib.training_stream(data_config, seed, conditional)[0]
                       for conditional in (False, True)}
            for name, reference in contenders:
                if runs_file.has((name, seed)):
                    print(f"seed {seed} {name}: in {FLAGS.output_json} already", flush=True)
                    continue
                runs_file.add(_fashion_run(name, reference, seed, streams, shape, class_names,
                                           requested, test, extractor, work))
    results = runs_file.record
    print(fashion_table(results), flush=True)
    return results


def _command():
    """This process's command line, as a user would type it from the repository's root."""
    return " ".join(["python scripts/benchmark_quality.py", *sys.argv[1:]])


def _mean(rows, key, digits):
    """Mean (+- std over seeds when several) of `key` over `rows`, or "-" where it is None."""
    import numpy as np

    values = np.array([row[key] for row in rows if row.get(key) is not None], dtype=float)
    if not len(values):
        return "-"
    text = f"{values.mean():.{digits}f}"
    return text + (f" ± {values.std():.{digits}f}" if len(values) > 1 else "")


def fashion_table(results):
    """The fashion suite's results as Markdown: a header line, the table (ganzoo models, the
    keras.io references, the real-vs-real floor) and the commands that produced it."""
    import benchmark_lib
    from ganzoo.models import recipes

    setting, classifier, runs = results["setting"], results["classifier"], results["runs"]
    names = list(dict.fromkeys(row["name"] for row in runs))
    fids = {name: _mean([r for r in runs if r["name"] == name], "fid", 2) for name in names}

    def fid_ratio(name, reference):
        if reference is None or reference not in names:
            return "-"
        ours = [r["fid"] for r in runs if r["name"] == name]
        theirs = [r["fid"] for r in runs if r["name"] == reference]
        return f"{(sum(ours) / len(ours)) / (sum(theirs) / len(theirs)):.2f}"

    lines = [
        f"Fashion-MNIST, {setting['image_shape'][0]}x{setting['image_shape'][1]}: "
        f"{setting['steps']} generator steps at batch {setting['batch_size']} on the "
        f"{setting['train_images']:,} training images, float32, mean ± std over a row's "
        f"seeds; "
        f"{setting['test_images']:,} samples each against the {setting['test_images']:,} "
        f"test images in the features of {classifier['name']} (test accuracy "
        f"{classifier['test_accuracy']:.4f}). FID / ref.: ganzoo's FID over its keras.io "
        f"reference's at the same steps (below 1: ganzoo's is better).",
        "",
        "| model | keras.io reference | seeds | FID ↓ | FID / ref. | KID ↓ | precision ↑ "
        "| recall ↑ | class accuracy ↑ | wall s | images/s | samples |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in names:
        rows = [r for r in runs if r["name"] == name]
        reference = rows[0]["reference"]
        label = name if reference else f"{name} (`{benchmark_lib.KERAS_IO_EXAMPLES[name]}`)"
        if rows[0].get("recipe"):  # the Fashion-MNIST recipe ganzoo-train applies too
            label += f" (recipe: {recipes.format_values(rows[0]['recipe'])})"
        grid = rows[0].get("grid")
        lines.append(
            f"| {label} | {reference or '-'} | {len(rows)} | {fids[name]} | "
            f"{fid_ratio(name, reference)} | "
            f"{_mean(rows, 'kid', 4)} | {_mean(rows, 'precision', 3)} | "
            f"{_mean(rows, 'recall', 3)} | {_mean(rows, 'class_accuracy', 3)} | "
            f"{_mean(rows, 'wall_seconds', 0)} | {_mean(rows, 'images_per_second', 0)} | "
            f"{f'![{name}]({grid})' if grid else '-'} |"
        )
    floor = results["real_floor"]
    lines.append(
        f"| real: {setting['test_images']:,} training vs test images (floor) | - | - | "
        f"{floor['fid']:.2f} | - | "
        f"{floor['kid']:.4f} | {floor['precision']:.3f} | {floor['recall']:.3f} | "
        f"{floor['class_accuracy']:.3f} | - | - | - |"
    )
    lines += ["", "Produced by:", *[f"    {command}" for command in results["commands"]]]
    return "\n".join(lines)


# PacGAN's toy protocol (Lin et al. 2018, Sec. 5.1 and its code, fjxmlzn/PacGAN
# synthetic_data_experiments): 100,000 fixed points per run, batches of 100 packs, Adam(1e-4,
# beta_1=0.8) for both networks, 400 epochs of 1,000 batches.
PACGAN_TRAINING_POINTS = 100_000
PACGAN_UPDATES = 400_000
PACGAN_SETTINGS = {"architecture": "pacgan_mlp", "latent_dim": 2, "d_learning_rate": 1e-4,
                   "g_learning_rate": 1e-4, "beta_1": 0.8, "beta_2": 0.999}
# Steps per tf.function call, compiled with XLA: on an idle 2-core CPU an update of the grid's
# GAN took 6.8 ms so, against 13.7 ms with 10 steps a call and no XLA (20.5 ms with 100 and no
# XLA; 10.2 ms with 10 and XLA), which halves the hours of the paper's budget. The step is the
# same train_step, but XLA turns the same random bits into other floats (ganzoo.noise): a run
# with XLA draws other noise than one without, so `xla` is part of the results' setting.
PACGAN_STEPS_PER_EXECUTION = 100
PACGAN_STEPS_PER_EXECUTION_WITHOUT_XLA = 10
# What identifies a run in the pacgan results file.
PACGAN_RUN_FIELDS = ("dataset", "model", "packing", "seed")


def _coverage_both_ways(samples, centers, std):
    """(mode_coverage with a mode covered by one high-quality sample, PacGAN's code; the same
    with 1 % of the samples, 25 of 2,500)."""
    from ganzoo import metrics

    return (metrics.mode_coverage(samples, centers, std, min_samples_per_2500=1),
            metrics.mode_coverage(samples, centers, std, min_samples_per_2500=25))


def _curve_callback(dataset, chunk, seed, points, label):
    """A Keras callback: at the end of every "epoch" of `chunk` updates (one point of the
    curve), PacGAN's mode coverage of the model's samples from fixed noise, appended to
    `points` as {"updates", "modes", "modes_1_percent", "high_quality_percent", "reverse_kl"}
    and printed after `label` when the run scores more than once (its progress)."""
    import time

    import keras

    from ganzoo import data

    centers, std = data.mode_centers(dataset)

    class ModeCoverageCurve(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            # The same noise at every point of a run (PacGAN draws its 2,500 once).
            samples = self.model.generate(FLAGS.num_samples, seed=10_000 + seed)
            any_sample, one_percent = _coverage_both_ways(samples, centers, std)
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
    points = data.sample_toy(dataset, PACGAN_TRAINING_POINTS, seed=seed)
    # Packs of `packing` consecutive points of a stream reshuffled with a fixed seed: random
    # packs of the fixed training points, as PacGAN's code draws them.
    stream = without_autotuning(
        tf.data.Dataset.from_tensor_slices(points).repeat()
        .shuffle(PACGAN_TRAINING_POINTS, seed=seed, reshuffle_each_iteration=False)
        .batch((FLAGS.batch_size or 100) * packing, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
    )
    model = ganzoo.get_model(model_name, data_shape=(2,), packing=packing, seed=seed,
                             precision="float32", **PACGAN_SETTINGS)
    per_call = (PACGAN_STEPS_PER_EXECUTION if FLAGS.xla
                else PACGAN_STEPS_PER_EXECUTION_WITHOUT_XLA)
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


def pacgan_suite():
    from ganzoo.errors import GanzooError

    budget, seeds = FLAGS.budget, FLAGS.seeds or 5
    chunk = FLAGS.curve or budget
    if budget % chunk:
        raise GanzooError(f"--curve={chunk} must divide --budget={budget}")
    models = FLAGS.models or ["nsgan"]
    packings = [int(p) for p in FLAGS.packings]
    setting = {"budget": budget, "curve_every": chunk, "packs_per_batch": FLAGS.batch_size or 100,
               "training_points": PACGAN_TRAINING_POINTS, "num_samples": FLAGS.num_samples,
               "xla": FLAGS.xla, **PACGAN_SETTINGS}
    runs_file = _runs_file("pacgan", setting, PACGAN_RUN_FIELDS)
    runs_file.add_command(_command())
    for dataset in FLAGS.datasets:
        for model_name in models:
            for packing in packings:
                for seed in range(FLAGS.first_seed, FLAGS.first_seed + seeds):
                    identity = (dataset, model_name, packing, seed)
                    label = f"{dataset} {model_name} packing {packing} seed {seed}"
                    if runs_file.has(identity):  # another process's, or an earlier command's
                        print(f"{label}: in {FLAGS.output_json} already", flush=True)
                        continue
                    run = {**dict(zip(PACGAN_RUN_FIELDS, identity)),
                           **_pacgan_run(dataset, model_name, packing, seed, budget, chunk, label)}
                    runs_file.add(run)
                    last = run["curve"][-1]
                    print(f"{label}: {last['modes']} modes ({last['modes_1_percent']} with 1 % "
                          f"of the samples), {last['high_quality_percent']:.1f} % high quality "
                          f"after {last['updates']} updates, {run['wall_seconds']:.0f} s",
                          flush=True)
    results = runs_file.record
    print(pacgan_table(results), flush=True)
    return results


def _published(dataset, packing):
    """PacGAN Table 1's figure for its GAN (packing 1) or PacGAN<m> on `dataset`, or "-"."""
    name = "GAN" if packing == 1 else f"PacGAN{packing}"
    return f"{name}: {PUBLISHED[dataset][name]}" if name in PUBLISHED[dataset] else "-"


def pacgan_table(results):
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
        f"{PACGAN_UPDATES:,}) at {setting['packs_per_batch']} packs a batch on "
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


def toy_suite():
    import time

    from ganzoo import data, images, train_lib
    from ganzoo.configs import DataConfig, ModelConfig, TrainConfig

    seeds = FLAGS.seeds or 5
    # Only the values given as flags override the recipe (the README's commands set none).
    overrides = {name: FLAGS[flag].value for name, flag in (
        ("latent_dim", "latent_dim"), ("width", "width"),
        ("d_learning_rate", "learning_rate"), ("g_learning_rate", "learning_rate"),
    ) if FLAGS[flag].value is not None}
    results = []
    for dataset in FLAGS.datasets:
        centers, std = data.mode_centers(dataset)
        for model_name in FLAGS.models or ["nsgan"]:
            runs = []
            for seed in range(FLAGS.first_seed, FLAGS.first_seed + seeds):
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
                coverage, one_percent = _coverage_both_ways(samples, centers, std)
                if seed == FLAGS.first_seed and FLAGS.toy_picture_dir:
                    os.makedirs(FLAGS.toy_picture_dir, exist_ok=True)
                    images.write_png(
                        os.path.join(FLAGS.toy_picture_dir, f"{model_name}_{dataset}.png"),
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
                cli.write_json(FLAGS.output_json, {"command": _command(), "results": [
                    *results, _toy_summary(dataset, model_name, len(centers), runs)]})
            results.append(_toy_summary(dataset, model_name, len(centers), runs))
    print(toy_table(results), flush=True)
    return {"command": _command(), "results": results}


def _toy_summary(dataset, model_name, num_modes, runs):
    """One (data set, model) of the toy suite: its runs, and mean and std over them."""
    import numpy as np

    summary = {"dataset": dataset, "model": model_name, "num_modes": num_modes,
               "seeds": len(runs), "runs": runs}
    for field in ("modes_captured", "modes_1_percent", "high_quality_percent", "reverse_kl"):
        values = np.array([run[field] for run in runs], dtype=float)
        summary[field] = {"mean": float(values.mean()), "std": float(values.std())}
    return summary


def toy_table(results):
    """Markdown: per (data, model) the figures of every seed, their mean ± std, PacGAN's. A mode
    is covered by one high-quality sample (PacGAN's criterion) or, stricter, by 1 % of them."""
    lines = ["| data | model | seeds | modes per seed | modes (mean ± std) | modes with 1 % per "
             "seed | high-quality % per seed | high quality % (mean ± std) | reverse KL | "
             "PacGAN Table 1 |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        modes, quality, kl = r["modes_captured"], r["high_quality_percent"], r["reverse_kl"]

        def per_seed(key, form="{}"):
            return ", ".join(form.format(run[key]) for run in r["runs"])

        published = "; ".join(f"{name}: {PUBLISHED[r['dataset']][name]}"
                              for name in TOY_ANCHORS)
        lines.append(
            f"| {r['dataset']} | {r['model']} | {r['seeds']} | {per_seed('modes_captured')} (of "
            f"{r['num_modes']}) | {modes['mean']:.1f} ± {modes['std']:.1f} | "
            f"{per_seed('modes_1_percent')} | {per_seed('high_quality_percent', '{:.1f}')} | "
            f"{quality['mean']:.1f} ± {quality['std']:.1f} | {kl['mean']:.3f} ± "
            f"{kl['std']:.3f} | {published} |"
        )
    lines += ["", "Produced by:", f"    {_command()}"]
    return "\n".join(lines)


def main(argv):
    del argv
    suites = {"toy": toy_suite, "mnist": mnist_suite, "conditional": conditional_suite,
              "fashion": fashion_suite, "pacgan": pacgan_suite}
    results = suites[FLAGS.suite]()
    # The suites of hour-long runs keep --output_json themselves, run by run and merged with what
    # other processes write there (ganzoo.runs_file); writing here could drop another's run.
    if FLAGS.suite not in ("fashion", "pacgan"):
        cli.write_json(FLAGS.output_json, results)


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
