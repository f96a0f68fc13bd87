"""One entry point, `load_dataset`, from a data set name to a batched tf.data pipeline.

Sources, resolved in this order:
    "digits"         the embedded tfds builder `ganzoo_digits` (no network; default 32x32x1)
    "ring", "grid"   2-D toy mixtures of Gaussians (see ganzoo.data.toy)
    a directory holding idx files   MNIST-format data: MNIST, Fashion-MNIST, KMNIST, EMNIST
                     (native 28x28x1; splits "train", "test", "train+test"; see ganzoo.data.idx)
    any other existing directory   every image file below it (default 64x64x3)
    any other name   `tfds.load(name)`: mnist, fashion_mnist, cifar10, celeb_a, ... (native size;
                     downloads on first use, so it needs the network once)

Images come out float32 [batch, H, W, C] in [-1, 1]; toy points float32 [batch, 2].

With `with_labels=True` each batch is {"images": that, "labels": int32 [batch]}, and
`class_names(name)` gives the names of the labels. Labels per source (one implementation, also
behind `load_labeled_images`):
    "digits"         its 10 classes, named "0".."9"
    "ring", "grid"   the mode a point was drawn from, named "mode_0", ... (ganzoo.data.toy)
    idx folder       its label files; names from class_names.txt, a "fashion" folder name, or
                     "0".. (ganzoo.data.idx)
    image folder     one sub-folder per class, sorted by name (ganzoo.data.folder); a folder
                     with images only directly inside it has no labels
    tfds             the builder's first ClassLabel feature and its names
Asking for labels of a data set without them is one GanzooError line, before any image is decoded;
never a silent unconditional fallback.

A tfds data set that is not prepared in data_dir is only handed to tfds' downloader after a
bounded check that its download hosts answer (`DOWNLOAD_PROBE_TIMEOUT` seconds, through the
proxy the environment names, as tfds' own downloader would go): without network that fails in
about a second with one line, where tfds' retries took 209 s. A prepared data set skips the check.
tfds' `fashion_mnist` builder cannot be prepared from local idx files (Debian's
`dataset-fashion-mnist` files are gzipped anew, so tfds' registered checksums refuse them):
pass the folder instead, e.g. `/usr/share/datasets/fashion-mnist`.
"""

import difflib
import functools
import os
import socket
import threading
import time
import urllib.parse
import urllib.request

import numpy as np
import tensorflow as tf
import tensorflow_datasets as tfds

from ganzoo import configs
from ganzoo.data import digits, folder, idx, toy
from ganzoo.errors import GanzooError
from ganzoo.tf_data_options import without_autotuning

EMBEDDED_DATASET = "digits"
EMBEDDED_IMAGE_SIZE = 32
FOLDER_IMAGE_SIZE = 64
TOY_NUM_EXAMPLES = 51_200
DOWNLOAD_PROBE_TIMEOUT = 5.0
# Where a Debian package puts a tfds data set's source files, named in the download error.
LOCAL_IDX_FOLDERS = {"fashion_mnist": "/usr/share/datasets/fashion-mnist"}


def _source_kind(name):
    if name == EMBEDDED_DATASET:
        return "embedded"
    if name in toy.TOY_DATASETS:
        return "toy"
    if os.path.isdir(name):
        return "idx" if idx.is_idx_folder(name) else "folder"
    if os.sep in name or name.startswith("."):
        raise GanzooError(f"image folder {name!r} does not exist")
    return "tfds"


# Data sets that recipes may be filed under by name (besides the toy sets), and the kinds.
NAMED_FOR_RECIPES = ("fashion_mnist",)
POINTS, IMAGES = "points", "images"


