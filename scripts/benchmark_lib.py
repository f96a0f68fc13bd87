"""Throughput measurement: ganzoo against the same networks trained the plain way.

Benchmark code only, kept out of the `ganzoo` package so that the library never imports
PyTorch nor carries a second GAN train_step. scripts/benchmark.py imports it as
`benchmark_lib` (its folder is on sys.path); tests import it as `ganzoo_scripts.benchmark_lib`
(it defines no flags).

`ReferenceGAN` is what a practitioner writes from the keras.io DCGAN example: one
`train_step`, `tf.GradientTape`, `BinaryCrossentropy(from_logits=True)`, `tf.random.normal`
noise, no distribution or reproducibility machinery. It trains the SAME networks (built by
ganzoo.networks), so a ratio of images/s measures ganzoo's machinery, nothing else. A reference
for another loss is a subclass overriding `discriminator_loss` and `generator_loss`.
`TorchTwin` (optional, needs PyTorch) translates those networks layer by layer into PyTorch
and trains them eagerly, the PyTorch DCGAN example's way.

Every rate here is images per second of wall time; on a shared machine only ratios measured in
one process, runs alternating, mean anything.
"""

import time

import keras
import numpy as np
import tensorflow as tf

from ganzoo import export, noise
from ganzoo.errors import GanzooError


class ReferenceGAN(keras.Model):
    """keras.io-style GAN step on given networks; non-saturating G loss; float32."""

    def __init__(self, generator, discriminator, latent_dim, **kwargs):
        super().__init__(**kwargs)
        self.generator, self.discriminator, self.latent_dim = generator, discriminator, latent_dim
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.built = True

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def compile(self, **kwargs):
        super().compile(optimizer=None, **kwargs)
        self.d_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.g_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    def discriminator_loss(self, real, fake, real_logits, fake_logits):
        """D's scalar loss, computed under D's tape (so a subclass may add a penalty on
        `real` [B, ...] and `fake` [B, ...]); logits are D's raw outputs, [B, 1] float32.
        Here: BCE with real labelled 1 and fake 0, each term a batch mean."""
        del real, fake
        return self.bce(tf.ones_like(real_logits), real_logits) + self.bce(
            tf.zeros_like(fake_logits), fake_logits
        )

    def generator_loss(self, fake_logits):
        """G's scalar loss from D's raw outputs [B, 1] on fresh fakes; here non-saturating BCE."""
        return self.bce(tf.ones_like(fake_logits), fake_logits)

    def train_step(self, real):
        batch = tf.shape(real)[0]
        noise_batch = tf.random.normal([batch, self.latent_dim])
        with tf.GradientTape() as tape:
            fake = self.generator(noise_batch, training=True)
            real_logits = self.discriminator(real, training=True)
            fake_logits = self.discriminator(fake, training=True)
            d_loss = self.discriminator_loss(real, fake, real_logits, fake_logits)
        grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))
        noise_batch = tf.random.normal([batch, self.latent_dim])
        with tf.GradientTape() as tape:
            fake_logits = self.discriminator(
                self.generator(noise_batch, training=True), training=True
            )
            g_loss = self.generator_loss(fake_logits)
        grads = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}

def reference_for(model):
    """A compiled float32 ReferenceGAN with fresh networks of `model`'s architecture."""
    config = {**model.get_config(), "precision": "float32", "g_ema_decay": None}
    fresh = type(model).from_config(config)
    reference = ReferenceGAN(fresh.generator, fresh.discriminator, model.latent_dim)
    reference.compile()
    return reference


class _StepClock(keras.callbacks.Callback):
    """Wall time at the end of every executed batch (logs read, so the step has finished)."""

    def __init__(self):
        super().__init__()
        self.ends = []  # (steps done, time)

    def on_train_batch_end(self, batch, logs=None):
        if logs:
            np.asarray(next(iter(logs.values())))
        self.ends.append((batch + 1, time.perf_counter()))


def training_rate(model, stream, batch_size, steps, warmup):
    """Images/s of `model.fit` over `steps` steps that follow `warmup` untimed ones.

    The clock runs from the end of the last warm-up step to the end of the last step, so
    tracing and fit's set-up are excluded, as is anything per-call rather than per-step.
    """
    clock = _StepClock()
    model.fit(stream, epochs=1, steps_per_epoch=warmup + steps, verbose=0, callbacks=[clock])
    start = max((s, t) for s, t in clock.ends if s <= warmup)
    end = clock.ends[-1]
    return (end[0] - start[0]) * batch_size / (end[1] - start[1])


def pipeline_rate(stream, batch_size, batches):
    """Images per second that the input pipeline alone delivers."""
    iterator = iter(stream)
    next(iterator)  # fill caches and prefetch buffers
    start = time.perf_counter()
    for _ in range(batches):
        next(iterator)
    return batches * batch_size / (time.perf_counter() - start)


