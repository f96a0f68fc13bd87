"""ganzoo: a GAN model zoo for TensorFlow and Keras 3.

    import ganzoo
    model = ganzoo.get_model("dcgan", data_shape=(32, 32, 1))
    model.compile()
    model.fit(ganzoo.data.load_dataset("digits", batch_size=64), epochs=10)

`import ganzoo` itself imports no TensorFlow, so that the command-line scripts can check their
flags and refuse a bad one in well under a second. The zoo (TensorFlow, Keras and every model)
is imported on first use of anything else (`ganzoo.get_model`, `ganzoo.list_models`,
`ganzoo.models`, ...), and as soon as Keras is imported: Keras finds a saved model's class
only among classes already registered with it, so `import ganzoo` followed by
`keras.models.load_model("run/model.keras")` must find the zoo registered, as it did when this
package imported everything eagerly (see `_register_the_zoo_with_keras`).
"""

import importlib
import sys

from ganzoo.errors import GanzooError

__version__ = "0.1.0"

# Attributes of this package that live in a submodule, imported on first use (PEP 562).
_FROM_SUBMODULE = {
    "get_model_class": "ganzoo.registry",
    "list_models": "ganzoo.registry",
    "load_pretrained": "ganzoo.pretrained",
}


def get_model(name, **overrides):
    """A new, uncompiled model registered as `name`, its defaults replaced by `overrides`.

    Unknown names raise GanzooError listing the known ones; see `list_models()`.
    """
    from ganzoo.registry import get_model_class

    return get_model_class(name)(**overrides)


def describe_model(name, **arguments):
    """A printable table of the model's arguments: defaults, allowed values, meaning.

    `arguments` choose its parts, whose arguments the table then holds too: e.g.
    `describe_model("sngan", architecture="resnet")` lists `attention`.
    """
    from ganzoo.models import arguments as model_arguments
    from ganzoo.registry import get_model_class

    model_class = get_model_class(name)
    return f"{_model_summary(model_class)}\n" + model_arguments.describe(
        name, model_class.defaults, arguments
    )


def _model_summary(model_class):
    """The first paragraph of a model class's docstring on one line: whole sentences, as
    `describe_model` and `ganzoo-train --describe` print it."""
    paragraph = model_class.__doc__.strip().split("\n\n")[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


def __getattr__(name):
    if name in _FROM_SUBMODULE:
        return getattr(importlib.import_module(_FROM_SUBMODULE[name]), name)
    if name.startswith("_"):
        raise AttributeError(f"module 'ganzoo' has no attribute {name!r}")
    try:
        return importlib.import_module(f"ganzoo.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"ganzoo.{name}":
            raise
        raise AttributeError(f"module 'ganzoo' has no attribute {name!r}") from None


class _AfterKerasFinder:
    """A sys.meta_path entry that imports ganzoo.models right after the `keras` package is
    imported (which registers every model with Keras), and then removes itself. A mere
    lookup (`importlib.util.find_spec("keras")`, as TensorFlow makes) changes nothing."""

    def find_spec(self, name, path=None, target=None):
        if name != "keras":
            return None
        spec = next(
            (s for s in (f.find_spec(name, path, target) for f in sys.meta_path
                         if f is not self and hasattr(f, "find_spec")) if s is not None),
            None,
        )
        if spec is None or spec.loader is None:
            return spec
        exec_keras = spec.loader.exec_module
        finder = self

        def exec_module(module):
            exec_keras(module)
            if finder in sys.meta_path:
                sys.meta_path.remove(finder)
            importlib.import_module("ganzoo.models")

        spec.loader.exec_module = exec_module
        return spec


def _register_the_zoo_with_keras():
    """Register the zoo with Keras now if Keras is imported already, else when it is."""
    if "keras" in sys.modules:
        importlib.import_module("ganzoo.models")
    else:
        sys.meta_path.insert(0, _AfterKerasFinder())


_register_the_zoo_with_keras()

__all__ = [
    "GanzooError", "describe_model", "get_model", "list_models", "load_pretrained", "__version__"
]
