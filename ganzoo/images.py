"""Turning samples into pictures: uint8 conversion, grids, PNG files, 2-D point histograms."""

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


def write_png(path, picture):
    """Write a uint8 [H, W, C] array (C = 1 or 3) to `path` as PNG, creating no directories."""
    tf.io.write_file(path, tf.io.encode_png(np.asarray(picture, dtype=np.uint8)))
