"""Can a command write where it was told to? Asked of the file system itself, before any work.

Permission bits are not the answer: root passes every `os.access` check, and /proc or a
read-only mount refuse creation whatever the bits say. So each check creates a temporary entry
where the command would write and removes it again: a place that passes will take the
command's files, a place that fails is named in one line (GanzooError), and nothing is left
behind either way.

Imports nothing heavy: the scripts call it before TensorFlow is imported.
"""

import os
import tempfile

from ganzoo.errors import GanzooError


def _nearest_existing(path):
    probe = os.path.abspath(path)
    while not os.path.exists(probe):
        probe = os.path.dirname(probe)
    return probe


def check_directory(path, flag, shown=None):
    """GanzooError (one line naming `flag`=`shown`, default `path`) unless `path` is, or can be
    created as, a directory this process can write in. Nothing is created that outlives the
    call."""
    shown = path if shown is None else shown
    existing = _nearest_existing(path)
    if not os.path.isdir(existing):
        raise GanzooError(
            f"{flag}={shown} cannot be created: {existing} is a file, not a directory"
        )
    try:
        with tempfile.TemporaryDirectory(dir=existing, prefix=".ganzoo-probe-"):
            pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise GanzooError(
            f"{flag}={shown} is not writable: {existing} refuses new files ({reason})"
        ) from None


def check_file(path, flag):
    """GanzooError (one line naming `flag`) unless a file can be written at `path`: not a
    directory, in a directory that is or can be made writable, and if it exists, writable."""
    if not path:
        raise GanzooError(f"{flag} is empty; give a file name")
    if os.path.isdir(path):
        raise GanzooError(f"{flag}={path} is a directory; give a file name")
    check_directory(os.path.dirname(os.path.abspath(path)), flag, shown=path)
    if os.path.exists(path):
        try:
            with open(path, "ab"):  # appends nothing: the file is left as it was
                pass
        except OSError as error:
            raise GanzooError(f"{flag}={path} is not writable ({error.strerror})") from None


def make_parent(path):
    """Create the folder the file `path` goes in (and its parents), if missing; return `path`."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    return path
