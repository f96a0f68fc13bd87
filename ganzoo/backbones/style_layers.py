"""StyleGAN2's layers (Karras et al. 2020, "Analyzing and Improving the Image Quality of
StyleGAN"), as NVIDIA's stylegan2-ada-pytorch defines them (training/networks.py), in NHWC.

Equalised learning rate: every weight is stored as N(0, 1) (N(0, 1 / lr_multiplier) for the
dense layers) and scaled when the layer runs by lr_multiplier / sqrt(fan_in); a bias by
lr_multiplier. "lrelu" is leaky ReLU(0.2) times sqrt(2). Resampling uses the FIR filter
[1, 3, 3, 1] (upfirdn2d): an up-convolution inserts zeros, pads once, blurs and convolves
without padding, exactly as the reference; so does a down-convolution.

Randomness: the per-pixel noise and the style-mixing draws are keyed on the latent itself. G
hashes the bits of each example's latent into a per-example seed (`latent_seeds`) and turns
(seed, layer, position) into N(0, 1) or uniform numbers with an integer hash
(`per_example_normal`). G is then a deterministic function of its latent: a latent drawn from
the engine's keyed per-replica source makes every draw keyed, identical at any replica count
and on resume, and a served latent gives the same image every time. (NVIDIA's G draws fresh
noise on every call; the distribution of images is the same.)
"""

import math

import keras
import numpy as np
import tensorflow as tf

from ganzoo import layers as ganzoo_layers

SQRT2 = math.sqrt(2.0)
LEAKY_SLOPE = 0.2
FIR = np.array([1.0, 3.0, 3.0, 1.0])
_MASK = 0xFFFFFFFF


# ------------------------------------------------------------------------------- keyed noise
def _mix32(x):
    """An integer hash (Wang / Mueller) of int64 values in [0, 2^32), back into that range."""
    for _ in range(2):
        x = tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 16))
        x = tf.bitwise.bitwise_and(x * 0x45D9F3B, _MASK)
    return tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 16))


def latent_seeds(latent):
    """int64 [batch] seeds in [0, 2^32), one per example, from the bits of its latent's first
    two entries (float32 [batch, >= 2] draws: 64 bits of entropy per example)."""
    bits = tf.bitcast(tf.stop_gradient(tf.cast(latent[:, :2], tf.float32)), tf.int32)
    bits = tf.bitwise.bitwise_and(tf.cast(bits, tf.int64), _MASK)
    return _mix32(tf.bitwise.bitwise_xor(bits[:, 0], _mix32(bits[:, 1])))


def per_example_uniform(seeds, count, salt):
    """float32 [batch, count] uniforms in (0, 1), a pure function of (seed, salt, index)."""
    key = _mix32(tf.bitwise.bitwise_xor(seeds, _mix32(tf.constant(salt, tf.int64))))
    index = tf.range(count, dtype=tf.int64)
    hashed = _mix32(tf.bitwise.bitwise_and(key[:, None] * 3 + index[None, :] * 0x9E37, _MASK))
    hashed = _mix32(tf.bitwise.bitwise_xor(hashed, key[:, None]))
    # 24 bits: exactly representable in float32, never 0 or 1.
    return (tf.cast(tf.bitwise.right_shift(hashed, 8), tf.float32) + 0.5) / 2.0**24


def per_example_normal(seeds, count, salt):
    """float32 [batch, count] N(0, 1) numbers (Box-Muller on two keyed uniforms)."""
    u = per_example_uniform(seeds, 2 * count, salt)
    radius = tf.sqrt(-2.0 * tf.math.log(u[:, :count]))
    return radius * tf.cos(2.0 * math.pi * u[:, count:])


# ------------------------------------------------------------------------------ resampling
def _fir_kernel(channels, gain, dtype):
    kernel = np.outer(FIR, FIR)
    kernel = kernel / kernel.sum() * gain
    return tf.constant(np.tile(kernel[:, :, None, None], [1, 1, channels, 1]), dtype)


