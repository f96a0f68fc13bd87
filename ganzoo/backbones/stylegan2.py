"""StyleGAN2's networks (Karras et al. 2020): the mapping network, the skip-architecture
synthesis network with modulated convolutions, and the residual D with minibatch standard
deviation; sized to the image (28, 32, 64 px, ...). Layers: ganzoo.backbones.style_layers.

G is one functional model, latent [b, latent_dim] (and labels [b]) -> images [b, H, W, C],
made of two nested models that export and truncation read by name:
    mapping:   z [b, latent_dim] (, labels) -> w [b, latent_dim]
    synthesis: [ws [b, num_ws, latent_dim], seeds int64 [b]] -> images (linear in training;
               clipped to [-1, 1] outside it, see style_layers.ImageRange)
with between them the running mean of w (layer "w_avg", TrackAverage) and style mixing.
"""

import keras
import tensorflow as tf

from ganzoo.arguments import Argument, positive_int
from ganzoo.backbones import common, conditioning, register_backbone
from ganzoo.backbones import style_layers as sl
from ganzoo.errors import GanzooError

MAPPING_LR = 0.01  # the mapping network's learning-rate multiplier (the paper, Appendix B)
W_AVG_DECAY = 0.995
MIXING_SALT, NOISE_SALT = 1, 100  # keys of G's draws (style_layers): one per use


def num_ws(height):
    """How many style vectors synthesis takes: two per resolution, and the last ToRGB's."""
    _, num_up = common.base_size(height)
    return 2 * num_up + 2


@register_backbone(
    "stylegan2", images=True, vectors=False, conditionings=("projection",),
    normalizations=("none",),  # equalised learning rates instead
    arguments={
        "width": positive_int(
            "Channels of every synthesis and D layer (the paper's cifar setting: 512).",
            default=64,
        ),
        "mapping_layers": positive_int(
            "Fully connected layers of the mapping network (the paper: 8; cifar: 2).",
            default=2,
        ),
        "style_mixing": Argument(
            float, "Probability that a generated training image takes a second latent's styles "
            "from a random layer on (style-mixing regularisation; the paper: 0.9).",
            low=0.0, high=1.0, default=0.9,
        ),
        "mbstd_group": positive_int(
            "Examples per minibatch-standard-deviation group in D; the per-replica batch must "
            "be a multiple (the paper: 4).", default=4,
        ),
    },
    summary="StyleGAN2's mapping + modulated-convolution synthesis G and residual D "
    "(`width`, `mapping_layers`, `style_mixing`, `mbstd_group`)",
)
def build(spec):
    """G: mapping (z normalised, the label's embedding normalised and joined for conditional
    models, `mapping_layers` dense lrelu layers at learning-rate multiplier 0.01) -> w, its
    running mean tracked; ws = w at every layer (style mixing in training); synthesis: a learned
    constant at s0 x s0 (s0 = 4 for 32 px, 7 for 28), a modulated 3x3 convolution, then per
    resolution an up-convolution and a convolution (noise, bias, lrelu), the image summed over
    resolutions from modulated 1x1 ToRGB layers (skip architecture), linear output.

    D: 1x1 FromRGB, then per resolution a residual block (3x3 conv, 3x3 down-conv; skip: 1x1
    down-conv without bias; both branches times sqrt(1/2)), then at s0: minibatch std, 3x3 conv,
    dense (width), dense to 1; projection models: <out features, normalised embedding of the
    label> / sqrt(width). D's normalisation must be "none" (equalised learning rate instead).
    """
    policy = common.check_spec(spec)
    if spec.packing != 1:
        raise GanzooError(f"the stylegan2 networks take no packing (got {spec.packing}); use 1")
    common.check_image_shape(spec.data_shape, "StyleGAN2's")
    height, _, channels = spec.data_shape
    base, num_up = common.base_size(height)
    return _generator(spec, policy, base, num_up, channels), _discriminator(
        spec, policy, base, num_up
    )


