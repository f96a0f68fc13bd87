"""Line charts as pictures, and PNG bytes without TensorFlow: the curves of the docs (FID against
training minutes) drawn from results files by scripts/report.py, byte for byte the same on
every machine (numpy and zlib only).

    picture = line_chart({"dcgan seed 0": [(0.7, 12.7), (1.6, 8.1), ...]},
                         x_label="training minutes", y_label="FID", log_y=True)
    open("curve.png", "wb").write(png_bytes(picture))
"""

import math
import struct
import zlib

import numpy as np

from ganzoo.font import GLYPH_HEIGHT, text_mask

# Distinct colours for up to 12 series (Tableau's 10, then two darker ones).
PALETTE = (
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
    (0, 0, 128), (128, 0, 0),
)
_INK, _GRID, _PAPER = (0, 0, 0), (225, 225, 225), (255, 255, 255)
_LABEL_CHARS = 40


def _nice_ticks(low, high, count=5):
    """About `count` round values covering [low, high] (steps of 1, 2 or 5 x 10^k)."""
    span = max(high - low, 1e-12)
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = min((m * power for m in (1, 2, 5, 10) if m * power >= raw), default=10 * power)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _log_ticks(low, high):
    """1, 2, 5 x 10^k between low and high (both > 0)."""
    ticks = []
    for k in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        ticks += [m * 10.0**k for m in (1, 2, 5) if low <= m * 10.0**k <= high]
    return ticks or [low, high]


def _tick_text(value):
    return f"{value:g}" if abs(value) < 1e5 else f"{value:.0e}"


def _stamp(picture, mask, top, left, colour):
    height, width = mask.shape
    top, left = max(0, top), max(0, left)
    region = picture[top : top + height, left : left + width]
    region[mask[: region.shape[0], : region.shape[1]]] = colour


def _line(picture, start, end, colour, thickness=2, dash=0, offset=0):
    """A straight segment between two (row, column) points, `thickness` pixels wide; with
    `dash` > 0, drawn `dash` pixels on, `dash` off, starting `offset` pixels into the pattern.
    Returns the offset the next segment continues the pattern from."""
    (r0, c0), (r1, c1) = start, end
    steps = int(max(abs(r1 - r0), abs(c1 - c0))) + 1
    rows = np.linspace(r0, r1, steps).round().astype(int)
    cols = np.linspace(c0, c1, steps).round().astype(int)
    if dash:
        on = (np.arange(offset, offset + steps) // dash) % 2 == 0
        rows, cols = rows[on], cols[on]
    for dr in range(thickness):
        for dc in range(thickness):
            r = np.clip(rows + dr, 0, picture.shape[0] - 1)
            c = np.clip(cols + dc, 0, picture.shape[1] - 1)
            picture[r, c] = colour
    return offset + steps


def line_chart(series, x_label, y_label, log_y=False, size=(480, 720), scale=2, dashed=(),
               x_max=None):
    """uint8 RGB [height, width, 3]: each series {label: [(x, y), ...]} as a coloured polyline
    over shared axes with round ticks, grid lines, the axis labels and a legend (labels cut to
    40 characters). `log_y` puts y on a log scale (y > 0). Series draw in PALETTE's order; those
    whose labels are in `dashed` draw dashed (in the legend too), to set them apart. `x_max`
    (default: the largest x) ends the x axis, so that charts set side by side share it."""
    height, width = size
    picture = np.full((height, width, 3), _PAPER, np.uint8)
    points = [(x, y) for values in series.values() for x, y in values
              if math.isfinite(x) and math.isfinite(y) and (y > 0 or not log_y)]
    if not points:
        raise ValueError("line_chart: no finite points to draw")
    xs, ys = zip(*points)
    x_low, x_high = min(0.0, min(xs)), max(xs) if x_max is None else x_max
    if log_y:
        y_low, y_high = 10 ** math.floor(math.log10(min(ys))), max(ys) * 1.1
        transform, y_ticks = math.log10, _log_ticks(y_low, y_high)
    else:
        y_low, y_high = min(0.0, min(ys)), max(ys) * 1.05
        transform, y_ticks = (lambda v: v), _nice_ticks(y_low, y_high)
    glyph = GLYPH_HEIGHT * scale
    left, right, top, bottom = 10 * glyph, width - 10, glyph, height - 4 * glyph
    legend_rows = len(series)
    plot_bottom = bottom - legend_rows * (glyph + 4)

    def to_pixel(x, y):
        col = left + (x - x_low) / max(x_high - x_low, 1e-12) * (right - left)
        t_low, t_high = transform(y_low), transform(y_high)
        row = plot_bottom - (transform(y) - t_low) / max(t_high - t_low, 1e-12) * (
            plot_bottom - top)
        return row, col

    for tick in y_ticks:
        row, _ = to_pixel(x_low, tick)
        picture[int(round(row)), left:right] = _GRID
        label = text_mask(_tick_text(tick), scale, _LABEL_CHARS)
        _stamp(picture, label, int(row) - glyph // 2, left - label.shape[1] - scale * 3, _INK)
    for tick in _nice_ticks(x_low, x_high):
        _, col = to_pixel(tick, y_low)
        picture[top:plot_bottom, int(round(col))] = _GRID
        label = text_mask(_tick_text(tick), scale, _LABEL_CHARS)
        _stamp(picture, label, plot_bottom + scale * 3, int(col) - label.shape[1] // 2, _INK)
    picture[top:plot_bottom + 1, left] = _INK
    picture[plot_bottom, left:right] = _INK
    label = text_mask(x_label, scale, _LABEL_CHARS)
    _stamp(picture, label, plot_bottom + glyph + scale * 6, (left + right - label.shape[1]) // 2,
           _INK)
    _stamp(picture, text_mask(y_label, scale, _LABEL_CHARS), 0, 2, _INK)

    for index, (name, values) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        dash = 3 * scale if name in dashed else 0
        kept = [to_pixel(x, y) for x, y in values
                if math.isfinite(x) and math.isfinite(y) and (y > 0 or not log_y)]
        offset = 0
        for start, end in zip(kept, kept[1:]):
            offset = _line(picture, start, end, colour, dash=dash, offset=offset)
        row = plot_bottom + 2 * glyph + scale * 8 + index * (glyph + 4)
        _line(picture, (row + glyph // 2 - 1, left), (row + glyph // 2 - 1, left + 4 * glyph - 1),
              colour, dash=dash)
        _stamp(picture, text_mask(name, scale, _LABEL_CHARS), row, left + 5 * glyph, _INK)
    return picture


def png_bytes(picture):
    """The PNG file of a uint8 RGB [height, width, 3] picture (8-bit, no interlacing), the same
    bytes on every machine."""
    picture = np.ascontiguousarray(picture, dtype=np.uint8)
    height, width, _ = picture.shape
    raw = b"".join(b"\x00" + picture[row].tobytes() for row in range(height))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
