"""How the image suites (conditional, fashion) score samples: labelled images as arrays, a
domain classifier whose features FID, KID, precision and recall are measured in, and the scores
of generated images against real ones."""

import os


def labelled_arrays(dataset, split, image_size):
    """(float32 images [n, H, W, C] in [-1, 1], int32 labels [n]) of a labelled data set."""
    import numpy as np

    from ganzoo import data

    pairs, _ = data.load_labeled_images(dataset, split, image_size)
    images, labels = [], []
    for image, label in pairs.batch(1024).as_numpy_iterator():
        images.append(image)
        labels.append(label)
    return np.concatenate(images).astype(np.float32), np.concatenate(labels).astype(np.int32)


def domain_classifier(path, train, test, num_classes, work, epochs):
    """(FeatureExtractor, its metadata with its accuracy on `test`): the classifier saved at
    `path` if that file exists, else one trained on `train` for `epochs` and kept at
    `path` (None: in `work`). `train` and `test` are (float32 images in [-1, 1], int labels)."""
    import json

    import tensorflow as tf

    from ganzoo import features, metrics, writable

    path = path or os.path.join(work, "domain_classifier.keras")
    if os.path.isfile(path):
        how = "reused"
    else:
        writable.make_parent(path)
        features.train_domain_classifier(
            tf.data.Dataset.from_tensor_slices(train), tf.data.Dataset.from_tensor_slices(test),
            num_classes, path, epochs=epochs,
        )
        how = f"trained on {len(train[0])} images for {epochs} epochs"
    # Any accuracy: the suites print it beside every table they score with it (a test's
    # one-epoch classifier included), rather than refusing as ganzoo-evaluate does.
    extractor = features.domain_classifier(path, min_accuracy=0.0)
    metadata_path = path + ".json"
    metadata = json.load(open(metadata_path)) if os.path.exists(metadata_path) else {}
    # Measured here, so a reused file reports its accuracy on this run's held-out images.
    accuracy, _ = metrics.class_accuracy(extractor.features_and_probabilities(test[0])[1], test[1])
    print(f"domain classifier {extractor.name} ({how}): accuracy {accuracy:.4f} on "
          f"{len(test[0])} held-out images", flush=True)
    return extractor, {**metadata, "name": extractor.name, "path": path, "test_accuracy": accuracy}


SCORE_KEYS = ("fid", "kid", "kid_std_error", "precision", "recall", "class_accuracy",
              "intra_class_fid", "num_generated", "num_real")


def scores(samples, labels, real, extractor, class_names):
    """{SCORE_KEYS: value} of float32 images [n, H, W, C] in [-1, 1] against `real` (images,
    labels); with requested `labels` [n] (conditional) also class accuracy and intra-class FID,
    else those two are None."""
    from ganzoo import evaluation

    kid_subset_size = min(1000, len(samples), len(real[0]))
    if labels is None:
        measured = evaluation.score_images(samples, real[0], extractor, kid_subset_size)
    else:
        measured = evaluation.score_conditional_images(
            samples, labels, real[0], real[1], extractor, class_names, kid_subset_size
        )
    return {key: measured.get(key) for key in SCORE_KEYS}
