"""Generator-only SavedModels for TF Serving, written atomically to <export_dir>/<version>/.

Signature (the full serving contract grows in later releases; this one is stable):
    serving_default:
        input   latent        float32 [batch, latent_dim], N(0, 1) noise
        outputs images        float32 [batch, H, W, C] in [-1, 1]   (image models)
                images_uint8  uint8   [batch, H, W, C] in [0, 255]  (image models)
                samples       float32 [batch, *data_shape]          (non-image models, e.g. 2-D)

The SavedModel is a plain TensorFlow graph: loading it needs neither ganzoo nor Keras.
"""

import os
import shutil
import tempfile

import keras
import tensorflow as tf

from ganzoo import networks
from ganzoo.errors import GanzooError


def existing_versions(export_dir):
    """Sorted integer version numbers present under `export_dir` (TF Serving's convention)."""
    if not os.path.isdir(export_dir):
        return []
    return sorted(
        int(entry)
        for entry in os.listdir(export_dir)
        if entry.isdigit() and os.path.isdir(os.path.join(export_dir, entry))
    )


def generator_outputs(generator, latent, data_shape):
    """The serving outputs (see module docstring) of `generator` on a latent batch.

    A latent batch of the wrong width fails here with a message naming the expected shape
    (a signature called directly does not check static shapes), not deep inside a matmul.
    """
    latent_dim = generator.input_shape[-1]
    tf.debugging.assert_equal(
        tf.shape(latent)[-1],
        latent_dim,
        message=f"latent must be float32 [batch, {latent_dim}]",
    )
    samples = tf.cast(generator(latent, training=False), tf.float32)
    if not networks.is_image_shape(data_shape):
        return {"samples": samples}
    images_uint8 = tf.cast(
        tf.clip_by_value(tf.round((samples + 1.0) * 127.5), 0.0, 255.0), tf.uint8
    )
    return {"images": samples, "images_uint8": images_uint8}


def export_generator(model, export_dir, version=None, overwrite=False):
    """Write `model`'s generator as a SavedModel to `<export_dir>/<version>/`.

    Args:
        model: a GANModel.
        export_dir: the model's directory, e.g. "saved_models/dcgan".
        version: positive int; None takes the next free number (1 for an empty directory).
        overwrite: replace an existing version; without it an existing version is an error.

    Returns:
        The path of the version directory written.

    The SavedModel is built in a temporary directory beside the target and renamed into place,
    so a server polling `export_dir` never sees a half-written version, and a failed export
    leaves nothing behind.
    """
    if version is None:
        version = (existing_versions(export_dir) or [0])[-1] + 1
    if not isinstance(version, int) or version < 1:
        raise GanzooError(f"version must be a positive integer, got {version!r}")
    target = os.path.join(export_dir, str(version))
    if os.path.exists(target) and not overwrite:
        raise GanzooError(f"{target} already exists; pass overwrite=True (--overwrite) to replace it")
    os.makedirs(export_dir, exist_ok=True)

    generator, data_shape = model.generator, model.data_shape
    archive = keras.export.ExportArchive()
    archive.track(generator)
    archive.add_endpoint(
        "serving_default",
        lambda latent: generator_outputs(generator, latent, data_shape),
        input_signature=[tf.TensorSpec([None, model.latent_dim], tf.float32, name="latent")],
    )
    staging = tempfile.mkdtemp(prefix=f".tmp-{version}-", dir=export_dir)
    try:
        archive.write_out(staging, verbose=False)
        if os.path.exists(target):
            shutil.rmtree(target)
        os.rename(staging, target)
    finally:
        if os.path.exists(staging):
            shutil.rmtree(staging)
    return target


def load_serving_fn(path, signature="serving_default"):
    """The named signature of a SavedModel at `path`, as a callable taking keyword tensors."""
    if not os.path.isdir(path):
        raise GanzooError(f"no SavedModel at {path!r}")
    loaded = tf.saved_model.load(path)
    if signature not in loaded.signatures:
        raise GanzooError(
            f"SavedModel {path!r} has no signature {signature!r}; "
            f"it has: {', '.join(loaded.signatures)}"
        )
    return loaded.signatures[signature]


def resolve_version_dir(path):
    """`path` itself if it holds a SavedModel, else its highest-numbered version directory."""
    if os.path.exists(os.path.join(path, "saved_model.pb")):
        return path
    versions = existing_versions(path)
    if not versions:
        raise GanzooError(f"no SavedModel at {path!r} (and no numbered version directories in it)")
    return os.path.join(path, str(versions[-1]))
