"""ACGAN (Odena et al. 2017): an auxiliary classifier head on D, its class loss in both
objectives."""

import keras
import tensorflow as tf

from ganzoo.backbones.conditioning import CLASS_LOGITS
from ganzoo.models.base import GANModel
from ganzoo.registry import register_model


def _class_cross_entropy(class_logits, labels):
    """Per-example softmax cross-entropy, float32 [batch] (from logits, log-sum-exp form)."""
    return tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=tf.cast(class_logits, tf.float32)
    )


@register_model("acgan")
@keras.saving.register_keras_serializable(package="ganzoo")
class ACGAN(GANModel):
    """Auxiliary classifier GAN (Odena et al. 2017, eq. 2-3): D outputs an adversarial score
    and class logits; D descends its adversarial loss + class_loss_weight * (L_C on real + L_C on
    fake), G descends its adversarial loss + class_loss_weight * L_C on fake, with L_C the
    cross-entropy of the class head against the (real or requested) label.

    Networks: ganzoo's DCGAN pair (conditioning="auxiliary": the one-hot label concatenated to
    G's latent, a class head beside D's output), non-saturating loss and Adam(2e-4, 0.5) as the
    paper. Departs from the paper: its ImageNet networks were larger with dropout in D; the
    class head shares all of D's features, as in the paper. Logs the class head's accuracy on
    real and on generated images, which tells whether G obeys the label.
    """

    conditional = True
    conditioning = "auxiliary"
    defaults = {
        **GANModel.defaults,
        "architecture": "dcgan",
        "width": 64,
        "loss_family": "non_saturating",
        "d_normalization": "batch",
        "num_classes": 10,
        "class_names": None,
        "class_loss_weight": 1.0,
    }

    def metric_names(self):
        return super().metric_names() + ["real_class_accuracy", "fake_class_accuracy"]

    def discriminator_head_objective(self, real_outputs, fake_outputs, real_labels, fake_labels):
        # The class head read from the D step's own forward passes (one joint call on
        # [real; fake] when D's normalisation allows it, as for every model).
        real_classes, fake_classes = real_outputs[CLASS_LOGITS], fake_outputs[CLASS_LOGITS]
        class_loss = _class_cross_entropy(real_classes, real_labels) + _class_cross_entropy(
            fake_classes, fake_labels
        )
        return self.class_loss_weight * class_loss, {
            "real_class_accuracy": _accuracy(real_classes, real_labels)
        }

    def generator_head_objective(self, fake_outputs, fake_labels):
        classes = fake_outputs[CLASS_LOGITS]
        return self.class_loss_weight * _class_cross_entropy(classes, fake_labels), {
            "fake_class_accuracy": _accuracy(classes, fake_labels)
        }


def _accuracy(class_logits, labels):
    """1.0 where the class head's argmax is the label, else 0.0; float32 [batch]."""
    return tf.cast(tf.equal(tf.argmax(class_logits, axis=-1, output_type=tf.int32), labels),
                   tf.float32)
