"""Turning samples into pictures: uint8 conversion, grids, PNG files, scatter plots of 2-D points,
and grids of conditional samples with one row per class, the class name written at the left of each
row in a tiny built-in 3x5 bitmap font (no imaging library needed)."""

import math

import numpy as np
import tensorflow as tf

from ganzoo import writable
from ganzoo.font import GLYPH_HEIGHT, text_mask


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


# Scatter plots of 2-D points: colours (RGB) and sizes in pixels.
_BACKGROUND = (255, 255, 255)
_FRAME = (170, 170, 170)
_AXES = (222, 222, 222)
_DOT = (25, 35, 90)
_DOT_OPACITY = 0.3  # per point: a pixel under n dots is 1 - 0.7^n covered, so density shows
_DOT_OFFSETS = ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1))  # a plus, 3 pixels across
_RING = (235, 110, 110)
_CROSS = (200, 0, 0)
_CROSS_ARM = 3  # pixels each side of the centre pixel
_TEXT = (90, 90, 90)
_POINT_QUANTILES = (0.01, 0.99)  # the part of each axis that the default window must show
SCATTER_MARGIN = 0.1  # of a bounding box's longer side, added on every side
SCATTER_REACH = 1.0  # points widen a window around centres by at most this many times its side


def _padded_box(low, high, min_margin=0.0):
    """(low - m, high + m) for float [2] corners, m = max(min_margin, SCATTER_MARGIN * longer
    side), or 1.0 when both are 0 (a single point: an arbitrary unit window around it)."""
    margin = max(min_margin, SCATTER_MARGIN * float(np.max(high - low))) or 1.0
    return low - margin, high + margin


def scatter_extent(points, centers=None, std=None):
    """The default square window (x_min, x_max, y_min, y_max) of `scatter_picture`.

    Args:
        points: float [n, 2] finite points (n may be 0).
        centers: optional float [k, 2] true mode centres; std: their common std, or None.

    The window holds the centres' bounding box padded by max(3 std, 10% of its longer side),
    and the box of the central 98% of points per axis (1st to 99th percentile, so a few stray
    points do not shrink everything else) padded by 10% of its longer side. Points widen the
    centres' window by at most SCATTER_REACH times its side on each side, so the modes stay
    legible when a generator puts its samples far away (those are drawn at the border). The
    union is then squared up around its middle, so circles stay circles.
    """
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    boxes = []
    if centers is not None:
        centers = np.asarray(centers, dtype=np.float64).reshape(-1, 2)
        boxes.append(_padded_box(centers.min(axis=0), centers.max(axis=0), 3 * (std or 0.0)))
    if len(points):
        boxes.append(_padded_box(*np.quantile(points, _POINT_QUANTILES, axis=0)))
    if not boxes:
        return (-1.0, 1.0, -1.0, 1.0)
    low = np.min([box[0] for box in boxes], axis=0)
    high = np.max([box[1] for box in boxes], axis=0)
    if centers is not None:
        reach = SCATTER_REACH * float(np.max(boxes[0][1] - boxes[0][0]))
        low, high = np.maximum(low, boxes[0][0] - reach), np.minimum(high, boxes[0][1] + reach)
    return _square((low[0], high[0], low[1], high[1]))


def _square(extent):
    """(x_min, x_max, y_min, y_max) widened along its shorter side, around its middle, to a
    square, as Python floats."""
    x_min, x_max, y_min, y_max = (float(value) for value in extent)
    half = max(x_max - x_min, y_max - y_min) / 2
    x_mid, y_mid = (x_min + x_max) / 2, (y_min + y_max) / 2
    return (x_mid - half, x_mid + half, y_mid - half, y_mid + half)


def _paint(picture, mask, colour, opacity=1.0):
    """Blend `colour` over float [H, W, 3] `picture` where `mask`, with float or [H, W] opacity."""
    opacity = np.broadcast_to(opacity, mask.shape)[mask][:, None]
    picture[mask] = picture[mask] * (1 - opacity) + np.asarray(colour, np.float32) * opacity


