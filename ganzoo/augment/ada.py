"""ADA (Karras et al. 2020, "Training Generative Adversarial Networks with Limited Data"):
augmentations applied with a probability p that adapts to how much D overfits.

The pipeline, in order, each transformation applied to each image with probability p (the
paper's "bgc" pipeline without its fractional translation, arbitrary rotation, anisotropic
scaling, luma flip and hue rotation):

    xflip        mirror left-right
    rotate90     by k x 90 degrees, k uniform in {0, 1, 2, 3}
    translation  by an integer t = round(U(-1, 1) * 0.125 * side) in each direction
    scale        isotropic, by 2^(0.2 N(0, 1)), about the centre
    brightness   + 0.2 N(0, 1)
    contrast     x 2^(0.5 N(0, 1)), about mid-grey (0 in [-1, 1])
    saturation   x 2^(N(0, 1)) away from each pixel's channel mean (no change to grey images)

The four geometric ones are one affine map per image, applied by one bilinear resampling
with reflection at the border (as the paper: padding by reflection keeps D from seeing where
the image ends); at p = 0 the map is the identity and images pass unchanged.

p starts at 0. After every D step the sum of sign(D(x)) over the augmented reals of the global
batch is added up (the overfitting heuristic r_t = E[sign(D(x_real))]: near 1 when D is sure
of every real); every ADA_INTERVAL generator steps p moves by sign(r_t - ada_target) times the
images seen in those steps / (ada_kimg * 1000), clipped to [0, 1]. p and the running sums are
model weights (checkpointed: a resumed run continues with the p it had), updated identically on
every replica from all-reduced sums, so 1 and N replicas adapt alike. Logged: ada_p (its mean
over the epoch) and ada_rt (r_t over the epoch).

Departure: ada_kimg defaults to 100 where the paper uses 500, because ganzoo's runs on 2 CPU
cores see about 2 million images, not 25 million: at 500 p could rise by at most 0.1 per
50,000 images.
"""

import math

import tensorflow as tf

from ganzoo.arguments import Argument, positive_int
from ganzoo.augment import Augmentation, register_augmentation

ADA_INTERVAL = 4  # generator steps between adjustments of p (the paper: 4 minibatches)
TRANSLATION = 0.125
SCALE_STD = 0.2  # of log2(scale)
BRIGHTNESS_STD = 0.2
CONTRAST_STD = 0.5  # of log2(contrast)
SATURATION_STD = 1.0  # of log2(saturation)
# The columns of `uniforms` each transformation reads: (apply?, parameters...).
_XFLIP, _ROTATE, _TRANSLATE, _SCALE, _BRIGHTNESS, _CONTRAST, _SATURATION = (
    0, 1, 3, 6, 8, 10, 12)
NUM_UNIFORMS = 14


def _normal(uniform):
    """N(0, 1) from U(0, 1) by the inverse CDF."""
    return math.sqrt(2.0) * tf.math.erfinv(2.0 * tf.clip_by_value(uniform, 1e-6, 1 - 1e-6) - 1.0)


def _affine(rows):
    """[batch, 3, 3] matrices from rows [[a, b, c], [d, e, f]] of [batch] tensors."""
    zeros, ones = tf.zeros_like(rows[0][0]), tf.ones_like(rows[0][0])
    return tf.stack([tf.stack(rows[0], -1), tf.stack(rows[1], -1),
                     tf.stack([zeros, zeros, ones], -1)], 1)