def _blur(x, pad0, pad1, gain=1.0, stride=1):
    """Pad (pad0 before, pad1 after, both spatial axes), depthwise FIR, no padding."""
    x = tf.pad(x, [[0, 0], [pad0, pad1], [pad0, pad1], [0, 0]])
    kernel = _fir_kernel(x.shape[-1], gain, x.dtype)
    return tf.nn.depthwise_conv2d(x, kernel, [1, stride, stride, 1], "VALID")


def _zero_insert(x):
    """[b, h, w, c] -> [b, 2h, 2w, c] with x at the even positions and zeros elsewhere."""
    shape = tf.shape(x)
    x = x[:, :, None, :, None, :]
    x = tf.pad(x, [[0, 0], [0, 0], [0, 1], [0, 0], [0, 1], [0, 0]])
    return tf.reshape(x, [shape[0], 2 * shape[1], 2 * shape[2], x.shape[-1]])


def upsample2d(x):
    """[b, h, w, c] -> [b, 2h, 2w, c]: upfirdn2d(up=2, pad=(2, 1), gain=4)."""
    return _blur(_zero_insert(x), 2, 1, gain=4.0)


def downsample2d(x):
    """[b, h, w, c] -> [b, h/2, w/2, c]: upfirdn2d(down=2, pad=(1, 1))."""
    return _blur(x, 1, 1, stride=2)


def lrelu(x, gain=1.0):
    """Leaky ReLU(0.2) times sqrt(2) * gain; its gradient reads the output (ganzoo.layers)."""
    return ganzoo_layers.leaky_relu(x, LEAKY_SLOPE) * (SQRT2 * gain)


def normalize_2nd_moment(x):
    return x * tf.math.rsqrt(tf.reduce_mean(tf.square(x), axis=-1, keepdims=True) + 1e-8)


def _normal(stddev=1.0):
    return keras.initializers.RandomNormal(0.0, stddev)


# ----------------------------------------------------------------------------------- layers
@keras.saving.register_keras_serializable(package="ganzoo")
class EqualizedDense(keras.layers.Layer):
    """[batch, in] -> [batch, units]: x @ (W * lr / sqrt(in)) + b * lr, then the activation
    ("linear" or "lrelu"). W starts N(0, 1 / lr), b at `bias_init` (StyleGAN2's affine layers:
    1, so that styles start near 1)."""

    def __init__(self, units, lr_multiplier=1.0, bias_init=0.0, activation="linear", **kwargs):
        super().__init__(**kwargs)
        self.units, self.lr_multiplier = units, lr_multiplier
        self.bias_init, self.activation = bias_init, activation

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units),
                                      initializer=_normal(1.0 / self.lr_multiplier))
        self.bias = self.add_weight(name="bias", shape=(self.units,),
                                    initializer=keras.initializers.Constant(self.bias_init))

    def call(self, x):
        gain = self.lr_multiplier / math.sqrt(self.kernel.shape[0])
        y = tf.matmul(x, tf.cast(self.kernel, x.dtype) * gain)
        y = y + tf.cast(self.bias, x.dtype) * self.lr_multiplier
        return lrelu(y) if self.activation == "lrelu" else y

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "lr_multiplier": self.lr_multiplier,
                "bias_init": self.bias_init, "activation": self.activation}


