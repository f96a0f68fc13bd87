"""The per-epoch sample grid: unconditional grids as before, one named row per class for
conditional models, a scatter plot of 2-D points."""

import numpy as np
import tensorflow as tf

from ganzoo import callbacks, images
from tests.test_models import tiny, tiny_case


def grid_after_one_epoch(model, directory, **kwargs):
    grid = callbacks.SampleGrid(str(directory), log_dir=str(directory / "logs"), **kwargs)
    grid.set_model(model)
    grid.on_train_begin()
    grid.on_epoch_end(0)
    grid.on_train_end()
    picture = tf.io.decode_png(tf.io.read_file(str(directory / "epoch_0001.png"))).numpy()
    assert list((directory / "logs" / "samples").iterdir())  # the TensorBoard image
    return grid, picture


def test_conditional_models_get_one_named_row_per_class(tmp_path):
    name, shape, overrides = tiny_case("cgan")
    model = tiny(name, shape, {**overrides, "num_classes": 12})
    grid, picture = grid_after_one_epoch(model, tmp_path, columns=3, seed=5)
    upscale = images.legible_upscale(16)
    base = picture[::upscale, ::upscale]
    names = [str(i) for i in range(10)]  # the first 10 of 12 classes
    left = images.label_column_width(names, 16)
    assert base.shape == (10 * 17 + 1, left + 3 * 17 + 1, 1)
    latent = model.sample_latent(3, 5).numpy()
    for label in (0, 9):
        expected = images.to_uint8(model.generate(latent=latent, labels=[label] * 3))
        for column in range(3):
            top, start = 1 + 17 * label, left + 1 + 17 * column
            cell = base[top : top + 16, start : start + 16].astype(int)
            assert np.abs(cell - expected[column]).max() <= 1
    assert base[:, :left].max() == 255  # the names are written


def test_unconditional_grids_are_unchanged(tmp_path):
    name, shape, overrides = tiny_case("dcgan")
    model = tiny(name, shape, overrides)
    _, picture = grid_after_one_epoch(model, tmp_path, num_samples=4, seed=2)
    expected = images.samples_picture(model.generate(latent=model.sample_latent(4, 2)))
    np.testing.assert_array_equal(picture, expected)


def test_2d_models_get_a_scatter_plot_of_2500_points(tmp_path):
    name, shape, overrides = tiny_case("gan")
    model = tiny(name, shape, overrides)
    _, picture = grid_after_one_epoch(model, tmp_path, seed=2)  # no centres: points only
    expected = images.scatter_picture(model.generate(latent=model.sample_latent(2500, 2)))
    np.testing.assert_array_equal(picture, expected)
