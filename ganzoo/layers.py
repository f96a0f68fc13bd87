"""Spectrally normalised Dense and Conv2D layers (Miyato et al. 2018), safe under tf.distribute.

Why not `keras.layers.SpectralNormalization`: it OVERWRITES the wrapped kernel with W / sigma(W)
at every training call, so the optimizer then updates the normalised kernel and no gradient flows
through sigma(W). Miyato et al. keep W as the parameter, compute with W / sigma(W) and
differentiate through sigma (Sec. 2.2, eq. 12: the gradient has a term that penalises the first
singular direction), which is what these layers do. Their power-iteration vector is a
non-trainable variable updated in training calls with `aggregation="only_first_replica"`: every
replica computes the same update from the same (mirrored) kernel, and the first replica's copy is
kept, so the state stays identical on all replicas and is checkpointed with the model.

Also: class-conditional batch norm, PacGAN's packing and maxout units for discriminators, and
the discriminators' leaky ReLU.
"""

import keras
from keras import ops

from ganzoo.errors import GanzooError


def _l2_normalize(x):
    return x / ops.sqrt(ops.sum(ops.square(x)) + 1e-12)


class _SpectralNormalized:
    """Mixin for a Keras layer with a `kernel` whose last axis is the output units.

    One power iteration per training call (as in the paper, Algorithm 1); inference calls use
    the stored vector without updating it.
    """

    def build(self, input_shape):
        super().build(input_shape)
        units = self._kernel.shape[-1]
        self.singular_vector = self.add_weight(
            shape=(1, units),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            trainable=False,
            autocast=False,  # power iteration in float32 under mixed precision
            aggregation="only_first_replica",
            name="singular_vector",
        )

    @property
    def kernel(self):
        # Inside call() the layer computes with the normalised kernel set there.
        normalized = getattr(self, "_normalized_kernel", None)
        return self._kernel if normalized is None else normalized

    def normalized_kernel(self, training=False):
        """W / sigma(W), sigma estimated by power iteration; float32 [*kernel_shape]."""
        kernel = ops.cast(self._kernel, "float32")
        matrix = ops.reshape(kernel, (-1, kernel.shape[-1]))  # [fan_in, units]
        u = ops.convert_to_tensor(self.singular_vector)
        if training:
            v = _l2_normalize(ops.matmul(u, ops.transpose(matrix)))
            u = ops.stop_gradient(_l2_normalize(ops.matmul(v, matrix)))
            self.singular_vector.assign(u)
        v = ops.stop_gradient(_l2_normalize(ops.matmul(u, ops.transpose(matrix))))
        sigma = ops.matmul(ops.matmul(v, matrix), ops.transpose(u))[0, 0]
        return kernel / sigma

    # Dense and Conv2D save only kernel and bias; save every variable, the vector included.
    def save_own_variables(self, store):
        keras.layers.Layer.save_own_variables(self, store)

    def load_own_variables(self, store):
        keras.layers.Layer.load_own_variables(self, store)

    def call(self, inputs, training=None):
        normalized = ops.cast(self.normalized_kernel(bool(training)), self.compute_dtype)
        object.__setattr__(self, "_normalized_kernel", normalized)  # not a tracked attribute
        try:
            return super().call(inputs)
        finally:
            object.__setattr__(self, "_normalized_kernel", None)


@keras.saving.register_keras_serializable(package="ganzoo")
class SpectralDense(_SpectralNormalized, keras.layers.Dense):
    """keras.layers.Dense computing with W / sigma(W)."""


@keras.saving.register_keras_serializable(package="ganzoo")
class SpectralConv2D(_SpectralNormalized, keras.layers.Conv2D):
    """keras.layers.Conv2D computing with W / sigma(W) (W reshaped to [kh * kw * c_in, c_out])."""


def leaky_relu(inputs, negative_slope):
    """Leaky ReLU whose gradient reads its output (see LeakyReLU)."""

    @ops.custom_gradient
    def function(x):
        y = ops.leaky_relu(x, negative_slope)

        def gradient(*args, upstream=None):
            if upstream is None:
                (upstream,) = args
            scale = ops.cast(ops.where(y > 0, 1.0, negative_slope), upstream.dtype)
            return ops.multiply(upstream, scale)

        return y, gradient

    return function(inputs)