def _mapping(spec, policy):
    z = keras.Input((spec.latent_dim,), name="z")
    labels = conditioning.label_input(spec)
    x = sl.NormalizeSecondMoment(dtype=policy, name="normalize_z")(z)
    if labels is not None:
        one_hot = keras.layers.Lambda(
            lambda y: keras.ops.one_hot(y, spec.num_classes), dtype=policy, name="one_hot"
        )(labels)
        embedded = sl.EqualizedDense(spec.latent_dim, dtype=policy, name="embed")(one_hot)
        embedded = sl.NormalizeSecondMoment(dtype=policy, name="normalize_label")(embedded)
        x = keras.layers.Concatenate(dtype=policy, name="join")([x, embedded])
    for i in range(spec.mapping_layers):
        x = sl.EqualizedDense(spec.latent_dim, lr_multiplier=MAPPING_LR, activation="lrelu",
                              dtype=policy, name=f"fc{i}")(x)
    return keras.Model(conditioning.generator_inputs(z, labels), x, name="mapping")


def _synthesis(spec, policy, base, num_up, channels):
    count = 2 * num_up + 2
    ws = keras.Input((count, spec.latent_dim), name="ws")
    seeds = keras.Input((), dtype="int64", name="seeds")
    style = [keras.layers.Lambda(lambda t, i=i: t[:, i], dtype=policy, name=f"w{i}")(ws)
             for i in range(count)]
    width = spec.width
    x = sl.ConstantInput(base, width, dtype=policy, name="const")(style[0])
    x = sl.ModulatedConv2D(width, noise_salt=NOISE_SALT, dtype=policy,
                           name=f"b{base}_conv1")([x, style[0], seeds])
    image = sl.ModulatedConv2D(channels, 1, demodulate=False, dtype=policy,
                               name=f"b{base}_torgb")([x, style[1]])
    side = base
    for k in range(1, num_up + 1):
        side *= 2
        x = sl.ModulatedConv2D(width, up=True, noise_salt=NOISE_SALT + 2 * k, dtype=policy,
                               name=f"b{side}_conv0")([x, style[2 * k - 1], seeds])
        x = sl.ModulatedConv2D(width, noise_salt=NOISE_SALT + 2 * k + 1, dtype=policy,
                               name=f"b{side}_conv1")([x, style[2 * k], seeds])
        rgb = sl.ModulatedConv2D(channels, 1, demodulate=False, dtype=policy,
                                 name=f"b{side}_torgb")([x, style[2 * k + 1]])
        image = keras.layers.Add(dtype=policy, name=f"b{side}_image")(
            [sl.UpsampleImage(dtype=policy, name=f"b{side}_upsample")(image), rgb]
        )
    image = sl.ImageRange(dtype="float32", name="images")(image)
    return keras.Model([ws, seeds], image, name="synthesis")


def _generator(spec, policy, base, num_up, channels):
    latent = keras.Input((spec.latent_dim,), name="latent")
    labels = conditioning.label_input(spec)
    mapping = _mapping(spec, policy)
    synthesis = _synthesis(spec, policy, base, num_up, channels)
    seeds = sl.LatentSeeds(name="seeds")(latent)
    w = mapping(conditioning.generator_inputs(latent, labels))
    w = sl.TrackAverage(W_AVG_DECAY, dtype="float32", name="w_avg")(w)
    # The second latent of style mixing, keyed on the first; its w leaves w_avg alone.
    z2 = sl.KeyedNormal(spec.latent_dim, MIXING_SALT, dtype=policy, name="z_mix")(seeds)
    w2 = mapping(conditioning.generator_inputs(z2, labels))
    ws = sl.StyleMixing(num_ws(spec.data_shape[0]), spec.style_mixing, MIXING_SALT + 1,
                        dtype=policy, name="style_mixing")([w, w2, seeds])
    images = synthesis([ws, seeds])
    return keras.Model(conditioning.generator_inputs(latent, labels), images, name="generator")


