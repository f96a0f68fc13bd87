"""Images: the mnist, conditional and fashion suites, scored in a domain classifier's
features."""

from . import markup

MNIST_TRAINING_DIGITS = 8000  # the mnist suite trains on 8,000 of MNIST's 10,000 test digits


def _mnist_scores(scores):
    """A row's scores; KID and its error as recorded ("g"): the table kept 2 and 3 decimals."""
    return [f"{scores['fid']:.2f}", markup.plus_minus(scores["kid"], scores["kid_std_error"], "g"),
            markup.plus_minus(scores["classifier_score"], scores["classifier_score_std"], ".2f"),
            f"{scores['precision']:.2f}", f"{scores['recall']:.2f}"]


def mnist(results):
    """The mnist suite: dcgan's samples and the real floor against the held-apart digits."""
    config, dcgan, floor = results["config"], results["dcgan"], results["real_floor"]
    steps = config["epochs"] * (MNIST_TRAINING_DIGITS // config["batch_size"])
    rows = [[f"{dcgan['num_generated']:,} `dcgan` samples (28x28, width {config['width']}, "
             f"{config['epochs']} epochs = {steps:,} steps of {config['batch_size']})",
             *_mnist_scores(dcgan)],
            [f"{floor['num_generated']:,} real training digits (the floor)",
             *_mnist_scores(floor)]]
    header = [f"compared with the {dcgan['num_real']:,} held-apart digits", "FID", "KID",
              "classifier score", "precision", "recall"]
    return markup.markdown(markup.table(header, rows),
                           f"The domain classifier's held-out accuracy: "
                           f"{markup.percent(results['classifier']['test_accuracy'])}. "
                           f"{markup.provenance(results)}")


def conditional_obedience(results):
    """Markdown: one row per run of results/conditional_obedience.json, then the setting."""
    lines = [
        "| model | arguments | seed | class accuracy | worst class | FID | train s |",
        "|---|---|---|---|---|---|---|",
    ]
    for run in results["runs"]:
        arguments = " ".join(f"`{a}`" for a in run["arguments"]) or "defaults"
        lines.append(
            f"| `{run['model']}` | {arguments} | {run['seed']} | "
            f"{markup.percent(run['class_accuracy'])} | "
            f"{markup.percent(min(run['per_class'].values()))} | "
            f"{run['fid']:.1f} | {run['train_seconds']} |"
        )
    classifier = results["classifier"]
    lines += [
        "",
        f"Each run: `{results['train_command']}` with the arguments shown, then "
        f"`{results['evaluate_command']}`. {markup.classifier_line(classifier)} "
        f"{results['machine']}, {results['date']}.",
    ]
    return "\n".join(lines) + "\n"


def _conditional_columns(kid_form):
    """The conditional suite's scores, KID shown by `kid_form` (the tables show KID x 1000)."""
    return (("class_accuracy", "{:.3f}".format, markup.HIGHER),
            ("fid", "{:.1f}".format, markup.LOWER),
            ("kid", kid_form, markup.LOWER), ("intra_class_fid", "{:.1f}".format, markup.LOWER))


def _conditional_model(run):
    label = "keras.io reference" if run["model"] == "keras_io_reference" else f"`{run['model']}`"
    return markup.noted(label, run, "model")


def conditional_digits(*results):
    """The conditional suite on the digits, one results file per number of steps: both
    models' scores (the better in bold), speed and wall time, the real-vs-real floor, and the
    first file's classifier, sample counts and speed ratio."""
    columns = _conditional_columns(lambda kid: f"{1000 * kid:.1f}")
    rows = []
    for result in results:
        for run, cells in zip(result["runs"], markup.compared(result["runs"], columns)):
            rows.append([_conditional_model(run), f"{result['steps']:,}", *cells,
                         markup.rate(result["images_per_second"][run["model"]]["median"]),
                         f"{run['wall_seconds']:,.0f} s"])
    first = results[0]
    rows.append(["real vs real (floor)", "-",
                 *(markup.cell(first["real_floor"][field], form) for field, form, _ in columns),
                 "-", "-"])
    header = [f"model (batch {first['batch_size']})", "steps", "class accuracy", "FID",
              "KID x1000", "intra-class FID", "images/s", "wall"]
    return markup.markdown(markup.table(header, rows),
                           f"{markup.classifier(first['classifier'])}; "
                           f"{first['num_generated']} generated "
                           f"(balanced over the classes) against {first['num_real']} real images; "
                           f"images/s of cgan over the reference's: "
                           f"{first['cgan_over_reference_speed']:.2f}x. "
                           f"{markup.provenance(*results)}")


def conditional_fashion(results):
    """The conditional suite on Fashion-MNIST: both models' scores (the better in bold) and
    wall times."""
    columns = _conditional_columns(lambda kid: f"{1000 * kid:.2f}")
    rows = [[_conditional_model(run), *cells, f"{run['wall_seconds']:,.0f} s"]
            for run, cells in zip(results["runs"], markup.compared(results["runs"], columns))]
    header = [f"model ({results['steps']:,} steps, batch {results['batch_size']})",
              "class accuracy", "FID", "KID x1000", "intra-class FID", "wall"]
    return markup.markdown(markup.table(header, rows),
                           f"{markup.classifier(results['classifier'])}. "
                           f"{markup.provenance(results)}")


FASHION_COLUMNS = (
    ("fid", "{:.2f}".format, markup.LOWER), ("fid_over_reference", "{:.2f}".format, markup.LOWER),
    ("kid", "{:.3f}".format, markup.LOWER), ("precision", "{:.3f}".format, markup.HIGHER),
    ("recall", "{:.3f}".format, markup.HIGHER), ("class_accuracy", "{:.3f}".format, markup.HIGHER),
)


def _fashion_model(run):
    """A fashion suite row's model: a keras.io reference, or a ganzoo model with the recipe it
    trained with, in the form of ganzoo.models.recipes.format_values (not imported: importing
    ganzoo.models imports Keras, seconds for every run of this script)."""
    if run["reference"] is None:
        return f"`{run['name']}` (keras.io)"
    recipe = ", ".join(f"{name}={value}" for name, value in run["recipe"].items())
    return f"`{run['name']}` ({f'recipe: {recipe}' if recipe else 'defaults'})"


def fashion(results):
    """The fashion suite at seed 0: each keras.io reference after the ganzoo models that face
    it (with their FID over its FID), the best of each such group in bold, then the floor."""
    runs = [run for run in results["runs"] if run["seed"] == 0]
    by_name = {run["name"]: run for run in runs}
    groups = {}  # reference: the ganzoo runs facing it
    for run in runs:
        if run["reference"]:
            groups.setdefault(run["reference"], []).append(
                {**run, "fid_over_reference": run["fid"] / by_name[run["reference"]]["fid"]})
    rows = []
    for reference, group in groups.items():
        group.append(by_name[reference])
        rows += [[_fashion_model(run), run["reference"] or "-", *cells,
                  markup.noted(f"{run['wall_seconds']:,.0f}", run, "wall_seconds")]
                 for run, cells in zip(group, markup.compared(group, FASHION_COLUMNS))]
    setting, floor = results["setting"], results["real_floor"]
    rows.append([f"real: {setting['test_images']:,} training vs the test images (floor)", "-",
                 *(markup.cell(floor.get(field), form) for field, form, _ in FASHION_COLUMNS),
                 "-"])
    header = ["model", "keras.io reference", "FID ↓", "FID / ref.", "KID ↓", "precision ↑",
              "recall ↑", "class accuracy ↑", "wall s"]
    return markup.markdown(markup.table(header, rows),
                           f"{markup.classifier(results['classifier'])}; "
                           f"{setting['steps']} generator steps "
                           f"at batch {setting['batch_size']} for every model, seed 0, float32. "
                           f"{markup.provenance(results)}")


def seed_fids(results, name):
    """{seed: FID} of the fashion suite's runs of `name`."""
    return {run["seed"]: run["fid"] for run in results["runs"] if run["name"] == name}


def fashion_seeds(results, defaults):
    """The fashion suite's ganzoo models run at several seeds: FID per seed, mean ± std, the
    reference's FID at seed 0, and the model's FID at its defaults before the recipes
    (`defaults`: that earlier results file)."""
    ganzoo_runs = [run for run in results["runs"] if run["reference"]]
    seeds = sorted({run["seed"] for run in ganzoo_runs})
    references = {run["name"]: run["reference"] for run in ganzoo_runs}
    rows = []
    for name, reference in references.items():
        fids = seed_fids(results, name)
        if len(fids) < 2:
            continue
        at_defaults = [run for run in defaults["runs"] if run["name"] == name]
        default_fids = markup.joined(markup.noted(f"{run['fid']:.2f}", run, "fid")
                                     for run in at_defaults)
        if len(at_defaults) > 1:
            default_fids += f" (seeds {markup.joined(run['seed'] for run in at_defaults)})"
        rows.append([f"`{name}`",
                     *(markup.cell(fids.get(seed), "{:.2f}".format) for seed in seeds),
                     markup.mean_std(fids.values(), ".2f"),
                     f"{seed_fids(results, reference)[0]:.2f}",
                     default_fids or "-"])
    header = ["model", *(f"seed {seed}" for seed in seeds),
              "mean ± std (ddof 0, as the suite prints)", "reference (seed 0)",
              "without the recipe (defaults)"]
    return markup.markdown(markup.table(header, rows))