def geometric_inverse(uniforms, applied, height, width):
    """[batch, 3, 3]: the map from output pixel (x, y, 1) to the input pixel it reads, the
    inverse of flip, then rotation, then translation, then scaling (about the centre)."""
    cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
    zeros, ones = tf.zeros_like(uniforms[:, 0]), tf.ones_like(uniforms[:, 0])

    flip = tf.where(applied[:, _XFLIP], -ones, ones)
    flip_inverse = _affine([[flip, zeros, (1.0 - flip) * cx], [zeros, ones, zeros]])

    quarter_turns = tf.where(applied[:, _ROTATE], tf.floor(uniforms[:, _ROTATE + 1] * 4.0), 0.0)
    cos = tf.round(tf.cos(quarter_turns * math.pi / 2))
    sin = tf.round(tf.sin(quarter_turns * math.pi / 2))
    rotate_inverse = _affine([[cos, sin, cx - cos * cx - sin * cy],
                              [-sin, cos, cy + sin * cx - cos * cy]])

    def shift(column, size):
        amount = tf.round((2.0 * uniforms[:, column] - 1.0) * TRANSLATION * size)
        return tf.where(applied[:, _TRANSLATE], amount, 0.0)

    translate_inverse = _affine([[ones, zeros, -shift(_TRANSLATE + 1, width)],
                                 [zeros, ones, -shift(_TRANSLATE + 2, height)]])

    scale = tf.where(applied[:, _SCALE],
                     tf.pow(2.0, SCALE_STD * _normal(uniforms[:, _SCALE + 1])), 1.0)
    inverse = 1.0 / scale
    scale_inverse = _affine([[inverse, zeros, cx * (1.0 - inverse)],
                             [zeros, inverse, cy * (1.0 - inverse)]])
    return flip_inverse @ rotate_inverse @ translate_inverse @ scale_inverse


@register_augmentation("ada")
class AdaptiveAugment(Augmentation):
    num_uniforms = NUM_UNIFORMS
    signs_metric = "ada_rt"
    arguments = {
        "ada_target": Argument(
            float, "ADA's target for r_t = E[sign(D(augmented real))]: p rises while r_t is "
            "above it.", low=0.0, high=1.0, default=0.6,
        ),
        "ada_kimg": positive_int(
            "ADA's speed: thousands of images over which p can move by 1 (the paper: 500).",
            default=100,
        ),
    }

    def __init__(self, model):
        super().__init__(model)

        def state(name):
            # Identical on every replica (updated from all-reduced sums), checkpointed.
            return model.add_weight(shape=(), initializer="zeros", trainable=False,
                                    aggregation="only_first_replica", name=name)

        self.p = state("ada_p")
        self.sign_sum = state("ada_sign_sum")
        self.count = state("ada_count")

    def metric_names(self):
        return ["ada_p", "ada_rt"]

    def apply(self, images, uniforms):
        p = tf.cast(self.p, tf.float32)
        applied = uniforms < p  # column k < p: transformation k applies (its first column)
        height, width = images.shape[1], images.shape[2]
        matrices = geometric_inverse(uniforms, applied, height, width)
        transforms = tf.reshape(matrices, [-1, 9])[:, :8]
        images = tf.raw_ops.ImageProjectiveTransformV3(
            images=images, transforms=transforms, output_shape=[height, width],
            fill_value=0.0, interpolation="BILINEAR", fill_mode="REFLECT",
        )

        def factor(column, std):
            return tf.where(applied[:, column], tf.pow(2.0, std * _normal(uniforms[:, column + 1])),
                            1.0)[:, None, None, None]

        brightness = tf.where(applied[:, _BRIGHTNESS],
                              BRIGHTNESS_STD * _normal(uniforms[:, _BRIGHTNESS + 1]), 0.0)
        images = (images + brightness[:, None, None, None]) * factor(_CONTRAST, CONTRAST_STD)
        pixel_mean = tf.reduce_mean(images, axis=3, keepdims=True)
        return pixel_mean + (images - pixel_mean) * factor(_SATURATION, SATURATION_STD)

    def observe(self, real_signs, count):
        model = self.model
        self.sign_sum.assign_add(real_signs)
        self.count.assign_add(count)
        # Called before this step's G update: iterations counts the steps done before it.
        adjust_now = tf.equal((model.g_optimizer.iterations + 1) % ADA_INTERVAL, 0)
        rt = self.sign_sum / tf.maximum(self.count, 1.0)
        images_seen = self.count * model.packing
        moved = tf.clip_by_value(
            self.p + tf.sign(rt - model.ada_target) * images_seen / (model.ada_kimg * 1000.0),
            0.0, 1.0,
        )
        self.p.assign(tf.where(adjust_now, moved, self.p))
        self.sign_sum.assign(tf.where(adjust_now, 0.0, self.sign_sum))
        self.count.assign(tf.where(adjust_now, 0.0, self.count))
        return {"ada_p": tf.identity(self.p)}