def _discriminator(spec, policy, base, num_up):
    width = spec.width
    data = keras.Input(tuple(spec.data_shape), name="images")
    labels = conditioning.label_input(spec)
    x = sl.EqualizedConv2D(width, 1, dtype=policy, name="fromrgb")(data)
    side = spec.data_shape[0]
    for _ in range(num_up):
        skip = sl.EqualizedConv2D(width, 1, activation="linear", down=True, use_bias=False,
                                  gain=0.5**0.5, dtype=policy, name=f"b{side}_skip")(x)
        x = sl.EqualizedConv2D(width, 3, dtype=policy, name=f"b{side}_conv0")(x)
        x = sl.EqualizedConv2D(width, 3, down=True, gain=0.5**0.5, dtype=policy,
                               name=f"b{side}_conv1")(x)
        x = keras.layers.Add(dtype=policy, name=f"b{side}_sum")([skip, x])
        side //= 2
    x = sl.MinibatchStd(spec.mbstd_group, dtype=policy, name="mbstd")(x)
    x = sl.EqualizedConv2D(width, 3, dtype=policy, name=f"b{base}_conv")(x)
    x = keras.layers.Flatten(dtype=policy, name="flatten")(x)
    x = sl.EqualizedDense(width, activation="lrelu", dtype=policy, name="fc")(x)
    if labels is None:
        out = sl.EqualizedDense(1, dtype="float32", name="out")(x)
        return keras.Model(data, {conditioning.ADVERSARIAL: out}, name="discriminator")
    features = sl.EqualizedDense(width, dtype="float32", name="out")(x)
    one_hot = keras.layers.Lambda(
        lambda y: keras.ops.one_hot(y, spec.num_classes), dtype="float32", name="one_hot"
    )(labels)
    cmap = sl.EqualizedDense(width, dtype="float32", name="cmap")(one_hot)
    cmap = sl.NormalizeSecondMoment(dtype="float32", name="normalize_cmap")(cmap)
    out = keras.layers.Lambda(
        lambda t: keras.ops.sum(t[0] * t[1], axis=-1, keepdims=True) / width**0.5,
        dtype="float32", name="projection",
    )([features, cmap])
    return keras.Model([data, labels], {conditioning.ADVERSARIAL: out}, name="discriminator")


def style_parts(generator):
    """(mapping, w_avg variable, synthesis) of a stylegan2 G, or None for any other G."""
    names = {layer.name for layer in generator.layers}
    if not {"mapping", "w_avg", "synthesis"} <= names:
        return None
    return (generator.get_layer("mapping"), generator.get_layer("w_avg").w_avg,
            generator.get_layer("synthesis"))


def noise_seeds(latent):
    """int64 [b]: the seeds of G's noise for latent [b, latent_dim] (style_layers)."""
    return sl.latent_seeds(latent)


def mapped(generator, latent, labels=None, truncation=1.0):
    """w float32 [b, latent_dim] of a stylegan2 G for latent [b, latent_dim] (and labels),
    pulled toward the running mean: w_avg + truncation * (w - w_avg)."""
    mapping, w_avg, _ = style_parts(generator)
    w = mapping(conditioning.generator_inputs(latent, labels), training=False)
    return w_avg + truncation * (tf.cast(w, tf.float32) - w_avg)


def truncated_ws(generator, latent, labels=None, truncation=1.0):
    """ws float32 [b, num_ws, latent_dim]: the truncated w (see `mapped`) of each latent,
    repeated for every layer of the synthesis network (no style mixing)."""
    _, _, synthesis = style_parts(generator)
    w = mapped(generator, latent, labels, truncation)
    return tf.tile(w[:, None, :], [1, synthesis.inputs[0].shape[1], 1])


def truncated(generator, latent, labels=None, truncation=1.0):
    """A stylegan2 G's images for latent [b, latent_dim] (and labels) with every w truncated
    (see `mapped`); no style mixing, noise as G's own."""
    _, _, synthesis = style_parts(generator)
    ws = truncated_ws(generator, latent, labels, truncation)
    return synthesis([ws, noise_seeds(latent)], training=False)
