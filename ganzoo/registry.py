"""A name -> model class registry, so that scripts and configs choose a model by name.

    @register_model("dcgan")
    class DCGAN(GANModel): ...

    get_model_class("dcgan")  # -> DCGAN
"""

from ganzoo.errors import GanzooError

_MODELS = {}


def register_model(name):
    """Class decorator that files `cls` under `name`; a second class with the same name is
    refused."""

    def decorator(cls):
        if name in _MODELS:
            raise ValueError(
                f"model name {name!r} is already registered to {_MODELS[name].__qualname__}"
            )
        _MODELS[name] = cls
        cls.zoo_name = name
        return cls

    return decorator


def _load_zoo():
    """Import the built-in models, which registers them (ganzoo's __init__ does not)."""
    import ganzoo.models  # noqa: F401


def list_models():
    """Sorted names of every registered model."""
    _load_zoo()
    return sorted(_MODELS)


def get_model_class(name):
    """The class registered as `name`; an unknown name raises an error that lists the known ones."""
    _load_zoo()
    try:
        return _MODELS[name]
    except KeyError:
        raise GanzooError(
            f"unknown model {name!r}; known models: {', '.join(list_models())}"
        ) from None
