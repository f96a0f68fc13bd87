"""Sample-quality metrics as pure numpy functions of feature sets (float64 inside).

    frechet_distance       FID's distance (Heusel et al. 2017) between Gaussian fits
    kernel_distance        KID (Binkowski et al. 2018): unbiased MMD^2, cubic kernel, over subsets
    classifier_score       the Inception Score (Salimans et al. 2016) from class probabilities
    precision_recall       k-NN manifold precision and recall (Kynkaanniemi et al. 2019)
    mode_coverage          2-D mixture protocol of VEEGAN (Srivastava et al. 2017) / PacGAN (Lin
                           et al. 2018): modes captured, high-quality %, reverse KL over modes
    class_accuracy         conditional models: how often a classifier recognises the class
                           each sample was generated for (overall and per class)
    intra_class_frechet_distance
                           intra-class FID (Miyato & Koyama 2018): FID within each class,
                           averaged over the classes (and per class)

Features are arrays [n, d]; which network produced them (InceptionV3 pool features, a domain
classifier's embedding) must be reported beside every number, since values from different
extractors are not comparable.
"""

import dataclasses

import numpy as np


def _as_features(features, name):
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(f"{name} must be [n >= 2, d] features, got shape {features.shape}")
    return features


def _sqrtm_psd(matrix):
    """Symmetric square root of a symmetric positive semi-definite matrix."""
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def frechet_distance_from_moments(mean_a, cov_a, mean_b, cov_b):
    """||mu_a - mu_b||^2 + tr(S_a + S_b - 2 (S_a S_b)^(1/2)), in float64.

    tr((S_a S_b)^(1/2)) is computed as tr((A S_b A)^(1/2)) with A = S_a^(1/2): the same
    eigenvalues, but of a symmetric PSD matrix, so no complex parts or negative roundoff.
    """
    mean_a, mean_b = np.asarray(mean_a, np.float64), np.asarray(mean_b, np.float64)
    cov_a, cov_b = np.asarray(cov_a, np.float64), np.asarray(cov_b, np.float64)
    root_a = _sqrtm_psd(cov_a)
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ cov_b @ root_a), 0.0, None)).sum()
    value = np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2.0 * cross
    return float(max(value, 0.0))


def frechet_distance(features_a, features_b):
    """FID's distance between two feature sets [n, d], [m, d] (sample covariances, n-1)."""
    a, b = _as_features(features_a, "features_a"), _as_features(features_b, "features_b")
    return frechet_distance_from_moments(
        a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False)
    )


