"""Metrics against independent computations and cases with known answers."""

import math

import numpy as np
import pytest
import scipy.linalg

from ganzoo import data, metrics


def gaussian(n, mean, std, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(mean, std, (n, len(std)))


def test_fid_of_a_set_with_itself_is_zero():
    features = gaussian(500, np.zeros(8), np.ones(8), 0)
    assert metrics.frechet_distance(features, features) == pytest.approx(0.0, abs=1e-8)


def test_fid_of_known_gaussians_matches_the_closed_form():
    # Diagonal covariances: FID = |mu_a - mu_b|^2 + sum_i (s_a + s_b - 2 sqrt(s_a s_b)).
    mean_a, mean_b = np.array([0.0, 1.0, -2.0]), np.array([1.0, 1.0, 0.0])
    var_a, var_b = np.array([1.0, 4.0, 0.25]), np.array([2.0, 1.0, 0.25])
    expected = np.sum((mean_a - mean_b) ** 2) + np.sum(var_a + var_b - 2 * np.sqrt(var_a * var_b))
    value = metrics.frechet_distance_from_moments(mean_a, np.diag(var_a), mean_b, np.diag(var_b))
    assert value == pytest.approx(expected, rel=1e-12)
    # From samples: within sampling error of the closed form.
    sampled = metrics.frechet_distance(
        gaussian(50_000, mean_a, np.sqrt(var_a), 1), gaussian(50_000, mean_b, np.sqrt(var_b), 2)
    )
    assert sampled == pytest.approx(expected, rel=0.02)


def test_fid_matches_scipy_sqrtm_and_the_eigenvalues_of_the_product():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(400, 16)) @ rng.normal(size=(16, 16))
    b = rng.normal(size=(300, 16)) @ rng.normal(size=(16, 16)) + 0.5
    mean_a, mean_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = scipy.linalg.sqrtm(cov_a @ cov_b).real
    by_scipy = np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a + cov_b - 2 * root)
    eigenvalues = np.linalg.eigvals(cov_a @ cov_b)
    by_eigenvalues = (
        np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a + cov_b)
        - 2 * np.sum(np.sqrt(np.clip(eigenvalues.real, 0, None)))
    )
    value = metrics.frechet_distance(a, b)
    assert value == pytest.approx(by_scipy, rel=1e-8)
    assert value == pytest.approx(by_eigenvalues, rel=1e-8)


def test_kid_is_zero_within_error_for_one_distribution_and_positive_for_two():
    same_a, same_b = (
        gaussian(2000, np.zeros(4), np.ones(4), 4), gaussian(2000, np.zeros(4), np.ones(4), 5)
    )
    mean, error = metrics.kernel_distance(same_a, same_b, subset_size=500, num_subsets=20)
    assert abs(mean) < 3 * error + 1e-3
    shifted = gaussian(2000, np.full(4, 0.5), np.ones(4), 6)
    far_mean, far_error = metrics.kernel_distance(same_a, shifted, subset_size=500, num_subsets=20)
    assert far_mean > 10 * far_error and far_mean > mean + 0.01


def test_classifier_score_of_confident_balanced_and_collapsed_classifiers():
    confident = np.eye(10)[np.arange(1000) % 10]
    assert metrics.classifier_score(confident)[0] == pytest.approx(10.0, rel=1e-6)
    collapsed = np.eye(10)[np.zeros(1000, int)]
    assert metrics.classifier_score(collapsed)[0] == pytest.approx(1.0, rel=1e-6)
    with pytest.raises(ValueError, match="rows summing to 1"):
        metrics.classifier_score(np.ones((4, 3)))


def test_precision_and_recall_separate_fidelity_from_coverage():
    real = gaussian(1000, np.zeros(2), np.ones(2), 7)
    assert metrics.precision_recall(real, real) == (1.0, 1.0)
    far = gaussian(1000, np.full(2, 50.0), np.ones(2), 8)
    assert metrics.precision_recall(real, far) == (0.0, 0.0)
    narrow = gaussian(1000, np.zeros(2), np.full(2, 0.1), 9)  # good samples, little variety
    precision, recall = metrics.precision_recall(real, narrow)
    assert precision > 0.95 and recall < 0.2