@keras.saving.register_keras_serializable(package="ganzoo")
class LeakyReLU(keras.layers.Layer):
    """keras.layers.LeakyReLU whose gradient reads its output instead of its input.

    Why: TensorFlow's LeakyReluGrad reads the activation's input. In a training graph
    grappler's remapper fuses Conv2D (or MatMul) + BiasAdd + LeakyRelu into one op, removing the
    BiasAdd that LeakyReluGrad still reads, and then rejects the whole function ("remapper
    failed: ... Mutation::Apply error: fanout ... LeakyReluGrad exist for missing node ...
    BiasAdd" on stderr, and no fusion at all; docs/design.md, fact 15). Here the forward pass is
    the same LeakyRelu op and the gradient is upstream * (1 where the output is positive, else
    `negative_slope`): the same values as LeakyReluGrad (the output is positive exactly where the
    input is), from the output, so the BiasAdd feeds the activation alone and the fusion is
    valid. Its own gradient is linear in upstream, so double backpropagation (gradient
    penalties) works.
    """

    def __init__(self, negative_slope=0.2, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 < negative_slope < 1.0:
            raise GanzooError(f"negative_slope must be in (0, 1), got {negative_slope!r}")
        self.negative_slope = negative_slope

    def call(self, inputs):
        return leaky_relu(inputs, self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


@keras.saving.register_keras_serializable(package="ganzoo")
class ConditionalBatchNormalization(keras.layers.Layer):
    """Batch norm whose scale and offset are chosen by the class label (de Vries et al. 2017;
    the generator of Miyato & Koyama 2018): y = gamma[label] * BN(x) + beta[label].

    Call on [x, labels]: x float [batch, ..., channels], labels int [batch] in [0, num_classes).
    The statistics are those of keras.layers.BatchNormalization without its own scale and
    offset (synchronized across replicas unless `synchronized=False`); gamma starts at
    N(1, 0.02) and beta at 0, as DCGAN's batch norm.
    """

    def __init__(self, num_classes, momentum=0.9, epsilon=1e-5, synchronized=True, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = num_classes
        self.momentum = momentum
        self.epsilon = epsilon
        self.synchronized = synchronized
        self.norm = keras.layers.BatchNormalization(
            momentum=momentum, epsilon=epsilon, center=False, scale=False,
            synchronized=synchronized, dtype=self.dtype_policy, name="norm",
        )

    def build(self, input_shape):
        x_shape, _ = input_shape
        self.norm.build(x_shape)
        channels = x_shape[-1]
        self.gamma = self.add_weight(
            shape=(self.num_classes, channels),
            initializer=keras.initializers.RandomNormal(mean=1.0, stddev=0.02), name="gamma",
        )
        self.beta = self.add_weight(shape=(self.num_classes, channels), initializer="zeros",
                                    name="beta")

    def call(self, inputs, training=None):
        x, labels = inputs
        normalized = self.norm(x, training=training)
        labels = ops.cast(ops.reshape(labels, (-1,)), "int32")
        shape = (-1,) + (1,) * (len(x.shape) - 2) + (x.shape[-1],)
        gamma = ops.reshape(ops.take(self.gamma, labels, axis=0), shape)
        beta = ops.reshape(ops.take(self.beta, labels, axis=0), shape)
        return normalized * ops.cast(gamma, normalized.dtype) + ops.cast(beta, normalized.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "momentum": self.momentum,
                "epsilon": self.epsilon, "synchronized": self.synchronized}


@keras.saving.register_keras_serializable(package="ganzoo")
class Pack(keras.layers.Layer):
    """PacGAN's packing (Lin et al. 2018, Sec. 3): m consecutive examples become one, joined
    along the last axis, so that D judges m samples at a time.

    [batch, *shape] -> [batch / m, *shape[:-1], m * shape[-1]]: images [B, H, W, C] ->
    [B/m, H, W, m*C] (channels of example 0, then of example 1, ...), vectors [B, d] ->
    [B/m, m*d]. Pack i holds examples i*m .. i*m + m - 1; the batch must be a multiple of m
    (the caller checks that, with an error naming the batch).
    """

    def __init__(self, size, **kwargs):
        super().__init__(**kwargs)
        self.size = size

    def call(self, inputs):
        rest = tuple(inputs.shape[1:])
        grouped = ops.reshape(inputs, (-1, self.size, *rest))
        if len(rest) > 1:  # members next to each other just before the last axis
            grouped = ops.moveaxis(grouped, 1, len(rest))
        return ops.reshape(grouped, (-1, *rest[:-1], self.size * rest[-1]))

    def compute_output_shape(self, input_shape):
        batch = None if input_shape[0] is None else input_shape[0] // self.size
        return (batch, *input_shape[1:-1], self.size * input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "size": self.size}


@keras.saving.register_keras_serializable(package="ganzoo")
class Maxout(keras.layers.Layer):
    """Maxout units (Goodfellow et al. 2013): the maximum over each group of `pieces`
    consecutive features, [..., units * pieces] -> [..., units].

    Put it after a Dense layer of units * pieces outputs to get `units` maxout units with
    `pieces` linear pieces each (the layer before chooses the normalisation, e.g. spectral).
    """

    def __init__(self, pieces, **kwargs):
        super().__init__(**kwargs)
        self.pieces = pieces

    def build(self, input_shape):
        if input_shape[-1] % self.pieces:
            raise GanzooError(
                f"Maxout with {self.pieces} pieces needs a multiple of {self.pieces} features, "
                f"got {input_shape[-1]}"
            )

    def call(self, inputs):
        features = inputs.shape[-1]
        grouped = ops.reshape(inputs, (-1, *inputs.shape[1:-1], features // self.pieces,
                                       self.pieces))
        return ops.max(grouped, axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] // self.pieces)

    def get_config(self):
        return {**super().get_config(), "pieces": self.pieces}


@keras.saving.register_keras_serializable(package="ganzoo")
class SelfAttention(keras.layers.Layer):
    """SAGAN's self-attention block (Zhang et al. 2019, Sec. 3): x + gamma * o.

    For each image [H, W, C] on its own (no mixing across the batch, so gradient penalties keep
    their per-example gradients): f, g = 1x1 convolutions to max(C // 8, 1) channels, h = a 1x1
    convolution to C; beta = softmax over the H*W positions of f^T g (computed in float32); o =
    beta applied to h. gamma starts at 0, so the block starts as the identity and the network
    learns how much non-local evidence to use.

    Args:
        spectral: spectrally normalise f, g and h (SAGAN does, in G and D).
    """

    def __init__(self, spectral=False, **kwargs):
        super().__init__(**kwargs)
        self.spectral = spectral

    def build(self, input_shape):
        channels = int(input_shape[-1])
        inner = max(channels // 8, 1)
        conv = SpectralConv2D if self.spectral else keras.layers.Conv2D
        self.query = conv(inner, 1, dtype=self.dtype_policy, name="query")
        self.key = conv(inner, 1, dtype=self.dtype_policy, name="key")
        self.value = conv(channels, 1, dtype=self.dtype_policy, name="value")
        for layer in (self.query, self.key, self.value):
            layer.build(input_shape)
        self.gamma = self.add_weight(shape=(), initializer="zeros", name="gamma")

    def call(self, inputs, training=None):
        shape = ops.shape(inputs)
        positions = shape[1] * shape[2]

        def flat(layer):
            out = layer(inputs, training=training) if self.spectral else layer(inputs)
            return ops.reshape(out, (shape[0], positions, -1))

        query, key, value = flat(self.query), flat(self.key), flat(self.value)
        logits = ops.matmul(ops.cast(query, "float32"),
                            ops.transpose(ops.cast(key, "float32"), (0, 2, 1)))
        attention = ops.cast(ops.softmax(logits, axis=-1), value.dtype)  # [batch, HW, HW]
        attended = ops.reshape(ops.matmul(attention, value), shape)
        return inputs + ops.cast(self.gamma, attended.dtype) * attended

    def get_config(self):
        return {**super().get_config(), "spectral": self.spectral}
