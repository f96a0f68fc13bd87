"""DiffAugment (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN
Training"): the same random, differentiable transformations of reals and fakes, every time D
sees them. The policies, as in the authors' DiffAugment_tf.py:

    color        brightness + U(-0.5, 0.5); saturation x U(0, 2) around each pixel's channel
                 mean; contrast x U(0.5, 1.5) around the image's mean
    translation  a shift of up to 1/8 of the side in each direction (an integer, uniform),
                 zeros (mid-grey in [-1, 1]) filling what moves in
    cutout       a square of half the side set to 0, its centre uniform over the image

`augment_policy` names them, comma-separated, applied in that order (the paper's choice for
its 100 %-data runs: "color,translation,cutout"; "translation,cutout" for low data).
"""

import tensorflow as tf

from ganzoo.arguments import Argument
from ganzoo.augment import Augmentation, register_augmentation
from ganzoo.errors import GanzooError

TRANSLATION_RATIO = 0.125
CUTOUT_RATIO = 0.5


def _color(images, uniforms):
    brightness = uniforms[:, 0, None, None, None] - 0.5
    saturation = uniforms[:, 1, None, None, None] * 2.0
    contrast = uniforms[:, 2, None, None, None] + 0.5
    images = images + brightness
    pixel_mean = tf.reduce_mean(images, axis=3, keepdims=True)
    images = (images - pixel_mean) * saturation + pixel_mean
    image_mean = tf.reduce_mean(images, axis=[1, 2, 3], keepdims=True)
    return (images - image_mean) * contrast + image_mean


def _shifted(images, shift, axis):
    """Each image moved by its own integer `shift` [batch] along `axis` (1 rows, 2 columns):
    out[i] = in[i + shift], zero where i + shift falls outside."""
    size = tf.shape(images)[axis]
    padded = tf.pad(images, [[0, 0], [1, 1], [0, 0], [0, 0]] if axis == 1
                    else [[0, 0], [0, 0], [1, 1], [0, 0]])
    index = tf.clip_by_value(tf.range(size)[None] + shift[:, None] + 1, 0, size + 1)
    return tf.gather(padded, index, axis=axis, batch_dims=1)


def _translation(images, uniforms):
    size = tf.shape(images)[1:3]
    reach = tf.cast(tf.cast(size, tf.float32) * TRANSLATION_RATIO + 0.5, tf.int32)
    # An integer in [-reach, reach], uniform: floor(u * (2 reach + 1)) - reach.
    shifts = [
        tf.cast(tf.floor(uniforms[:, k] * tf.cast(2 * reach[k] + 1, tf.float32)), tf.int32)
        - reach[k]
        for k in (0, 1)
    ]
    return _shifted(_shifted(images, shifts[0], 1), shifts[1], 2)


def _cutout(images, uniforms):
    size = tf.shape(images)[1:3]
    cut = tf.cast(tf.cast(size, tf.float32) * CUTOUT_RATIO + 0.5, tf.int32)
    masks = []
    for k in (0, 1):
        # The authors' offsets: uniform integers in [0, size + (1 - cut % 2)).
        span = size[k] + 1 - cut[k] % 2
        start = tf.cast(tf.floor(uniforms[:, k] * tf.cast(span, tf.float32)), tf.int32) \
            - cut[k] // 2
        positions = tf.range(size[k])[None]
        masks.append((positions >= start[:, None]) & (positions < (start + cut[k])[:, None]))
    inside = masks[0][:, :, None] & masks[1][:, None, :]  # [batch, H, W]
    return images * tf.cast(~inside, images.dtype)[..., None]


POLICIES = {"color": (_color, 3), "translation": (_translation, 2), "cutout": (_cutout, 2)}


def parse_policy(policy):
    """The policy names in `policy` ("color,translation,cutout"); GanzooError for others."""
    names = [name.strip() for name in policy.split(",") if name.strip()]
    unknown = [name for name in names if name not in POLICIES]
    if not names or unknown:
        raise GanzooError(
            f"augment_policy={policy!r}: {'unknown ' + repr(unknown[0]) if unknown else 'empty'}"
            f"; a comma-separated list of: {', '.join(POLICIES)}"
        )
    return names


@register_augmentation("diffaugment")
class DiffAugment(Augmentation):
    """The policies of `model.augment_policy`, each with its own columns of `uniforms`."""

    arguments = {"augment_policy": Argument(
        str, "DiffAugment's policies, comma-separated, applied in order: color, translation, "
        "cutout.", default="color,translation,cutout",
    )}

    def __init__(self, model):
        super().__init__(model)
        self.policy = parse_policy(model.augment_policy)
        self.num_uniforms = sum(POLICIES[name][1] for name in self.policy)

    def apply(self, images, uniforms):
        column = 0
        for name in self.policy:
            function, width = POLICIES[name]
            images = function(images, uniforms[:, column : column + width])
            column += width
        return images
