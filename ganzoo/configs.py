"""Configuration as plain frozen dataclasses. The scripts turn each field into an absl flag
(help text from `metadata["help"]`, allowed values from `metadata["choices"]`, filled in by the
scripts where the list lives elsewhere); Python users build them directly:

    train_lib.train(
        DataConfig(dataset="ring"),
        ModelConfig(model="nsgan", model_args={"width": 128, "g_learning_rate": 1e-3}),
        TrainConfig(steps=500),
    )

A `None` default means "the default": for `batch_size`, `steps`/`epochs` and the model arguments
that is the recipe of the model on this kind of data where there is one
(ganzoo/models/recipes.py), else `DEFAULT_BATCH_SIZE`, `DEFAULT_EPOCHS` and the model's own
defaults. Numbers carry their allowed
range (`metadata["low"]`), checked by `validate` before any work, with one line per mistake.
"""

import dataclasses
from typing import Optional

from ganzoo.errors import GanzooError

DEFAULT_BATCH_SIZE = 64  # when neither the user nor a recipe gives one
DEFAULT_EPOCHS = 25  # when neither steps nor epochs is given, and no recipe gives steps
# Where runs and their exports go when --model_dir and --export_dir are not given: a run's own
# folder, never the shipped zoo in saved_models/ (written only by scripts/build_zoo.py or an
# explicit --export_dir), so a user's run cannot replace what `ganzoo-sample` and TF Serving
# serve from there.
RUNS_ROOT = "runs"
EXPORT_SUBDIR = "export"
# The most samples one `sample` request or one PNG grid holds: bounds a server's memory per
# call and a grid's file (4,096 samples of 32x32 at upscale 2 is a 4,100 x 4,100 PNG).
MAX_SAMPLES = 4096
MAX_IMAGE_SIZE = 1024  # pixels a side; a larger request would fill memory before a step
# Compute precisions (ganzoo.backbones.common.dtype_policy) and tf.distribute strategies
# (ganzoo.distribute.get_strategy) by name; here, with no TensorFlow, so that the scripts can
# check these flags before importing it.
PRECISIONS = ("float32", "mixed_bfloat16", "mixed_float16")
STRATEGIES = ("default", "one_device", "mirrored", "multi_worker")

# Presets are data. "tiny" is deliberately small so that tests run in seconds.
MODEL_PRESETS = {
    "default": {},
    "tiny": {"latent_dim": 8, "width": 8},
    # StyleGAN2's cifar setting, for GPUs (stylegan2-ada's --cfg=cifar): z and w of 512, 512
    # channels at every resolution up to 32, 2 mapping layers, no style mixing and no path
    # length, minibatch std over groups of 32, G's average with a half-life of 500k images
    # (0.9999 a step at batch 64). Its Adam(0.0025, 0, 0.99) and lazy R1 (gamma 0.01 every 16
    # steps) are stylegan2's defaults, whose sizes are the CPU setting. Departs from it: D is
    # residual (cifar's is the original, no skips). Other models refuse its arguments by name.
    "stylegan2_cifar": {"latent_dim": 512, "width": 512, "mapping_layers": 2,
                        "style_mixing": 0.0, "pl_weight": 0.0, "mbstd_group": 32,
                        "g_ema_decay": 0.9999},
}


def _field(default, help_text, choices=None, low=None, high=None):
    metadata = {"help": help_text}
    if choices is not None:
        metadata["choices"] = tuple(choices)
    if low is not None:
        metadata["low"] = low
    if high is not None:
        metadata["high"] = high
    return dataclasses.field(default=default, metadata=metadata)


