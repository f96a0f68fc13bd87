"""Feature extractors for the sample-quality metrics, and the domain classifier ganzoo trains.

    inception     InceptionV3 (ImageNet weights, fetched by keras.applications on first use):
                  2048-d pool features and 1000-way probabilities, on images resized to 299x299.
                  The standard for FID/IS on natural images; needs the network once.
    domain:<path> a compact CNN trained by `ganzoo-train-classifier` (`train_domain_classifier`)
                  on a labelled data set's classes (e.g. the digits): its 128-d embedding and
                  class probabilities. The offline path; scores are comparable only between
                  runs that use the same file, so its name and version travel with every number.

Every extractor maps float32 images [n, H, W, C] in [-1, 1] to features [n, d] and class
probabilities [n, classes].
"""

import dataclasses
import hashlib
import json
import os
import sys

import keras
import numpy as np
import tensorflow as tf

from ganzoo.errors import GanzooError
from ganzoo.tf_data_options import without_autotuning

DOMAIN_CLASSIFIER_VERSION = 1  # bump when the architecture or training recipe changes
# The least held-out accuracy (recorded in <classifier>.json) a domain classifier needs before
# scores are computed in its features. Every classifier ganzoo-train-classifier trains with its
# defaults reached 0.94 or more on this project's data sets (digits 0.942, Fashion-MNIST 0.944
# and 0.953); one trained for 2 epochs reached 0.22 and still gave FID 0.03 and precision 0.86
# for a dcgan, numbers that described the classifier, not the samples. Below 0.8 (8 of 10
# classes told apart), its features do not separate what FID and precision compare.
MIN_DOMAIN_ACCURACY = 0.8


@dataclasses.dataclass
class FeatureExtractor:
    """features(images) -> [n, d]; probabilities(images) -> [n, classes]; `name` says which."""

    name: str
    model: keras.Model  # outputs (features, probabilities)
    image_shape: tuple  # what the model takes, after `prepare`
    batch_size: int = 256
    test_accuracy: float = None  # a domain classifier's recorded held-out accuracy, if any

    def _prepare(self, images):
        images = tf.convert_to_tensor(images, tf.float32)
        height, width, channels = self.image_shape
        if images.shape[-1] != channels:
            if channels == 3 and images.shape[-1] == 1:
                images = tf.image.grayscale_to_rgb(images)
            else:
                raise GanzooError(
                    f"feature extractor {self.name} takes {channels}-channel images, got "
                    f"{images.shape[-1]}"
                )
        if tuple(images.shape[1:3]) != (height, width):
            images = tf.image.resize(images, [height, width], method="bilinear")
        return images

    def _run(self, images):
        features, probabilities = [], []
        for start in range(0, len(images), self.batch_size):
            f, p = self.model(
                self._prepare(images[start : start + self.batch_size]), training=False
            )
            features.append(np.asarray(f, np.float64))
            probabilities.append(np.asarray(p, np.float64))
        return np.concatenate(features), np.concatenate(probabilities)

    def features(self, images):
        return self._run(images)[0]

    def features_and_probabilities(self, images):
        return self._run(images)


def inception_v3():
    """InceptionV3 pool features (2048) and ImageNet probabilities; clear error offline."""
    try:
        base = keras.applications.InceptionV3(include_top=True, weights="imagenet")
    except Exception as error:  # noqa: BLE001 - a failed download surfaces as many types.
        raise GanzooError(
            "InceptionV3 ImageNet weights are unavailable (keras.applications could not fetch "
            f"them: {type(error).__name__}); use --features=domain:<classifier.keras> offline"
        ) from None
    model = keras.Model(base.input, [base.get_layer("avg_pool").output, base.output])
    # keras.applications' Inception preprocessing maps [0, 255] to [-1, 1]: ours already are.
    return FeatureExtractor("inception_v3/imagenet", model, (299, 299, 3), batch_size=64)


