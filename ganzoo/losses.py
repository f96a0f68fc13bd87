"""GAN losses as pure functions of the discriminator's raw outputs, grouped in loss families.

Every function returns a PER-EXAMPLE value of shape [batch]; the caller reduces it (under
tf.distribute, with `tf.nn.compute_average_loss(..., global_batch_size=...)` so that the
gradients summed over replicas equal the single-device gradient).

A loss FAMILY is a (discriminator loss, generator loss) pair plus what D's output means:
    minimax          BCE for D, G descends log(1 - D(G(z)))      (Goodfellow et al. 2014)
    non_saturating   BCE for D, G descends -log D(G(z))          (Goodfellow et al. 2014, Sec. 3)
    wasserstein      critic, D ascends E[D(x)] - E[D(G(z))]       (Arjovsky et al. 2017)
    hinge            critic, hinge for D, G descends -D(G(z))     (Lim & Ye 2017;
                                                                   Miyato et al. 2018)
    least_squares    D regresses real -> 1, fake -> 0             (Mao et al. 2017)
For the first two, D's output `l` is a logit, D = sigmoid(l) the probability that the input is
real, and every log is written with softplus(x) = log(1 + e^x), finite for any finite logit:
    log D(x)       = log sigmoid(l)  = -softplus(-l)
    log(1 - D(x))  = log sigmoid(-l) = -softplus(l)
never `log(sigmoid(l))`, which becomes log(0) = -inf once sigmoid underflows (l < -88 in
float32). For the other three D's output is a raw score with no probability (a "critic").

Regularisers that need D itself (gradient penalties) take the discriminator as an argument and
return per-example penalties as well. With PacGAN packing (Lin et al. 2018) D's example is a
pack of `packing` consecutive samples: D's outputs, so the losses above, are per pack, and the
penalties take `packing` to be per pack too.
"""

import dataclasses
from typing import Callable

import tensorflow as tf


def _flatten(outputs):
    """[batch] or [batch, 1] outputs -> float32 [batch]."""
    outputs = tf.convert_to_tensor(outputs)
    return tf.reshape(tf.cast(outputs, tf.float32), [-1])


# ---------------------------------------------------------------------------------------- BCE
def bce_discriminator_loss(real_logits, fake_logits):
    """Binary cross-entropy of D: real -> 1, fake -> 0 (D ascends V by descending this).

        loss_i = -log D(x_i) - log(1 - D(G(z_i)))
               = softplus(-l_real_i) + softplus(l_fake_i)

    Args:
        real_logits: float [batch] or [batch, 1], D's logits on real data.
        fake_logits: float [batch] or [batch, 1], D's logits on generated data. Same batch size.

    Returns:
        float32 [batch], each >= 0; 2 log 2 = 1.386 when D = 1/2 (the equilibrium).
    """
    return tf.nn.softplus(-_flatten(real_logits)) + tf.nn.softplus(_flatten(fake_logits))


def minimax_generator_loss(fake_logits):
    """The saturating generator loss of Goodfellow et al. 2014: G descends log(1 - D(G(z))).

        loss_i = log(1 - D(G(z_i))) = -softplus(l_fake_i)

    Its gradient with respect to the logit is -sigmoid(l): it vanishes when D confidently rejects
    the fakes (D(G(z)) -> 0), which is exactly the situation early in training. The paper
    proposes the non-saturating loss for that reason.

    Returns:
        float32 [batch], values in (-inf, 0]; -log 2 = -0.693 when D = 1/2.
    """
    return -tf.nn.softplus(_flatten(fake_logits))


def non_saturating_generator_loss(fake_logits):
    """The non-saturating generator loss: G descends -log D(G(z)) (Goodfellow et al. 2014, Sec. 3).

        loss_i = -log D(G(z_i)) = softplus(-l_fake_i)

    Same fixed point as the minimax game, but the gradient with respect to the logit,
    -sigmoid(-l), tends to -1 (not 0) when D(G(z)) -> 0. TF-GAN calls this the "modified"
    generator loss; DCGAN (Radford et al. 2015) trains with it.

    Returns:
        float32 [batch], values in [0, inf); log 2 = 0.693 when D = 1/2.
    """
    return tf.nn.softplus(-_flatten(fake_logits))


