"""Write a PNG grid of samples from an exported SavedModel (no ganzoo model code needed).

    python scripts/sample.py --saved_model=saved_models/dcgan --num_samples=64 --seed=0 \
        --output=samples.png

--saved_model is a version directory or a model directory (its highest version is used).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # For `cli` in a checkout.

import cli  # noqa: E402
from absl import flags  # noqa: E402

flags.DEFINE_string("saved_model", "saved_models/dcgan", "SavedModel version or model directory.")
flags.DEFINE_integer("num_samples", 64, "Samples in the grid.", lower_bound=1)
flags.DEFINE_integer("seed", 0, "Noise seed: the same seed gives the same grid.")
flags.DEFINE_integer("upscale", 2, "Pixel repetition factor of the PNG.", lower_bound=1)
flags.DEFINE_string("output", "samples.png", "PNG file to write.")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    from ganzoo import export, images, noise

    path = export.resolve_version_dir(FLAGS.saved_model)
    serve = export.load_signature(path)
    latent_dim = serve.structured_input_signature[1]["latent"].shape[1]
    outputs = serve(latent=noise.latent_batch(FLAGS.num_samples, latent_dim, FLAGS.seed))
    samples = outputs["images"] if "images" in outputs else outputs["samples"]
    images.write_png(FLAGS.output, images.samples_picture(samples.numpy(), FLAGS.upscale))
    print(f"wrote {FLAGS.num_samples} samples from {path} to {FLAGS.output}")


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