def _polynomial_kernel(x, y):
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def kernel_distance(features_a, features_b, subset_size=1000, num_subsets=100, seed=0):
    """KID: unbiased MMD^2 with k(x, y) = (x.y / d + 1)^3, averaged over random subsets.

    Returns:
        (mean, standard error of the mean over subsets). Unbiased: can be slightly negative
        when the two sets come from the same distribution. The error reflects the subsets'
        variability only when `subset_size` is smaller than both sets.
    """
    a, b = _as_features(features_a, "features_a"), _as_features(features_b, "features_b")
    m = min(subset_size, len(a), len(b))
    rng = np.random.default_rng(seed)
    estimates = []
    for _ in range(num_subsets):
        x = a[rng.choice(len(a), m, replace=False)]
        y = b[rng.choice(len(b), m, replace=False)]
        k_xx, k_yy, k_xy = (
            _polynomial_kernel(x, x), _polynomial_kernel(y, y), _polynomial_kernel(x, y)
        )
        off_diagonal = (k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
        estimates.append(off_diagonal - 2.0 * k_xy.mean())
    estimates = np.asarray(estimates)
    std_error = estimates.std(ddof=1) / np.sqrt(len(estimates)) if len(estimates) > 1 else 0.0
    return float(estimates.mean()), float(std_error)


def classifier_score(probabilities, splits=10):
    """Inception Score exp(E_x KL(p(y|x) || p(y))) from class probabilities [n, classes].

    Returns:
        (mean, std) over `splits` equal parts, as Salimans et al. report it.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2 or np.any(p < 0) or not np.allclose(p.sum(1), 1.0, atol=1e-4):
        raise ValueError("probabilities must be [n, classes] rows summing to 1")
    scores = []
    for part in np.array_split(p, splits):
        marginal = part.mean(0, keepdims=True)
        kl = np.sum(part * (np.log(part + 1e-12) - np.log(marginal + 1e-12)), axis=1)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores)), float(np.std(scores))


def _squared_distances(x, y):
    return np.maximum((x * x).sum(1)[:, None] + (y * y).sum(1)[None] - 2.0 * x @ y.T, 0.0)


def _kth_neighbour_radii(features, k, batch=1024):
    """Squared distance from each row to its k-th nearest other row (column 0 of a sorted row
    is the point itself). In blocks of rows with a partial sort: the same values as sorting the
    whole n x n matrix, without holding it (10,000 points: 0.8 GB, 2.2 GB while sorting)."""
    radii = np.empty(len(features), dtype=np.result_type(features.dtype, np.float32))
    for start in range(0, len(features), batch):
        distances = _squared_distances(features[start : start + batch], features)
        radii[start : start + batch] = np.partition(distances, k, axis=1)[:, k]
    return radii


def _fraction_inside(points, centres, radii, batch=1024):
    inside = np.zeros(len(points), dtype=bool)
    for start in range(0, len(points), batch):
        distances = _squared_distances(points[start : start + batch], centres)
        inside[start : start + batch] = np.any(distances <= radii[None], axis=1)
    return float(inside.mean())


def precision_recall(real_features, fake_features, k=3):
    """Improved precision and recall (Kynkaanniemi et al. 2019), k-NN manifolds.

    precision: fraction of fakes inside the union of balls around real points (radius: distance
    to the k-th nearest real neighbour); recall: the same with the roles swapped.
    """
    real, fake = (
        _as_features(real_features, "real_features"), _as_features(fake_features, "fake_features")
    )
    precision = _fraction_inside(fake, real, _kth_neighbour_radii(real, k))
    recall = _fraction_inside(real, fake, _kth_neighbour_radii(fake, k))
    return precision, recall


@dataclasses.dataclass(frozen=True)
class ModeCoverage:
    modes_captured: int
    num_modes: int
    high_quality_percent: float  # samples within 3 std of their nearest mode centre
    reverse_kl: float  # KL(generated distribution over modes || uniform), high-quality samples
    samples_per_mode: tuple


def mode_coverage(samples, centers, std, min_samples_per_2500=20):
    """The VEEGAN / PacGAN protocol for 2-D mixtures of Gaussians.

    Each sample goes to its nearest mode centre and is high-quality when it lies within 3 std
    of it. A mode counts as captured when it holds at least `min_samples_per_2500` high-quality
    samples per 2,500 samples drawn (ganzoo's reading of the protocol: 20 of PacGAN's 2,500).

    Args:
        samples: float [n, 2] generated points.
        centers: float [modes, 2] mode centres.
        std: the modes' standard deviation.
    """
    samples, centers = np.asarray(samples, np.float64), np.asarray(centers, np.float64)
    distances = np.sqrt(_squared_distances(samples, centers))
    nearest = distances.argmin(1)
    high_quality = distances[np.arange(len(samples)), nearest] <= 3.0 * std
    counts = np.bincount(nearest[high_quality], minlength=len(centers))
    threshold = min_samples_per_2500 * len(samples) / 2500.0
    if counts.sum():
        p = counts / counts.sum()
        nonzero = p > 0
        reverse_kl = float(np.sum(p[nonzero] * np.log(p[nonzero] * len(centers))))
    else:
        reverse_kl = float("inf")
    return ModeCoverage(
        modes_captured=int(np.sum(counts >= threshold)),
        num_modes=len(centers),
        high_quality_percent=float(100.0 * high_quality.mean()),
        reverse_kl=reverse_kl,
        samples_per_mode=tuple(int(c) for c in counts),
    )


def _as_labels(labels, count, num_classes, name):
    labels = np.asarray(labels)
    if labels.shape != (count,) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"{name} must be {count} integer labels, got shape {labels.shape}")
    if count and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"{name} must be in [0, {num_classes}), got {labels.min()}..{labels.max()}"
        )
    return labels


def class_accuracy(probabilities, labels):
    """How often a classifier recognises the class each sample was generated for.

    Args:
        probabilities: float [n, num_classes], a classifier's class probabilities (or logits:
            only the argmax counts) of generated samples.
        labels: int [n] in [0, num_classes), the class each sample was requested as.

    Returns:
        (accuracy, per_class): the fraction of samples whose argmax equals their label, and a
        float64 array [num_classes] of that fraction among the samples of each class (NaN for
        a class with no samples). With balanced labels, accuracy is the mean of per_class.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2 or len(p) < 1:
        raise ValueError(f"probabilities must be [n >= 1, classes], got shape {p.shape}")
    labels = _as_labels(labels, len(p), p.shape[1], "labels")
    correct = (p.argmax(1) == labels).astype(np.float64)
    counts = np.bincount(labels, minlength=p.shape[1])
    hits = np.bincount(labels, weights=correct, minlength=p.shape[1])
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.where(counts > 0, hits / np.maximum(counts, 1), np.nan)
    return float(correct.mean()), per_class


def intra_class_frechet_distance(real_features, real_labels, fake_features, fake_labels,
                                 num_classes, min_per_class=2):
    """Intra-class FID (Miyato & Koyama 2018): for each class c, FID between the real features
    of class c and the features of samples generated for class c; the mean over the classes.

    Samples needed: at least `min_per_class` (default, and never less than, 2: a covariance
    needs two points) real AND generated examples of EVERY class in [0, num_classes); fewer is
    refused with a one-line ValueError naming the class. Like FID, each per-class value is
    biased upward when its sets are small (the estimate grows roughly as 1/n), and the sets
    here are a class's share of the whole: compare values only at equal per-class counts, and
    use at least as many per class as the feature dimension (128 for ganzoo's domain
    classifier, 2048 for InceptionV3) for a full-rank covariance -- e.g. ganzoo-evaluate's
    default 1000 samples give 100 per class on 10 classes.

    Args:
        real_features, fake_features: float [n, d] and [m, d].
        real_labels, fake_labels: int [n] and [m] in [0, num_classes).
        num_classes: number of classes; every one is scored.

    Returns:
        (mean over classes, float64 array [num_classes] of per-class FIDs).
    """
    real = _as_features(real_features, "real_features")
    fake = _as_features(fake_features, "fake_features")
    real_labels = _as_labels(real_labels, len(real), num_classes, "real_labels")
    fake_labels = _as_labels(fake_labels, len(fake), num_classes, "fake_labels")
    minimum = max(2, int(min_per_class))
    real_counts = np.bincount(real_labels, minlength=num_classes)
    fake_counts = np.bincount(fake_labels, minlength=num_classes)
    for c in range(num_classes):
        if real_counts[c] < minimum or fake_counts[c] < minimum:
            raise ValueError(
                f"intra-class FID needs at least {minimum} real and {minimum} generated samples "
                f"of every class; class {c} has {real_counts[c]} real and {fake_counts[c]} "
                f"generated"
            )
    per_class = np.array([
        frechet_distance(real[real_labels == c], fake[fake_labels == c])
        for c in range(num_classes)
    ])
    return float(per_class.mean()), per_class