def _domain_network(image_shape, num_classes):
    images = keras.Input(image_shape)
    x = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(images)
    x = keras.layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(x)
    x = keras.layers.Conv2D(128, 3, strides=2, padding="same", activation="relu")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    embedding = keras.layers.Dense(128, activation="relu", name="embedding")(x)
    probabilities = keras.layers.Dense(
        num_classes, activation="softmax", name="probabilities"
    )(embedding)
    return keras.Model(images, probabilities, name="domain_classifier")


def train_domain_classifier(train, test, num_classes, output_path, epochs=15, seed=0):
    """Train the compact classifier on labelled images and save it with its metadata.

    Args:
        train, test: unbatched datasets of (float32 image [H, W, C] in [-1, 1], int label).
        num_classes: number of labels.
        output_path: where the .keras file goes; `<output_path>.json` gets its metadata
            (version, image shape, held-out accuracy, a hash of the weights).
        epochs, seed: training length and seed.

    Returns:
        The metadata dict; its "test_accuracy" is measured on `test`, which training never sees.
    """
    keras.utils.set_random_seed(seed)
    image_shape = tuple(train.element_spec[0].shape)
    network = _domain_network(image_shape, num_classes)
    network.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    network.fit(
        without_autotuning(train.shuffle(10_000, seed=seed).batch(64)),
        epochs=epochs, verbose=0, shuffle=False,
    )
    accuracy = float(
        network.evaluate(without_autotuning(test.batch(256)), verbose=0, return_dict=True)[
            "accuracy"
        ]
    )
    network.save(output_path)
    digest = hashlib.sha256(
        b"".join(np.asarray(w).tobytes() for w in network.get_weights())
    ).hexdigest()[:12]
    metadata = {
        "version": DOMAIN_CLASSIFIER_VERSION,
        "image_shape": list(image_shape),
        "num_classes": num_classes,
        "test_accuracy": accuracy,
        "weights_sha256": digest,
    }
    with open(output_path + ".json", "w") as out:
        json.dump(metadata, out, indent=2)
    return metadata


def domain_classifier(path, min_accuracy=MIN_DOMAIN_ACCURACY):
    """A FeatureExtractor from a classifier saved by train_domain_classifier.

    Refused (GanzooError) when its recorded held-out accuracy is below `min_accuracy`; a
    classifier with no record (no <path>.json) is used with a one-line warning on stderr.
    """
    if not os.path.isfile(path):
        raise GanzooError(
            f"no domain classifier at {path!r}; train one with: ganzoo-train-classifier "
            f"--dataset=digits --output={path} "
            f"(from a checkout: python scripts/train_classifier.py)"
        )
    metadata_path = path + ".json"
    metadata = json.load(open(metadata_path)) if os.path.exists(metadata_path) else {}
    accuracy = metadata.get("test_accuracy")
    if accuracy is None:
        print(f"warning: {path} has no recorded held-out accuracy (no {metadata_path}); scores "
              f"in its features are only as telling as it is", file=sys.stderr)
    elif accuracy < min_accuracy:
        raise GanzooError(
            f"domain classifier {path} has held-out accuracy {accuracy:.3f}, below "
            f"{min_accuracy}: scores in its features would describe the classifier, not the "
            f"samples; train it longer (ganzoo-train-classifier --epochs=15) or lower "
            f"--min_classifier_accuracy"
        )
    network = keras.models.load_model(path)
    model = keras.Model(
        network.input, [network.get_layer("embedding").output, network.output]
    )
    name = (
        f"domain:{os.path.basename(path)}@v{metadata.get('version', '?')}"
        f"/{metadata.get('weights_sha256', 'unknown')}"
    )
    return FeatureExtractor(name, model, tuple(network.input_shape[1:]), test_accuracy=accuracy)


def get_extractor(spec, min_accuracy=MIN_DOMAIN_ACCURACY):
    """'inception' or 'domain:<path>' -> FeatureExtractor (`min_accuracy`: see
    domain_classifier)."""
    if spec == "inception":
        return inception_v3()
    if spec.startswith("domain:"):
        return domain_classifier(spec[len("domain:"):], min_accuracy)
    raise GanzooError(
        f"unknown feature extractor {spec!r}; use 'inception' or 'domain:<path.keras>'"
    )
