"""tf.distribute strategies chosen by name."""

import tensorflow as tf

from ganzoo.errors import GanzooError

STRATEGIES = ("default", "one_device", "mirrored")


def get_strategy(name="default", devices=None):
    """A tf.distribute strategy.

    Args:
        name: "default" (no distribution: the default strategy), "one_device" (everything on
            one device, the first GPU if any, else the CPU), "mirrored" (synchronous
            data parallelism over `devices`, by default every GPU, else the CPU).
        devices: optional list of device names for "mirrored", e.g. ["/gpu:0", "/gpu:1"].

    Returns:
        tf.distribute.Strategy.
    """
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "one_device":
        gpus = tf.config.list_logical_devices("GPU")
        return tf.distribute.OneDeviceStrategy(gpus[0].name if gpus else "/cpu:0")
    if name == "mirrored":
        return tf.distribute.MirroredStrategy(devices=devices)
    raise GanzooError(f"unknown strategy {name!r}; choose one of: {', '.join(STRATEGIES)}")
