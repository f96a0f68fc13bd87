"""What the benchmark suites share: where data and results live, running ganzoo's own commands
as processes (the way a user runs them), naming commands as a user types them, and writing
results files."""

import json
import os
import platform
import subprocess
import sys
import time

BENCHMARKS = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.dirname(BENCHMARKS)
ROOT = os.path.dirname(SCRIPTS)
RESULTS = os.path.join(ROOT, "results")
FASHION_MNIST = "/usr/share/datasets/fashion-mnist"  # Debian's dataset-fashion-mnist
FASHION_INSTALL = "apt-get install dataset-fashion-mnist"
MNIST = os.path.join(os.path.dirname(ROOT), "shared", "data", "mnist")  # beside the checkout


def script(name, *args):
    """The command running scripts/<name> with `args` in this Python."""
    return [sys.executable, os.path.join(SCRIPTS, name), *args]


def shown(command):
    """A `script` command as a user types it: "ganzoo-train --model=dcgan ..."."""
    return " ".join(["ganzoo-" + os.path.basename(command[1])[:-3].replace("_", "-"),
                     *command[2:]])


def command_line(suite_file):
    """This process's command line as a user types it from the repository's root:
    "python scripts/benchmarks/<suite>.py --flag=value ..." (`suite_file`: the suite's
    __file__)."""
    return " ".join(["python", os.path.relpath(suite_file, ROOT), *sys.argv[1:]])


def call(command, log):
    """Run `command` with its output in the file `log`; a failure ends the suite in one line."""
    with open(log, "a") as out:
        if subprocess.run(command, stdout=out, stderr=subprocess.STDOUT).returncode:
            raise SystemExit(f"error: {shown(command)} failed; see {log}")


def made_once(path, command, log):
    """Run `command` (output in `log`) unless `path`, what it writes, exists: a suite's
    classifier, or a run's scores, is made once and reused when the suite runs again."""
    if not os.path.isfile(path):
        call(command, log)


def train_and_score(work_dir, name, train, evaluate, scores):
    """Run `name` of a suite once: unless `scores` exists, `train` (output in
    <work_dir>/<name>.train.log, its wall seconds in <name>.seconds), then `evaluate`, which
    writes `scores` (output in <name>.eval.log). Returns (the scores, the training seconds, or
    None for a run trained before they were kept)."""
    seconds_file = os.path.join(work_dir, f"{name}.seconds")
    if not os.path.isfile(scores):
        started = time.monotonic()
        call(train, os.path.join(work_dir, f"{name}.train.log"))
        with open(seconds_file, "w") as out:
            out.write(f"{time.monotonic() - started:.0f}\n")
        call(evaluate, os.path.join(work_dir, f"{name}.eval.log"))
    seconds = None
    if os.path.isfile(seconds_file):
        with open(seconds_file) as source:
            seconds = int(source.read().split()[0])
    return read_json(scores), seconds


def check_choices(flag, values, allowed):
    """One-line GanzooError naming the first of `values` not in `allowed`, and the allowed."""
    from ganzoo.errors import GanzooError

    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise GanzooError(f"--{flag}: unknown {unknown[0]!r}; choose from {', '.join(allowed)}")


def cpu():
    """The CPU's model name, for the results' `machine`."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine():
    """"<CPU>, <n> cores, TensorFlow <version>" (imports TensorFlow)."""
    import tensorflow as tf

    return f"{cpu()}, {os.cpu_count()} cores, TensorFlow {tf.__version__}"


def today():
    return time.strftime("%Y-%m-%d")


def write_json(path, results):
    """`results` as indented JSON at `path` (its folder created), replaced atomically so a
    kill never leaves half a file."""
    from ganzoo import writable

    writable.make_parent(path)
    partial = path + ".partial"
    with open(partial, "w") as out:
        json.dump(results, out, indent=1)
        out.write("\n")
    os.replace(partial, path)


def read_json(path):
    with open(path) as source:
        return json.load(source)


def runs_file(path, suite, setting, key, hint="give the same flags, or another file"):
    """The ganzoo.runs_file.RunsFile at --output=`path` of a suite whose runs several processes
    may add to (one per seed range, say), each run kept as soon as it ends."""
    from ganzoo.runs_file import RunsFile

    return RunsFile(path, suite, setting, key, label=f"--output={path}", hint=hint)


def require_fashion_mnist(folder):
    """One-line refusal when the optional Debian data is missing from --dataset=`folder`."""
    from ganzoo.data import idx
    from ganzoo.errors import GanzooError

    if not idx.is_idx_folder(folder):
        raise GanzooError(
            f"no Fashion-MNIST idx files in --dataset={folder}: install them with "
            f"`{FASHION_INSTALL}` (into {FASHION_MNIST}) or give their folder"
        )
