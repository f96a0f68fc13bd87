"""A folder of image files (searched recursively) as a tf.data.Dataset of uint8 images.

Decision on unreadable files: a folder with any file that does not decode as an image (corrupt,
truncated, empty, or mislabelled by its extension) is refused, with one line naming the files,
rather than trained on without them. Skipping would train on another data set than the one
named, with the count easily missed in the log, and a run resumed after the files are fixed would
silently see other data. Removing or replacing the files named is a one-command fix.

The check is a validation pass when a folder is first used in a process: every file is decoded
once, in parallel, on the tf.data runtime (about 0.6 s for 5,000 32x32 PNGs on 2 CPU cores), and
the result is kept for the process as long as no file's size or modification time changes.

Labels (decisions, kept here and in docs/data.md): as `keras.utils.image_dataset_from_directory(
labels="inferred")`, the classes are the immediate sub-folders, sorted by name (Python string
order), label i naming the i-th; each class holds every image below its sub-folder (searched
recursively). Unlike Keras, a sub-folder without any image is not a class (Keras gives it a label
no example carries, which a conditional model would be asked to generate). A folder whose images
all sit directly inside it has no labels. A folder with images directly inside it AND class
sub-folders is refused when labels are asked for (one line naming an image and the classes):
those images have no class, and guessing one, or leaving them out, would train on other data than
the folder holds. Without labels every image below the folder is used, as before.
"""

import functools
import os

import numpy as np
import tensorflow as tf

from ganzoo.errors import GanzooError
from ganzoo.tf_data_options import without_autotuning

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
# Files named in the error line; more are counted.
MAX_NAMED_FILES = 5


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


def _decode(path, channels):
    """uint8 image [H, W, channels] of the file at `path` (a string tensor)."""
    image = tf.io.decode_image(tf.io.read_file(path), channels=channels, expand_animations=False)
    image.set_shape([None, None, channels])
    return image


def undecodable_files(paths, channels=3):
    """The paths among `paths` that cannot be read or decoded as images, in the given order.

    Each file is decoded once; files that are unchanged (same size and modification time) since
    an earlier call in this process are not decoded again.
    """
    stamps = []
    for path in paths:
        try:
            status = os.stat(path)
            stamps.append((path, status.st_size, status.st_mtime_ns))
        except OSError:
            stamps.append((path, None, None))
    return list(_undecodable(tuple(stamps), channels))


@functools.lru_cache(maxsize=16)
def _undecodable(stamps, channels):
    paths = [path for path, _, _ in stamps]
    # Each element decodes one file and yields its index; ignore_errors() drops the elements
    # whose decoding failed, so the indices missing at the end are the bad files.
    indices = without_autotuning(
        tf.data.Dataset.from_tensor_slices((tf.range(len(paths)), paths))
        .map(
            lambda index, path: (index, tf.shape(_decode(path, channels))),
            num_parallel_calls=tf.data.AUTOTUNE,
            deterministic=False,
        )
        .ignore_errors()
        .map(lambda index, _: index)
        .batch(4096)
    )
    good = {int(i) for batch in indices.as_numpy_iterator() for i in batch}
    return tuple(path for index, path in enumerate(paths) if index not in good)


def class_layout(folder):
    """How a folder's images divide into classes, from names alone (nothing is decoded).

    Returns:
        (sorted image paths, as list_image_files gives them;
         class names: the sorted immediate sub-folders holding images, or () when there are none;
         int32 label of each path: the index of its class sub-folder, -1 for an image directly
         inside `folder`).
    """
    paths = list_image_files(folder)
    tops = [os.path.relpath(path, folder).split(os.sep) for path in paths]
    names = tuple(sorted({parts[0] for parts in tops if len(parts) > 1}))
    index = {name: i for i, name in enumerate(names)}
    labels = np.array([index[parts[0]] if len(parts) > 1 else -1 for parts in tops], np.int32)
    return paths, names, labels


def _classes(folder):
    """class_layout(folder), with names None for a folder without class sub-folders.

    Raises:
        GanzooError: images directly inside `folder` beside class sub-folders.
    """
    paths, names, labels = class_layout(folder)
    if not names:
        return paths, None, labels
    loose = [path for path, label in zip(paths, labels) if label < 0]
    if loose:
        shown = ", ".join(names[:MAX_NAMED_FILES]) + (
            ", ..." if len(names) > MAX_NAMED_FILES else ""
        )
        raise GanzooError(
            f"folder {folder!r} has {len(loose)} images directly inside it (e.g. {loose[0]}) "
            f"beside its {len(names)} class sub-folders ({shown}); for labels every image must be "
            f"in a class sub-folder: move them into one or remove them"
        )
    return paths, names, labels


def class_names(folder):
    """The class names of a folder of images (label i = names[i]), or None without sub-folders.

    Raises:
        GanzooError: the folder holds images directly inside it beside class sub-folders (see
            the module docstring), or no images.
    """
    return _classes(folder)[1]


def _refuse_undecodable(folder, paths, channels):
    """A GanzooError naming the files among `paths` that do not decode (module docstring)."""
    bad = undecodable_files(paths, channels)
    if bad:
        named = ", ".join(bad[:MAX_NAMED_FILES])
        more = f" and {len(bad) - MAX_NAMED_FILES} more" if len(bad) > MAX_NAMED_FILES else ""
        raise GanzooError(
            f"{len(bad)} of the {len(paths)} image files in folder {folder!r} cannot be "
            f"decoded: {named}{more}; remove or replace them"
        )


def folder_images(folder, channels, with_labels=False):
    """uint8 images [H, W, channels] decoded from every image file below `folder`, in sorted
    path order; with `with_labels`, (image, int32 label) pairs labelled by class sub-folder.

    Images may differ in size; the pipeline crops and resizes them afterwards. The images (and
    their order) are the same with and without labels.

    Raises:
        GanzooError: the folder does not exist, holds no image files, or holds files that do not
            decode (see the module docstring); the line names them. With labels: the folder has
            no class sub-folders (the caller names the alternatives), or images outside them.
    """
    if not with_labels:
        paths = list_image_files(folder)
        _refuse_undecodable(folder, paths, channels)
        return tf.data.Dataset.from_tensor_slices(paths).map(
            lambda path: _decode(path, channels), num_parallel_calls=tf.data.AUTOTUNE
        )
    paths, names, labels = _classes(folder)
    if names is None:
        raise GanzooError(f"folder {folder!r} has no class sub-folders")
    _refuse_undecodable(folder, paths, channels)
    return tf.data.Dataset.from_tensor_slices((paths, labels)).map(
        lambda path, label: (_decode(path, channels), label), num_parallel_calls=tf.data.AUTOTUNE
    )
