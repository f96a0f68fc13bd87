"""Quality benchmarks beside published anchors.

    python scripts/benchmark_quality.py --suite=toy --seeds=5 --output_json=quality_toy.json
    python scripts/benchmark_quality.py --suite=mnist --mnist_dir=../shared/data/mnist

toy: for each data set (ring of 8, grid of 25 Gaussians), model (gan, nsgan) and seed, train
with the given budget, draw 2,500 samples (as PacGAN does) and score them with
ganzoo.metrics.mode_coverage: mean +- std over seeds of modes captured, high-quality samples (%)
and reverse KL over the modes, next to PacGAN's Table 1.

mnist: the 10,000 real MNIST test digits (IDX files), shuffled with seed 0: 8,000 train dcgan
(28x28) and a domain classifier; 2,000 are held apart. FID/KID (domain-classifier features) of 2,000
generated digits against the held-apart ones, and of 2,000 training digits against them (the
real-vs-real floor). Writes a sample grid.
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # For `cli` in a checkout.

import cli  # noqa: E402
from absl import flags  # noqa: E402

flags.DEFINE_enum("suite", "toy", ["toy", "mnist"], "Which benchmark.")
flags.DEFINE_string("mnist_dir", "../shared/data/mnist", "Folder with t10k-*-idx*-ubyte.gz (mnist suite).")
flags.DEFINE_integer("mnist_epochs", 20, "dcgan epochs over the 8,000 training digits (mnist suite).")
flags.DEFINE_string("grid_png", "mnist_dcgan_samples.png", "Sample grid of the mnist suite.")
flags.DEFINE_list("datasets", ["ring", "grid"], "Toy data sets.")
flags.DEFINE_list("models", ["gan", "nsgan"], "Models to compare.")
flags.DEFINE_integer("seeds", 5, "Seeds per (data set, model).", lower_bound=1)
flags.DEFINE_integer("steps", 6000, "Generator steps per run.", lower_bound=1)
flags.DEFINE_integer("batch_size", 256, "Global batch size.")
flags.DEFINE_integer("width", 128, "Hidden units of G and D.")
flags.DEFINE_integer("latent_dim", 8, "Latent width.")
flags.DEFINE_float("learning_rate", 1e-3, "Adam learning rate of both networks (toy suite; the "
                   "betas are the model's: gan and nsgan 0.5, 0.999).")
flags.DEFINE_integer("num_samples", 2500, "Samples scored per run (PacGAN: 2,500).")
flags.DEFINE_string("output_json", None, "Also write the results here.")
FLAGS = flags.FLAGS

# PacGAN (Lin et al. 2018), Table 1: modes captured and high-quality samples (%).
PUBLISHED = {
    "ring": {"GAN": "6.3 +- 0.5 modes, 98.2 %", "VEEGAN": "8 modes, 52.9 %"},
    "grid": {"GAN": "17.3 +- 0.8 modes, 94.8 %", "VEEGAN": "24.6 modes, 40 %"},
}


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
    from ganzoo.configs import DataConfig, ModelConfig, TrainConfig
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
        folder = os.path.join(work, "digits")
        os.makedirs(folder)
        for index, image in enumerate(digits[:8000]):
            tf.io.write_file(os.path.join(folder, f"{index:05d}.png"), tf.io.encode_png(image))
        classifier_path = os.path.join(work, "mnist_classifier.keras")
        metadata = features.train_domain_classifier(
            tf.data.Dataset.from_tensor_slices((train_images, labels[:8000])),
            tf.data.Dataset.from_tensor_slices((held_images, labels[8000:])),
            10, classifier_path, epochs=10,
        )
        print(f"domain classifier: held-out accuracy {metadata['test_accuracy']:.4f}", flush=True)
        extractor = features.domain_classifier(classifier_path)
        trained = train_lib.train(
            DataConfig(dataset=folder, image_size=28, channels=1, batch_size=64),
            # float32 as measured; dcgan's own Adam(2e-4, 0.5, 0.999) for both networks.
            ModelConfig(model="dcgan", precision="float32", model_args={"width": FLAGS.width}),
            TrainConfig(epochs=FLAGS.mnist_epochs, model_dir=os.path.join(work, "run"), export_dir="", verbose=2),
        )
        generated = trained.model.generate(2000, seed=1)
        model_scores = evaluation.score_images(generated, held_images, extractor, kid_subset_size=1000)
        floor = evaluation.score_images(train_images[:2000], held_images, extractor, kid_subset_size=1000)
    images.write_png(FLAGS.grid_png, images.samples_picture(generated[:64], upscale=2))
    print(f"\n{'compared with 2,000 held-apart digits':40} {'FID':>8} {'KID':>18}  features")
    for label, scores in (("dcgan samples", model_scores), ("real training digits (floor)", floor)):
        print(f"{label:40} {scores['fid']:8.3f} {scores['kid']:9.4f} +- {scores['kid_std_error']:.4f}  {scores['feature_extractor']}")
    print(f"sample grid: {FLAGS.grid_png}")
    return {"classifier": metadata, "dcgan": model_scores, "real_floor": floor,
            "config": {"epochs": FLAGS.mnist_epochs, "width": FLAGS.width, "batch_size": 64}}


def main(argv):
    del argv
    import numpy as np

    if FLAGS.suite == "mnist":
        cli.write_json(FLAGS.output_json, mnist_suite())
        return

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
                        ModelConfig(
                            model=model_name, precision="float32",  # as measured for the README
                            model_args={
                                "latent_dim": FLAGS.latent_dim, "width": FLAGS.width,
                                "d_learning_rate": FLAGS.learning_rate,
                                "g_learning_rate": FLAGS.learning_rate,
                            },
                        ),
                        TrainConfig(steps=FLAGS.steps, seed=seed, model_dir=model_dir,
                                    export_dir="", verbose=0),
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
    config = {k: FLAGS[k].value for k in ("steps", "batch_size", "width", "latent_dim", "learning_rate", "num_samples")}
    cli.write_json(FLAGS.output_json, {"config": config, "results": results})


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
