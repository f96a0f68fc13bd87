"""What the speed and sampling suites measure, refused in one line before any measurement."""

from ganzoo.errors import GanzooError


def parse_batch_sizes(texts):
    """--batch_sizes as ints: ["64", "256"] -> [64, 256]; GanzooError naming the flag's value
    unless every entry is a positive integer."""
    if not all(text.isdigit() and int(text) > 0 for text in texts):
        raise GanzooError(f"--batch_sizes must be positive integers, got {','.join(texts)!r}")
    return [int(text) for text in texts]


def models_to_measure(names, unconditional_only):
    """The registered models to measure: `names` (None: every unconditional one). With
    `unconditional_only` (the pipeline and sampling benchmarks), a conditional one is refused
    in one line before any work; an unknown name is refused by the registry, listing the known
    ones."""
    import ganzoo

    def conditional(name):
        return ganzoo.get_model_class(name).conditional

    names = names or [name for name in ganzoo.list_models() if not conditional(name)]
    for name in names:
        if conditional(name) and unconditional_only:
            raise GanzooError(f"{name} is conditional; the pipeline and sampling benchmarks "
                              f"take unconditional models only")
    return names


def parse_model_args(texts):
    """--model_args as a dict: ["architecture=resnet", "attention=8"] -> {"architecture":
    "resnet", "attention": 8} (integers, numbers and true/false as such, other values as text;
    the model then checks each as it checks its own arguments); GanzooError naming the entry
    unless each is name=value."""
    model_args = {}
    for text in texts:
        name, equals, value = text.partition("=")
        if not (name and equals and value):
            raise GanzooError(f"--model_args entries are name=value, got {text!r}")
        if name in _SET_BY_THE_SUITE:
            raise GanzooError(f"--model_args cannot set {name}: the suite sets "
                              f"{', '.join(_SET_BY_THE_SUITE)}")
        if name in model_args:
            raise GanzooError(f"--model_args gives {name} twice")
        model_args[name] = _typed(value)
    return model_args


# The speed suite's own settings of every model it measures (the data's shape and classes,
# float32 and the machine's default precision).
_SET_BY_THE_SUITE = ("data_shape", "precision", "num_classes", "class_names")


def check_model_args(names, model_args, pipeline_only):
    """GanzooError (one line) where --model_args cannot mean what it says: with
    --pipeline_only (no model is trained), or for a conditional model (its reference has
    keras.io's own networks, so the arguments would change one side only)."""
    import ganzoo

    if not model_args:
        return
    if pipeline_only:
        raise GanzooError("--model_args applies to training; --pipeline_only times the input "
                          "pipeline alone")
    for name in names:
        if ganzoo.get_model_class(name).conditional:
            raise GanzooError(f"--model_args: {name} is conditional, and its reference is "
                              f"keras.io's conditional_gan.py with its own networks; the "
                              f"arguments would change one side only")


def _typed(text):
    if text in ("true", "false"):
        return text == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text