def scatter_picture(points, centers=None, std=None, size=512, extent=None):
    """2-D points as a scatter plot: uint8 [size, size, 3] RGB.

    Args:
        points: float [n, 2], e.g. a generator's samples.
        centers: optional float [k, 2] true mode centres, each drawn as a red cross.
        std: optional std of the modes; with `centers`, each centre's 3-std circle is drawn as
            a thin light-red ring.
        size: side of the picture in pixels.
        extent: (x_min, x_max, y_min, y_max) window shown; default `scatter_extent(points,
            centers, std)`. A window that is not square is widened to a square around its
            middle, so that one data unit is the same number of pixels on both axes.

    Geometry: with s = size / (x_max - x_min) pixels per unit, point (x, y) falls in pixel
    row floor((y_max - y) * s), column floor((x - x_min) * s) (y points up). Each point is a
    5-pixel plus around its pixel in dark blue, 30% opaque, so overlapping points darken
    (a pixel under n of them is 1 - 0.7^n covered). A centre's cross has arms of
    `_CROSS_ARM` pixels around its pixel; its ring is every pixel whose centre lies within half
    a pixel of the circle of radius 3 * std * s around the centre.

    Points outside the window are drawn as single pixels on its nearest border pixel (their
    pixel row and column clamped to the picture), so the border shows their direction, and
    counted: "N outside" is written at the top left; the count includes non-finite points,
    which are not drawn. The light-grey
    frame is the window's edge; the pale lines are the axes x = 0 and y = 0 when in view.
    """
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    finite = points[np.isfinite(points).all(axis=1)]
    x_min, x_max, y_min, y_max = _square(
        scatter_extent(finite, centers, std) if extent is None else extent
    )
    scale = size / (x_max - x_min)
    picture = np.empty((size, size, 3), np.float32)
    picture[:] = _BACKGROUND
    rows, columns = np.ogrid[:size, :size]
    if x_min <= 0 < x_max:
        picture[:, int(-x_min * scale)] = _AXES
    if y_min < 0 <= y_max:
        picture[int(y_max * scale)] = _AXES
    picture[[0, -1]] = picture[:, [0, -1]] = _FRAME

    # Pixel indices of the points; those outside are clamped to the border pixels.
    pixel_rows = np.floor((y_max - finite[:, 1]) * scale)
    pixel_columns = np.floor((finite[:, 0] - x_min) * scale)
    inside = (
        (pixel_rows >= 0) & (pixel_rows < size) & (pixel_columns >= 0) & (pixel_columns < size)
    )
    pixel_rows = np.clip(pixel_rows, 0, size - 1).astype(np.int64)
    pixel_columns = np.clip(pixel_columns, 0, size - 1).astype(np.int64)
    counts = np.zeros((size, size), np.float32)
    np.add.at(counts, (pixel_rows[~inside], pixel_columns[~inside]), 1)
    for row_offset, column_offset in _DOT_OFFSETS:
        dot_rows = pixel_rows[inside] + row_offset
        dot_columns = pixel_columns[inside] + column_offset
        keep = (dot_rows >= 0) & (dot_rows < size) & (dot_columns >= 0) & (dot_columns < size)
        np.add.at(counts, (dot_rows[keep], dot_columns[keep]), 1)
    _paint(picture, counts > 0, _DOT, 1 - (1 - _DOT_OPACITY) ** counts)

    if centers is not None:
        centers = np.asarray(centers, dtype=np.float64).reshape(-1, 2)
        for x, y in centers:
            row, column = (y_max - y) * scale, (x - x_min) * scale  # continuous pixel units
            if std:
                radius = 3 * std * scale
                # Only the pixels whose centre can be within half a pixel of the circle.
                top, bottom = np.clip([np.floor(row - radius - 1), np.floor(row + radius) + 1],
                                      0, size).astype(int)
                left, right = np.clip([np.floor(column - radius - 1),
                                       np.floor(column + radius) + 1], 0, size).astype(int)
                distance = np.hypot(rows[top:bottom] + 0.5 - row,
                                    columns[:, left:right] + 0.5 - column)
                _paint(picture[top:bottom, left:right], np.abs(distance - radius) <= 0.5, _RING)
            row, column = int(np.floor(row)), int(np.floor(column))
            if 0 <= row < size and 0 <= column < size:
                arm = slice(max(row - _CROSS_ARM, 0), row + _CROSS_ARM + 1)
                picture[arm, column] = _CROSS
                arm = slice(max(column - _CROSS_ARM, 0), column + _CROSS_ARM + 1)
                picture[row, arm] = _CROSS

    outside = len(points) - int(inside.sum())
    if outside:
        mask = text_mask(f"{outside} outside", scale=2)
        picture[4 : 4 + mask.shape[0], 4 : 4 + mask.shape[1]][mask] = _TEXT
    return np.round(picture).astype(np.uint8)


def samples_picture(samples, upscale=1, centers=None, std=None, columns=None):
    """Samples from a generator -> a uint8 picture: for images float [n, H, W, C] in [-1, 1], a
    grid [H', W', C] of `columns` columns (default: square), pixels repeated `upscale` times;
    for 2-D points float [n, 2], `scatter_picture(samples, centers, std)` [512, 512, 3]
    (`upscale` unused)."""
    samples = np.asarray(samples)
    if samples.ndim == 2 and samples.shape[1] == 2:
        return scatter_picture(samples, centers, std)
    picture = image_grid(to_uint8(samples), columns)
    if upscale > 1:
        picture = picture.repeat(upscale, axis=0).repeat(upscale, axis=1)
    return picture


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
    """Write a uint8 [H, W, C] array (C = 1 or 3) to `path` as PNG, creating its folder."""
    writable.make_parent(path)
    tf.io.write_file(path, tf.io.encode_png(np.asarray(picture, dtype=np.uint8)))


def side_by_side(pictures, height=256, gap=8):
    """uint8 pictures [H_i, W_i, C_i] (C_i = 1 or 3) -> one RGB uint8 [height, W, 3] row.

    Each picture is scaled to `height` by nearest-neighbour sampling (pixel art stays sharp,
    aspect ratio kept) and the pictures are joined left to right with `gap` white columns.
    """
    scaled = []
    for picture in pictures:
        picture = np.asarray(picture, np.uint8)
        if picture.shape[-1] == 1:
            picture = np.repeat(picture, 3, axis=-1)
        width = max(1, round(picture.shape[1] * height / picture.shape[0]))
        rows = np.arange(height) * picture.shape[0] // height
        columns = np.arange(width) * picture.shape[1] // width
        scaled.append(picture[rows][:, columns])
    white = np.full((height, gap, 3), 255, np.uint8)
    joined = [part for picture in scaled for part in (picture, white)][:-1]
    return np.concatenate(joined, axis=1)
