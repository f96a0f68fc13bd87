r"""Write a PNG grid of samples from an exported SavedModel (no ganzoo model code needed).

    ganzoo-sample                  # 64 samples of the shipped dcgan_digits to runs/samples.png
    ganzoo-sample --saved_model=runs/dcgan_digits/export --num_samples=16 --seed=1 \
        --output=runs/mine.png         # your own run's latest export

Conditional models (cgan, acgan) write one row per class, its name at the left:

    ganzoo-sample --saved_model=saved_models/acgan_fashion --labels=7,7,9  # a row of two
        # sneakers, then a row with one ankle boot (one sample per label, rows in order of
        # first appearance)
    ganzoo-sample --saved_model=saved_models/acgan_fashion --class_name=Sneaker \
        --num_samples=16                       # 16 samples of that class
    ganzoo-sample --saved_model=saved_models/acgan_fashion --per_class=8   # every class
    ganzoo-sample --saved_model=saved_models/acgan_fashion  # num_samples, classes cycling

Style-based models (stylegan2) also take, through the SavedModel's `mapping` and `synthesis`
signatures:

    ganzoo-sample --saved_model=<stylegan2 export> --truncation=0.7   # styles pulled toward
        # the average style: cleaner samples, less variety (0 = all at the average)
    ganzoo-sample --saved_model=<stylegan2 export> --mixing=6   # a 6 x 6 grid: row i's coarse
        # styles (the first half of the layers) with column j's fine ones; the diagonal is plain
    ganzoo-sample --saved_model=<stylegan2 export> --interpolate=10   # a strip of 10 images,
        # w moving in a straight line from sample 0's to sample 1's

Class names come from the SavedModel's `class_names` signature. Sample i is drawn from the
noise of `seed` (row i of ganzoo.noise.latent_batch(n, latent_dim, seed)) with label i, as
model.generate(latent=..., labels=...) draws it; --per_class uses the same noise in every
row, so a column shows one style across the classes.
--saved_model is a version directory or a model directory (its highest version is used).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # For `cli` in a checkout.

import cli  # noqa: E402
from absl import flags  # noqa: E402

from ganzoo.configs import MAX_SAMPLES  # noqa: E402

flags.DEFINE_string(
    "saved_model", "saved_models/dcgan_digits",
    "SavedModel version or model directory (its highest version); default: the shipped dcgan.",
)
flags.DEFINE_integer("num_samples", 64, "Samples in the grid.", lower_bound=1,
                     upper_bound=MAX_SAMPLES)
flags.DEFINE_integer("seed", 0, "Noise seed: the same seed gives the same grid.")
flags.DEFINE_list("labels", None, "Conditional models: class ids, one sample each, e.g. 3,3,7.")
flags.DEFINE_string("class_name", None, "Conditional models: --num_samples of this class.")
flags.DEFINE_integer("per_class", None, "Conditional models: a grid of N samples of every class.",
                     lower_bound=1, upper_bound=MAX_SAMPLES)
flags.DEFINE_float("truncation", 1.0, "Style-based models: pull every w toward the average "
                   "style, w_avg + truncation * (w - w_avg); 1 = off.", lower_bound=0.0)
flags.DEFINE_integer("mixing", None, "Style-based models: an N x N style-mixing grid (row i's "
                     "coarse styles, column j's fine ones).", lower_bound=2, upper_bound=16)
flags.DEFINE_integer("interpolate", None, "Style-based models: a strip of N images "
                     "interpolating w between samples 0 and 1.", lower_bound=2,
                     upper_bound=MAX_SAMPLES)
flags.DEFINE_integer("upscale", 2, "Pixel repetition factor of the PNG.", lower_bound=1,
                     upper_bound=8)
flags.DEFINE_string("output", "runs/samples.png", "PNG file to write (its folder is created).")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    import math

    from ganzoo import writable
    from ganzoo.errors import GanzooError

    if FLAGS.labels and len(FLAGS.labels) > MAX_SAMPLES:
        raise GanzooError(f"--labels gives {len(FLAGS.labels)} samples; at most {MAX_SAMPLES}")
    if not os.path.isdir(FLAGS.saved_model):
        raise GanzooError(
            f"--saved_model={FLAGS.saved_model} is not a directory; give a SavedModel version "
            f"directory or a model directory (the shipped ones: saved_models/<name>)"
        )
    writable.check_file(FLAGS.output, "--output")

    import numpy as np
    import tensorflow as tf

    from ganzoo import export, images, noise, serving_client

    path = export.resolve_version_dir(FLAGS.saved_model)
    signatures = tf.saved_model.load(path).signatures
    serve = signatures["serving_default"]
    names = None
    if "class_names" in signatures:
        names = serving_client.decode_names(signatures["class_names"]()["class_names"].numpy())
    if names is None and FLAGS.per_class is not None:
        raise GanzooError("the model is unconditional (it has no class_names signature): it "
                          "takes no --per_class")
    if FLAGS.per_class is not None and (FLAGS.labels or FLAGS.class_name is not None):
        raise GanzooError("give one of --labels, --class_name and --per_class")
    latent_dim = serve.structured_input_signature[1]["latent"].shape[1]
    styled = FLAGS.truncation != 1.0 or FLAGS.mixing or FLAGS.interpolate
    if styled and "mapping" not in signatures:
        raise GanzooError(
            f"{path} has no mapping signature: --truncation, --mixing and --interpolate need a "
            f"style-based model (stylegan2)"
        )
    if FLAGS.mixing and FLAGS.interpolate:
        raise GanzooError("give one of --mixing and --interpolate")
    if (FLAGS.mixing or FLAGS.interpolate) and names is not None:
        raise GanzooError("--mixing and --interpolate take unconditional models")
    if FLAGS.mixing or FLAGS.interpolate:
        samples = _styled_figure(signatures, latent_dim)
        columns = FLAGS.mixing or FLAGS.interpolate
        picture = images.samples_picture(samples, FLAGS.upscale, columns=columns)
        images.write_png(FLAGS.output, picture)
        print(f"wrote {len(samples)} samples from {path} to {FLAGS.output}")
        return
    columns = None
    if FLAGS.per_class is not None:
        latent = np.tile(noise.latent_batch(FLAGS.per_class, latent_dim, FLAGS.seed).numpy(),
                         (len(names), 1))
        labels = np.repeat(np.arange(len(names), dtype=np.int32), FLAGS.per_class)
    else:
        labels = serving_client.resolve_labels(
            names, FLAGS.num_samples, FLAGS.labels or None, FLAGS.class_name
        )
        count = FLAGS.num_samples if labels is None else len(labels)
        latent = noise.latent_batch(count, latent_dim, FLAGS.seed)
        if FLAGS.class_name is not None:
            columns = int(math.ceil(math.sqrt(count)))
    if len(latent) > MAX_SAMPLES:
        raise GanzooError(
            f"--per_class={FLAGS.per_class} for {len(names)} classes asks for {len(latent)} "
            f"samples; at most {MAX_SAMPLES}"
        )
    if FLAGS.truncation != 1.0:
        ws, seeds = _mapped(signatures, latent, labels)
        outputs = signatures["synthesis"](ws=ws, noise_seeds=seeds)
    elif labels is None:
        outputs = serve(latent=latent)
    else:
        outputs = serve(latent=tf.constant(latent), labels=tf.constant(labels))
    samples = (outputs["images"] if "images" in outputs else outputs["samples"]).numpy()
    if labels is None:
        picture = images.samples_picture(samples, FLAGS.upscale)
    else:
        rows = images.rows_by_label(labels, samples, names, columns)
        picture = images.class_grid(rows, FLAGS.upscale)
    images.write_png(FLAGS.output, picture)
    print(f"wrote {len(samples)} samples from {path} to {FLAGS.output}")


def _mapped(signatures, latent, labels=None):
    """(ws [n, num_ws, latent_dim], noise seeds [n]) of the latent rows, truncated by
    --truncation."""
    import numpy as np
    import tensorflow as tf

    inputs = {"latent": tf.constant(latent, tf.float32),
              "truncation": tf.constant(FLAGS.truncation, tf.float32)}
    if labels is not None:
        inputs["labels"] = tf.constant(labels)
    mapped = signatures["mapping"](**inputs)
    count = signatures["synthesis"].structured_input_signature[1]["ws"].shape[1]
    ws = np.repeat(mapped["w"].numpy()[:, None, :], count, axis=1)
    return tf.constant(ws), mapped["noise_seeds"]


def _styled_figure(signatures, latent_dim):
    """The --mixing grid or the --interpolate strip: float32 images [n, H, W, C]."""
    import numpy as np
    import tensorflow as tf

    from ganzoo import noise

    synthesis = signatures["synthesis"]
    if FLAGS.mixing:
        n = FLAGS.mixing
        ws, seeds = _mapped(signatures, noise.latent_batch(n, latent_dim, FLAGS.seed))
        ws, half = ws.numpy(), ws.shape[1] // 2
        rows = np.repeat(np.arange(n), n)  # cell (i, j): row i, column j
        columns = np.tile(np.arange(n), n)
        mixed = ws[rows].copy()
        mixed[:, half:] = ws[columns, half:]
        seeds = tf.gather(seeds, rows)
        return synthesis(ws=tf.constant(mixed), noise_seeds=seeds)["images"].numpy()
    n = FLAGS.interpolate
    ws, seeds = _mapped(signatures, noise.latent_batch(2, latent_dim, FLAGS.seed))
    ws = ws.numpy()
    t = np.linspace(0.0, 1.0, n, dtype=np.float32)[:, None, None]
    path = (1.0 - t) * ws[:1] + t * ws[1:2]
    seeds = tf.repeat(seeds[:1], n)
    return synthesis(ws=tf.constant(path), noise_seeds=seeds)["images"].numpy()


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