def summary(rates):
    """{"median", "min", "max"} of a list of rates."""
    rates = np.asarray(rates, dtype=float)
    return {"median": float(np.median(rates)), "min": float(rates.min()), "max": float(rates.max())}


# ------------------------------------------------------------------------------------ FLOPs
def _layer_forward_flops(layer):
    """Multiply-add FLOPs (2 per MAC) of one example through a Dense or convolution layer."""
    if isinstance(layer, keras.layers.Dense):
        return 2 * int(np.prod(layer.kernel.shape))
    if isinstance(layer, keras.layers.Conv2DTranspose):  # one MAC per kernel weight per input pixel
        height, width = layer.input.shape[1:3]
        return 2 * int(np.prod(layer.kernel.shape)) * height * width
    if isinstance(layer, keras.layers.Conv2D):  # ... per output pixel
        height, width = layer.output.shape[1:3]
        return 2 * int(np.prod(layer.kernel.shape)) * height * width
    return 0


def _network_flops(network):
    """(forward FLOPs per example, of which the first weighted layer's)."""
    per_layer = [_layer_forward_flops(layer) for layer in network.layers]
    weighted = [f for f in per_layer if f]
    return sum(weighted), weighted[0]


def training_step_flops(model, batch_size):
    """FLOPs of one training step (d_steps D updates + one G update) in Dense/conv layers.

    Per D update: G forward; D forward on real and fake; D backward (weight gradients for
    both batches, input gradients for all but D's first layer). Per G update: G and D forward;
    D backward for input gradients only (TensorFlow prunes D's weight gradients); G backward
    (weight gradients, input gradients for all but G's first layer). Batch norm, activations
    and the optimizer (a few percent) are not counted.
    """
    g_forward, g_first = _network_flops(model.generator)
    d_forward, d_first = _network_flops(model.discriminator)
    d_update = g_forward + 2 * d_forward + 2 * d_forward + 2 * (d_forward - d_first)
    g_update = g_forward + d_forward + d_forward + g_forward + (g_forward - g_first)
    return batch_size * (model.d_steps * d_update + g_update)


def matmul_peak(dtype="float32", size=2048, repeats=10, trials=5):
    """The best FLOP/s of a size x size matrix product in `dtype` on this machine's CPU/GPU."""
    a = tf.random.normal([size, size], dtype=tf.float32)
    a = tf.cast(a, dtype)

    @tf.function
    def products(x):
        for _ in range(repeats):
            x = tf.linalg.matmul(x, a) * 0.01
        return x

    products(a).numpy()
    best = float("inf")
    for _ in range(trials):
        start = time.perf_counter()
        products(a).numpy()
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 * repeats / best


# ---------------------------------------------------------------------------------- sampling
def _calls_per_second(function, args, calls):
    function(*args)  # trace / warm up
    start = time.perf_counter()
    for _ in range(calls):
        outputs = function(*args)
    np.asarray(next(iter(outputs.values())) if isinstance(outputs, dict) else outputs)
    return calls / (time.perf_counter() - start)


