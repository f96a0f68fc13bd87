"""Streaming (keras.metrics.Metric) versions of FID and KID, for features that arrive in batches.

    fid = FrechetDistance(feature_dim=128)
    for real_batch, fake_batch in ...:
        fid.update_state(extractor.features(real_batch), extractor.features(fake_batch))
    fid.result()

FrechetDistance keeps running sums (count, sum, sum of outer products) in float64, so its result
equals ganzoo.metrics.frechet_distance on all the features seen. KernelDistance averages the
unbiased MMD^2 of each (real, fake) batch pair: an unbiased estimate of the same quantity as
ganzoo.metrics.kernel_distance, with batches as the subsets.
"""

import keras
import tensorflow as tf


def _sqrtm_psd(matrix):
    values, vectors = tf.linalg.eigh(matrix)
    return (vectors * tf.sqrt(tf.maximum(values, 0.0))) @ tf.transpose(vectors)


class FrechetDistance(keras.metrics.Metric):
    """FID between all real and all fake features passed to update_state (float64 inside)."""

    def __init__(self, feature_dim, name="fid", **kwargs):
        super().__init__(name=name, **kwargs)
        self.feature_dim = feature_dim
        self._moments = {}
        for side in ("real", "fake"):
            self._moments[side] = (
                self.add_variable(shape=(), initializer="zeros", dtype="float64", name=f"{side}_count"),
                self.add_variable(shape=(feature_dim,), initializer="zeros", dtype="float64", name=f"{side}_sum"),
                self.add_variable(
                    shape=(feature_dim, feature_dim), initializer="zeros", dtype="float64",
                    name=f"{side}_outer",
                ),
            )

    def update_state(self, real_features, fake_features, sample_weight=None):
        del sample_weight
        for side, features in (("real", real_features), ("fake", fake_features)):
            features = tf.cast(tf.convert_to_tensor(features), tf.float64)
            count, total, outer = self._moments[side]
            count.assign_add(tf.cast(tf.shape(features)[0], tf.float64))
            total.assign_add(tf.reduce_sum(features, axis=0))
            outer.assign_add(tf.transpose(features) @ features)

    def _mean_cov(self, side):
        count, total, outer = (tf.convert_to_tensor(v) for v in self._moments[side])
        mean = total / count
        cov = (outer - count * tf.tensordot(mean, mean, axes=0)) / (count - 1.0)
        return mean, cov

    def result(self):
        mean_a, cov_a = self._mean_cov("real")
        mean_b, cov_b = self._mean_cov("fake")
        root_a = _sqrtm_psd(cov_a)
        cross = tf.reduce_sum(
            tf.sqrt(tf.maximum(tf.linalg.eigvalsh(root_a @ cov_b @ root_a), 0.0))
        )
        value = (
            tf.reduce_sum(tf.square(mean_a - mean_b))
            + tf.linalg.trace(cov_a) + tf.linalg.trace(cov_b) - 2.0 * cross
        )
        return tf.maximum(value, 0.0)

    def get_config(self):
        return {**super().get_config(), "feature_dim": self.feature_dim}


class KernelDistance(keras.metrics.Metric):
    """KID: the mean over (real, fake) batch pairs of the unbiased MMD^2, cubic kernel."""

    def __init__(self, name="kid", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype="float64", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype="float64", name="count")

    def update_state(self, real_features, fake_features, sample_weight=None):
        del sample_weight
        x = tf.cast(tf.convert_to_tensor(real_features), tf.float64)
        y = tf.cast(tf.convert_to_tensor(fake_features), tf.float64)
        dim = tf.cast(tf.shape(x)[1], tf.float64)
        m = tf.cast(tf.minimum(tf.shape(x)[0], tf.shape(y)[0]), tf.int32)
        x, y = x[:m], y[:m]
        m = tf.cast(m, tf.float64)

        def kernel(a, b):
            return (a @ tf.transpose(b) / dim + 1.0) ** 3

        k_xx, k_yy, k_xy = kernel(x, x), kernel(y, y), kernel(x, y)
        within = (
            tf.reduce_sum(k_xx) - tf.linalg.trace(k_xx) + tf.reduce_sum(k_yy) - tf.linalg.trace(k_yy)
        ) / (m * (m - 1.0))
        self.total.assign_add(within - 2.0 * tf.reduce_mean(k_xy))
        self.count.assign_add(1.0)

    def result(self):
        return tf.math.divide_no_nan(self.total, self.count)
