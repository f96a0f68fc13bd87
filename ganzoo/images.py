"""Turning samples into pictures: uint8 conversion, grids, PNG files, 2-D point histograms, and
grids of conditional samples with one row per class, the class name written at the left of each
row in a tiny built-in 3x5 bitmap font (no imaging library needed)."""

import math

import numpy as np
import tensorflow as tf


def to_uint8(images):
    """float images in [-1, 1] (any shape) -> uint8 in [0, 255], values outside clipped."""
    images = np.asarray(images, dtype=np.float32)
    return np.clip(np.round((images + 1.0) * 127.5), 0, 255).astype(np.uint8)


def image_grid(images, columns=None, padding=1):
    """uint8 [n, H, W, C] -> one uint8 [rows*(H+p)+p, columns*(W+p)+p, C] grid image.

    `columns` defaults to ceil(sqrt(n)); gaps are black.
    """
    images = np.asarray(images)
    count, height, width, channels = images.shape
    columns = columns or int(math.ceil(math.sqrt(count)))
    rows = int(math.ceil(count / columns))
    grid = np.zeros(
        (rows * (height + padding) + padding, columns * (width + padding) + padding, channels),
        dtype=images.dtype,
    )
    for index, image in enumerate(images):
        row, column = divmod(index, columns)
        top = padding + row * (height + padding)
        left = padding + column * (width + padding)
        grid[top : top + height, left : left + width] = image
    return grid


def point_histogram(points, extent, size=128):
    """float [n, 2] points -> uint8 [size, size, 1] image of their density (dark = none).

    `extent` is the half-width of the square window [-extent, extent]^2 shown; y points up.
    """
    points = np.asarray(points, dtype=np.float32)
    counts, _, _ = np.histogram2d(
        points[:, 1], points[:, 0], bins=size, range=[[-extent, extent], [-extent, extent]]
    )
    counts = np.flipud(counts)
    if counts.max() > 0:
        # Log scale: a mode's few stray samples stay visible beside a dense one.
        counts = np.log1p(counts) / np.log1p(counts.max())
    return np.round(counts * 255).astype(np.uint8)[..., None]


def samples_picture(samples, upscale=1):
    """Samples from a generator -> a uint8 [H, W, C] picture: a grid for images
    [n, H, W, C] in [-1, 1], a density histogram for 2-D points [n, 2]."""
    samples = np.asarray(samples)
    if samples.ndim == 2 and samples.shape[1] == 2:
        extent = max(1.5, float(np.ceil(np.percentile(np.abs(samples), 99) * 1.2)))
        return point_histogram(samples, extent)
    picture = image_grid(to_uint8(samples))
    if upscale > 1:
        picture = picture.repeat(upscale, axis=0).repeat(upscale, axis=1)
    return picture


# A 3x5 bitmap font: five rows of three pixels per glyph, "#" on. Letters have one shape per
# letter (upper- and lower-case look alike); a character without a glyph is drawn as a filled box.
_GLYPH_ROWS = {
    "a": ".#. #.# ### #.# #.#", "b": "##. #.# ##. #.# ##.", "c": ".## #.. #.. #.. .##",
    "d": "##. #.# #.# #.# ##.", "e": "### #.. ##. #.. ###", "f": "### #.. ##. #.. #..",
    "g": ".## #.. #.# #.# .##", "h": "#.# #.# ### #.# #.#", "i": "### .#. .#. .#. ###",
    "j": "..# ..# ..# #.# .#.", "k": "#.# #.# ##. #.# #.#", "l": "#.. #.. #.. #.. ###",
    "m": "#.# ### #.# #.# #.#", "n": "##. #.# #.# #.# #.#", "o": ".#. #.# #.# #.# .#.",
    "p": "##. #.# ##. #.. #..", "q": ".#. #.# #.# ##. .##", "r": "##. #.# ##. #.# #.#",
    "s": ".## #.. .#. ..# ##.", "t": "### .#. .#. .#. .#.", "u": "#.# #.# #.# #.# ###",
    "v": "#.# #.# #.# #.# .#.", "w": "#.# #.# #.# ### #.#", "x": "#.# #.# .#. #.# #.#",
    "y": "#.# #.# .#. .#. .#.", "z": "### ..# .#. #.. ###",
    "0": "### #.# #.# #.# ###", "1": ".#. ##. .#. .#. ###", "2": "##. ..# .#. #.. ###",
    "3": "##. ..# .#. ..# ##.", "4": "#.# #.# ### ..# ..#", "5": "### #.. ##. ..# ##.",
    "6": ".## #.. ### #.# ###", "7": "### ..# .#. .#. .#.", "8": "### #.# ### #.# ###",
    "9": "### #.# ### ..# ##.",
    "_": "... ... ... ... ###", "-": "... ... ### ... ...", " ": "... ... ... ... ...",
    ".": "... ... ... ... .#.", "/": "..# ..# .#. #.. #..",
}
GLYPH_HEIGHT, GLYPH_WIDTH = 5, 3
_GLYPHS = {
    char: np.array([[pixel == "#" for pixel in row] for row in rows.split()], dtype=bool)
    for char, rows in _GLYPH_ROWS.items()
}
_UNKNOWN_GLYPH = np.ones((GLYPH_HEIGHT, GLYPH_WIDTH), dtype=bool)
MAX_NAME_CHARS = 16  # longer class names are cut to this many characters


