"""tf.distribute strategies chosen by name, and the chief/worker facts training needs.

    default       no distribution (TensorFlow's default strategy)
    one_device    everything on one device: the first GPU if any, else the CPU
    mirrored      synchronous data parallelism on one machine: every GPU (or `devices`)
    multi_worker  synchronous data parallelism across machines, from the TF_CONFIG variable

Strategies are cached by (name, devices): two MirroredStrategy objects in one process
allocate the same collective-op keys, and the second one's all-reduces then fail with
"Shape mismatch in the collective instance" (seen on TF 2.21 with two logical CPUs).
"""

import json
import os

import tensorflow as tf

from ganzoo.errors import GanzooError

STRATEGIES = ("default", "one_device", "mirrored", "multi_worker")
_CACHE = {}


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
        raise GanzooError(f"TF_CONFIG is not valid JSON ({error}); expected e.g. {example}") from None
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


def get_strategy(name="default", devices=None):
    """A tf.distribute strategy (see the module docstring); one object per (name, devices).

    Args:
        name: one of STRATEGIES.
        devices: optional device names for "mirrored", e.g. ["/gpu:0", "/gpu:1"].
    """
    if name not in STRATEGIES:
        raise GanzooError(f"unknown strategy {name!r}; choose one of: {', '.join(STRATEGIES)}")
    if name == "multi_worker":
        parse_tf_config()
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
