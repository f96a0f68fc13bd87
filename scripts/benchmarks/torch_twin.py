"""PyTorch's side of the speed suite (optional, needs PyTorch): `TorchTwin` translates
BCE-family networks without penalties layer by layer into PyTorch and trains them eagerly, the
PyTorch DCGAN example's way."""

import time

import keras
import numpy as np

from ganzoo.errors import GanzooError

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


def torch_unsupported(model):
    """Why TorchTwin cannot train `model` (a sentence), or None if it can."""
    if getattr(model, "conditional", False):
        return "a conditional model (TorchTwin has no labels)"
    if model.loss_family not in ("minimax", "non_saturating"):
        return f"loss family {model.loss_family} (TorchTwin has the BCE families only)"
    if model.gp_weight > 0 or model.r1_weight > 0 or model.d_steps != 1:
        return "gradient penalties or d_steps > 1"
    if model.d_normalization not in ("batch", "none"):
        return f"d_normalization={model.d_normalization}"
    return None


class TorchTwin:
    """ganzoo's networks in PyTorch, trained eagerly with Adam (the model's learning rates and
    betas) and the model's BCE loss family, one D and one G update per batch with fresh noise
    for each. Only for models that `torch_unsupported` accepts."""

    def __init__(self, model):
        reason = torch_unsupported(model)
        if reason:
            raise GanzooError(f"no PyTorch twin for {model.zoo_name}: {reason}")
        torch = self.torch = import_torch()
        self.generator = torch_network(model.generator)
        self.discriminator = torch_network(model.discriminator)
        self.latent_dim = model.latent_dim
        betas = (model.beta_1, model.beta_2)
        self.d_optimizer = torch.optim.Adam(self.discriminator.parameters(),
                                            model.d_learning_rate, betas=betas)
        self.g_optimizer = torch.optim.Adam(self.generator.parameters(),
                                            model.g_learning_rate, betas=betas)
        self.bce = torch.nn.BCEWithLogitsLoss()
        self.minimax = model.loss_family == "minimax"

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
        d_loss = (
            self.bce(self.discriminator(real), ones) + self.bce(self.discriminator(fake), zeros)
        )
        d_loss.backward()
        self.d_optimizer.step()
        self.g_optimizer.zero_grad(set_to_none=True)
        self.discriminator.requires_grad_(False)  # G's step needs no D weight gradients
        fake_logits = self.discriminator(self.generator(torch.randn(batch, self.latent_dim)))
        g_loss = -self.bce(fake_logits, zeros) if self.minimax else self.bce(fake_logits, ones)
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
