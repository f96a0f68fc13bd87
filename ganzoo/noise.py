"""Latent noise from stateless RNG, so that samples are reproducible and resumable.

Stateless draws depend only on their key, so (a) the same key gives the same noise on any
machine, in any process, inside or outside a graph (the SavedModel's in-graph sampler uses the
same function), and (b) no RNG state needs checkpointing: keying on the optimizer's step counter
makes a resumed run draw exactly what an uninterrupted one would have.

Compiled with XLA (jit_compile; Keras' "auto" on a GPU), TensorFlow turns the same random bits
into other floats (seen on CPU with TF 2.21, with the key computed in the graph and "philox"
named or not; integer draws agree): a step compiled with XLA draws other, equally distributed
noise for the same key. An XLA run is reproducible under XLA, and equals a run without XLA only
when the latent batch comes with the data.
"""

import tensorflow as tf

# The streams of random numbers besides the latent batch (which has none), folded into the key
# after (step, sub-step): one number per kind of draw, all of them here so that no two share one
# (docs/design.md, invariant 2).
INTERPOLATION_STREAM = 1  # the gradient penalty's interpolation weights
FAKE_LABEL_STREAM = 2  # conditional models' fake labels
AUGMENT_REAL_STREAM = 3  # the augmentation of reals (ganzoo.augment)
AUGMENT_FAKE_STREAM = 4  # ... and of fakes
CONSISTENCY_STREAM = 5  # consistency regularisation's translations
PATH_LENGTH_STREAM = 6  # StyleGAN2's path-length regulariser: its latents and image noise


def _key(seed, stream):
    key = tf.stack([tf.cast(seed, tf.int64), tf.constant(0, tf.int64)])
    for value in stream:
        key = tf.random.experimental.stateless_fold_in(key, tf.cast(value, tf.int64))
    return key


def latent_batch(num_samples, latent_dim, seed, *stream):
    """Standard-normal latent vectors keyed on `seed` and any further integers in `stream`.

    Args:
        num_samples: int or int scalar tensor, rows to draw.
        latent_dim: int, width of each latent vector.
        seed: int or int scalar tensor (any integer dtype).
        *stream: further ints or int scalar tensors folded into the key, e.g. (step, sub-step).

    Returns:
        float32 [num_samples, latent_dim], N(0, 1).
    """
    return tf.random.stateless_normal(
        tf.stack([tf.cast(num_samples, tf.int32), latent_dim]), seed=_key(seed, stream),
        dtype=tf.float32,
    )


def uniform_batch(num_samples, seed, *stream):
    """float32 [num_samples] U(0, 1) keyed like latent_batch (e.g. interpolation weights)."""
    return tf.random.stateless_uniform(
        tf.reshape(tf.cast(num_samples, tf.int32), [1]), seed=_key(seed, stream), dtype=tf.float32
    )


def class_batch(num_samples, num_classes, seed, *stream):
    """int32 [num_samples] labels uniform over [0, num_classes), keyed like latent_batch."""
    return tf.random.stateless_uniform(
        tf.reshape(tf.cast(num_samples, tf.int32), [1]), seed=_key(seed, stream), minval=0,
        maxval=num_classes, dtype=tf.int32,
    )


def uniform_matrix(num_samples, columns, seed, *stream):
    """float32 [num_samples, columns] U(0, 1) keyed like latent_batch: the per-example random
    numbers an augmentation turns into its parameters (ganzoo.augment)."""
    return tf.random.stateless_uniform(
        tf.stack([tf.cast(num_samples, tf.int32), columns]), seed=_key(seed, stream),
        dtype=tf.float32,
    )
