r"""Every image model of the zoo against the keras.io example a user would copy, on Fashion-MNIST.

    python scripts/benchmarks/fashion.py --steps=300 --classifier_epochs=5 \
        --classifier=runs/fashion_classifier.keras --grid_dir=runs/fashion_grids

Every image model (those whose default networks are convolutional for images: not gan and
nsgan, MLPs by default; --models picks some) at what `ganzoo-train` would use on the folder (its
defaults and its Fashion-MNIST recipe, ganzoo.models.recipes), float32, against the keras.io
example a user would copy instead (keras_io.keras_io_reference_name): dcgan, lsgan and sngan
against `dcgan_overriding_train_step.py`, wgan_gp against `wgan_gp.py`, cgan and acgan against
`conditional_gan.py`, each with the example's own networks (sized to 28x28), train step, loss and
optimizer. Full Fashion-MNIST from its idx folder (--dataset; `apt-get install
dataset-fashion-mnist`) at its native 28x28: every contender trains --steps generator steps at
--batch_size on the same stream of the 60,000 training images (same order; labels beside them
for the conditional ones), ganzoo's through train_lib.train_on_stream (checkpoints and backups
included in its wall time), each reference once per seed (none with --noreferences), with its
own `fit`. A domain classifier (ganzoo.features, versioned; trained on the 60,000 training images
for --classifier_epochs, or reused from --classifier) scores 10,000 samples of each against the
10,000 test images: FID, KID, precision and recall in its features, and for conditional models
(sampled with balanced requested labels) class accuracy and intra-class FID. The floor: 10,000
training images drawn at random against the test images (the same sample sizes, so the same
small-sample bias of FID as the models'). Rows are added to --output (results/fashion.json; a
file of another setting is refused), so the table can be built a model at a time; the Markdown
table printed at the end holds every row of that file, with the commands that produced it.
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # scripts/

import cli  # noqa: E402
from absl import flags  # noqa: E402
from benchmarks import common  # noqa: E402

# What identifies a row in the results file.
RUN_FIELDS = ("name", "seed")

flags.DEFINE_string("dataset", common.FASHION_MNIST, "Fashion-MNIST's idx folder.")
flags.DEFINE_list("models", None, "Models to score (default: every image model).")
flags.DEFINE_boolean("references", True, "Train each model's keras.io reference too; "
                     "--noreferences scores the ganzoo models alone, e.g. more seeds of them "
                     "beside references already in --output.")
flags.DEFINE_integer("steps", 3000, "Generator steps per run.", lower_bound=1)
flags.DEFINE_integer("batch_size", 64, "Global batch size.", lower_bound=1)
flags.DEFINE_integer("seeds", 1, "Seeds 0, 1, ... of every contender.", lower_bound=1)
flags.DEFINE_string("classifier", None, "Domain classifier (.keras): used if the file exists, "
                    "else trained and kept there; default: trained in a temporary folder.")
flags.DEFINE_integer("classifier_epochs", 10, "Epochs of a domain classifier trained here.",
                     lower_bound=1)
flags.DEFINE_string("grid_dir", None, "With a folder: a sample grid per model and reference "
                    "(first seed) as <folder>/<name>.png.")
flags.DEFINE_string("output", os.path.join(common.RESULTS, "fashion.json"), "The results file.")
FLAGS = flags.FLAGS


def _run(name, reference, seed, streams, shape, class_names, requested, test, extractor, work):
    """One row of the fashion table: train `name` (a ganzoo model whose keras.io `reference` is
    given, or a keras.io reference) on streams[conditional], sample, score, draw its grid."""
    import keras

    import ganzoo
    from benchmarks import contenders, keras_io, scoring
    from ganzoo import data
    from ganzoo.models import recipes

    steps, batch_size = FLAGS.steps, FLAGS.batch_size
    if reference is None:
        keras.utils.set_random_seed(seed)
        model = keras_io.KERAS_IO_REFERENCES[name](shape, len(class_names))
        wall = contenders.fit_reference(model, streams[model.conditional], steps)
    else:
        conditional = ganzoo.get_model_class(name).conditional
        # What `ganzoo-train --dataset=<the folder>` would use: the recipe's values, if any.
        recipe = recipes.recipe_for(name, data.recipe_keys(FLAGS.dataset))
        recipe_args = dict(recipe.model_args) if recipe else {}
        model_args = dict(recipe_args)
        if conditional:
            model_args.update(num_classes=len(class_names), class_names=class_names)
        model, wall = contenders.train_ganzoo(name, streams[conditional], steps, seed, model_args,
                                              os.path.join(work, f"{name}_{seed}"), "fashion")
    labels = requested if model.conditional else None
    samples = model.generate(num_samples=len(test[0]) if labels is None else len(labels),
                             labels=labels, seed=10_000 + seed)
    row = {"name": name, "reference": reference, "seed": seed, "wall_seconds": wall,
           "recipe": recipe_args if reference is not None else None,
           "images_per_second": steps * batch_size / wall,
           **scoring.scores(samples, labels, test, extractor, class_names)}
    if seed == 0 and FLAGS.grid_dir:
        row["grid"] = contenders.write_grid(os.path.join(FLAGS.grid_dir, f"{name}.png"), model,
                                            class_names)
    print(f"seed {seed} {name:24}: FID {row['fid']:.3f}, KID {row['kid']:.4f}, precision "
          f"{row['precision']:.3f}, recall {row['recall']:.3f}, {wall:.0f} s", flush=True)
    return row


def main(argv):
    del argv
    import numpy as np

    from benchmarks import contenders, scoring
    from ganzoo import data, evaluation, train_lib
    from ganzoo.configs import DataConfig

    folder = FLAGS.dataset
    common.require_fashion_mnist(folder)
    steps, batch_size, seeds = FLAGS.steps, FLAGS.batch_size, FLAGS.seeds
    class_names = [str(name) for name in data.class_names(folder)]
    train = scoring.labelled_arrays(folder, "train", None)
    test = scoring.labelled_arrays(folder, "test", None)
    shape = train[0].shape[1:]
    lineup = contenders.fashion_contenders(FLAGS.models, shape, FLAGS.references)
    with tempfile.TemporaryDirectory() as work:
        extractor, classifier = scoring.domain_classifier(
            FLAGS.classifier, train, test, len(class_names), work, FLAGS.classifier_epochs
        )
        evaluation.check_classifier(extractor, class_names)
        setting = {"dataset": os.path.abspath(folder), "train_images": len(train[0]),
                   "test_images": len(test[0]), "image_shape": list(shape), "steps": steps,
                   "batch_size": batch_size, "classifier": extractor.name}
        runs_file = common.runs_file(FLAGS.output, "fashion", setting, RUN_FIELDS,
                                     "give the same flags and --classifier, or another file")
        # The floor: as many random training images as there are test images (see the docstring).
        pick = np.random.default_rng(0).permutation(len(train[0]))[: len(test[0])]
        runs_file.update(classifier=classifier, real_floor=scoring.scores(
            train[0][pick], train[1][pick], test, extractor, class_names))
        runs_file.add_command(common.command_line(__file__))
        requested = evaluation.balanced_labels(len(class_names), len(test[0]) // len(class_names))
        data_config = DataConfig(dataset=folder, batch_size=batch_size)
        for seed in range(seeds):
            # The same images in the same order (the one `ganzoo-train --seed` reads), with their
            # labels for the conditional models.
            streams = {conditional: train_lib.training_stream(data_config, seed, conditional)[0]
                       for conditional in (False, True)}
            for name, reference in lineup:
                if runs_file.has((name, seed)):
                    print(f"seed {seed} {name}: in {FLAGS.output} already", flush=True)
                    continue
                runs_file.add(_run(name, reference, seed, streams, shape, class_names,
                                   requested, test, extractor, work))
    print(_table(runs_file.record), flush=True)


def _mean(rows, key, digits):
    """Mean (+- std over seeds when several) of `key` over `rows`, or "-" where it is None."""
    import numpy as np

    values = np.array([row[key] for row in rows if row.get(key) is not None], dtype=float)
    if not len(values):
        return "-"
    text = f"{values.mean():.{digits}f}"
    return text + (f" ± {values.std():.{digits}f}" if len(values) > 1 else "")


def _table(results):
    """The fashion suite's results as Markdown: a header line, the table (ganzoo models, the
    keras.io references, the real-vs-real floor) and the commands that produced it."""
    from benchmarks import keras_io
    from ganzoo.models import recipes

    setting, classifier, runs = results["setting"], results["classifier"], results["runs"]
    names = list(dict.fromkeys(row["name"] for row in runs))
    fids = {name: _mean([r for r in runs if r["name"] == name], "fid", 2) for name in names}

    def fid_ratio(name, reference):
        if reference is None or reference not in names:
            return "-"
        ours = [r["fid"] for r in runs if r["name"] == name]
        theirs = [r["fid"] for r in runs if r["name"] == reference]
        return f"{(sum(ours) / len(ours)) / (sum(theirs) / len(theirs)):.2f}"

    lines = [
        f"Fashion-MNIST, {setting['image_shape'][0]}x{setting['image_shape'][1]}: "
        f"{setting['steps']} generator steps at batch {setting['batch_size']} on the "
        f"{setting['train_images']:,} training images, float32, mean ± std over a row's "
        f"seeds; "
        f"{setting['test_images']:,} samples each against the {setting['test_images']:,} "
        f"test images in the features of {classifier['name']} (test accuracy "
        f"{classifier['test_accuracy']:.4f}). FID / ref.: ganzoo's FID over its keras.io "
        f"reference's at the same steps (below 1: ganzoo's is better).",
        "",
        "| model | keras.io reference | seeds | FID ↓ | FID / ref. | KID ↓ | precision ↑ "
        "| recall ↑ | class accuracy ↑ | wall s | images/s | samples |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in names:
        rows = [r for r in runs if r["name"] == name]
        reference = rows[0]["reference"]
        label = name if reference else f"{name} (`{keras_io.KERAS_IO_EXAMPLES[name]}`)"
        if rows[0].get("recipe"):  # the Fashion-MNIST recipe ganzoo-train applies too
            label += f" (recipe: {recipes.format_values(rows[0]['recipe'])})"
        grid = rows[0].get("grid")
        lines.append(
            f"| {label} | {reference or '-'} | {len(rows)} | {fids[name]} | "
            f"{fid_ratio(name, reference)} | "
            f"{_mean(rows, 'kid', 4)} | {_mean(rows, 'precision', 3)} | "
            f"{_mean(rows, 'recall', 3)} | {_mean(rows, 'class_accuracy', 3)} | "
            f"{_mean(rows, 'wall_seconds', 0)} | {_mean(rows, 'images_per_second', 0)} | "
            f"{f'![{name}]({grid})' if grid else '-'} |"
        )
    floor = results["real_floor"]
    lines.append(
        f"| real: {setting['test_images']:,} training vs test images (floor) | - | - | "
        f"{floor['fid']:.2f} | - | "
        f"{floor['kid']:.4f} | {floor['precision']:.3f} | {floor['recall']:.3f} | "
        f"{floor['class_accuracy']:.3f} | - | - | - |"
    )
    lines += ["", "Produced by:", *[f"    {command}" for command in results["commands"]]]
    return "\n".join(lines)


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
