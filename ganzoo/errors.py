"""The one exception type the command-line scripts turn into a one-line message.

Raised for bad input a user can fix (unknown model or dataset name, unsupported image shape,
bad latent size, an empty image folder, a diverged run). Subclasses `ValueError` so Python
callers can catch it the ordinary way.
"""


class GanzooError(ValueError):
    """Bad input or an unrecoverable training condition, with a message that says what to do."""


class TrainingDivergedError(GanzooError):
    """A loss became NaN or Inf; the last good checkpoint is left as it was."""