@keras.saving.register_keras_serializable(package="ganzoo")
class EqualizedConv2D(keras.layers.Layer):
    """D's convolution: [b, h, w, in] -> [b, h', w', filters], weight N(0, 1) scaled by
    1 / sqrt(in * k * k), optional bias, "lrelu" or "linear", the result times `gain`.
    `down`: 3x3 -> pad 2, FIR, stride-2 convolution without padding; 1x1 -> FIR downsample,
    then the convolution (the reference's conv2d_resample)."""

    def __init__(self, filters, kernel_size, activation="lrelu", down=False, use_bias=True,
                 gain=1.0, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel_size, self.activation = filters, kernel_size, activation
        self.down, self.use_bias, self.gain = down, use_bias, gain

    def build(self, input_shape):
        k = self.kernel_size
        self.kernel = self.add_weight(name="kernel", shape=(k, k, input_shape[-1], self.filters),
                                      initializer=_normal())
        self.bias = (self.add_weight(name="bias", shape=(self.filters,), initializer="zeros")
                     if self.use_bias else None)

    def call(self, x):
        k = self.kernel_size
        kernel = tf.cast(self.kernel, x.dtype) * (1.0 / math.sqrt(x.shape[-1] * k * k))
        if self.down and k > 1:
            x = _blur(x, 2, 2)
            y = tf.nn.conv2d(x, kernel, 2, "VALID")
        else:
            if self.down:
                x = downsample2d(x)
            y = tf.nn.conv2d(x, kernel, 1, "SAME")
        if self.bias is not None:
            y = y + tf.cast(self.bias, y.dtype)
        return lrelu(y, self.gain) if self.activation == "lrelu" else y * self.gain

    def compute_output_shape(self, input_shape):
        b, h, w, _ = input_shape
        if self.down:
            h, w = (None if h is None else h // 2), (None if w is None else w // 2)
        return (b, h, w, self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "activation": self.activation,
                "down": self.down, "use_bias": self.use_bias, "gain": self.gain}


@keras.saving.register_keras_serializable(package="ganzoo")
class ModulatedConv2D(keras.layers.Layer):
    """[x [b, h, w, in], w [b, w_dim]] -> [b, h', w', filters]: StyleGAN2's modulated
    convolution (the non-fused form), with for `style=True` layers (synthesis) noise, bias and
    lrelu, for ToRGB (`demodulate=False`, 1x1) bias only.

    s = affine(w) (EqualizedDense, bias 1); x * s -> convolution with W (N(0, 1)) -> times
    d = 1 / sqrt(sum_{in,kh,kw} (W s)^2 + 1e-8) per example and filter (demodulation); ToRGB
    instead scales s by 1 / sqrt(in * k * k). `up`: zero insertion, pad (3, 2), FIR x 4, then
    the convolution without padding (exact upfirdn2d). `noise_salt` (synthesis layers): adds
    strength * n, n keyed on the example's seed (third input, int64 [b]) and the salt, the
    strength learned from 0.
    """

    def __init__(self, filters, kernel_size=3, demodulate=True, up=False, noise_salt=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel_size, self.demodulate = filters, kernel_size, demodulate
        self.up, self.noise_salt = up, noise_salt

    def build(self, input_shape):
        x_shape, w_shape = input_shape[0], input_shape[1]
        channels, k = x_shape[-1], self.kernel_size
        self.affine = EqualizedDense(channels, bias_init=1.0, dtype=self.dtype_policy,
                                     name="affine")
        self.affine.build(w_shape)
        self.kernel = self.add_weight(name="kernel", shape=(k, k, channels, self.filters),
                                      initializer=_normal())
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer="zeros")
        if self.noise_salt is not None:
            self.noise_strength = self.add_weight(name="noise_strength", shape=(),
                                                  initializer="zeros")

    def call(self, inputs):
        x, w = inputs[0], inputs[1]
        channels, k = x.shape[-1], self.kernel_size
        styles = self.affine(w)
        if not self.demodulate:
            styles = styles * (1.0 / math.sqrt(channels * k * k))
        kernel = tf.cast(self.kernel, x.dtype)
        x = x * styles[:, None, None, :]
        if self.up:
            x = _blur(_zero_insert(x), 3, 2, gain=4.0)
            x = tf.nn.conv2d(x, kernel, 1, "VALID")
        else:
            x = tf.nn.conv2d(x, kernel, 1, "SAME")
        if self.demodulate:
            energy = tf.matmul(tf.square(styles), tf.reduce_sum(tf.square(kernel), axis=[0, 1]))
            x = x * tf.math.rsqrt(energy + 1e-8)[:, None, None, :]
        if self.noise_salt is not None:
            shape = tf.shape(x)
            noise = per_example_normal(inputs[2], shape[1] * shape[2], self.noise_salt)
            noise = tf.reshape(noise, [shape[0], shape[1], shape[2], 1])
            x = x + tf.cast(noise, x.dtype) * tf.cast(self.noise_strength, x.dtype)
        x = x + tf.cast(self.bias, x.dtype)
        return lrelu(x) if self.demodulate else x

    def compute_output_shape(self, input_shape):
        b, h, w, _ = input_shape[0]
        if self.up:
            h, w = (None if h is None else 2 * h), (None if w is None else 2 * w)
        return (b, h, w, self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "demodulate": self.demodulate, "up": self.up,
                "noise_salt": self.noise_salt}


@keras.saving.register_keras_serializable(package="ganzoo")
class ConstantInput(keras.layers.Layer):
    """w [b, w_dim] -> the learned constant [b, size, size, channels] (N(0, 1) at start)."""

    def __init__(self, size, channels, **kwargs):
        super().__init__(**kwargs)
        self.size, self.channels = size, channels

    def build(self, input_shape):
        self.const = self.add_weight(name="const", shape=(self.size, self.size, self.channels),
                                     initializer=_normal())

    def call(self, w):
        const = tf.cast(self.const, w.dtype)[None]
        return tf.tile(const, [tf.shape(w)[0], 1, 1, 1])

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, self.channels)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "channels": self.channels}


