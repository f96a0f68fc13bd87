"""ganzoo: a GAN model zoo for TensorFlow and Keras 3.

    import ganzoo
    model = ganzoo.get_model("dcgan", data_shape=(32, 32, 1))
    model.compile()
    model.fit(ganzoo.data.load_dataset("digits", batch_size=64), epochs=10)
"""

from ganzoo import models  # noqa: F401  (registers the zoo)
from ganzoo.errors import GanzooError
from ganzoo.models import arguments as _arguments
from ganzoo.pretrained import load_pretrained
from ganzoo.registry import get_model_class, list_models

__version__ = "0.1.0"


def get_model(name, **overrides):
    """A new, uncompiled model registered as `name`, its defaults replaced by `overrides`.

    Unknown names raise GanzooError listing the known ones; see `list_models()`.
    """
    return get_model_class(name)(**overrides)


def describe_model(name):
    """A printable table of the model's arguments: defaults, allowed values, meaning."""
    model_class = get_model_class(name)
    return f"{model_class.__doc__.strip().splitlines()[0]}\n" + _arguments.describe(
        name, model_class.defaults
    )


__all__ = [
    "GanzooError", "describe_model", "get_model", "list_models", "load_pretrained", "__version__"
]