def sampling_rates(model, export_dir, batch_sizes=(1, 64, 1024), repetitions=5):
    """Images/s of the exported signatures against the live generator under tf.function.

    The SavedModel is written to `export_dir` and loaded with tf.saved_model.load, as TF
    Serving loads it. Each signature is compared with the same computation on the live Keras
    generator in a tf.function (export.ServingModule.outputs: float images and images_uint8):
    `serving_default` from a given latent batch, `sample` with the noise drawn in the graph.
    Returns one dict per (signature, batch size).
    """
    version_dir = export.export_generator(model, export_dir, overwrite=True)
    loaded = tf.saved_model.load(version_dir)
    serving_default, sample = loaded.signatures["serving_default"], loaded.signatures["sample"]
    live_module = export.ServingModule(model)
    live_generate = tf.function(live_module.outputs)
    live_sample = tf.function(
        lambda n, seed: live_module.outputs(noise.latent_batch(n, model.latent_dim, seed))
    )
    contenders = {  # signature: (SavedModel function, live function), same arguments
        "serving_default": (lambda latent: serving_default(latent=latent), live_generate),
        "sample": (lambda n, seed: sample(num_samples=n, seed=seed), live_sample),
    }
    rows = []
    for batch in batch_sizes:
        calls = min(200, max(20, 16384 // batch))
        arguments = {
            "serving_default": (tf.random.normal([batch, model.latent_dim]),),
            "sample": (tf.constant(batch, tf.int32), tf.constant(1, tf.int64)),
        }
        for name, (saved, live) in contenders.items():
            saved_rates, live_rates = [], []
            for _ in range(repetitions):
                saved_rates.append(batch * _calls_per_second(saved, arguments[name], calls))
                live_rates.append(batch * _calls_per_second(live, arguments[name], calls))
            row = {"signature": name, "batch_size": batch, "saved_model": summary(saved_rates),
                   "live": summary(live_rates)}
            row["ratio"] = row["saved_model"]["median"] / row["live"]["median"]
            rows.append(row)
    return rows


# ------------------------------------------------------------------------------------ PyTorch
def import_torch():
    """The torch module, or a GanzooError saying how to install it."""
    try:
        import torch
    except ImportError as error:
        raise GanzooError(
            "--torch needs PyTorch, which is not installed: pip install torch"
        ) from error
    return torch


def torch_network(network):
    """A torch.nn.Sequential with the same layers as a ganzoo network (NCHW inside)."""
    torch = import_torch()
    nn = torch.nn
    modules = []
    for layer in network.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if isinstance(layer, keras.layers.Dense):
            inputs, units = layer.kernel.shape
            modules.append(nn.Linear(inputs, units, bias=layer.use_bias))
            if layer.activation is keras.activations.relu:
                modules.append(nn.ReLU())
        elif isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose)):
            kernel = layer.kernel_size[0]
            if kernel != 4 or layer.strides[0] != 2 or layer.padding != "same":
                raise GanzooError(f"no PyTorch translation for {layer.name}")
            if isinstance(layer, keras.layers.Conv2DTranspose):
                out_channels, in_channels = layer.kernel.shape[2:]
                modules.append(nn.ConvTranspose2d(in_channels, out_channels, 4, 2, 1,
                                                  bias=layer.use_bias))
            else:
                in_channels, out_channels = layer.kernel.shape[2:]
                modules.append(nn.Conv2d(in_channels, out_channels, 4, 2, 1, bias=layer.use_bias))
        elif isinstance(layer, keras.layers.BatchNormalization):
            batch_norm = nn.BatchNorm2d if len(layer.input.shape) == 4 else nn.BatchNorm1d
            modules.append(batch_norm(layer.input.shape[-1], eps=layer.epsilon,
                                      momentum=1 - layer.momentum))
        elif isinstance(layer, keras.layers.ReLU):
            modules.append(nn.ReLU())
        elif isinstance(layer, keras.layers.LeakyReLU):
            modules.append(nn.LeakyReLU(layer.negative_slope))
        elif isinstance(layer, keras.layers.Activation) and layer.name.endswith("tanh"):
            modules.append(nn.Tanh())
        elif isinstance(layer, keras.layers.Reshape):
            shape = layer.target_shape
            modules.append(nn.Unflatten(1, (shape[-1], *shape[:-1]) if len(shape) == 3 else shape))
        elif isinstance(layer, keras.layers.Flatten):
            modules.append(nn.Flatten())
        else:
            raise GanzooError(f"no PyTorch translation for layer {layer.name}")
    return nn.Sequential(*modules)


class TorchTwin:
    """ganzoo's networks in PyTorch, trained eagerly with Adam(2e-4, 0.5) and the
    non-saturating loss, one D and one G update per batch with fresh noise for each."""

    def __init__(self, model):
        torch = self.torch = import_torch()
        self.generator = torch_network(model.generator)
        self.discriminator = torch_network(model.discriminator)
        self.latent_dim = model.latent_dim
        self.d_optimizer = torch.optim.Adam(self.discriminator.parameters(), 2e-4, betas=(0.5, 0.999))
        self.g_optimizer = torch.optim.Adam(self.generator.parameters(), 2e-4, betas=(0.5, 0.999))
        self.bce = torch.nn.BCEWithLogitsLoss()

    def batches(self, stream, count):
        """`count` real batches from a tf.data stream, as torch tensors (NCHW for images)."""
        out = []
        for batch in stream.take(count):
            array = np.asarray(batch)
            if array.ndim == 4:
                array = np.ascontiguousarray(array.transpose(0, 3, 1, 2))
            out.append(self.torch.from_numpy(np.array(array)))
        return out

    def step(self, real):
        torch, batch = self.torch, real.shape[0]
        ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)
        with torch.no_grad():
            fake = self.generator(torch.randn(batch, self.latent_dim))
        self.d_optimizer.zero_grad(set_to_none=True)
        d_loss = self.bce(self.discriminator(real), ones) + self.bce(self.discriminator(fake), zeros)
        d_loss.backward()
        self.d_optimizer.step()
        self.g_optimizer.zero_grad(set_to_none=True)
        self.discriminator.requires_grad_(False)  # G's step needs no D weight gradients
        g_loss = self.bce(self.discriminator(self.generator(torch.randn(batch, self.latent_dim))), ones)
        g_loss.backward()
        self.discriminator.requires_grad_(True)
        self.g_optimizer.step()
        return d_loss.item()

    def rate(self, batches, warmup):
        """Images/s over `batches` after `warmup` of them."""
        for real in batches[:warmup]:
            self.step(real)
        start = time.perf_counter()
        for real in batches[warmup:]:
            self.step(real)
        return (len(batches) - warmup) * batches[0].shape[0] / (time.perf_counter() - start)