# -------------------------------------------------------------------------------- Wasserstein
def wasserstein_discriminator_loss(real_scores, fake_scores):
    """The critic's loss of WGAN (Arjovsky et al. 2017, Algorithm 1; Gulrajani et al. 2017, eq. 3
    without the penalty): the critic ascends E[D(x)] - E[D(G(z))].

        loss_i = D(G(z_i)) - D(x_i)

    Meaningful only for a Lipschitz-constrained critic (a gradient penalty, or weight clipping).
    Its negated batch mean estimates the Wasserstein-1 distance between data and samples.

    Returns:
        float32 [batch], unbounded.
    """
    return _flatten(fake_scores) - _flatten(real_scores)


def wasserstein_generator_loss(fake_scores):
    """G descends -D(G(z)) (Arjovsky et al. 2017, Algorithm 1).

    Returns:
        float32 [batch], unbounded.
    """
    return -_flatten(fake_scores)


# -------------------------------------------------------------------------------------- hinge
def hinge_discriminator_loss(real_scores, fake_scores):
    """Hinge loss of the discriminator (Lim & Ye 2017; Miyato et al. 2018, eq. 16):

        loss_i = max(0, 1 - D(x_i)) + max(0, 1 + D(G(z_i)))

    Returns:
        float32 [batch], each >= 0; 0 once real scores are >= 1 and fake scores <= -1.
    """
    return tf.nn.relu(1.0 - _flatten(real_scores)) + tf.nn.relu(1.0 + _flatten(fake_scores))


def hinge_generator_loss(fake_scores):
    """G descends -D(G(z)), the generator loss paired with the hinge D loss (Miyato et al. 2018,
    eq. 17; the same form as WGAN's).

    Returns:
        float32 [batch], unbounded.
    """
    return -_flatten(fake_scores)


# ------------------------------------------------------------------------------ least squares
# Mao et al. 2017, eq. (2) with the 0-1 coding a = 0 (fake), b = 1 (real), c = 1 (what G wants D
# to believe), the coding of their experiments (their other choice, a=-1, b=1, c=0, minimises the
# Pearson chi^2 divergence, eq. 6-9).
LSGAN_FAKE_TARGET, LSGAN_REAL_TARGET, LSGAN_GENERATOR_TARGET = 0.0, 1.0, 1.0


def least_squares_discriminator_loss(real_scores, fake_scores):
    """Least-squares D loss (Mao et al. 2017, eq. 2), with a = 0, b = 1:

        loss_i = 1/2 (D(x_i) - 1)^2 + 1/2 (D(G(z_i)) - 0)^2

    Returns:
        float32 [batch], each >= 0.
    """
    return 0.5 * tf.square(_flatten(real_scores) - LSGAN_REAL_TARGET) + 0.5 * tf.square(
        _flatten(fake_scores) - LSGAN_FAKE_TARGET
    )


def least_squares_generator_loss(fake_scores):
    """Least-squares G loss (Mao et al. 2017, eq. 2), with c = 1:

        loss_i = 1/2 (D(G(z_i)) - 1)^2

    Returns:
        float32 [batch], each >= 0.
    """
    return 0.5 * tf.square(_flatten(fake_scores) - LSGAN_GENERATOR_TARGET)


# ----------------------------------------------------------------------- per-example metrics
def classifier_metrics(real_logits, fake_logits):
    """{d_real, d_fake}: D's probabilities that real and generated data are real, in [0, 1]."""
    return {
        "d_real": tf.sigmoid(_flatten(real_logits)), "d_fake": tf.sigmoid(_flatten(fake_logits))
    }


def critic_metrics(real_scores, fake_scores):
    """{real_score, fake_score}: the raw scores a critic gives real and generated data."""
    return {"real_score": _flatten(real_scores), "fake_score": _flatten(fake_scores)}


def wasserstein_metrics(real_scores, fake_scores):
    """critic_metrics plus `wasserstein`: D(x_i) - D(G(z_i)), whose mean estimates the
    Wasserstein-1 distance (when the critic is 1-Lipschitz)."""
    return {
        **critic_metrics(real_scores, fake_scores),
        "wasserstein": _flatten(real_scores) - _flatten(fake_scores),
    }


@dataclasses.dataclass(frozen=True)
class LossFamily:
    """A discriminator loss, its generator loss, and what D's output means.

    Attributes:
        name: the family's name, as models take it (`loss="hinge"`).
        discriminator: (real_outputs, fake_outputs) -> per-example D loss [batch].
        generator: fake_outputs -> per-example G loss [batch].
        metrics: (real_outputs, fake_outputs) -> {name: per-example values [batch]} that say
            how D sees the data: probabilities for classifiers, raw scores for critics.
        metric_names: the keys `metrics` returns, in order (logged beside d_loss and g_loss).
        outputs_are_logits: True if D's output is a logit (a probability after sigmoid);
            False for critics, whose raw scores have no probability.
    """

    name: str
    discriminator: Callable
    generator: Callable
    metrics: Callable
    metric_names: tuple
    outputs_are_logits: bool


