"""MNIST-format data: a folder of idx files as a labelled image source with splits.

MNIST, Fashion-MNIST, KMNIST and EMNIST are distributed as idx files (LeCun's format: a 4-byte
magic number ``0x0000TTDD`` with the element type ``TT`` and the number of dimensions ``DD``,
then ``DD`` big-endian uint32 sizes, then the elements), usually gzipped:

    train-images-idx3-ubyte.gz   uint8 [60000, 28, 28]   the `train` split
    train-labels-idx1-ubyte.gz   uint8 [60000]           its labels (optional)
    t10k-images-idx3-ubyte.gz    uint8 [10000, 28, 28]   the `test` split
    t10k-labels-idx1-ubyte.gz    uint8 [10000]           its labels (optional)

Rules (decisions, kept here and in docs/data.md):
- **Which folder is an idx source**: one holding, directly inside it (not in subfolders), a file
  whose name ends in ``-idx<N>-ubyte`` or ``-idx<N>-ubyte.gz``. Such a folder is read as idx even
  if it also holds PNG/JPEG files; any other folder is a folder of images (ganzoo.data.folder).
- **Files**: ``<prefix>train-images-idx3-ubyte[.gz]`` is the `train` split and
  ``<prefix>t10k-images-idx3-ubyte[.gz]`` (or ``<prefix>test-...``, EMNIST's name) the `test`
  split; ``-labels-idx1-ubyte`` beside it with the same prefix holds its labels. The prefix may be
  empty (MNIST) or e.g. ``emnist-letters-`` (EMNIST); a folder with two candidates for one split
  is refused (keep one data set per folder). Gzip is recognised by content, not by name.
- **Splits** follow tensorflow-datasets' syntax, sliced in FILE order: ``train``, ``test``,
  ``train+test`` (all 70,000 Fashion-MNIST images), ``train[:80%]``, ``test[:1000]``,
  ``train[80%:]+test``. (tfds' own builders store examples in a shuffled order, so
  ``fashion_mnist`` ``train[:10%]`` and an idx folder's ``train[:10%]`` are different images.)
- **Class names**: a ``class_names.txt`` beside the files (one name per line, line i naming label
  i) wins; otherwise a folder whose own name contains ``fashion`` (case-insensitive, e.g. Debian's
  ``/usr/share/datasets/fashion-mnist``) gets Fashion-MNIST's ten names; otherwise the names are
  ``"0"``, ``"1"``, ... for ``max(10, largest label + 1)`` classes (right for MNIST; give
  KMNIST's or EMNIST's names in ``class_names.txt``).
- **EMNIST** stores its images transposed; files whose name starts with ``emnist`` are transposed
  back, as tfds' EMNIST builder does.

Every malformed input is a GanzooError of one line naming the file: a wrong magic number (not
idx, wrong element type, wrong number of dimensions), a truncated or over-long file, corrupt gzip
data, image and label counts that differ, a folder without idx images.
"""

import gzip
import os
import re
import types
import zlib

import numpy as np
import tensorflow_datasets as tfds

from ganzoo.errors import GanzooError

SPLITS = ("train", "test")
# File-name prefixes of each split, in the order they are looked for.
_SPLIT_PREFIXES = {"train": ("train",), "test": ("t10k", "test")}
IMAGES_SUFFIX = "-images-idx3-ubyte"
LABELS_SUFFIX = "-labels-idx1-ubyte"
CLASS_NAMES_FILE = "class_names.txt"
FASHION_MNIST_CLASS_NAMES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip
MIN_NUM_CLASSES = 10

_IDX_FILE = re.compile(r"-idx\d-ubyte(\.gz)?$")
_GZIP_MAGIC = b"\x1f\x8b"
_UBYTE = 0x08
_TYPE_NAMES = {
    0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "int16",
    0x0C: "int32", 0x0D: "float32", 0x0E: "float64",
}  # fmt: skip


