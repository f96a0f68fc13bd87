"""FLOPs: what one training step of a model costs, and the most this machine's matmuls deliver,
so that the speed suite can say what fraction of the machine a configuration uses."""

import time

import keras
import numpy as np
import tensorflow as tf

def layer_forward_flops(layer):
    """Multiply-add FLOPs (2 per MAC) of one example through a Dense or convolution layer,
    or through a nested network (StyleGAN2's mapping and synthesis) layer by layer. Layers of
    ganzoo's own with a `kernel` (StyleGAN2's equalised and modulated layers) count as a Dense
    (2-D kernel) or a convolution at their output's size (4-D kernel); the modulation's own
    small products are not counted."""
    if isinstance(layer, keras.Model):
        return sum(layer_forward_flops(inner) for inner in layer.layers)
    if isinstance(layer, keras.layers.Dense):
        return 2 * int(np.prod(layer.kernel.shape))
    if isinstance(layer, keras.layers.Conv2DTranspose):  # one MAC per kernel weight per input pixel
        height, width = layer.input.shape[1:3]
        return 2 * int(np.prod(layer.kernel.shape)) * height * width
    if isinstance(layer, keras.layers.Conv2D):  # ... per output pixel
        height, width = layer.output.shape[1:3]
        return 2 * int(np.prod(layer.kernel.shape)) * height * width
    kernel = getattr(layer, "kernel", None)
    if kernel is not None and len(kernel.shape) == 2:
        return 2 * int(np.prod(kernel.shape))
    if kernel is not None and len(kernel.shape) == 4:
        height, width = layer.output.shape[1:3]
        return 2 * int(np.prod(kernel.shape)) * height * width
    return 0


def _network_flops(network):
    """(forward FLOPs per example, of which the first weighted layer's)."""
    per_layer = [layer_forward_flops(layer) for layer in network.layers]
    weighted = [f for f in per_layer if f]
    return sum(weighted), weighted[0]


def training_step_flops(model, batch_size):
    """FLOPs of one training step (d_steps D updates + one G update) in Dense/conv layers.

    Per D update: G forward; D forward on real and fake; D backward (weight gradients for
    both batches, input gradients for all but D's first layer). Per G update: G and D forward;
    D backward for input gradients only (TensorFlow prunes D's weight gradients); G backward
    (weight gradients, input gradients for all but G's first layer). Batch norm, activations
    and the optimizer (a few percent) are not counted, nor are gradient penalties (WGAN-GP,
    R1: another D forward pass and a double backward pass per D update) or spectral norm's
    power iteration: for models with penalties this undercounts the step's work.
    """
    g_forward, g_first = _network_flops(model.generator)
    d_forward, d_first = _network_flops(model.discriminator)
    d_update = g_forward + 2 * d_forward + 2 * d_forward + 2 * (d_forward - d_first)
    g_update = g_forward + d_forward + d_forward + g_forward + (g_forward - g_first)
    return batch_size * (model.d_steps * d_update + g_update)


def matmul_peak(dtype="float32", size=2048, trial_seconds=0.5, trials=4):
    """The best FLOP/s of size x size matrix products in `dtype` on this machine's CPU/GPU.

    Each trial chains as many products in one graph call as fill about `trial_seconds`
    (counted from one timed product, at least one), so the measurement takes about
    `trials` x `trial_seconds` on any device. (A fixed 5 x 10 products, as before, took 10 s
    in float32 on one CPU thread for the same figure within the machine's noise: 102-105
    against 102-103 GFLOP/s.)
    """
    a = tf.cast(tf.random.normal([size, size], dtype=tf.float32), dtype)

    @tf.function
    def products(x, count):
        for _ in tf.range(count):
            x = tf.linalg.matmul(x, a) * 0.01
        return x

    def seconds(count):
        start = time.perf_counter()
        products(a, tf.constant(count)).numpy()
        return time.perf_counter() - start

    seconds(1)  # trace and warm up
    count = max(1, round(trial_seconds / seconds(1)))
    best = min(seconds(count) for _ in range(trials))
    return 2 * size**3 * count / best