def recipe_keys(name):
    """What the data set `name` is, for the models' recipes (ganzoo.models.recipes), most
    specific first: its own name where recipes may be filed under it (a toy set; "fashion_mnist"
    for tfds' fashion_mnist in any version or config, and for an idx folder whose name contains
    "fashion", the rule that also names its classes, idx.is_fashion_folder), then its kind,
    "points" (the 2-D toy sets) or "images" (everything else). Reads no data.

        >>> recipe_keys("ring"), recipe_keys("fashion_mnist:3.0.1"), recipe_keys("cifar10")
        (('ring', 'points'), ('fashion_mnist', 'images'), ('images',))
    """
    if name in toy.TOY_DATASETS:
        return (name, POINTS)
    if tfds_base_name(name) in NAMED_FOR_RECIPES:
        return (tfds_base_name(name), IMAGES)
    if os.path.isdir(name) and idx.is_idx_folder(name) and idx.is_fashion_folder(name):
        return ("fashion_mnist", IMAGES)
    return (IMAGES,)


def tfds_base_name(name):
    """A tfds name without its version or config: "fashion_mnist:3.0.1" and
    "fashion_mnist/plain" -> "fashion_mnist"."""
    return name.split(":")[0].split("/")[0]


def _check_tfds_name(name):
    # Without the community list: fetching it from GCS retried for minutes behind a dead proxy,
    # and a community name ("namespace:name") is not accepted below anyway.
    known = tfds.list_builders(with_community_datasets=False)
    base_name = tfds_base_name(name)
    if base_name not in known:
        close = difflib.get_close_matches(base_name, known, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise GanzooError(
            f"unknown dataset {name!r}{hint}; use {EMBEDDED_DATASET!r} (embedded), "
            f"{' or '.join(repr(t) for t in toy.TOY_DATASETS)} (2-D toy sets), a folder of "
            f"images, or a tensorflow-datasets image dataset such as 'mnist', "
            f"'fashion_mnist', 'cifar10', 'celeb_a'"
        )


def _download_targets(builder):
    """{(host, port): url} that preparing `builder` connects to: its registered download URLs'
    hosts, or the proxy the environment gives for them (what tfds' `requests` would use)."""
    proxies = urllib.request.getproxies()
    targets = {}
    for url in sorted(builder.url_infos or {}):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            continue
        via = proxies.get(parts.scheme)
        if via and not urllib.request.proxy_bypass(parts.hostname):
            proxy = urllib.parse.urlsplit(via if "://" in via else f"http://{via}")
            target = (proxy.hostname, proxy.port or 80), f"proxy {via} for {url}"
        else:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            target = (parts.hostname, port), url
        targets.setdefault(*target)
    return targets


def _unreachable(targets, timeout):
    """(url, reason) of a target that does not accept a TCP connection within `timeout` s, or
    None. DNS has no timeout of its own, so the probes run in daemon threads waited on."""
    failures = {}

    def probe(address, url):
        try:
            socket.create_connection(address, timeout=timeout).close()
        except OSError as error:
            failures[url] = error.strerror or str(error) or type(error).__name__

    threads = [
        threading.Thread(target=probe, args=item, daemon=True) for item in targets.items()
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread, url in zip(threads, targets.values()):
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            return url, f"no answer within {timeout:g} s"
        if url in failures:
            return url, failures[url]
    return None


def _local_hint(name):
    folder = LOCAL_IDX_FOLDERS.get(tfds_base_name(name))
    if folder and idx.is_idx_folder(folder):
        return f"; its idx files are in {folder}: pass that folder as the dataset"
    return ""


def _prepared_builder(name, data_dir):
    """The tfds builder of `name`, prepared in `data_dir` (tfds' default when None) if needed.

    An unprepared data set whose download hosts do not answer within DOWNLOAD_PROBE_TIMEOUT s
    is refused at once (tfds' downloader would retry for minutes).
    """
    if name == digits.GanzooDigits.name:
        return digits.prepared_builder(data_dir)
    _check_tfds_name(name)
    builder = tfds.builder(name, data_dir=data_dir)
    if builder.data_path.exists():  # What download_and_prepare checks; no network involved.
        return builder
    advice = (
        "tfds downloads it on first use, so this machine needs the network once (or copy a "
        f"prepared data_dir here){_local_hint(name)}"
    )
    if not builder.MANUAL_DOWNLOAD_INSTRUCTIONS:
        failed = _unreachable(_download_targets(builder), DOWNLOAD_PROBE_TIMEOUT)
        if failed:
            raise GanzooError(
                f"could not prepare tfds dataset {name!r} in {builder.data_dir!r} (cannot reach "
                f"{failed[0]}: {failed[1]}); {advice}"
            )
    try:
        builder.download_and_prepare()
    except Exception as error:  # noqa: BLE001 - any failure here means "could not fetch".
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise GanzooError(
            f"could not prepare tfds dataset {name!r} in {builder.data_dir!r} "
            f"({type(error).__name__}: {first_line}); {advice}"
        ) from None
    return builder


def _label_feature(builder):
    """(key, ClassLabel) of a builder's first class-label feature, or None."""
    for key, feature in builder.info.features.items():
        if isinstance(feature, tfds.features.ClassLabel):
            return key, feature
    return None


@functools.lru_cache(maxsize=32)
def _tfds_class_names(name, data_dir):
    """The names of the first ClassLabel feature of a tfds data set (prepared if needed), or
    None; kept for the process (the names of a prepared data set do not change)."""
    label = _label_feature(_prepared_builder(name, data_dir))
    return None if label is None else tuple(label[1].names)


def _tfds_examples(name, split, data_dir, with_labels=False):
    """uint8 images, or (image, label) pairs with the first ClassLabel feature, of a tfds data
    set's split, in the builder's stored order; the builder is prepared if needed."""
    builder = _prepared_builder(name, data_dir)
    image_keys = [
        key
        for key, feature in builder.info.features.items()
        if isinstance(feature, tfds.features.Image)
    ]
    if not image_keys:
        raise GanzooError(f"tfds dataset {name!r} has no image feature; ganzoo needs images")
    # "train", "train[:90%]", "train+test": every part must name an existing split.
    for part in split.split("+"):
        if part.split("[")[0].strip() not in builder.info.splits:
            raise GanzooError(
                f"tfds dataset {name!r} has no split {split!r}; "
                f"splits: {', '.join(builder.info.splits)}"
            )
    key = image_keys[0]
    dataset = builder.as_dataset(split=split, shuffle_files=False)
    if not with_labels:
        return dataset.map(lambda example: example[key], num_parallel_calls=tf.data.AUTOTUNE)
    label_key = _label_feature(builder)[0]  # The caller checked there is one.
    return dataset.map(
        lambda example: (example[key], example[label_key]), num_parallel_calls=tf.data.AUTOTUNE
    )


def _folder_stamps(folder):
    """(name, size, mtime) of every file directly inside `folder`: a cache key that changes
    when an idx folder's files (or its class_names.txt) do."""
    with os.scandir(folder) as entries:
        return tuple(
            sorted(
                (entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
                for entry in entries
                if entry.is_file()
            )
        )


@functools.lru_cache(maxsize=32)
def _idx_class_names(folder, stamps):
    """idx.class_names(folder), or None when no split of the folder has a label file."""
    del stamps  # Only the cache key.
    if not any(labels for _, labels in idx.split_files(folder).values()):
        return None
    return idx.class_names(folder)


def _idx_examples(folder, split, with_labels=False):
    """uint8 images [H, W, 1] (28x28 for the MNIST family), or (image, int32 label) pairs, of
    an idx folder's split in file order (see ganzoo.data.idx for files, splits and names)."""
    images, labels = idx.read_split(folder, split)
    if not with_labels:
        return tf.data.Dataset.from_tensor_slices(images)
    if labels is None:
        raise _no_labels(
            folder, f"an idx folder without {idx.LABELS_SUFFIX}[.gz] files for split {split!r}"
        )
    return tf.data.Dataset.from_tensor_slices((images, labels.astype(np.int32)))


def class_names(name=EMBEDDED_DATASET, data_dir=None):
    """The class names of a data set, label i named by element i; None when it has no labels.

    Per source: "digits" "0".."9"; "ring"/"grid" "mode_0", ... (the mode a point was drawn
    from); a tfds data set the `names` of its builder's first ClassLabel feature (the data set
    is prepared if it is not yet); a folder of images the names of its class sub-folders (see
    ganzoo.data.folder); an idx folder with label files see ganzoo.data.idx. Cheap when called
    again: tfds and idx names are kept for the process (idx ones until a file in the folder
    changes), a folder's are its sub-folders' names (a listing, nothing is decoded).

    Raises:
        GanzooError: an unknown data set, or a folder holding images directly inside it beside
            class sub-folders (whose labels would be ambiguous).
    """
    kind = _source_kind(name)
    if kind == "toy":
        return toy.class_names(name)
    if kind == "folder":
        return folder.class_names(name)
    if kind == "idx":
        return _idx_class_names(name, _folder_stamps(name))
    return _tfds_class_names(digits.GanzooDigits.name if kind == "embedded" else name, data_dir)


def _no_labels(name, why):
    return GanzooError(
        f"data set {name!r} has no class labels ({why}); conditional models need labelled data: "
        f"{EMBEDDED_DATASET!r}, {' or '.join(repr(t) for t in toy.TOY_DATASETS)}, a tfds "
        f"classification set such as 'mnist', a folder with one sub-folder per class, or an idx "
        f"folder with label files"
    )


def _check_labelled(name, data_dir):
    """A GanzooError, before any data is read, if data set `name` has no class labels."""
    if class_names(name, data_dir) is not None:
        return
    kind = _source_kind(name)
    why = {
        "folder": "a folder of images without class sub-folders",
        "idx": f"an idx folder without {idx.LABELS_SUFFIX}[.gz] files",
    }.get(kind, "its tfds features have no ClassLabel")
    raise _no_labels(name, why)


def _square_resize(image, size):
    """uint8 [H, W, C] -> uint8 [size, size, C]: central square crop, then bilinear resize."""
    shape = tf.shape(image)
    side = tf.minimum(shape[0], shape[1])
    image = tf.image.crop_to_bounding_box(
        image, (shape[0] - side) // 2, (shape[1] - side) // 2, side, side
    )
    resized = tf.image.resize(image, [size, size], method="bilinear", antialias=True)
    return tf.cast(tf.clip_by_value(tf.round(resized), 0, 255), tf.uint8)


def _to_unit_range(images):
    """uint8 in [0, 255] -> float32 in [-1, 1]."""
    return tf.cast(images, tf.float32) / 127.5 - 1.0


def _examples(name, image_size, channels, split, data_dir, seed, with_labels=False):
    """(unbatched, cached examples: uint8 images or float32 points, or with `with_labels`
    (image or point, int32 label) pairs; whether they are images). Every pipeline of this module
    starts here, so they all inherit its tf.data options (no autotuner: see
    ganzoo.tf_data_options)."""
    if channels not in (None, 1, 3):
        raise GanzooError(f"channels must be 1 or 3, got {channels!r}")
    if image_size is not None and (not isinstance(image_size, int) or image_size < 1):
        raise GanzooError(f"image_size must be a positive integer, got {image_size!r}")
    kind = _source_kind(name)
    if with_labels:
        _check_labelled(name, data_dir)
    if kind == "toy":
        points, modes = toy.sample_toy_with_modes(name, TOY_NUM_EXAMPLES, seed=seed)
        slices = (points, modes) if with_labels else points
        return without_autotuning(tf.data.Dataset.from_tensor_slices(slices).cache()), False
    if kind == "embedded":
        examples = _tfds_examples(digits.GanzooDigits.name, split, data_dir, with_labels)
        image_size = image_size or EMBEDDED_IMAGE_SIZE
    elif kind == "idx":
        examples = _idx_examples(name, split, with_labels)
    elif kind == "folder":
        examples = folder.folder_images(name, channels or 3, with_labels)
        image_size = image_size or FOLDER_IMAGE_SIZE
    else:
        examples = _tfds_examples(name, split, data_dir, with_labels)

    def prepare(image):
        if channels is not None:
            image = _match_channels(image, channels)
        if image_size is not None:
            image = _square_resize(image, image_size)
        return image

    if with_labels:
        examples = examples.map(
            lambda image, label: (prepare(image), tf.cast(label, tf.int32)),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    elif channels is not None or image_size is not None:
        examples = examples.map(prepare, num_parallel_calls=tf.data.AUTOTUNE)
    # Cache uint8 (4x smaller than float32), labels beside the images; scaling after batching is
    # one cheap op a batch.
    return without_autotuning(examples.cache()), True


def load_labeled_images(
    name=EMBEDDED_DATASET, split="train", image_size=None, channels=None, data_dir=None,
):
    """Unbatched (float32 image [H, W, C] in [-1, 1], int64 label) pairs of a labelled image
    data set ("digits", a tfds image classification set, a folder with one sub-folder per class,
    or a folder of idx files with label files), resized as load_dataset resizes, in the source's
    order. The labels are those of `load_dataset(..., with_labels=True)` (one implementation).

    Returns:
        (dataset, number of classes).
    """
    if _source_kind(name) == "toy":
        raise GanzooError(
            f"{name!r} is a 2-D toy set, not images; its points and modes come from "
            f"load_dataset({name!r}, with_labels=True) or ganzoo.data.sample_toy_with_modes"
        )
    examples, _ = _examples(name, image_size, channels, split, data_dir, 0, with_labels=True)
    pairs = examples.map(
        lambda image, label: (_to_unit_range(image), tf.cast(label, tf.int64)),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    return pairs, len(class_names(name, data_dir))


def _batches_per_epoch(examples, batch_size, name):
    if not isinstance(batch_size, int) or batch_size < 1:
        raise GanzooError(f"batch_size must be a positive integer, got {batch_size!r}")
    num_examples = int(examples.cardinality())
    if 0 <= num_examples < batch_size:
        raise GanzooError(
            f"batch_size {batch_size} is larger than the {num_examples} examples of {name!r}"
        )
    return num_examples // batch_size, num_examples


def _finish(batches, are_images, with_labels):
    """Scaled batches (images to [-1, 1]; points as they are), as {"images", "labels"} dicts
    with labels, prefetched."""
    scale = _to_unit_range if are_images else (lambda x: x)
    if with_labels:
        batches = batches.map(
            lambda x, labels: {"images": scale(x), "labels": labels},
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    elif are_images:
        batches = batches.map(scale, num_parallel_calls=tf.data.AUTOTUNE)
    return batches.prefetch(tf.data.AUTOTUNE)


def load_dataset(
    name=EMBEDDED_DATASET,
    batch_size=64,
    image_size=None,
    channels=None,
    split="train",
    data_dir=None,
    shuffle_buffer=10_000,
    seed=0,
    with_labels=False,
):
    """One pass (an epoch) of batched, normalised, shuffled, cached, prefetched real examples.

    Every new iteration (each epoch of `model.fit(dataset, epochs=...)`) reshuffles.

    Args:
        name: see the module docstring.
        batch_size: the GLOBAL batch; the last partial batch is dropped.
        image_size: side of the square images produced; None keeps the source's default
            (32 for "digits", 64 for image folders, the native size for idx folders (28 for the
            MNIST family) and tfds data sets).
        channels: 1 or 3 to force grayscale/colour (folders default to 3); None keeps the source's.
        split: tfds split, e.g. "train" or "test[:10%]"; idx folders take the same syntax over
            their "train" and "test" (t10k) files, e.g. "train+test".
        data_dir: tfds data directory (None: tfds' default, ~/tensorflow_datasets).
        shuffle_buffer: examples in the shuffle buffer.
        seed: shuffle seed, for reproducible runs.
        with_labels: yield {"images": ..., "labels": int32 [batch_size]} instead of the images
            alone; label i is named by `class_names(name)[i]`. The images are the ones (in the
            same order) that `with_labels=False` gives.

    Returns:
        tf.data.Dataset of float32 [batch_size, *example_shape] (with labels: dicts as above),
        with known cardinality.

    Raises:
        GanzooError: with `with_labels`, a data set without class labels (one line naming the
            labelled sources).
    """
    examples, are_images = _examples(
        name, image_size, channels, split, data_dir, seed, with_labels
    )
    _, num_examples = _batches_per_epoch(examples, batch_size, name)
    shuffled = examples.shuffle(
        min(shuffle_buffer, max(num_examples, 1)), seed=seed, reshuffle_each_iteration=True
    )
    return _finish(shuffled.batch(batch_size, drop_remainder=True), are_images, with_labels)


def load_training_stream(data_config, seed=0, with_labels=False):
    """An endless stream of batches whose order depends only on (seed, position in the stream),
    and on TensorFlow's global seed when it is built: tf.data pairs the two seeds
    (train_lib.training_stream clears the global one first: the order of a fresh process).

    The data is repeated, then shuffled with a FIXED seed (`reshuffle_each_iteration=False`),
    so every iterator of the stream yields the same batches however many iterators were made
    before. (A reshuffling dataset gives its second iterator a second order, and Keras makes an
    extra iterator under a distribution strategy to peek at a batch.) That is what lets a
    resumed run `.skip()` to the batch it stopped at, and 1 and N replicas see the same data.
    Shuffling after repeating lets the last examples of one epoch mix with the first of the
    next (within one shuffle buffer); over a run every example is seen equally often.

    Args:
        data_config: a ganzoo.configs.DataConfig (its fields mean what load_dataset's do).
        seed: shuffle seed.
        with_labels: as in load_dataset: {"images", "labels"} dicts, the labels shuffled with
            their images (the same images, in the same order, as without labels).

    Returns:
        (dataset of float32 [batch_size, *example_shape] (with labels: dicts {"images": that,
         "labels": int32 [batch_size]}), repeating forever; batches in one pass over the data).

    Raises:
        GanzooError: with `with_labels`, a data set without class labels.
    """
    c = data_config
    examples, are_images = _examples(
        c.dataset, c.image_size, c.channels, c.split, c.data_dir, seed, with_labels
    )
    batch_size = c.batch_size or configs.DEFAULT_BATCH_SIZE
    batches_per_epoch, num_examples = _batches_per_epoch(examples, batch_size, c.dataset)
    stream = examples.repeat().shuffle(
        min(c.shuffle_buffer, max(num_examples, 1)), seed=seed, reshuffle_each_iteration=False
    )
    batches = stream.batch(batch_size, drop_remainder=True)
    return _finish(batches, are_images, with_labels), batches_per_epoch


def _match_channels(image, channels):
    """uint8 [H, W, c] -> uint8 [H, W, channels] for c, channels in {1, 3}."""
    have = image.shape[-1]
    if have == channels:
        return image
    if channels == 1:
        return tf.cast(tf.round(tf.image.rgb_to_grayscale(tf.cast(image, tf.float32))), tf.uint8)
    return tf.image.grayscale_to_rgb(image)


def example_shape(dataset):
    """Shape of one example (image or point) of a batched dataset from `load_dataset`, with or
    without labels, e.g. (32, 32, 1)."""
    spec = dataset.element_spec
    return tuple((spec["images"] if isinstance(spec, dict) else spec).shape[1:])
