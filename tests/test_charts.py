"""ganzoo.charts: PNG bytes that decode to the picture, and line charts that put each series
where its points are."""

import numpy as np
import pytest
import tensorflow as tf

from ganzoo import charts


def test_png_bytes_decode_to_the_same_pixels():
    picture = np.random.default_rng(0).integers(0, 256, (7, 11, 3), dtype=np.uint8)
    data = charts.png_bytes(picture)
    assert data == charts.png_bytes(picture.copy())  # the same bytes for the same picture
    np.testing.assert_array_equal(tf.io.decode_png(data).numpy(), picture)


def test_a_line_chart_draws_each_series_in_its_colour_where_its_points_are():
    rising = [(x, 1.0 + x) for x in range(11)]
    falling = [(x, 11.0 - x) for x in range(11)]
    picture = charts.line_chart({"up": rising, "down": falling}, "x", "y", size=(400, 600))
    assert picture.shape == (400, 600, 3) and picture.dtype == np.uint8
    up, down = (np.all(picture == colour, axis=-1) for colour in charts.PALETTE[:2])
    assert up.any() and down.any()
    # The rising line's pixels at the left sit lower (larger rows) than at the right; the
    # falling line's the other way round (legend swatches excluded: the plot's upper part).
    def left_and_right_rows(mask):
        rows, cols = np.nonzero(mask[: 300])
        return rows[cols < 200].mean(), rows[cols > 450].mean()

    left, right = left_and_right_rows(up)
    assert left > right
    left, right = left_and_right_rows(down)
    assert left < right


def test_a_dashed_series_draws_part_of_its_line_and_x_max_ends_the_axis():
    line = [(x, 1.0 + x) for x in range(11)]
    solid, dashed = (np.all(charts.line_chart({"a": line}, "x", "y", dashed=dashed)
                            == charts.PALETTE[0], axis=-1).sum()
                     for dashed in ((), ("a",)))
    assert 0.3 * solid < dashed < 0.7 * solid  # about half: as many pixels off as on
    # The same line on an axis twice as long ends halfway across (rows above the legend).
    half = charts.line_chart({"a": line}, "x", "y", size=(400, 600), x_max=20)
    columns = np.nonzero(np.all(half[:360] == charts.PALETTE[0], axis=-1))[1]
    full = charts.line_chart({"a": line}, "x", "y", size=(400, 600))
    full_columns = np.nonzero(np.all(full[:360] == charts.PALETTE[0], axis=-1))[1]
    left = full_columns.min()
    assert abs((columns.max() - left) - (full_columns.max() - left) / 2) < 5


def test_a_line_chart_needs_a_point_it_can_draw():
    with pytest.raises(ValueError, match="no finite points"):
        charts.line_chart({"nan": [(0.0, float("nan"))]}, "x", "y")
    with pytest.raises(ValueError, match="no finite points"):
        charts.line_chart({"zero": [(0.0, 0.0)]}, "x", "y", log_y=True)