@keras.saving.register_keras_serializable(package="ganzoo")
class UpsampleImage(keras.layers.Layer):
    """The skip generator's image path: [b, h, w, c] -> [b, 2h, 2w, c] (upsample2d)."""

    def call(self, x):
        return upsample2d(x)

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        return (b, None if h is None else 2 * h, None if w is None else 2 * w, c)


@keras.saving.register_keras_serializable(package="ganzoo")
class NormalizeSecondMoment(keras.layers.Layer):
    """x * rsqrt(mean(x^2 over the last axis) + 1e-8)."""

    def call(self, x):
        return normalize_2nd_moment(x)


@keras.saving.register_keras_serializable(package="ganzoo")
class LatentSeeds(keras.layers.Layer):
    """latent [b, z] -> int64 [b]: the per-example seed of every draw inside G."""

    def call(self, latent):
        return latent_seeds(latent)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],)

    def compute_output_spec(self, latent):
        return keras.KerasTensor((latent.shape[0],), dtype="int64")


@keras.saving.register_keras_serializable(package="ganzoo")
class KeyedNormal(keras.layers.Layer):
    """seeds int64 [b] -> float32 [b, count] N(0, 1), keyed on (seed, salt): G's second
    latent for style mixing."""

    def __init__(self, count, salt, **kwargs):
        super().__init__(**kwargs)
        self.count, self.salt = count, salt

    def call(self, seeds):
        return tf.cast(per_example_normal(seeds, self.count, self.salt), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.count)

    def get_config(self):
        return {**super().get_config(), "count": self.count, "salt": self.salt}


@keras.saving.register_keras_serializable(package="ganzoo")
class TrackAverage(keras.layers.Layer):
    """w [b, w_dim] -> w, and in training w_avg <- decay * w_avg + (1 - decay) * mean(w) over
    the global batch (summed over replicas, so every replica holds the same value and the
    result does not depend on the replica count). w_avg is what truncation pulls toward."""

    def __init__(self, decay=0.995, **kwargs):
        super().__init__(**kwargs)
        self.decay = decay

    def build(self, input_shape):
        self.w_avg = self.add_weight(name="w_avg", shape=(input_shape[-1],), initializer="zeros",
                                     trainable=False, aggregation="only_first_replica")

    def call(self, w, training=False):
        if training:
            context = tf.distribute.get_replica_context()
            total, count = tf.cast(tf.reduce_sum(w, axis=0), tf.float32), tf.shape(w)[0]
            count = tf.cast(count, tf.float32)
            if context is not None:
                total, count = context.all_reduce("sum", [total, count])
            self.w_avg.assign(self.decay * self.w_avg + (1.0 - self.decay) * total / count)
        return w

    def get_config(self):
        return {**super().get_config(), "decay": self.decay}


