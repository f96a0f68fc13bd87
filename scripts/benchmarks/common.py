"""What the benchmark suites share: running ganzoo's own commands as processes (the way a
user runs them), naming them as a user types them, and writing results files."""

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


def script(name, *args):
    """The command running scripts/<name> with `args` in this Python."""
    return [sys.executable, os.path.join(SCRIPTS, name), *args]


def shown(command):
    """A `script` command as a user types it: "ganzoo-train --model=dcgan ..."."""
    return " ".join(["ganzoo-" + os.path.basename(command[1])[:-3].replace("_", "-"),
                     *command[2:]])


def call(command, log):
    """Run `command` with its output in the file `log`; a failure ends the suite in one line."""
    with open(log, "a") as out:
        if subprocess.run(command, stdout=out, stderr=subprocess.STDOUT).returncode:
            raise SystemExit(f"error: {shown(command)} failed; see {log}")


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


def require_fashion_mnist(folder):
    """One-line refusal when the optional Debian data is missing."""
    from ganzoo.errors import GanzooError

    if not os.path.isdir(folder):
        raise GanzooError(
            f"Fashion-MNIST not found at {folder}: install it with `{FASHION_INSTALL}` "
            f"or pass its idx folder"
        )
