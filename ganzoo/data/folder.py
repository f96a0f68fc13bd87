"""A folder of image files (searched recursively) as a tf.data.Dataset of uint8 images."""

import os

import tensorflow as tf

from ganzoo.errors import GanzooError

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")


def list_image_files(folder):
    """Sorted paths of every image file below `folder`; an error if there are none."""
    if not os.path.isdir(folder):
        raise GanzooError(f"image folder {folder!r} does not exist")
    paths = sorted(
        os.path.join(root, name)
        for root, _, names in os.walk(folder)
        for name in names
        if name.lower().endswith(IMAGE_EXTENSIONS)
    )
    if not paths:
        raise GanzooError(
            f"no images in folder {folder!r}; looked for files ending in "
            f"{', '.join(IMAGE_EXTENSIONS)}"
        )
    return paths


def folder_images(folder, channels):
    """uint8 images [H, W, channels] decoded from every image file below `folder`.

    Images may differ in size; the pipeline crops and resizes them afterwards.
    """

    def decode(path):
        image = tf.io.decode_image(
            tf.io.read_file(path), channels=channels, expand_animations=False
        )
        image.set_shape([None, None, channels])
        return image

    return tf.data.Dataset.from_tensor_slices(list_image_files(folder)).map(
        decode, num_parallel_calls=tf.data.AUTOTUNE
    )