def validate(config):
    """Raise GanzooError for the first field of `config` outside its range (None is allowed
    where the default is None: it means "the default")."""
    for field in dataclasses.fields(config):
        value = getattr(config, field.name)
        low, high = field.metadata.get("low"), field.metadata.get("high")
        if low is None or (value is None and field.default is None):
            continue
        kind = "an integer" if isinstance(low, int) else "a number"
        bounds = f">= {low}" if high is None else f"in [{low}, {high}]"
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low or (
            isinstance(low, int) and not isinstance(value, int)
        ) or (high is not None and value > high):
            raise GanzooError(f"--{field.name} must be {kind} {bounds}, got {value!r}")


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
        "the native size for tfds data sets.", low=1, high=MAX_IMAGE_SIZE,
    )
    channels: Optional[int] = _field(None, "Force 1 (grayscale) or 3 (colour) channels.")
    data_dir: Optional[str] = _field(None, "tensorflow-datasets data directory.")
    batch_size: Optional[int] = _field(
        None, "GLOBAL batch size, summed over all replicas; default: the model's recipe for "
        "this kind of data, else 64.", low=1,
    )
    shuffle_buffer: int = _field(10_000, "Examples in the shuffle buffer.", low=1)
    recipe: Optional[str] = _field(
        None, "The recipe to fill unset values from (docs/recipes.md): a data set with "
        "recipes of its own (ring, grid, fashion_mnist), a kind of data (images, points), or "
        "'none'; default: what --dataset is, as its source reports it.",
    )


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    model: str = _field("dcgan", "Registered model name.")  # choices filled by the script
    preset: str = _field("default", "Size preset.", choices=MODEL_PRESETS)
    precision: str = _field(
        "auto",
        "Compute precision: auto (the measured fastest for this machine, see "
        "ganzoo/fast_paths.py) or one of PRECISIONS.", choices=("auto", *PRECISIONS),
    )
    model_args: dict = dataclasses.field(
        default_factory=dict,
        metadata={"help": "Constructor arguments of the model by name, e.g. {'width': 32}; "
                  "the scripts make one flag per argument (see ganzoo.describe_model)."},
    )

    def model_kwargs(self):
        """Constructor overrides for ganzoo.get_model: the preset, then `model_args`.

        "precision" is included as given; "auto" is resolved for the device by train_lib.
        """
        return {**MODEL_PRESETS[self.preset], **self.model_args, "precision": self.precision}


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    epochs: Optional[int] = _field(
        None, "Passes over the data set (ignored when --steps is given); default: the model's "
        "recipe's steps for this kind of data, else 25 epochs.", low=1,
    )
    steps: Optional[int] = _field(None, "Total generator steps; overrides --epochs.", low=1)
    seed: int = _field(0, "Seed of weights, data order and noise.", low=0)
    strategy: str = _field(
        "default",
        "tf.distribute strategy: default, one_device, mirrored (all GPUs of this machine, or "
        "--devices) or multi_worker (the cluster in TF_CONFIG).", choices=STRATEGIES,
    )
    devices: Optional[str] = _field(
        None, "Comma-separated devices for --strategy=mirrored, e.g. /gpu:0,/gpu:1."
    )
    model_dir: Optional[str] = _field(
        None, f"Checkpoints, TensorBoard logs and sample grids; default: "
        f"{RUNS_ROOT}/<model>_<data set> (e.g. {RUNS_ROOT}/dcgan_digits).",
    )
    export_dir: Optional[str] = _field(
        None, f"Where the SavedModel's next version goes; default: <model_dir>/{EXPORT_SUBDIR} "
        f"(the shipped zoo in saved_models/ changes only when named here). '' skips export.",
    )
    backup_every_steps: Optional[int] = _field(
        None, "Fault-tolerance backup every N steps; default: every epoch.", low=1
    )
    grid_samples: int = _field(64, "Samples in the per-epoch PNG grid.", low=1, high=MAX_SAMPLES)
    eval_every: Optional[int] = _field(
        None, "Every N epochs, KID and FID of --eval_samples samples (needs --eval_features).",
        low=1,
    )
    eval_features: Optional[str] = _field(
        None, "Feature extractor for --eval_every: 'inception' or 'domain:<classifier.keras>'."
    )
    eval_samples: int = _field(1000, "Generated and real images per evaluation.", low=10)
    eval_split: Optional[str] = _field(
        None, "Split of the data set whose first --eval_samples images the scores compare "
        "against, e.g. 'test'; default: the first --eval_samples images of the training stream.",
    )
    stop_at_plateau: Optional[int] = _field(
        None, "Stop once this many evaluations in a row (--eval_every) have not lowered the "
        "best FID by --plateau_tolerance; --steps or --epochs stays the budget.", low=1,
    )
    plateau_tolerance: float = _field(
        0.02, "Relative FID drop that counts as progress for --stop_at_plateau.", low=0.0,
        high=1.0,
    )
    steps_per_execution: int = _field(
        1, "Training steps per tf.function call; must divide the steps per epoch, --steps and "
        "--backup_every_steps. 10 measured 1.4x faster for the MLPs at batch 64 (dcgan: no "
        "change); the NaN check then sees every Nth step.", low=1,
    )
    jit_compile: str = _field(
        "auto", "XLA: auto (Keras: on with a GPU, off on CPU-only machines, where it measured "
        "slower), true or false.", choices=("auto", "true", "false"),
    )
    verbose: int = _field(1, "Keras verbosity: 0 silent, 1 progress bar, 2 one line per epoch.")
