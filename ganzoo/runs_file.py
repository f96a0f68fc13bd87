"""A JSON file of benchmark runs that several processes can add to at once.

The long benchmark suites (scripts/benchmarks/pacgan.py and fashion.py) keep each run as soon
as it ends, so an interrupted suite loses no finished run, a rerun skips what the file holds,
and several processes given the same file (one per seed range, say) build one table. The file
holds {"suite", "setting", "commands", "runs", ...any further fields}: every run in it was made
with `setting`, and a process of another suite or setting is refused in one line when it opens
the file, before it trains anything.

Every read-modify-write holds an exclusive lock on `<path>.lock` (fcntl.flock: processes of one
machine; not across machines on NFS), and the file is replaced atomically (a temporary file
beside it, then os.replace), so a reader never sees half a file and a writer killed mid-write
leaves the last whole one.
"""

import contextlib
import fcntl
import json
import os
import tempfile

from ganzoo import writable
from ganzoo.errors import GanzooError


class RunsFile:
    """The runs of one suite and setting in the JSON file `path`.

    Args:
        path: the file, created if absent; None keeps the runs in memory only.
        suite: str, the suite's name.
        setting: JSON-able dict, what every run in the file shares (steps, batch, ...).
        key: names of the run fields that identify a run, e.g. ("dataset", "seed").
        label: how messages name the file (e.g. "--output=x.json"); default `path`.
        hint: what a refused user should do, ending the refusal's line.

    Raises:
        GanzooError: one line, when `path` holds something else (another suite or setting,
            an older format, not JSON).
    """

    def __init__(self, path, suite, setting, key, label=None,
                 hint="give the same settings, or another file"):
        self.path, self.suite, self.key = path, suite, tuple(key)
        self.setting = json.loads(json.dumps(setting))  # as it reads back: tuples are lists
        self.label, self.hint = label or path, hint
        if path:
            folder = os.path.dirname(os.path.abspath(path))
            if not (os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)):
                raise GanzooError(f"{self.label} cannot be written: {folder} is not a writable "
                                  f"folder")
        self._record = {"suite": suite, "setting": self.setting, "commands": [], "runs": []}
        with self._locked():
            self._save()  # from now on, a process of another setting is refused at once

    @property
    def record(self):
        """The whole record as the file holds it now (a dict; runs of every process)."""
        with self._locked():
            return json.loads(json.dumps(self._record))

    def has(self, identity):
        """True if the file holds a run whose `key` fields equal the tuple `identity`."""
        with self._locked():
            return any(self._identity(run) == tuple(identity) for run in self._record["runs"])

    def add(self, run):
        """Keep `run` (a JSON-able dict with the `key` fields); it replaces a run of the same
        identity."""
        with self._locked():
            others = [r for r in self._record["runs"] if self._identity(r) != self._identity(run)]
            self._record["runs"] = others + [json.loads(json.dumps(run))]
            self._save()

    def add_command(self, command):
        """Note a command line that added runs (once, however often it ran)."""
        with self._locked():
            if command not in self._record["commands"]:
                self._record["commands"].append(command)
                self._save()

    def update(self, **fields):
        """Set top-level fields beside the runs, e.g. the scores of a shared baseline."""
        if {"suite", "setting", "commands", "runs"} & set(fields):
            raise ValueError(f"update() sets fields beside the runs, not {sorted(fields)}")
        with self._locked():
            self._record.update(json.loads(json.dumps(fields)))
            self._save()

    def _identity(self, run):
        return tuple(run[field] for field in self.key)

    @contextlib.contextmanager
    def _locked(self):
        """Hold the file's lock, with self._record refreshed from the file."""
        if not self.path:
            yield
            return
        writable.make_parent(self.path)
        with open(f"{self.path}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._read()
            yield

    def _read(self):
        if not os.path.exists(self.path):
            return
        try:
            with open(self.path) as file:
                on_disk = json.load(file)
        except (OSError, ValueError) as error:
            raise GanzooError(f"{self.label} cannot be read as a results file ({error}); give "
                              f"another file") from None
        self._check(on_disk)
        self._record = on_disk

    def _check(self, on_disk):
        if not isinstance(on_disk, dict) or "suite" not in on_disk or "runs" not in on_disk:
            raise GanzooError(f"{self.label} holds no results of this version of the suites "
                              f"(no suite and runs in it); give another file")
        if on_disk["suite"] != self.suite:
            raise GanzooError(f"{self.label} holds results of the {on_disk['suite']} suite, not "
                              f"the {self.suite} suite; give another file")
        there = on_disk.get("setting") or {}
        differing = sorted(name for name in set(there) | set(self.setting)
                           if there.get(name) != self.setting.get(name))
        if differing:
            shown = ", ".join(f"{name}: {there.get(name)} there, {self.setting.get(name)} here"
                              for name in differing)
            raise GanzooError(f"{self.label} holds results of another setting ({shown}); "
                              f"{self.hint}")

    def _save(self):
        if not self.path:
            return
        folder = os.path.dirname(os.path.abspath(self.path))
        handle, temporary = tempfile.mkstemp(prefix=".runs-", suffix=".json", dir=folder)
        try:
            with os.fdopen(handle, "w") as file:
                json.dump(self._record, file, indent=2)
            os.replace(temporary, self.path)
        except BaseException:
            if os.path.exists(temporary):
                os.remove(temporary)
            raise
