"""Your own networks: ordinary Keras models as a zoo model's G and D.

    generator = keras.Sequential([keras.Input((64,)), keras.layers.Dense(28 * 28),
                                  keras.layers.Reshape((28, 28, 1)),
                                  keras.layers.Activation("tanh")])
    discriminator = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                                      keras.layers.Dense(1)])
    model = ganzoo.get_model("nsgan", data_shape=(28, 28, 1), generator=generator,
                             discriminator=discriminator)

They are checked against the model and wrapped, not copied: G takes the latent [batch,
latent_dim] (and, for conditional models, the labels int32 [batch]) and returns [batch,
*data_shape]; D takes [batch, *data_shape] (and the labels for the projection models, cgan)
and returns the adversarial output [batch / packing, 1] - for ACGAN also the class logits
[batch, num_classes], as a list [adversarial, class_logits] or a dict with those names. The
wrappers give D the named outputs every backbone has (ganzoo.backbones.conditioning), so
training, the penalties and export treat them as the built-in networks. `latent_dim` is read
from G's input when not given. Models built from Keras layers (or registered custom ones) save
and load with the model (`.keras`); for several devices, build them inside `strategy.scope()`
like the model itself.
"""

import keras

from ganzoo.backbones import conditioning
from ganzoo.errors import GanzooError


def latent_width(generator):
    """The latent width a built Keras generator takes (its first input's last axis), or None."""
    try:
        inputs = generator.inputs
    except (AttributeError, ValueError):
        return None
    return int(inputs[0].shape[-1]) if inputs and inputs[0].shape[-1] is not None else None


def _shape(tensor):
    return tuple(tensor.shape)


def _named(outputs, spec):
    """D's outputs as {"adversarial", "class_logits"?}, their shapes checked."""
    names = [conditioning.ADVERSARIAL] + (
        [conditioning.CLASS_LOGITS] if spec.conditioning == "auxiliary" else [])
    if isinstance(outputs, dict):
        named = dict(outputs)
    elif isinstance(outputs, (list, tuple)):
        named = dict(zip(names, outputs)) if len(outputs) == len(names) else {}
    else:
        named = {conditioning.ADVERSARIAL: outputs}
    if sorted(named) != sorted(names):
        raise GanzooError(
            f"the discriminator must return {' and '.join(names)} (a tensor, a list in that "
            f"order, or a dict), got {len(named) or 'another number of'} output(s)"
        )
    expected = {conditioning.ADVERSARIAL: (None, 1),
                conditioning.CLASS_LOGITS: (None, spec.num_classes)}
    for name in names:
        if _shape(named[name]) != expected[name]:
            raise GanzooError(
                f"the discriminator's {name} output has shape {_shape(named[name])}; the model "
                f"needs {expected[name]}"
            )
    return named


def adopt(generator, discriminator, spec):
    """(G, D) wrapping the user's Keras models for `spec` (a backbones.NetworkSpec); one-line
    GanzooError naming both shapes when they do not fit."""
    for network, role in ((generator, "generator"), (discriminator, "discriminator")):
        if not isinstance(network, keras.Model):
            raise GanzooError(f"{role} must be a keras.Model, got {type(network).__name__}")
    labels = conditioning.label_input(spec)
    latent = keras.Input((spec.latent_dim,), name="latent")
    try:
        samples = generator(conditioning.generator_inputs(latent, labels))
    except (ValueError, TypeError) as error:
        raise GanzooError(
            f"the generator cannot take the latent [batch, {spec.latent_dim}]"
            f"{' and the labels [batch]' if labels is not None else ''}: "
            f"{str(error).splitlines()[0]}"
        ) from None
    if _shape(samples) != (None, *spec.data_shape):
        raise GanzooError(
            f"the generator makes samples of shape {_shape(samples)[1:]}, but the model's "
            f"data_shape is {tuple(spec.data_shape)}"
        )
    wrapped_generator = keras.Model(conditioning.generator_inputs(latent, labels), samples,
                                    name="generator")
    data = keras.Input(tuple(spec.data_shape), name="images")
    d_labels = labels if spec.conditioning == "projection" else None
    d_inputs = data if d_labels is None else [data, d_labels]
    try:
        outputs = discriminator(d_inputs)
    except (ValueError, TypeError) as error:
        raise GanzooError(
            f"the discriminator cannot take samples of shape {tuple(spec.data_shape)}"
            f"{' and their labels' if d_labels is not None else ''}: "
            f"{str(error).splitlines()[0]}"
        ) from None
    wrapped_discriminator = keras.Model(d_inputs, _named(outputs, spec), name="discriminator")
    return wrapped_generator, wrapped_discriminator
