"""ganzoo: a GAN model zoo for TensorFlow and Keras 3.

    import ganzoo
    model = ganzoo.get_model("dcgan", data_shape=(32, 32, 1))
    model.compile()
    model.fit(ganzoo.data.load_dataset("digits", batch_size=64), epochs=10)
"""

from ganzoo import models  # noqa: F401  (registers the zoo)
from ganzoo.errors import GanzooError
from ganzoo.registry import get_model_class, list_models

__version__ = "0.1.0"


def get_model(name, **overrides):
    """A new, uncompiled model registered as `name`, its defaults replaced by `overrides`.

    Unknown names raise GanzooError listing the known ones; see `list_models()`.
    """
    return get_model_class(name)(**overrides)


__all__ = ["GanzooError", "get_model", "list_models", "__version__"]
