"""D's regularisers, registered parts that add a per-example term to D's loss.

Each one is switched on by its weight argument (> 0), logs its per-example value under its own
name, and draws any random numbers from the keyed per-replica source with a stream of its own
(GANModel.replica_draw), so runs stay exact at any replica count and across resumes:

    gradient_penalty   gp_weight * (||grad D(x_hat)|| - 1)^2 on random interpolates between
                       real and fake (WGAN-GP, Gulrajani et al. 2017)
    r1_penalty         r1_weight / 2 * ||grad D(x)||^2 on reals (Mescheder et al. 2018); with
                       r1_interval = k > 1, lazily: on the steps divisible by k only, times k
                       (StyleGAN2, Karras et al. 2020, Sec. 3.1), whose D optimizer then takes
                       the paper's adjusted rate and betas (lazy_adam_settings)
    consistency        bcr_weight * (D(x) - D(T(x)))^2 on reals and on fakes, T a random
                       translation of 1/8 of the side (bCR, Zhao et al. 2021)

They see what D sees: with an augmentation on (ganzoo.augment), x is the augmented batch.
Adding one: a function `penalty(model, critic, real, fake, sub_step) -> float32 [packs]`
registered with `register_regularizer`, which declares its weight argument (and any other it
reads); every model takes the arguments of every regulariser, since any model may switch one on.
"""

import dataclasses
from typing import Callable

import tensorflow as tf

from ganzoo import losses, noise
from ganzoo.arguments import Argument, positive_int
from ganzoo.augment import diffaugment



@dataclasses.dataclass(frozen=True)
class Regularizer:
    name: str  # the logged metric
    weight: str  # the model argument that switches it on and scales it
    scale: float  # loss += scale * weight * penalty
    penalty: Callable
    per_example_gradients: bool  # needs D's input gradient of each example alone
    arguments: dict  # {name: ganzoo.arguments.Argument}: its weight and any other it reads


REGULARIZERS = {}


def register_regularizer(name, weight, arguments, scale=1.0, per_example_gradients=False):
    """Decorator: register `penalty` as regulariser `name`, switched on by argument `weight`
    (one of its `arguments`, which default to off)."""

    def register(penalty):
        REGULARIZERS[name] = Regularizer(name, weight, scale, penalty, per_example_gradients,
                                         dict(arguments))
        return penalty

    return register


def all_arguments():
    """[(regulariser name, argument name, Argument)] of every registered regulariser."""
    return [(r.name, name, argument) for r in REGULARIZERS.values()
            for name, argument in r.arguments.items()]


def active(model):
    """The regularisers `model`'s weights switch on, in registration order."""
    return [r for r in REGULARIZERS.values() if getattr(model, r.weight, 0.0) > 0]


@register_regularizer("gradient_penalty", "gp_weight", per_example_gradients=True, arguments={
    "gp_weight": Argument(
        float, "Weight (lambda) of the WGAN-GP gradient penalty on interpolates; 0 = off.",
        low=0.0, default=0.0,
    ),
})
def _gradient_penalty(model, critic, real, fake, sub_step):
    # One weight per pack: the interpolate lies between a real and a fake pack.
    mix = model.replica_draw(noise.uniform_batch, tf.shape(real)[0] // model.packing, sub_step,
                             noise.INTERPOLATION_STREAM)
    return losses.gradient_penalty(critic, real, fake, mix, model.packing)


@register_regularizer("r1_penalty", "r1_weight", scale=0.5, per_example_gradients=True, arguments={
    "r1_weight": Argument(
        float, "Weight (gamma) of the R1 penalty on real data, gamma/2 * ||grad D(x)||^2; 0 = "
        "off.", low=0.0, default=0.0,
    ),
    "r1_interval": positive_int(
        "Lazy R1 (StyleGAN2): compute it every N generator steps only, N times as strong, D's "
        "Adam rate and betas adjusted as the paper; 1 = every step.", default=1,
    ),
})
def _r1_penalty(model, critic, real, fake, sub_step):
    interval = model.r1_interval
    if interval == 1:
        return losses.r1_penalty(critic, real, model.packing)
    packs = tf.shape(real)[0] // model.packing
    due = tf.equal(model.g_optimizer.iterations % interval, 0)
    # On the steps that are due, k times the penalty: the same regularisation per step on
    # average, at 1/k of its cost (the lazy steps compute no second-order gradient at all).
    return tf.cond(
        due, lambda: float(interval) * losses.r1_penalty(critic, real, model.packing),
        lambda: tf.zeros([packs], tf.float32),
    )


def _translated(model, images, sub_step, stream):
    uniforms = model.replica_draw(lambda n, *key: noise.uniform_matrix(n, 2, *key),
                                  tf.shape(images)[0], sub_step, noise.CONSISTENCY_STREAM,
                                  stream)
    return diffaugment.POLICIES["translation"][0](images, uniforms)


@register_regularizer("consistency", "bcr_weight", arguments={
    "bcr_weight": Argument(
        float, "Balanced consistency regularisation (Zhao et al. 2021): weight of (D(x) - "
        "D(T(x)))^2 on reals and fakes, T a random translation of 1/8 of the side; 0 = off.",
        low=0.0, default=0.0,
    ),
})
def _consistency(model, critic, real, fake, sub_step):
    def gap(images, stream):
        original = tf.reshape(critic(images), [-1])
        moved = tf.reshape(critic(_translated(model, images, sub_step, stream)), [-1])
        return tf.square(original - moved)

    return gap(real, 0) + gap(fake, 1)


def lazy_adam_settings(learning_rate, beta_1, beta_2, interval):
    """StyleGAN2's adjustment for a regulariser computed every `interval` steps (Appendix B):
    with c = k / (k + 1), the rate times c and each beta to the power c, so that the optimizer's
    effective step matches the non-lazy one."""
    ratio = interval / (interval + 1.0)
    return learning_rate * ratio, beta_1**ratio, beta_2**ratio
