"""Score generated images against real ones with one feature extractor: the numbers papers use."""

import numpy as np

from ganzoo import metrics


def score_images(generated, real, extractor, kid_subset_size=1000):
    """{metric: value} for float32 images [n, H, W, C] in [-1, 1] (generated) vs (real).

    Keys: fid, kid, kid_std_error, classifier_score, classifier_score_std, precision, recall,
    plus num_generated, num_real and feature_extractor (report it beside the numbers).
    """
    fake_features, fake_probabilities = extractor.features_and_probabilities(generated)
    real_features = extractor.features(real)
    kid, kid_error = metrics.kernel_distance(
        real_features, fake_features, subset_size=kid_subset_size, num_subsets=50
    )
    score, score_std = metrics.classifier_score(fake_probabilities, splits=10)
    precision, recall = metrics.precision_recall(real_features, fake_features)
    return {
        "fid": metrics.frechet_distance(real_features, fake_features),
        "kid": kid,
        "kid_std_error": kid_error,
        "classifier_score": score,
        "classifier_score_std": score_std,
        "precision": precision,
        "recall": recall,
        "num_generated": int(len(generated)),
        "num_real": int(len(real)),
        "feature_extractor": extractor.name,
    }


def take_images(dataset, count):
    """The first `count` images of a batched or unbatched dataset of images or (image, label)."""
    images = []
    for element in dataset.unbatch() if len(dataset.element_spec.shape or []) == 4 else dataset:
        images.append(np.asarray(element[0] if isinstance(element, tuple) else element))
        if len(images) == count:
            break
    return np.stack(images).astype(np.float32)
