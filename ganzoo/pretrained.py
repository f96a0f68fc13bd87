"""Shipped models: a trained GAN's folder, which TF Serving serves and Python fine-tunes.

A shipped model's folder (saved_models/<name>/, written by scripts/build_zoo.py) holds:

    1/                  the generator SavedModel (ganzoo.export), the version TF Serving serves
    config.json         {"format": 1, "model": zoo name, "config": the model's get_config()
                        (data_shape, every argument, num_classes and class_names of conditional
                        models), "run": the training run's run.json, "build": what the build
                        recorded (command, fingerprint, wall time, machine, commit, scores)}
    weights.weights.h5  G's and D's weights (and G's average with g_ema_decay), the Keras
                        weights format of an uncompiled model: no optimizer state, which would
                        double the file (two Adam moments per weight)
    model_card.md       what the model is and how it was made, incl. its weights fingerprint
    samples.png         a grid of its samples

TF Serving takes only the children of a model's base path that parse as integers as versions
(FileSystemStoragePathSource's ParseVersionNumber), so the files beside `1/` are ignored by the
server; ganzoo-sample and ganzoo-evaluate pick the highest numbered version in the same way.

Fine-tuning (`load_pretrained`) starts from the shipped weights with FRESH optimizers: the
shipped file has no optimizer state, and Adam's moments from the original data would push the
first steps on new data the old way. Its step counter also restarts at 0, so the noise
(keyed on the step, see GANModel.replica_draw) repeats the original run's sequence; that is
harmless, and a different `seed=` gives other noise.
"""

import json
import os
import re
import warnings

import tensorflow as tf

from ganzoo.errors import GanzooError
from ganzoo.models import arguments as model_arguments
from ganzoo.registry import get_model_class

FORMAT = 1
SHIPPED_VERSION = 1
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "weights.weights.h5"
CARD_FILE = "model_card.md"
SAMPLES_FILE = "samples.png"
# Everything of a shipped folder; other numbered versions beside `1/` are users' own exports.
SHIPPED_ENTRIES = (str(SHIPPED_VERSION), CONFIG_FILE, WEIGHTS_FILE, SAMPLES_FILE, CARD_FILE)
# The card's row naming the fingerprint (train_lib.weights_fingerprint) of weights.weights.h5.
FINGERPRINT_ROW = "| weights fingerprint | `{}` |"
_FINGERPRINT_PATTERN = re.compile(r"^\| weights fingerprint \| `([0-9a-f]{16})` \|$", re.M)


def save_pretrained(model, folder, run=None, build=None):
    """Write `model`'s config.json and weights.weights.h5 into `folder` (created if needed).

    Args:
        model: a GANModel, compiled or not.
        folder: the shipped model's folder, e.g. "saved_models/dcgan_digits".
        run: the run.json of the training run, or None.
        build: a JSON-able dict of how the model was built (scripts/build_zoo.py's record,
            from which it writes the card and the README row), or None.

    Returns:
        (config path, weights path).
    """
    os.makedirs(folder, exist_ok=True)
    config = {"format": FORMAT, "model": model.zoo_name, "config": model.get_config(),
              "run": run, "build": build}
    config_path = os.path.join(folder, CONFIG_FILE)
    with open(config_path, "w") as config_file:
        json.dump(config, config_file, indent=2)
        config_file.write("\n")
    # An uncompiled twin holds the same weights without the optimizers, whose state a compiled
    # model's save_weights would add.
    twin = type(model).from_config(model.get_config())
    twin.set_weights(model.get_weights())
    weights_path = os.path.join(folder, WEIGHTS_FILE)
    twin.save_weights(weights_path)
    return config_path, weights_path


def read_config(folder):
    """The config.json of a shipped model's folder, as a dict (see the module docstring)."""
    path = os.path.join(folder, CONFIG_FILE)
    if not os.path.isfile(path):
        hint = (f"; give the model's folder, {os.path.dirname(os.path.normpath(folder))!r}"
                if os.path.basename(os.path.normpath(folder)).isdigit() else "")
        raise GanzooError(
            f"{folder!r} is not a shipped model: it has no {CONFIG_FILE}{hint} (shipped models "
            f"are the folders of saved_models/ with a {CARD_FILE})"
        )
    with open(path) as config_file:
        config = json.load(config_file)
    if config.get("format") != FORMAT:
        raise GanzooError(
            f"{path} has format {config.get('format')!r}; this ganzoo reads format {FORMAT}"
        )
    return config


def load_pretrained(folder, strategy=None, compile=True, **overrides):
    """A shipped model with its trained G and D weights, ready to fine-tune with `model.fit`.

        model = ganzoo.load_pretrained("saved_models/dcgan_digits")
        model.fit(ganzoo.data.load_dataset("my_digits/", batch_size=64, image_size=32,
                                           channels=1), epochs=5)

    Args:
        folder: a shipped model's folder (holding config.json and weights.weights.h5).
        strategy: a tf.distribute strategy to build and compile in (docs/design.md, facts 1-2); None
            uses the current one.
        compile: compile with fresh Adam optimizers from the model's learning rates and betas
            (see the module docstring for why they are not restored).
        **overrides: model arguments to change for fine-tuning, e.g. g_learning_rate=1e-4,
            seed=1 or precision="mixed_bfloat16"; ones that change the networks' shapes
            (width, latent_dim, ...) do not fit the weights and are refused in one line.

    Returns:
        A GANModel: the shipped configuration's data_shape (your data must have it: pass
        image_size and channels to load_dataset) and, for a conditional model, its classes
        (your data's labels must be in [0, num_classes)).
    """
    config = read_config(folder)
    model_class = get_model_class(config["model"])
    # Configs saved before parts owned their arguments hold every part's arguments.
    saved = model_arguments.without_unused_parts(config["model"], model_class.defaults,
                                                 config["config"])
    arguments = {**saved, **overrides}
    with (strategy or tf.distribute.get_strategy()).scope():
        model = model_class(**arguments)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", UserWarning)
                model.load_weights(os.path.join(folder, WEIGHTS_FILE))
            # Keras may only warn that a layer keeps its fresh weights: that is a failure too.
            if any("freshly-initialized" in str(warning.message) for warning in caught):
                raise ValueError("weights left unloaded")
        except (ValueError, OSError):
            changed = ", ".join(f"{k}={v!r}" for k, v in sorted(overrides.items())) or "none"
            raise GanzooError(
                f"the weights in {folder!r} do not fit its {config['model']} with the overrides "
                f"{changed}; only arguments that keep the networks' shapes can be changed (not "
                f"architecture, width, hidden_layers, latent_dim, d_normalization, num_classes)"
            ) from None
        if compile:
            model.compile()
    return model


def card_fingerprint(folder):
    """The weights fingerprint the model card in `folder` declares (16 hex digits)."""
    path = os.path.join(folder, CARD_FILE)
    if not os.path.isfile(path):
        raise GanzooError(f"no model card at {path}")
    with open(path) as card:
        match = _FINGERPRINT_PATTERN.search(card.read())
    if match is None:
        raise GanzooError(f"{path} has no row {FINGERPRINT_ROW.format('<16 hex digits>')!r}")
    return match.group(1)


def shipped_folders(root):
    """Sorted folders under `root` that hold a shipped model (a model card and config.json)."""
    if not os.path.isdir(root):
        return []
    return sorted(
        os.path.join(root, entry)
        for entry in os.listdir(root)
        if not entry.startswith(".")
        and all(os.path.isfile(os.path.join(root, entry, f)) for f in (CARD_FILE, CONFIG_FILE))
    )

