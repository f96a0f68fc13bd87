"""The conditional models' objectives against values computed by hand from D's parts: the
projection term of cgan's D and the class loss of acgan's objectives. A D that ignored the
label, read another class's column or dropped a term fails here, trained or not."""

import keras
import numpy as np
import tensorflow as tf

import ganzoo

CLASSES = 3
SHAPE = (16, 16, 1)


def _batch(seed, count=6):
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1, 1, (count, *SHAPE)).astype("float32")
    labels = rng.integers(0, CLASSES, count).astype("int32")
    return images, labels


def _log_softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _softplus(x):
    return np.logaddexp(0.0, x)


def test_the_projection_discriminator_adds_the_labels_column_of_v_to_psi():
    # D(x, y) = psi(phi(x)) + <V e_y, phi(x)>, Miyato & Koyama 2018, eq. 3; without spectral
    # norm the parts are plain Dense kernels: psi = d_logits, V = d_projection.
    keras.utils.set_random_seed(0)
    model = ganzoo.get_model("cgan", data_shape=SHAPE, latent_dim=8, width=4,
                             num_classes=CLASSES, d_normalization="none")
    images, labels = _batch(0)
    discriminator = model.discriminator
    phi = keras.Model(discriminator.inputs, discriminator.get_layer("d_flatten").output)
    features = np.asarray(phi([images, labels]), np.float64)
    w_psi, b_psi = (np.asarray(w, np.float64) for w in discriminator.get_layer("d_logits").weights)
    (v,) = (np.asarray(w, np.float64) for w in discriminator.get_layer("d_projection").weights)
    expected = features @ w_psi[:, 0] + b_psi[0] + np.einsum("bf,fb->b", features, v[:, labels])
    outputs = np.asarray(discriminator([images, labels])["adversarial"], np.float64)[:, 0]
    np.testing.assert_allclose(outputs, expected, rtol=1e-5, atol=1e-5)
    # The label matters: another class's column gives another verdict.
    other = np.asarray(discriminator([images, (labels + 1) % CLASSES])["adversarial"],
                       np.float64)[:, 0]
    assert np.abs(other - outputs).min() > 1e-4


def test_acgan_adds_the_class_cross_entropy_to_both_objectives():
    # Odena et al. 2017, eq. 2-3: D descends L_S + w (L_C(real) + L_C(fake)), G descends its
    # adversarial loss + w L_C(fake), with L_C the softmax cross-entropy of D's class head.
    keras.utils.set_random_seed(0)
    weight = 0.7
    model = ganzoo.get_model("acgan", data_shape=SHAPE, latent_dim=8, width=4,
                             num_classes=CLASSES, class_loss_weight=weight)
    real, real_labels = _batch(1)
    fake, fake_labels = _batch(2)
    real_out, real_classes = (np.asarray(model.judge(real)[name], np.float64)
                              for name in ("adversarial", "class_logits"))
    fake_out, fake_classes = (np.asarray(model.judge(fake)[name], np.float64)
                              for name in ("adversarial", "class_logits"))
    rows = np.arange(len(real))
    ce_real = -_log_softmax(real_classes)[rows, real_labels]
    ce_fake = -_log_softmax(fake_classes)[rows, fake_labels]
    # Non-saturating family: D's BCE from logits, G's -log sigmoid(D(G(z))).
    d_expected = _softplus(-real_out[:, 0]) + _softplus(fake_out[:, 0]) + weight * (
        ce_real + ce_fake
    )
    g_expected = _softplus(-fake_out[:, 0]) + weight * ce_fake

    d_loss, d_metrics = model.discriminator_objective(
        tf.constant(real), tf.constant(fake), 0, tf.constant(real_labels),
        tf.constant(fake_labels),
    )
    g_loss, g_metrics = model.generator_objective(tf.constant(fake), tf.constant(fake_labels))
    np.testing.assert_allclose(np.asarray(d_loss), d_expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(g_loss), g_expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(
        d_metrics["real_class_accuracy"], (real_classes.argmax(1) == real_labels).astype(float)
    )
    np.testing.assert_array_equal(
        g_metrics["fake_class_accuracy"], (fake_classes.argmax(1) == fake_labels).astype(float)
    )
