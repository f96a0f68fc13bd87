"""tf.distribute strategies chosen by name, and the chief/worker facts training needs.

    default       no distribution (TensorFlow's default strategy)
    one_device    everything on one device: the first GPU if any, else the CPU
    mirrored      synchronous data parallelism on one machine: every GPU (or `devices`)
    multi_worker  synchronous data parallelism across machines, from the TF_CONFIG variable

`devices` (mirrored only) are checked against this machine's before the strategy is built:
MirroredStrategy over a device that does not exist waits forever instead of failing. Names are
normalised, so /cpu:0, /device:CPU:0, CPU:0 and cpu:0 are one device; an unknown one is an error
naming the devices there are.

Decision: asking for more CPUs than TensorFlow has (e.g. /cpu:0,/cpu:1 on a machine with one)
splits the physical CPU into that many logical CPU devices, so replicas can be tried on a laptop
(they share the CPU's cores: this is for trying distribution, not for speed). TensorFlow allows
that only before it initialises its devices, i.e. before the first op of the process; the
training command asks for its strategy before that. Later (e.g. a Python caller that already
ran TensorFlow ops) it is an error saying so. GPUs are never split: a missing GPU is an error.

Strategies are cached by (name, devices): two MirroredStrategy objects in one process
allocate the same collective-op keys, and the second one's all-reduces then fail with
"Shape mismatch in the collective instance" (seen on TF 2.21 with two logical CPUs).
"""

import json
import os

import tensorflow as tf

from ganzoo import configs
from ganzoo.errors import GanzooError

STRATEGIES = configs.STRATEGIES
_CACHE = {}
# Logical CPU devices share the machine's cores; more than this is a typo, not an experiment.
MAX_LOGICAL_CPUS = 16


def parse_tf_config(text=None):
    """The TF_CONFIG dict, validated: {"cluster": {...}, "task": {"type": ..., "index": ...}}.

    Args:
        text: JSON text; None reads the TF_CONFIG environment variable.

    Raises:
        GanzooError: missing, not JSON, or without a cluster containing the task.
    """
    text = os.environ.get("TF_CONFIG") if text is None else text
    example = (
        'TF_CONFIG=\'{"cluster": {"worker": ["host1:12345", "host2:12345"]}, '
        '"task": {"type": "worker", "index": 0}}\''
    )
    if not text:
        raise GanzooError(f"--strategy=multi_worker needs the TF_CONFIG variable, e.g. {example}")
    try:
        config = json.loads(text)
    except json.JSONDecodeError as error:
        raise GanzooError(
            f"TF_CONFIG is not valid JSON ({error}); expected e.g. {example}"
        ) from None
    cluster = config.get("cluster") if isinstance(config, dict) else None
    task = config.get("task") if isinstance(config, dict) else None
    if not isinstance(cluster, dict) or not cluster or not isinstance(task, dict):
        raise GanzooError(f"TF_CONFIG needs 'cluster' and 'task' entries; expected e.g. {example}")
    members = cluster.get(task.get("type"), [])
    if not isinstance(task.get("index"), int) or not 0 <= task["index"] < len(members):
        raise GanzooError(
            f"TF_CONFIG task {task} is not in its cluster {cluster}; expected e.g. {example}"
        )
    return config


def normalize_device(name):
    """"/cpu:0" for /cpu:0, /device:CPU:0, CPU:0, cpu:0 (and likewise for GPUs).

    Raises:
        GanzooError: not a local device name with a type and an index.
    """
    try:
        spec = tf.DeviceSpec.from_string(name.strip())
    except ValueError:
        spec = None
    if (
        spec is None
        or spec.device_type is None
        or spec.device_index is None
        or spec.job not in (None, "localhost")
    ):
        raise GanzooError(
            f"device {name!r} is not a device name; write e.g. /cpu:0, /gpu:1 or /device:GPU:1"
        )
    return _short_name(spec)


def _short_name(spec):
    return f"/{spec.device_type.lower()}:{spec.device_index}"


def _available_devices():
    """This process's logical devices as "/cpu:0", "/gpu:0", ... (initialises TensorFlow's)."""
    return [
        _short_name(tf.DeviceSpec.from_string(device.name))
        for device in tf.config.list_logical_devices()
    ]