def _read_bytes(path):
    """The file's bytes, gunzipped when they start with gzip's magic number."""
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except OSError as error:
        raise GanzooError(f"cannot read idx file {path!r}: {error.strerror}") from None
    if not raw.startswith(_GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as error:
        raise GanzooError(
            f"idx file {path!r} is truncated or corrupt gzip data ({error})"
        ) from None


def _header(path, data, ndim):
    """Sizes from the idx header of `data`, checked: ubyte elements, `ndim` dimensions."""
    if len(data) < 4:
        raise GanzooError(f"idx file {path!r} is truncated: {len(data)} bytes, no header")
    magic = int.from_bytes(data[:4], "big")
    type_code, found_ndim = data[2], data[3]
    expected = (_UBYTE << 8) | ndim
    if data[:2] != b"\0\0" or type_code not in _TYPE_NAMES:
        raise GanzooError(
            f"idx file {path!r} has magic number 0x{magic:08x}, expected 0x{expected:08x}: "
            f"not an idx file"
        )
    if type_code != _UBYTE:
        raise GanzooError(
            f"idx file {path!r} has magic number 0x{magic:08x}: element type 0x{type_code:02x} "
            f"({_TYPE_NAMES[type_code]}), expected 0x08 (unsigned byte)"
        )
    if found_ndim != ndim:
        raise GanzooError(
            f"idx file {path!r} has magic number 0x{magic:08x}: {found_ndim} dimensions, "
            f"expected {ndim} (0x{expected:08x})"
        )
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise GanzooError(
            f"idx file {path!r} is truncated: {len(data)} bytes, its header alone needs "
            f"{header_size}"
        )
    return tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))


def read_idx(path, ndim):
    """A uint8 array of `ndim` dimensions from one idx file (gzipped or not).

    Args:
        path: the file.
        ndim: the dimensions the file must have (3 for images, 1 for labels).

    Returns:
        uint8 numpy array of the header's shape.

    Raises:
        GanzooError: the file is not an idx file of uint8 with `ndim` dimensions, or its size
            disagrees with its header.
    """
    data = _read_bytes(path)
    shape = _header(path, data, ndim)
    header_size = 4 + 4 * ndim
    expected = int(np.prod(shape, dtype=np.int64))
    found = len(data) - header_size
    if found != expected:
        problem = "truncated" if found < expected else "longer than its header says"
        raise GanzooError(
            f"idx file {path!r} is {problem}: header says {'x'.join(map(str, shape))} = "
            f"{expected} bytes of data, the file has {found}"
        )
    return np.frombuffer(data, np.uint8, count=expected, offset=header_size).reshape(shape)


def _count(path, ndim):
    """The first size in an idx file's header (the number of examples), without reading it all."""
    try:
        with open(path, "rb") as file:
            start = file.read(2)
            file.seek(0)
            opened = gzip.GzipFile(fileobj=file) if start == _GZIP_MAGIC else file
            head = opened.read(4 + 4 * ndim)
    except (EOFError, OSError, zlib.error) as error:
        raise GanzooError(
            f"idx file {path!r} is truncated or corrupt gzip data ({error})"
        ) from None
    return _header(path, head, ndim)[0]


