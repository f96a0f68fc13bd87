"""Scatter plots of 2-D points (`images.scatter_picture`) and the per-epoch picture of 2-D runs:
exact pixel geometry of points, mode centres and 3-std circles; the default window."""

import numpy as np
import tensorflow as tf

from ganzoo import data, images, train_lib
from ganzoo.configs import DataConfig, ModelConfig, TrainConfig

UNIT = (-1.0, 1.0, -1.0, 1.0)  # with size 512: 256 pixels per unit, x = -1 at column 0
WHITE = (255, 255, 255)


def read_png(path):
    return tf.io.decode_png(tf.io.read_file(str(path))).numpy()


def is_red(pixel):
    red, green, blue = (int(value) for value in pixel)
    return red > 150 and green < 60 and blue < 60


def test_the_picture_is_512_square_rgb_on_white_in_a_light_frame():
    picture = images.scatter_picture(np.zeros((0, 2)), extent=UNIT)
    assert picture.shape == (512, 512, 3) and picture.dtype == np.uint8
    assert tuple(picture[100, 100]) == WHITE
    for frame in (picture[0, 100], picture[511, 100], picture[100, 0], picture[100, 511]):
        assert 150 < frame.min() < 255  # grey: visible, lighter than any point
    # Pale axes x = 0 (column 256) and y = 0 (row 256).
    assert 200 < picture[100, 256].min() < 255 and 200 < picture[256, 100].min() < 255


def test_a_point_darkens_the_pixel_its_coordinates_fall_in_and_its_four_neighbours():
    # Row floor((y_max - y) * 256), column floor((x - x_min) * 256): y points up.
    picture = images.scatter_picture([[0.5, 0.5], [-0.25, -0.75]], extent=UNIT)
    for row, column in ((128, 384), (448, 192)):
        for near_row, near_column in ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)):
            pixel = picture[row + near_row, column + near_column].astype(int)
            assert pixel.max() < 220 and pixel[2] > pixel[0]  # darker, blue-ish
        for far_row, far_column in ((-1, -1), (2, 0), (0, -2)):
            assert tuple(picture[row + far_row, column + far_column]) == WHITE
    blank = images.scatter_picture(np.zeros((0, 2)), extent=UNIT)
    assert (picture != blank).any(axis=-1).sum() == 2 * 5  # nothing else drawn


def test_overlapping_points_blend_darker():
    one, three = (
        images.scatter_picture([[0.5, 0.5]] * count, extent=UNIT)[128, 384].astype(int)
        for count in (1, 3)
    )
    assert (three < one).all() and three.max() > 0  # darker, not yet saturated


def test_each_mode_centre_is_a_red_cross_at_its_pixel():
    centers, _ = data.mode_centers("ring")
    picture = images.scatter_picture(np.zeros((0, 2)), centers, size=400, extent=(-2, 2, -2, 2))
    for x, y in centers.astype(np.float64):
        row, column = int(np.floor((2 - y) * 100)), int(np.floor((x + 2) * 100))
        for arm in range(-3, 4):
            assert is_red(picture[row + arm, column]) and is_red(picture[row, column + arm])
        for away in ((4, 0), (0, -4), (1, 1), (-1, 1)):
            assert not is_red(picture[row + away[0], column + away[1]])


def test_the_3_std_circle_is_every_pixel_within_half_a_pixel_of_that_radius():
    center, std = (0.3, -0.2), 0.1
    with_ring = images.scatter_picture(np.zeros((0, 2)), [center], std, extent=UNIT)
    without = images.scatter_picture(np.zeros((0, 2)), [center], extent=UNIT)
    ring = (with_ring != without).any(axis=-1)
    # Pixel (r, c) has its centre at (r + 0.5, c + 0.5) pixel units; the mode's centre is at
    # row (1 - y) * 256, column (x + 1) * 256; the radius is 3 * std * 256 pixels.
    rows, columns = np.mgrid[:512, :512] + 0.5
    distance = np.hypot(rows - (1 - center[1]) * 256, columns - (center[0] + 1) * 256)
    np.testing.assert_array_equal(ring, np.abs(distance - 3 * std * 256) <= 0.5)
    assert abs(ring.sum() / (2 * np.pi * 76.8) - 1) < 0.1  # a thin closed ring
    assert all(tuple(pixel) != WHITE and not is_red(pixel) for pixel in with_ring[ring])


