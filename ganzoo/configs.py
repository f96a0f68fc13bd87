"""Configuration as plain frozen dataclasses. The scripts turn each field into an absl flag
(help text from `metadata["help"]`, allowed values from `metadata["choices"]`); Python users
build them directly:

    train_lib.train(DataConfig(dataset="ring"), ModelConfig(model="nsgan"), TrainConfig(steps=500))

A `None` default means "the model's or data set's own default".
"""

import dataclasses
from typing import Optional

# Presets are data. "tiny" is deliberately small so that tests run in seconds.
MODEL_PRESETS = {
    "default": {},
    "tiny": {"latent_dim": 8, "width": 8},
}


def _field(default, help_text, choices=None):
    metadata = {"help": help_text}
    if choices is not None:
        metadata["choices"] = tuple(choices)
    return dataclasses.field(default=default, metadata=metadata)


@dataclasses.dataclass(frozen=True)
class DataConfig:
    dataset: str = _field(
        "digits",
        "'digits' (embedded, no network), 'ring' or 'grid' (2-D toy sets), a folder of images, "
        "or a tensorflow-datasets image dataset (mnist, fashion_mnist, cifar10, celeb_a, ...).",
    )
    split: str = _field("train", "tfds split to train on, e.g. 'train' or 'train[:50%]'.")
    image_size: Optional[int] = _field(
        None, "Side of the square training images; default: 32 for digits, 64 for folders, "
        "the native size for tfds data sets."
    )
    channels: Optional[int] = _field(None, "Force 1 (grayscale) or 3 (colour) channels.")
    data_dir: Optional[str] = _field(None, "tensorflow-datasets data directory.")
    batch_size: int = _field(64, "GLOBAL batch size, summed over all replicas.")
    shuffle_buffer: int = _field(10_000, "Examples in the shuffle buffer.")


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    model: str = _field("dcgan", "Registered model name.")  # choices filled by the script
    preset: str = _field("default", "Size preset.", choices=MODEL_PRESETS)
    latent_dim: Optional[int] = _field(None, "Latent (noise) width; default: the model's.")
    width: Optional[int] = _field(
        None, "Hidden units (MLP) or base filters (DCGAN); default: the model's."
    )
    generator_loss: Optional[str] = _field(
        None, "Generator loss; default: the model's (gan: minimax; nsgan, dcgan: non_saturating).",
        choices=("minimax", "non_saturating"),
    )
    d_steps: int = _field(1, "Discriminator updates per generator update (k).")
    g_ema: Optional[float] = _field(
        None, "Decay of an exponential moving average of G's weights (e.g. 0.999), used for "
        "samples, evaluation and export; default: off."
    )
    precision: str = _field(
        "auto",
        "Compute precision: auto (the measured fastest for this machine, see "
        "ganzoo/fast_paths.py), float32, mixed_bfloat16 or mixed_float16.",
        choices=("auto", "float32", "mixed_bfloat16", "mixed_float16"),
    )

    def model_kwargs(self):
        """Constructor overrides for ganzoo.get_model: the preset, then explicit fields."""
        kwargs = dict(MODEL_PRESETS[self.preset])
        for name in ("latent_dim", "width", "generator_loss"):
            if getattr(self, name) is not None:
                kwargs[name] = getattr(self, name)
        kwargs["d_steps"] = self.d_steps
        if self.g_ema is not None:
            kwargs["g_ema_decay"] = self.g_ema
        kwargs["precision"] = self.precision  # "auto" is resolved by train_lib for the device
        return kwargs


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    epochs: int = _field(25, "Passes over the data set (ignored when --steps is given).")
    steps: Optional[int] = _field(None, "Total generator steps; overrides --epochs.")
    d_learning_rate: float = _field(2e-4, "Adam learning rate of the discriminator.")
    g_learning_rate: float = _field(2e-4, "Adam learning rate of the generator.")
    beta_1: float = _field(0.5, "Adam beta_1 of both optimizers (DCGAN: 0.5).")
    seed: int = _field(0, "Seed of weights, data order and noise.")
    strategy: str = _field(
        "default",
        "tf.distribute strategy: default, one_device, mirrored (all GPUs of this machine, or "
        "--devices) or multi_worker (the cluster in TF_CONFIG).",
        choices=("default", "one_device", "mirrored", "multi_worker"),
    )
    devices: Optional[str] = _field(
        None, "Comma-separated devices for --strategy=mirrored, e.g. /gpu:0,/gpu:1."
    )
    model_dir: Optional[str] = _field(
        None, "Checkpoints, TensorBoard logs and sample grids; default: runs/<model>."
    )
    export_dir: Optional[str] = _field(
        None, "Where the SavedModel version goes; default: saved_models/<model>. '' skips export."
    )
    backup_every_steps: Optional[int] = _field(
        None, "Fault-tolerance backup every N steps; default: every epoch."
    )
    grid_samples: int = _field(64, "Samples in the per-epoch PNG grid.")
    eval_every: Optional[int] = _field(
        None, "Every N epochs, KID and FID of --eval_samples samples (needs --eval_features)."
    )
    eval_features: Optional[str] = _field(
        None, "Feature extractor for --eval_every: 'inception' or 'domain:<classifier.keras>'."
    )
    eval_samples: int = _field(1000, "Generated and real images per evaluation.")
    steps_per_execution: int = _field(
        1, "Training steps per tf.function call; must divide the steps per epoch, --steps and "
        "--backup_every_steps. 10 measured 1.4x faster for the MLPs at batch 64 (dcgan: no "
        "change); the NaN check then sees every Nth step."
    )
    jit_compile: str = _field(
        "auto", "XLA: auto (Keras: on with a GPU, off on CPU-only machines, where it measured "
        "slower), true or false.", choices=("auto", "true", "false"),
    )
    verbose: int = _field(1, "Keras verbosity: 0 silent, 1 progress bar, 2 one line per epoch.")
