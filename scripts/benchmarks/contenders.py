"""The contenders of the image suites (conditional, fashion): which ganzoo models face which
keras.io example, each trained the way the suites train it (ganzoo's through
train_lib.train_on_stream, a reference with its own `fit`), and a grid of its samples."""

import time

from ganzoo.errors import GanzooError

from .keras_io import keras_io_reference_name


def image_models(data_shape):
    """The zoo's models whose default networks are convolutional for `data_shape` images: their
    default backbone is one for images only (the fully connected ones also take vectors)."""
    import ganzoo
    from ganzoo import backbones

    return [name for name in ganzoo.list_models() if not backbones.get_backbone(
        ganzoo.get_model_class(name).defaults["architecture"], data_shape).vectors]


def fashion_contenders(requested, data_shape, with_references=True):
    """[(name, reference name or None)] of the fashion suite: the ganzoo models of --models
    (default: every image model), each followed by its keras.io reference the first time one
    needs it (`with_references`); GanzooError listing the image models for any other name."""
    import ganzoo

    allowed = image_models(data_shape)
    models = requested or allowed
    unknown = [name for name in models if name not in allowed]
    if unknown:
        raise GanzooError(f"--models: {', '.join(unknown)} not among the zoo's image models (whose "
                          f"default networks are convolutional): {', '.join(allowed)}")
    contenders = []
    for name in dict.fromkeys(models):
        reference = keras_io_reference_name(ganzoo.get_model_class(name))
        contenders.append((name, reference))
        if with_references and (reference, None) not in contenders:
            contenders.append((reference, None))
    return contenders


def train_ganzoo(name, stream, steps, seed, model_args, model_dir, dataset_name):
    """(trained model, wall seconds): ganzoo's `name` at its defaults (plus `model_args`),
    float32, trained through train_lib.train_on_stream for `steps` steps as one "epoch":
    backups every 1,000 steps (train_lib's default), one checkpoint and sample grid at the end."""
    from ganzoo import train_lib
    from ganzoo.configs import ModelConfig, TrainConfig

    start = time.perf_counter()
    trained = train_lib.train_on_stream(
        stream, steps, ModelConfig(model=name, precision="float32", model_args=model_args),
        TrainConfig(steps=steps, seed=seed, model_dir=model_dir, export_dir="", verbose=0),
        dataset_name=dataset_name, overwrite_run=True,
    )
    return trained.model, time.perf_counter() - start


def fit_reference(reference, stream, steps):
    """Wall seconds of `steps` training steps of a compiled reference (references, keras_io)."""
    start = time.perf_counter()
    reference.fit(stream, epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)
    return time.perf_counter() - start


def write_grid(path, model, class_names):
    """A sample grid of a ganzoo model or a reference at `path`: one named row of 8 per class
    for conditional models, else 64 samples; both from noise seed 7."""
    import numpy as np

    from ganzoo import images

    if getattr(model, "conditional", False):
        per_class = 8
        labels = np.repeat(np.arange(len(class_names), dtype=np.int32), per_class)
        samples = model.generate(num_samples=len(labels), labels=labels, seed=7)
        picture = images.class_grid(
            [(name, samples[i * per_class : (i + 1) * per_class])
             for i, name in enumerate(class_names)], upscale=2,
        )
    else:
        picture = images.samples_picture(model.generate(num_samples=64, seed=7), upscale=2)
    images.write_png(path, picture)
    print(f"sample grid: {path}", flush=True)
    return path
