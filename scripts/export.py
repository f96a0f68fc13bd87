"""Export a trained model's generator (and discriminator) as a versioned SavedModel for TF Serving.

    # From a training run's checkpoint (model_dir/model.keras) to runs/dcgan_digits/export/<next>/:
    ganzoo-export --checkpoint=runs/dcgan_digits
    # A chosen version, replacing what is there:
    ganzoo-export --checkpoint=runs/dcgan_digits/model.keras --version=3 --overwrite
    # Into a folder of models served together, and (re)write that folder's models.config:
    ganzoo-export --checkpoint=runs/nsgan_ring --export_dir=my_models/nsgan_ring \
        --model_config --saved_models_root=my_models
    # Only the models.config of the shipped zoo (saved_models/):
    ganzoo-export --model_config

The default --export_dir is the run's own export/ folder, as `ganzoo-train` exports: the shipped
zoo in saved_models/ changes only when --export_dir or --saved_models_root names it.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # For `cli` in a checkout.

import cli  # noqa: E402
from absl import flags  # noqa: E402

flags.DEFINE_string("checkpoint", None, "A .keras file, or a model_dir holding model.keras.")
flags.DEFINE_string(
    "export_dir", None,
    "Model directory for the versions; default: the checkpoint's folder's export/ "
    "(e.g. runs/dcgan_digits/export).",
)
flags.DEFINE_integer("version", None, "Version number; default: the next free one.", lower_bound=1)
flags.DEFINE_bool("overwrite", False, "Replace an existing version.")
flags.DEFINE_bool("discriminate", True, "Include the `discriminate` signature.")
flags.DEFINE_bool(
    "model_config", False, "Write <saved_models root>/models.config for every exported model."
)
flags.DEFINE_string(
    "saved_models_root", "saved_models", "Root holding <name>/<version>/ (for --model_config)."
)
flags.DEFINE_string(
    "serving_base_path", "/models",
    "Where the server sees --saved_models_root (the tensorflow/serving image mounts /models).",
)
FLAGS = flags.FLAGS


def main(argv):
    del argv
    from ganzoo import configs, writable
    from ganzoo.errors import GanzooError

    if not FLAGS.checkpoint and not FLAGS.model_config:
        raise GanzooError("give --checkpoint=<model.keras or model_dir>, --model_config, or both")
    if FLAGS.model_config and not FLAGS.checkpoint and not os.path.isdir(FLAGS.saved_models_root):
        raise GanzooError(
            f"--saved_models_root={FLAGS.saved_models_root} does not exist; it must hold the "
            f"exported <name>/<version>/ directories"
        )
    if FLAGS.model_config:
        writable.check_directory(FLAGS.saved_models_root, "--saved_models_root")
    if FLAGS.checkpoint:
        path = FLAGS.checkpoint
        if os.path.isdir(path):
            path = os.path.join(path, "model.keras")
        if not os.path.isfile(path):
            raise GanzooError(f"no checkpoint at {path!r} (expected a .keras file or a model_dir)")
        export_dir = FLAGS.export_dir or os.path.join(
            os.path.dirname(os.path.abspath(path)), configs.EXPORT_SUBDIR
        )
        writable.check_directory(export_dir, "--export_dir")

        import keras

        import ganzoo
        from ganzoo import export

        model = keras.models.load_model(path)
        if not isinstance(model, ganzoo.models.GANModel):
            raise GanzooError(f"{path!r} holds a {type(model).__name__}, not a ganzoo model")
        written = export.export_generator(
            model, export_dir, version=FLAGS.version, overwrite=FLAGS.overwrite,
            discriminate=FLAGS.discriminate,
        )
        print(f"SavedModel: {written}")
    if FLAGS.model_config:
        from ganzoo import export

        path, names = export.write_model_config(FLAGS.saved_models_root, FLAGS.serving_base_path)
        print(f"model config: {path} ({', '.join(names)})")


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