def test_the_default_window_holds_the_modes_with_a_margin_and_ignores_a_stray_point():
    centers, std = data.mode_centers("ring")
    points = data.sample_toy("ring", 2500, seed=0)
    x_min, x_max, y_min, y_max = images.scatter_extent(points, centers, std)
    assert x_max - x_min == y_max - y_min  # square: circles stay round
    # The modes' box [-1, 1]^2 padded by max(3 std, 10% of 2) = 0.2, not much more.
    assert x_min <= -1.2 and y_min <= -1.2 and x_max >= 1.2 and y_max >= 1.2
    assert x_max - x_min < 2.4 * 1.1
    stray = np.concatenate([points, [[1000.0, 1000.0]]])
    np.testing.assert_allclose(
        images.scatter_extent(stray, centers, std), (x_min, x_max, y_min, y_max), atol=0.01
    )
    picture = images.scatter_picture(stray, centers, std)
    clean = images.scatter_picture(points, centers, std, extent=(x_min, x_max, y_min, y_max))
    # The stray point: a mark on the border towards it (top right), and "1 outside" written.
    assert picture[0, 511].max() < clean[0, 511].max()
    assert (picture[4:14, 4:100] != clean[4:14, 4:100]).any()
    assert (clean[4:14, 4:100] == 255).all()


def test_points_far_from_the_modes_widen_the_window_only_so_far():
    centers, std = data.mode_centers("ring")
    points = np.random.default_rng(0).normal(50, 0.1, (2500, 2))
    x_min, x_max, _, _ = images.scatter_extent(points, centers, std)
    assert x_max - x_min <= 3 * 2.4 + 1e-9 and x_min <= -1.2  # the modes keep legible
    corner = images.scatter_picture(points, centers, std)[0, 511]
    assert corner.max() < 100  # all 2,500 on the corner pixel, towards them


def test_without_centres_the_window_is_the_points_central_part_with_a_margin():
    points = np.random.default_rng(0).normal(0, 1, (2500, 2))
    x_min, x_max, y_min, y_max = images.scatter_extent(points)
    outside = ((points[:, 0] < x_min) | (points[:, 0] > x_max) | (points[:, 1] < y_min)
               | (points[:, 1] > y_max))
    assert outside.mean() < 0.02 and x_max - x_min < 6  # about +-2.8 std


def test_a_run_on_a_toy_set_draws_2500_points_over_its_modes_every_epoch(tmp_path):
    result = train_lib.train(
        DataConfig(dataset="ring", batch_size=32),
        ModelConfig(model="gan", precision="float32", model_args={"latent_dim": 4, "width": 8}),
        TrainConfig(steps=2, model_dir=str(tmp_path / "run"), export_dir="", verbose=0),
    )
    picture = read_png(tmp_path / "run" / "samples" / "epoch_0001.png")
    points = result.model.generate(latent=result.model.sample_latent(2500, 1234))
    expected = images.scatter_picture(points, *data.mode_centers("ring"))
    assert picture.shape == (512, 512, 3)
    np.testing.assert_array_equal(picture, expected)
    assert list((tmp_path / "run" / "logs" / "samples").iterdir())  # the TensorBoard image


def test_side_by_side_scales_to_one_height_and_keeps_pixels_sharp():
    gray = np.arange(4, dtype=np.uint8).reshape(2, 2, 1) * 60  # 2x2, four levels
    colour = np.zeros((4, 8, 3), np.uint8)
    colour[..., 0] = 200
    row = images.side_by_side([gray, colour], height=8, gap=3)
    assert row.shape == (8, 8 + 3 + 16, 3) and row.dtype == np.uint8
    assert (row[:4, :4] == 0).all() and (row[4:, 4:8] == 180).all()  # each pixel -> 4x4 block
    assert (row[:, 8:11] == 255).all()  # the gap
    assert (row[:, 11:, 0] == 200).all() and (row[:, 11:, 1:] == 0).all()