def is_idx_folder(folder):
    """Whether `folder` directly holds any idx file (then it is an idx source)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return any(_IDX_FILE.search(name) for name in names)


def _one(folder, names, suffix, prefixes):
    """The one file named `<anything><prefix><suffix>[.gz]` in `names`, or None.

    A file and its gzipped copy (`x` and `x.gz`, as `gunzip -k` leaves them) count as one: the
    uncompressed one is read.
    """
    found = sorted(
        name
        for name in names
        for prefix in prefixes
        if re.fullmatch(rf"(.*[-_.])?{re.escape(prefix + suffix)}(\.gz)?", name)
        and not (name.endswith(".gz") and name[: -len(".gz")] in names)
    )
    if len(found) > 1:
        raise GanzooError(
            f"idx folder {folder!r} has {len(found)} files for one split ({', '.join(found)}); "
            f"keep one data set per folder"
        )
    return os.path.join(folder, found[0]) if found else None


def split_files(folder):
    """{split: (images path, labels path or None)} for each split whose images are present.

    Raises:
        GanzooError: the folder has no idx image file, or two candidates for one split.
    """
    try:
        names = [n for n in os.listdir(folder) if os.path.isfile(os.path.join(folder, n))]
    except OSError as error:
        raise GanzooError(f"cannot list idx folder {folder!r}: {error.strerror}") from None
    files = {}
    for split in SPLITS:
        images = _one(folder, names, IMAGES_SUFFIX, _SPLIT_PREFIXES[split])
        if images:
            prefix = os.path.basename(images).split(IMAGES_SUFFIX)[0]
            pattern = rf"{re.escape(prefix + LABELS_SUFFIX)}(\.gz)?"
            labels = [name for name in names if re.fullmatch(pattern, name)]
            files[split] = (images, os.path.join(folder, sorted(labels)[0]) if labels else None)
    if not files:
        raise GanzooError(
            f"no idx images in folder {folder!r}; looked for train{IMAGES_SUFFIX}[.gz] and "
            f"t10k{IMAGES_SUFFIX}[.gz]"
        )
    return files


def _read_images(path):
    images = read_idx(path, ndim=3)
    if os.path.basename(path).lower().startswith("emnist"):
        images = images.transpose(0, 2, 1)  # EMNIST stores images column by column.
    return images[..., None]


def _read_labels(images_path, labels_path, num_images):
    labels = read_idx(labels_path, ndim=1).astype(np.int64)
    if len(labels) != num_images:
        raise GanzooError(
            f"idx label file {labels_path!r} has {len(labels)} labels but {images_path!r} has "
            f"{num_images} images"
        )
    return labels


def _instructions(folder, files, split):
    """tfds-style `split` -> [(split name, from, to)] in absolute example indices."""
    sizes = {
        name: types.SimpleNamespace(num_examples=n, shard_lengths=[n])
        for name, n in ((name, _count(images, 3)) for name, (images, _) in files.items())
    }
    try:
        absolute = tfds.core.ReadInstruction.from_spec(split).to_absolute(sizes)
    except (ValueError, NotImplementedError, AssertionError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else "unreadable"
        raise GanzooError(
            f"bad split {split!r} for idx folder {folder!r} ({message}); splits: "
            f"{', '.join(files)} (with tfds' slicing: 'train[:80%]', 'train+test')"
        ) from None
    return [(i.splitname, i.from_, i.to) for i in absolute]


def read_split(folder, split="train"):
    """Images and labels of one split of an idx folder, in file order.

    Args:
        folder: a folder of idx files (see the module docstring).
        split: ``train``, ``test`` or a tfds-style combination/slice of them
            (``train+test``, ``train[:80%]``, ``test[:1000]``).

    Returns:
        (uint8 images [n, H, W, 1] in 0..255, int64 labels [n] or None when some part of the
        split has no label file).

    Raises:
        GanzooError: a malformed file, an unknown split, or counts that differ.
    """
    files = split_files(folder)
    images, labels = [], []
    cache = {}
    for name, start, stop in _instructions(folder, files, split):
        if name not in cache:
            images_path, labels_path = files[name]
            split_images = _read_images(images_path)
            split_labels = (
                _read_labels(images_path, labels_path, len(split_images)) if labels_path else None
            )
            cache[name] = split_images, split_labels
        split_images, split_labels = cache[name]
        images.append(split_images[start:stop])
        labels.append(None if split_labels is None else split_labels[start:stop])
    shapes = {part.shape[1:] for part in images}
    if len(shapes) > 1:
        raise GanzooError(
            f"idx folder {folder!r}: splits of split {split!r} have different image shapes "
            f"{sorted(shapes)}"
        )
    all_labels = None if any(part is None for part in labels) else np.concatenate(labels)
    return np.concatenate(images), all_labels


def is_fashion_folder(folder):
    """Whether the folder's own name contains "fashion" (case-insensitive): taken as holding
    Fashion-MNIST, for its class names and its recipes (ganzoo.models.recipes)."""
    return "fashion" in os.path.basename(os.path.normpath(os.path.abspath(folder))).lower()


def class_names(folder):
    """Class names of an idx folder's labels, label i named by element i (see module docstring).

    Returns:
        tuple of str: from ``class_names.txt`` if present; Fashion-MNIST's ten names for a folder
        whose name contains "fashion"; else "0".."N-1" with N = max(10, largest label + 1).
    """
    names_path = os.path.join(folder, CLASS_NAMES_FILE)
    if os.path.isfile(names_path):
        with open(names_path, encoding="utf-8") as file:
            names = tuple(line.strip() for line in file if line.strip())
        if not names:
            raise GanzooError(f"class names file {names_path!r} is empty")
    elif is_fashion_folder(folder):
        names = FASHION_MNIST_CLASS_NAMES
    else:
        names = None
    largest = -1
    for images_path, labels_path in split_files(folder).values():
        if labels_path:
            labels = read_idx(labels_path, ndim=1)
            largest = max(largest, int(labels.max()) if len(labels) else -1)
    if names is None:
        return tuple(str(i) for i in range(max(MIN_NUM_CLASSES, largest + 1)))
    if largest >= len(names):
        raise GanzooError(
            f"idx folder {folder!r} has label {largest} but only {len(names)} class names"
            + (f" in {names_path!r}" if os.path.isfile(names_path) else "")
        )
    return names