def glyph(char):
    """bool [5, 3] pixels of one character (A-Z drawn as a-z; no glyph: a filled box)."""
    return _GLYPHS.get(char.lower(), _UNKNOWN_GLYPH)


def text_mask(text, scale=1):
    """bool [5 * scale, (4 * len(text) - 1) * scale] pixels of `text` (one blank column between
    characters), each font pixel a scale x scale block; text cut to MAX_NAME_CHARS."""
    text = text[:MAX_NAME_CHARS]
    if not text:
        return np.zeros((GLYPH_HEIGHT * scale, 0), dtype=bool)
    gap = np.zeros((GLYPH_HEIGHT, 1), dtype=bool)
    columns = [part for char in text for part in (glyph(char), gap)][:-1]
    return np.concatenate(columns, axis=1).repeat(scale, axis=0).repeat(scale, axis=1)


def label_scale(image_height):
    """The font scale of class names beside images of this height: about half their height."""
    return max(1, min(4, image_height // (2 * GLYPH_HEIGHT)))


def legible_upscale(image_height):
    """Pixel repetition that makes class grids of small images (and their names) legible."""
    return max(1, 32 // image_height)


def label_column_width(names, image_height, padding=1):
    """Width in pixels (before upscaling) of the name column `class_grid` puts at the left."""
    widest = max((text_mask(name, label_scale(image_height)).shape[1] for name in names), default=0)
    return widest + 2 * padding if widest else 0


def class_grid(rows, upscale=1, padding=1):
    """Conditional samples -> a uint8 [H', W', C] picture, one row per class, named at the left.

    Args:
        rows: a sequence of (name, images) with images float [k, H, W, C] in [-1, 1] or uint8
            (k may differ between rows, and be 0; a name may be "" for a row continuing the one
            above).
        upscale: pixel repetition factor of the whole picture (text included).
        padding: black pixels between images.

    Layout (before upscaling): a name column `label_column_width(names, H, padding)` pixels wide
    with each name in white, vertically centred on its row; then `image_grid`'s layout with as
    many columns as the longest row: image j of row r at top = padding + r * (H + padding),
    left = name column + padding + j * (W + padding). Missing cells are black.
    """
    rows = [(str(name), np.asarray(batch)) for name, batch in rows]
    rows = [(name, batch if batch.dtype == np.uint8 else to_uint8(batch)) for name, batch in rows]
    if not rows:
        raise ValueError("class_grid needs at least one row")
    shape = next((batch.shape[1:] for _, batch in rows if len(batch)), None)
    if shape is None:
        raise ValueError("class_grid needs at least one image")
    height, width, channels = shape
    columns = max(len(batch) for _, batch in rows)
    label_width = label_column_width([name for name, _ in rows], height, padding)
    picture = np.zeros(
        (len(rows) * (height + padding) + padding,
         label_width + columns * (width + padding) + padding, channels),
        dtype=np.uint8,
    )
    scale = label_scale(height)
    for index, (name, batch) in enumerate(rows):
        top = padding + index * (height + padding)
        mask = text_mask(name, scale)[:height]
        text_top = top + (height - mask.shape[0]) // 2
        picture[text_top : text_top + mask.shape[0], padding : padding + mask.shape[1]][mask] = 255
        for column, image in enumerate(batch):
            left = label_width + padding + column * (width + padding)
            picture[top : top + height, left : left + width] = image
    if upscale > 1:
        picture = picture.repeat(upscale, axis=0).repeat(upscale, axis=1)
    return picture


def rows_by_label(labels, samples, names, columns=None):
    """(name, samples of that label) rows for `class_grid`, in order of first appearance.

    Args:
        labels: int [n]; samples: [n, ...], sample i of class labels[i]; names: class names.
        columns: None keeps each class on one row; an int wraps a class's samples onto
            several rows of at most `columns`, the name on the first of them only.
    """
    labels = np.asarray(labels).reshape(-1)
    samples = np.asarray(samples)
    rows = []
    for label in dict.fromkeys(labels.tolist()):
        batch = samples[labels == label]
        step = columns or len(batch)
        for start in range(0, len(batch), step):
            rows.append((names[label] if start == 0 else "", batch[start : start + step]))
    return rows


def write_png(path, picture):
    """Write a uint8 [H, W, C] array (C = 1 or 3) to `path` as PNG, creating no directories."""
    tf.io.write_file(path, tf.io.encode_png(np.asarray(picture, dtype=np.uint8)))
