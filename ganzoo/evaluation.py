"""Score generated images against real ones with one feature extractor: the numbers papers use.

    score_images              FID, KID, classifier score, precision, recall (any generator)
    score_conditional_images  the same plus class accuracy and intra-class FID, for a
                              conditional generator sampled with balanced requested labels
"""

import numpy as np

from ganzoo import metrics
from ganzoo.errors import GanzooError

# Generated samples of each class that score_conditional_images needs (intra-class FID's
# covariances); see metrics.intra_class_frechet_distance for how many make stable numbers.
MIN_SAMPLES_PER_CLASS = 2


def _feature_scores(fake_features, fake_probabilities, real_features, extractor, kid_subset_size):
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
        "num_generated": int(len(fake_features)),
        "num_real": int(len(real_features)),
        "feature_extractor": extractor.name,
    }


def score_images(generated, real, extractor, kid_subset_size=1000):
    """{metric: value} for float32 images [n, H, W, C] in [-1, 1] (generated) vs (real).

    Keys: fid, kid, kid_std_error, classifier_score, classifier_score_std, precision, recall,
    plus num_generated, num_real and feature_extractor (report it beside the numbers).
    """
    fake_features, fake_probabilities = extractor.features_and_probabilities(generated)
    return _feature_scores(
        fake_features, fake_probabilities, extractor.features(real), extractor, kid_subset_size
    )


def _known_names(names):
    """`names` as a list, or None when they say nothing: absent, or the default "0", "1", ...
    that a model without class names serves (GANModel.label_names)."""
    if names is None:
        return None
    names = [str(name) for name in names]
    return None if names == [str(i) for i in range(len(names))] else names


def classifier_classes(extractor):
    """(number of classes, class names or None) of a feature extractor's probabilities."""
    count = int(extractor.model.outputs[1].shape[-1])
    return count, getattr(extractor, "class_names", None)


def check_same_classes(class_names, other_names, other, num_other=None):
    """GanzooError (one line) unless `other` (e.g. "the domain classifier x.keras") has the
    model's classes: as many (`num_other`, default len(other_names)), and, when both sides'
    names are known (not the default "0", "1", ...), the same names in the same order."""
    num_other = len(other_names) if num_other is None else num_other
    if num_other != len(class_names):
        raise GanzooError(
            f"{other} has {num_other} classes but the model has {len(class_names)}; class "
            f"accuracy and intra-class FID need the model's classes on both sides"
        )
    ours, theirs = _known_names(class_names), _known_names(other_names)
    if ours is not None and theirs is not None and ours != theirs:
        raise GanzooError(
            f"{other}'s classes ({', '.join(theirs)}) are not the model's ({', '.join(ours)})"
        )


def check_classifier(extractor, class_names):
    """GanzooError (one line) unless the extractor classifies into the model's classes."""
    count, names = classifier_classes(extractor)
    check_same_classes(class_names, names, f"feature extractor {extractor.name}", count)


def balanced_labels(num_classes, per_class):
    """int32 [num_classes * per_class]: 0, 1, ..., num_classes - 1, 0, 1, ... (`per_class` of
    each, in the order conditional models' generate uses by default)."""
    return np.arange(num_classes * per_class, dtype=np.int32) % num_classes


def requested_labels(extractor, class_names, num_samples, flag="num_samples"):
    """The balanced labels (see balanced_labels) to sample a conditional model with for
    scoring, as many of each class as `num_samples` allows; GanzooError (one line) when the
    extractor has other classes or `num_samples` (named `flag` in the message) gives fewer
    than MIN_SAMPLES_PER_CLASS per class."""
    check_classifier(extractor, class_names)
    per_class = num_samples // len(class_names)
    if per_class < MIN_SAMPLES_PER_CLASS:
        raise GanzooError(
            f"{flag}={num_samples} gives {per_class} sample(s) per class of {len(class_names)}; "
            f"class accuracy and intra-class FID need {flag} >= "
            f"{MIN_SAMPLES_PER_CLASS * len(class_names)}"
        )
    return balanced_labels(len(class_names), per_class)


def score_conditional_images(generated, generated_labels, real, real_labels, extractor,
                             class_names, kid_subset_size=1000):
    """score_images' keys for a conditional generator, plus whether G obeys the label.

    Args:
        generated: float32 [n, H, W, C] in [-1, 1], sampled for `generated_labels` (int [n]);
            use balanced labels (`balanced_labels`), at least MIN_SAMPLES_PER_CLASS per class.
        real, real_labels: real images of the same classes and their labels.
        extractor: a feature extractor whose classes are the model's (checked; one line).
        class_names: the model's class names (label i is class_names[i]).

    Returns:
        score_images' keys plus class_accuracy (fraction of generated samples the extractor
        classifies as their requested class), intra_class_fid (mean over classes of the FID
        between each class's real and generated features), num_classes, and
        class_accuracy_per_class and intra_class_fid_per_class ({class name: value}).
    """
    check_classifier(extractor, class_names)
    num_classes = len(class_names)
    fake_features, fake_probabilities = extractor.features_and_probabilities(generated)
    real_features = extractor.features(real)
    scores = _feature_scores(
        fake_features, fake_probabilities, real_features, extractor, kid_subset_size
    )
    try:
        accuracy, accuracy_per_class = metrics.class_accuracy(fake_probabilities, generated_labels)
        intra_fid, intra_fid_per_class = metrics.intra_class_frechet_distance(
            real_features, np.asarray(real_labels), fake_features, np.asarray(generated_labels),
            num_classes, min_per_class=MIN_SAMPLES_PER_CLASS,
        )
    except ValueError as error:
        raise GanzooError(str(error)) from None
    names = [str(name) for name in class_names]
    scores.update(
        class_accuracy=accuracy,
        intra_class_fid=intra_fid,
        num_classes=num_classes,
        class_accuracy_per_class=dict(zip(names, accuracy_per_class.tolist())),
        intra_class_fid_per_class=dict(zip(names, intra_fid_per_class.tolist())),
    )
    return scores


def _images_spec(spec):
    if isinstance(spec, dict):
        return spec["images"]
    return spec[0] if isinstance(spec, tuple) else spec


def take_examples(dataset, count):
    """(images float32 [k, ...], labels int32 [k] or None): the first k = min(count, size)
    examples of a batched or unbatched dataset of images, (image, label) pairs or
    {"images", "labels"?} dicts (as load_dataset / load_training_stream yield them). Labels are
    None when the elements have none."""
    if len(_images_spec(dataset.element_spec).shape or []) == 4:
        dataset = dataset.unbatch()
    images, labels = [], []
    for element in dataset.take(count).as_numpy_iterator():
        if isinstance(element, dict):
            images.append(element["images"])
            labels.append(element.get("labels"))
        elif isinstance(element, tuple):
            images.append(element[0])
            labels.append(element[1] if len(element) > 1 else None)
        else:
            images.append(element)
            labels.append(None)
    labelled = bool(labels) and all(label is not None for label in labels)
    return (
        np.stack(images).astype(np.float32),
        np.asarray(labels, dtype=np.int32) if labelled else None,
    )


def take_images(dataset, count):
    """The first `count` images of a dataset `take_examples` reads (labels dropped)."""
    return take_examples(dataset, count)[0]