_CLASSIFIER = dict(metrics=classifier_metrics, metric_names=("d_real", "d_fake"),
                   outputs_are_logits=True)
_CRITIC = dict(metrics=critic_metrics, metric_names=("real_score", "fake_score"),
               outputs_are_logits=False)
LOSS_FAMILIES = {
    family.name: family
    for family in (
        LossFamily("minimax", bce_discriminator_loss, minimax_generator_loss, **_CLASSIFIER),
        LossFamily("non_saturating", bce_discriminator_loss, non_saturating_generator_loss,
                   **_CLASSIFIER),
        LossFamily("wasserstein", wasserstein_discriminator_loss, wasserstein_generator_loss,
                   metrics=wasserstein_metrics,
                   metric_names=("real_score", "fake_score", "wasserstein"),
                   outputs_are_logits=False),
        LossFamily("hinge", hinge_discriminator_loss, hinge_generator_loss, **_CRITIC),
        LossFamily("least_squares", least_squares_discriminator_loss,
                   least_squares_generator_loss, **_CRITIC),
    )
}


# ------------------------------------------------------------------------------ regularisers
def _input_gradient_norms_squared(discriminator, inputs, packing=1):
    """||dD(p_j)/dp_j||^2 per pack p_j of `packing` consecutive examples, float32
    [batch / packing]; per example (p_j = x_j) when packing is 1.

    D's output for pack j must depend on pack j only (no batch norm), so that the gradient of
    the summed outputs with respect to pack j's examples is the gradient of D(p_j); its squared
    norm is the sum of the members' squared norms (a pack is its members joined).
    """
    inputs = tf.cast(inputs, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        outputs = tf.cast(discriminator(inputs, training=True), tf.float32)
    gradients = tape.gradient(outputs, inputs)  # of the summed outputs
    per_example = tf.reduce_sum(tf.square(gradients), axis=list(range(1, len(inputs.shape))))
    return tf.reduce_sum(tf.reshape(per_example, [-1, packing]), axis=1)


def gradient_penalty(discriminator, real, fake, mix, packing=1):
    """The two-sided gradient penalty of WGAN-GP (Gulrajani et al. 2017, eq. 3, Algorithm 1):

        x_hat_i   = mix_i * x_i + (1 - mix_i) * G(z_i)
        penalty_i = (||grad_x D(x_hat_i)||_2 - 1)^2

    With packing, i runs over packs: one mix_i for all the members of pack i (the interpolate
    lies on the segment between a real pack and a fake pack) and the norm is that of the
    gradient with respect to the whole pack.

    The norm is sqrt(sum of squares + 1e-12): the epsilon keeps its gradient finite where the
    input gradient vanishes (sqrt'(0) is infinite).

    Args:
        discriminator: a callable `D(x, training=True)` -> [batch / packing] or
            [batch / packing, 1] outputs, each depending on its own example (pack) only (no
            batch norm).
        real, fake: float [batch, *data_shape].
        mix: float [batch / packing] in [0, 1], U(0, 1) in the paper (drawn by the caller, so
            that the draw is keyed, per replica, like every other random number in training).
        packing: examples per pack D judges; batch must be a multiple of it.

    Returns:
        float32 [batch / packing], each >= 0 (the caller multiplies by lambda, 10 in the paper).
    """
    real = tf.cast(real, tf.float32)
    fake = tf.cast(fake, tf.float32)
    mix = tf.repeat(tf.reshape(tf.cast(mix, tf.float32), [-1]), packing)  # per member
    mix = tf.reshape(mix, [-1] + [1] * (len(real.shape) - 1))
    interpolates = mix * real + (1.0 - mix) * fake
    norms = tf.sqrt(_input_gradient_norms_squared(discriminator, interpolates, packing) + 1e-12)
    return tf.square(norms - 1.0)


def r1_penalty(discriminator, real, packing=1):
    """The R1 penalty on real data (Mescheder et al. 2018, eq. 9): ||grad_x D(x_i)||_2^2, per
    real pack i with packing (the gradient with respect to the whole pack).

    The paper's regulariser is gamma/2 times its mean; models take `r1_weight` = gamma and add
    gamma/2 * penalty_i to D's per-example (per-pack) loss.

    Args:
        discriminator, packing: as for gradient_penalty.
        real: float [batch, *data_shape].

    Returns:
        float32 [batch / packing], each >= 0.
    """
    return _input_gradient_norms_squared(discriminator, real, packing)
