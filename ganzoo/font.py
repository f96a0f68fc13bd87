"""A 3x5 bitmap font for the labels ganzoo draws on its pictures (class names on sample grids,
axes of charts). numpy only, so light modules can draw text."""

import numpy as np

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
    ".": "... ... ... ... .#.", "/": "..# ..# .#. #.. #..", ",": "... ... ... .#. #..",
    "(": ".#. #.. #.. #.. .#.", ")": ".#. ..# ..# ..# .#.", "%": "#.# ..# .#. #.. #.#",
    "+": "... .#. ### .#. ...", "=": "... ### ... ### ...", ":": "... .#. ... .#. ...",
    "'": ".#. .#. ... ... ...",
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


def text_mask(text, scale=1, max_chars=MAX_NAME_CHARS):
    """bool [5 * scale, (4 * len(text) - 1) * scale] pixels of `text` (one blank column between
    characters), each font pixel a scale x scale block; text cut to `max_chars`."""
    text = text[:max_chars]
    if not text:
        return np.zeros((GLYPH_HEIGHT * scale, 0), dtype=bool)
    gap = np.zeros((GLYPH_HEIGHT, 1), dtype=bool)
    columns = [part for char in text for part in (glyph(char), gap)][:-1]
    return np.concatenate(columns, axis=1).repeat(scale, axis=0).repeat(scale, axis=1)
