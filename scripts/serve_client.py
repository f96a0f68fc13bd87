r"""Ask a running TF Serving for samples (REST or gRPC) and write them as a PNG grid.

    # Server: docker run -p 8500:8500 -p 8501:8501 \
    #   -v "$PWD/saved_models/dcgan:/models/dcgan" -e MODEL_NAME=dcgan tensorflow/serving
    python scripts/serve_client.py --model=dcgan --num_samples=16 --seed=0 --output=runs/grid.png
    python scripts/serve_client.py --protocol=grpc --server=localhost:8500 --model=dcgan
    python scripts/serve_client.py --model=dcgan --metadata     # print the signatures

Conditional models (cgan, acgan): one row per class in the grid, its name at the left.

    python scripts/serve_client.py --model=cgan --labels=3,3,7      # one sample per label
    python scripts/serve_client.py --model=cgan --class_name=sneaker --num_samples=16

Class names come from the served model's `class_names` signature, over the same protocol;
without --labels or --class_name a conditional model's samples cycle through the classes.
--metadata prints every signature's inputs (a conditional model's `labels` among them) and
the class names.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # For `cli` in a checkout.

import cli  # noqa: E402
from absl import flags  # noqa: E402

flags.DEFINE_enum("protocol", "rest", ["rest", "grpc"], "REST (port 8501) or gRPC (port 8500).")
flags.DEFINE_string("server", None, "host:port; default localhost:8501 (rest) or :8500 (grpc).")
flags.DEFINE_string("model", "dcgan", "Model name on the server.")
flags.DEFINE_integer("version", None, "Model version; default: the server's latest.", lower_bound=1)
flags.DEFINE_integer("num_samples", 16, "Images to ask for.", lower_bound=1, upper_bound=4096)
flags.DEFINE_integer("seed", 0, "Noise seed: the same seed gives the same images.")
flags.DEFINE_list("labels", None, "Conditional models: class ids, one sample each, e.g. 3,3,7.")
flags.DEFINE_string("class_name", None, "Conditional models: --num_samples of this class.")
flags.DEFINE_string("output", "runs/served_samples.png",
                    "PNG grid to write (its folder is created).")
flags.DEFINE_bool("metadata", False, "Print the model's signatures instead of sampling.")
flags.DEFINE_float("timeout", 30.0, "Seconds to wait for the server.")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    import math

    from ganzoo import images, serving_client

    server = FLAGS.server or ("localhost:8501" if FLAGS.protocol == "rest" else "localhost:8500")
    client = serving_client.make_client(
        FLAGS.protocol, server, FLAGS.model, FLAGS.version, FLAGS.timeout
    )
    signatures = client.signatures()
    names = serving_client.class_names(client, signatures)
    if FLAGS.metadata:
        for name, signature in sorted(signatures.items()):
            print(name)
            for kind in ("inputs", "outputs"):
                for tensor, (dtype, shape) in sorted(signature[kind].items()):
                    print(f"  {kind[:-1]:6} {tensor:14} {dtype:8} {shape}")
        if names is not None:
            print(f"classes ({len(names)}, ids 0..{len(names) - 1}): {', '.join(names)}")
        return
    labels = serving_client.resolve_labels(
        names, FLAGS.num_samples, FLAGS.labels or None, FLAGS.class_name
    )
    count = FLAGS.num_samples if labels is None else len(labels)
    batch = serving_client.sample_images(client, count, FLAGS.seed, labels)
    if labels is None:
        picture = images.image_grid(batch)
    else:
        columns = int(math.ceil(math.sqrt(count))) if FLAGS.class_name is not None else None
        rows = images.rows_by_label(labels, batch, names, columns)
        picture = images.class_grid(rows, images.legible_upscale(batch.shape[1]))
    images.write_png(FLAGS.output, picture)
    print(f"wrote {len(batch)} samples from {FLAGS.model} at {server} to {FLAGS.output}")


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