@keras.saving.register_keras_serializable(package="ganzoo")
class StyleMixing(keras.layers.Layer):
    """[w, w2 [b, w_dim], seeds int64 [b]] -> ws [b, num_ws, w_dim]: w for every layer; in
    training, with probability `probability` per example, w2 from a cutoff layer on, the
    cutoff uniform in [1, num_ws - 1] (style-mixing regularisation; NVIDIA draws one cutoff
    per minibatch, here one per example so that a replica's draws are its own)."""

    def __init__(self, num_ws, probability=0.9, salt=1, **kwargs):
        super().__init__(**kwargs)
        self.num_ws, self.probability, self.salt = num_ws, probability, salt

    def call(self, inputs, training=False):
        w, w2, seeds = inputs
        ws = tf.tile(w[:, None, :], [1, self.num_ws, 1])
        if not training or self.probability <= 0:
            return ws
        u = per_example_uniform(seeds, 2, self.salt)
        mixed = u[:, 0] < self.probability
        cutoff = 1 + tf.cast(tf.floor(u[:, 1] * (self.num_ws - 1)), tf.int32)
        cutoff = tf.where(mixed, cutoff, self.num_ws)
        second = tf.range(self.num_ws)[None, :] >= cutoff[:, None]  # [b, num_ws]
        return tf.where(second[:, :, None], tf.tile(w2[:, None, :], [1, self.num_ws, 1]), ws)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], self.num_ws, input_shape[0][-1])

    def get_config(self):
        return {**super().get_config(), "num_ws": self.num_ws, "probability": self.probability,
                "salt": self.salt}


@keras.saving.register_keras_serializable(package="ganzoo")
class MinibatchStd(keras.layers.Layer):
    """[b, h, w, c] -> [b, h, w, c + 1]: the standard deviation of each feature over a group of
    `group_size` consecutive examples, averaged over features and positions, as one more
    channel. Groups are consecutive (NVIDIA strides them): D's joint call on [reals; fakes]
    and the replicas' slices then never mix reals with fakes nor replicas, when the
    per-replica batch is a multiple of the group. A batch that is not one groups examples
    one by one."""

    def __init__(self, group_size=4, **kwargs):
        super().__init__(**kwargs)
        self.group_size = group_size

    def call(self, x):
        shape = tf.shape(x)
        group = tf.where(shape[0] % self.group_size == 0, self.group_size, 1)
        y = tf.reshape(tf.cast(x, tf.float32), [-1, group, shape[1], shape[2], x.shape[-1]])
        y = y - tf.reduce_mean(y, axis=1, keepdims=True)
        y = tf.sqrt(tf.reduce_mean(tf.square(y), axis=1) + 1e-8)
        y = tf.reduce_mean(y, axis=[1, 2, 3])  # [b / group]
        y = tf.repeat(y, group)[:, None, None, None]
        y = tf.tile(tf.cast(y, x.dtype), [1, shape[1], shape[2], 1])
        return tf.concat([x, y], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)

    def get_config(self):
        return {**super().get_config(), "group_size": self.group_size}


@keras.saving.register_keras_serializable(package="ganzoo")
class ImageRange(keras.layers.Layer):
    """G's linear output, clipped to [-1, 1] outside training: D trains on the raw output (as
    NVIDIA's), samples, evaluation and exports keep the zoo's image range (NVIDIA clips when it
    writes images)."""

    def call(self, x, training=False):
        return x if training else tf.clip_by_value(x, -1.0, 1.0)
