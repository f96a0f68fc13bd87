"""GAN losses as pure functions of discriminator logits.

Every function returns a PER-EXAMPLE loss of shape [batch]; the caller reduces it (under
tf.distribute, with `tf.nn.compute_average_loss(..., global_batch_size=...)` so that the
gradients summed over replicas equal the single-device gradient).

Notation: `l` is a logit, D = sigmoid(l) the probability that the input is real. All forms are
written with softplus(x) = log(1 + e^x), which is finite for any finite logit, using
    log D(x)       = log sigmoid(l)  = -softplus(-l)
    log(1 - D(x))  = log sigmoid(-l) = -softplus(l)
and never `log(sigmoid(l))`, which becomes log(0) = -inf once sigmoid underflows (l < -88 in
float32).

Reference: Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, eq. (1) and Sec. 3.
The value function is V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))].
"""

import tensorflow as tf


def _flatten_logits(logits):
    """[batch] or [batch, 1] logits -> float32 [batch]."""
    logits = tf.convert_to_tensor(logits)
    return tf.reshape(tf.cast(logits, tf.float32), [-1])


def discriminator_loss(real_logits, fake_logits):
    """Binary cross-entropy of D: real -> 1, fake -> 0 (D ascends V by descending this).

        loss_i = -log D(x_i) - log(1 - D(G(z_i)))
               = softplus(-l_real_i) + softplus(l_fake_i)

    Args:
        real_logits: float [batch] or [batch, 1], D's logits on real data.
        fake_logits: float [batch] or [batch, 1], D's logits on generated data. Same batch size.

    Returns:
        float32 [batch], each >= 0; 2 log 2 = 1.386 when D = 1/2 (the equilibrium).
    """
    return tf.nn.softplus(-_flatten_logits(real_logits)) + tf.nn.softplus(
        _flatten_logits(fake_logits)
    )


def minimax_generator_loss(fake_logits):
    """The saturating generator loss of Goodfellow et al. 2014: G descends log(1 - D(G(z))).

        loss_i = log(1 - D(G(z_i))) = -softplus(l_fake_i)

    Its gradient with respect to the logit is -sigmoid(l): it vanishes when D confidently rejects
    the fakes (D(G(z)) -> 0), which is exactly the situation early in training. The paper
    proposes the non-saturating loss for that reason.

    Args:
        fake_logits: float [batch] or [batch, 1], D's logits on generated data.

    Returns:
        float32 [batch], values in (-inf, 0]; -log 2 = -0.693 when D = 1/2.
    """
    return -tf.nn.softplus(_flatten_logits(fake_logits))


def non_saturating_generator_loss(fake_logits):
    """The non-saturating generator loss: G descends -log D(G(z)) (Goodfellow et al. 2014, Sec. 3).

        loss_i = -log D(G(z_i)) = softplus(-l_fake_i)

    Same fixed point as the minimax game, but the gradient with respect to the logit,
    -sigmoid(-l), tends to -1 (not 0) when D(G(z)) -> 0. TF-GAN calls this the "modified"
    generator loss; DCGAN (Radford et al. 2015) trains with it.

    Args:
        fake_logits: float [batch] or [batch, 1], D's logits on generated data.

    Returns:
        float32 [batch], values in [0, inf); log 2 = 0.693 when D = 1/2.
    """
    return tf.nn.softplus(-_flatten_logits(fake_logits))


GENERATOR_LOSSES = {
    "minimax": minimax_generator_loss,
    "non_saturating": non_saturating_generator_loss,
}
