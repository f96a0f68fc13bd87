"""How a class label enters the networks, for any backbone that takes labels.

"projection" (Miyato & Koyama 2018): G = [latent, labels] -> images with class-conditional batch
norm wherever G has batch norm; D = [images, labels] -> float32 [batch, 1],
psi(phi(x)) + <V y, phi(x)> with phi(x) D's last features (V spectrally normalised with D).
"auxiliary" (ACGAN, Odena et al. 2017): G = [latent, labels] -> images, the one-hot label
concatenated to the latent; D = images -> float32 [batch, 1] plus class logits float32
[batch, num_classes].

D's outputs are named, the same for every backbone: {"adversarial": [batch / packing, 1]} and,
with the auxiliary head, "class_logits". Training, the penalties and export read them by name
(`GANModel.judge`); whether D takes labels is whether it has a second input.

A backbone calls `label_input`, `generator_input` and `generator_norm` while building G, and
`discriminator` with D's last features; unconditional specs pass through all four unchanged.
"""

import keras

from ganzoo import layers
from ganzoo.backbones import common

CONDITIONINGS = ("projection", "auxiliary")
# The names of D's outputs.
ADVERSARIAL = "adversarial"
CLASS_LOGITS = "class_logits"


def named_outputs(outputs):
    """D's outputs by name whatever form a network gives them in: a dict as the backbones
    build it; a list [adversarial, class_logits]; or the one adversarial tensor (a subclass's
    own build_networks may return such a D)."""
    if isinstance(outputs, dict):
        return outputs
    if isinstance(outputs, (list, tuple)):
        return dict(zip((ADVERSARIAL, CLASS_LOGITS), outputs))
    return {ADVERSARIAL: outputs}


def label_input(spec):
    """The labels input int32 [batch] of a conditional pair, else None."""
    return keras.Input((), dtype="int32", name="labels") if spec.conditioning else None


def generator_inputs(latent, labels):
    """What G is called with: latent, or [latent, labels]."""
    return latent if labels is None else [latent, labels]


def generator_input(spec, latent, labels, policy):
    """G's first tensor: the latent, with the one-hot label concatenated for "auxiliary"."""
    if spec.conditioning != "auxiliary":
        return latent
    one_hot = keras.layers.Lambda(
        lambda y: keras.ops.one_hot(y, spec.num_classes), dtype=policy, name="g_one_hot"
    )(labels)
    return keras.layers.Concatenate(dtype=policy, name="g_condition")([latent, one_hot])


def generator_norm(spec, labels, policy, name):
    """x -> G's batch norm of x: class-conditional (one scale and offset per class) for
    "projection", plain otherwise."""
    if spec.conditioning == "projection":
        layer = layers.ConditionalBatchNormalization(
            spec.num_classes, momentum=0.9, epsilon=1e-5,
            synchronized=spec.synchronized_batch_norm, dtype=policy, name=name,
        )
        return lambda x: layer([x, labels])
    return common.batch_norm(name, policy, spec.synchronized_batch_norm)


def discriminator(spec, data, features, labels, name, kernel_initializer="glorot_uniform"):
    """D as a keras.Model from its input `data` and last features float [batch, F], with the
    heads `spec.conditioning` asks for (every head spectrally normalised with a spectral D)."""
    normalization = spec.d_normalization
    logits = common.d_dense(normalization, 1, kernel_initializer=kernel_initializer,
                            dtype="float32", name="d_logits")(features)
    if spec.conditioning == "projection":
        # <V y, phi(x)> as one Dense kernel [features, num_classes] read at the label's column:
        # the same inner product, and spectral norm of the kernel is that of V.
        per_class = common.d_dense(
            normalization, spec.num_classes, use_bias=False,
            kernel_initializer=kernel_initializer, dtype="float32", name="d_projection",
        )(features)
        projection = keras.layers.Lambda(
            lambda args: keras.ops.take_along_axis(
                args[0], keras.ops.expand_dims(keras.ops.cast(args[1], "int32"), 1), axis=1
            ),
            dtype="float32", name="d_projection_of_label",
        )([per_class, labels])
        logits = keras.layers.Add(dtype="float32", name="d_output")([logits, projection])
        return keras.Model([data, labels], {ADVERSARIAL: logits}, name=name)
    if spec.conditioning == "auxiliary":
        class_logits = common.d_dense(
            normalization, spec.num_classes, kernel_initializer=kernel_initializer,
            dtype="float32", name="d_class_logits",
        )(features)
        return keras.Model(data, {ADVERSARIAL: logits, CLASS_LOGITS: class_logits}, name=name)
    return keras.Model(data, {ADVERSARIAL: logits}, name=name)