@pytest.mark.parametrize("name, modes", [("ring", 8), ("grid", 25)])
def test_mode_coverage_scores_a_perfect_and_a_collapsed_sampler(name, modes):
    centers, std = data.mode_centers(name)
    perfect = metrics.mode_coverage(data.sample_toy(name, 25_000, seed=1), centers, std)
    assert (perfect.modes_captured, perfect.num_modes) == (modes, modes)
    # A 2-D Gaussian holds 1 - exp(-9/2) = 98.89 % of its mass within 3 std.
    assert perfect.high_quality_percent == pytest.approx(100 * (1 - math.exp(-4.5)), abs=0.3)
    assert perfect.reverse_kl < 0.01
    collapsed = centers[3] + std * np.random.default_rng(0).normal(size=(2500, 2))
    result = metrics.mode_coverage(collapsed, centers, std)
    assert result.modes_captured == 1
    assert result.reverse_kl == pytest.approx(math.log(modes), rel=1e-9)
    off_manifold = metrics.mode_coverage(np.full((100, 2), 0.5), centers, std)
    assert off_manifold.modes_captured == 0 and off_manifold.high_quality_percent == 0.0



def test_class_accuracy_counts_argmax_hits_overall_and_per_class():
    # Requested 0, 0, 1, 1, 2, 2; the classifier says 0, 1, 1, 1, 0, 2 (rows need not be
    # normalised: only the argmax counts).
    probabilities = np.array([
        [0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.0, 1.0, 0.0],
        [0.3, 0.4, 0.3], [0.5, 0.2, 0.3], [1.0, 2.0, 3.0],
    ])
    accuracy, per_class = metrics.class_accuracy(probabilities, [0, 0, 1, 1, 2, 2])
    assert accuracy == pytest.approx(4 / 6)
    np.testing.assert_allclose(per_class, [0.5, 1.0, 0.5])
    accuracy, per_class = metrics.class_accuracy(probabilities[:4], np.array([0, 0, 1, 1]))
    assert accuracy == pytest.approx(3 / 4)
    assert per_class[:2].tolist() == [0.5, 1.0] and np.isnan(per_class[2])  # no samples of 2
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\)"):
        metrics.class_accuracy(probabilities, [0, 1, 2, 3, 0, 1])
    with pytest.raises(ValueError, match="labels must be 6 integer labels"):
        metrics.class_accuracy(probabilities, [0, 1])


def test_intra_class_fid_is_the_mean_of_per_class_closed_forms():
    # Class 0: fakes = reals + v, so FID = |v|^2 (same covariance). Class 1: fakes = 2 reals,
    # so mean 2m and covariance 4S: FID = |m|^2 + tr(S + 4S - 2 * 2S) = |m|^2 + tr(S).
    reals = [
        gaussian(40, np.zeros(3), np.ones(3), 10), gaussian(30, np.ones(3), [1.0, 2.0, 0.5], 11)
    ]
    shift = np.array([1.0, -2.0, 0.5])
    fakes = [reals[0] + shift, 2.0 * reals[1]]
    expected = [
        np.sum(shift**2),
        np.sum(reals[1].mean(0) ** 2) + np.trace(np.cov(reals[1], rowvar=False)),
    ]
    # Interleave the classes, so that the function has to pick them out by label.
    real_labels = np.array([0] * 40 + [1] * 30)
    fake_labels = real_labels.copy()
    order = np.random.default_rng(12).permutation(70)
    real, fake = np.concatenate(reals)[order], np.concatenate(fakes)[order[::-1]]
    mean, per_class = metrics.intra_class_frechet_distance(
        real, real_labels[order], fake, fake_labels[order[::-1]], num_classes=2
    )
    np.testing.assert_allclose(per_class, expected, rtol=1e-9)
    assert mean == pytest.approx(np.mean(expected), rel=1e-9)
    # FID of the whole sets would mix the classes: intra-class FID is not that.
    assert metrics.frechet_distance(real, fake) != pytest.approx(mean, rel=1e-3)


def test_intra_class_fid_refuses_classes_with_too_few_samples_in_one_line():
    features = gaussian(12, np.zeros(2), np.ones(2), 13)
    labels = np.array([0] * 6 + [1] * 5 + [2])
    with pytest.raises(ValueError) as error:
        metrics.intra_class_frechet_distance(features, labels, features, labels, num_classes=3)
    assert str(error.value) == (
        "intra-class FID needs at least 2 real and 2 generated samples of every class; class 2 "
        "has 1 real and 1 generated"
    )
    with pytest.raises(ValueError, match="class 1 has 5 real and 5 generated"):
        metrics.intra_class_frechet_distance(
            features, labels, features, labels, num_classes=3, min_per_class=6
        )
    with pytest.raises(ValueError, match="class 2 has 0 real and 0 generated"):  # absent class
        metrics.intra_class_frechet_distance(
            features[:11], labels[:11], features[:11], labels[:11], num_classes=3
        )


def test_neighbour_radii_in_blocks_equal_a_full_sort():
    points = np.random.default_rng(3).normal(size=(50, 4))
    full = np.sort(metrics._squared_distances(points, points), axis=1)[:, 3]
    assert np.array_equal(metrics._kth_neighbour_radii(points, 3, batch=7), full)