def _logical_cpus_configured():
    """How many logical CPU devices TensorFlow has or will create (without initialising it)."""
    configuration = tf.config.get_logical_device_configuration(
        tf.config.list_physical_devices("CPU")[0]
    )
    return len(configuration) if configuration else 1


def check_devices(devices):
    """The normalised `devices`, each one present on this machine (see the module docstring).

    Creates logical CPU devices when more CPUs are asked for than exist and TensorFlow has not
    initialised its devices yet.

    Args:
        devices: device names, e.g. ["/gpu:0", "/gpu:1"] or ["CPU:0", "CPU:1"].

    Returns:
        The names as "/cpu:0", "/gpu:1", ..., in the given order.

    Raises:
        GanzooError: a bad, repeated or missing device, naming the available ones.
    """
    names = [normalize_device(device) for device in devices]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise GanzooError(f"--devices lists {', '.join(repeated)} more than once")
    cpus_needed = 1 + max((int(n.split(":")[1]) for n in names if n.startswith("/cpu:")), default=0)
    if cpus_needed > MAX_LOGICAL_CPUS:
        raise GanzooError(
            f"--devices asks for {cpus_needed} CPU devices; at most {MAX_LOGICAL_CPUS} logical "
            f"CPUs are created (/cpu:0 to /cpu:{MAX_LOGICAL_CPUS - 1})"
        )
    if cpus_needed > _logical_cpus_configured():
        try:
            tf.config.set_logical_device_configuration(
                tf.config.list_physical_devices("CPU")[0],
                [tf.config.LogicalDeviceConfiguration()] * cpus_needed,
            )
        except RuntimeError:  # "Virtual devices cannot be modified after being initialized"
            raise GanzooError(
                f"cannot create {cpus_needed} logical CPU devices: TensorFlow already set up its "
                f"devices ({', '.join(_available_devices())}) in this process; ask for them "
                f"before the first TensorFlow op, e.g. from the command line"
            ) from None
    available = _available_devices()
    missing = [name for name in names if name not in available]
    if missing:
        raise GanzooError(
            f"no device {', '.join(missing)} on this machine; available: {', '.join(available)}"
        )
    return names


def get_strategy(name="default", devices=None):
    """A tf.distribute strategy (see the module docstring); one object per (name, devices).

    Args:
        name: one of STRATEGIES.
        devices: optional device names for "mirrored", e.g. ["/gpu:0", "/gpu:1"]; checked
            with `check_devices` before the strategy is built.

    Raises:
        GanzooError: an unknown strategy, `devices` for another strategy than "mirrored", a
            device this machine lacks, or a bad TF_CONFIG for "multi_worker".
    """
    if name not in STRATEGIES:
        raise GanzooError(f"unknown strategy {name!r}; choose one of: {', '.join(STRATEGIES)}")
    if devices and name != "mirrored":
        raise GanzooError(
            f"--devices applies to --strategy=mirrored only, not --strategy={name}"
        )
    if name == "multi_worker":
        parse_tf_config()
    if devices:
        devices = check_devices(devices)
    key = (name, tuple(devices or ()))
    if key not in _CACHE:
        if name == "default":
            strategy = tf.distribute.get_strategy()
        elif name == "one_device":
            gpus = tf.config.list_logical_devices("GPU")
            strategy = tf.distribute.OneDeviceStrategy(gpus[0].name if gpus else "/cpu:0")
        elif name == "mirrored":
            strategy = tf.distribute.MirroredStrategy(devices=list(devices) if devices else None)
        else:
            strategy = tf.distribute.MultiWorkerMirroredStrategy()
        _CACHE[key] = strategy
    return _CACHE[key]


def is_chief(strategy):
    """True for the one process that writes checkpoints, logs and exports.

    That is every single-machine process, and under multi_worker the "chief" task, or worker 0
    when the cluster has no chief.
    """
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return True
    task_type, task_id = resolver.task_type, resolver.task_id
    if task_type == "chief":
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return task_type in (None, "worker") and task_id in (None, 0) and not has_chief
