"""The generated tables and figures of the docs, rendered from the results files: the library
half of scripts/report.py, which only writes them into their pages (or --check's them).

A generated table sits in a page between `<!-- report: <name> -->` and
`<!-- end report: <name> -->`; `REPORTS` maps each name to its results files (under results/),
the function that renders them and the page. A renderer reads the fields a suite of
scripts/benchmarks/ writes and returns the section: the table, then (in docs/benchmarks.md) a
line with what the results file records of its making: the command that rewrites it, the
machine and the date ("not recorded" where a suite's file lacks them).

Most results files were transcribed from the docs' earlier hand-typed tables, as their "source"
says: they hold the suite's fields for the figures the docs kept, a "note" where they had to
differ from what the suite writes, and what the docs said beside a figure as "notes" on it
(shown in parentheses after it) or, for the sampling table, a "footnote".

Figures (`FIGURES`: curves drawn by ganzoo.charts from the same results) are PNG files whose
bytes are the same on every machine, and checked like the tables.

This module defines no flags, so tests import it beside any script's module.
"""

import functools
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # `benchmarks` in a checkout

from benchmarks import modes  # noqa: E402  (PacGAN's Table 1; imports nothing heavy)

NOT_RECORDED = "not recorded"
# Which value of a compared column is the better one (in bold).
LOWER, HIGHER = min, max


# Formatting shared by the renderers.


def _percent(value):
    return f"{100 * value:.1f} %"


def _plus_minus(value, error, spec):
    return f"{value:{spec}} ± {error:{spec}}"


def _mean_std(values, spec):
    """Mean ± std (ddof 0, as the suites print it) of `values`."""
    return _plus_minus(statistics.fmean(values), statistics.pstdev(values), spec)


def _joined(values, form=str):
    return ", ".join(form(value) for value in values)


def _cell(value, form):
    """`value` formatted by the callable `form`, or "-" where the results have none."""
    return "-" if value is None else form(value)


def _rate(images_per_second):
    """Images/s as the tables show them: whole, with thousands separators; one decimal below 20
    (the slowest critics)."""
    return f"{images_per_second:.1f}" if images_per_second < 20 else f"{images_per_second:,.0f}"


def _rates(summary):
    """A timing summary {"median", "min", "max"} as "<median> [<min>-<max>]"."""
    return f"{_rate(summary['median'])} [{_rate(summary['min'])}-{_rate(summary['max'])}]"


def _noted(text, run, field):
    """`text` (the figure of `run`'s `field`) followed by the results file's note on it, if any."""
    note = run.get("notes", {}).get(field)
    return f"{text} ({note})" if note else text


def _commands(commands):
    return ", then ".join(f"`{command}`" for command in commands)


def _provenance(results, *more):
    """The line under a table: the commands recorded in its results files (the suites that
    record none leave it out), then the machine and date of the first file."""
    commands = []
    for r in (results, *more):
        commands += r.get("commands") or ([r["command"]] if "command" in r else [])
    line = (f"Machine: {results.get('machine', NOT_RECORDED)}. "
            f"Date: {results.get('date', NOT_RECORDED)}.")
    return f"Regenerate with {_commands(commands)}. {line}" if commands else line


def _classifier(classifier):
    """A domain classifier's metadata (as ganzoo.features records it) in a phrase."""
    return (f"Domain classifier v{classifier['version']} `{classifier['weights_sha256']}`, "
            f"held-out accuracy {classifier['test_accuracy']:.3f}")


def _table(header, rows):
    """Markdown table lines: the header cells, then one line per row of cells."""
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows)]


def _markdown(table, *paragraphs):
    """A section's text: the table's lines, then each paragraph after a blank line."""
    return "\n".join([*table, *(f"\n{paragraph}" for paragraph in paragraphs)]) + "\n"


def _compared(runs, columns):
    """One row of cells per run for `columns` [(field, form, better)]: each value formatted by
    `form`, "-" where absent, the better one among `runs` in bold where `better` (LOWER or
    HIGHER) says which that is."""
    by_column = []
    for field, form, better in columns:
        values = [run.get(field) for run in runs]
        present = [value for value in values if value is not None]
        best = better(present) if better and present else None
        by_column.append([f"**{form(value)}**" if value is not None and value == best
                          else _cell(value, form) for value in values])
    return [list(row) for row in zip(*by_column)]


# 2-D mixtures: the toy and pacgan suites, beside PacGAN's Table 1 (benchmarks.modes).

TOY_ANCHORS = ("GAN", "PacGAN4", "VEEGAN")  # the toy recipes pack 4 samples, as PacGAN4 does
_PUBLISHED_FIGURES = re.compile(
    r"(?P<modes>.+) modes, (?P<high_quality>.+) %, reverse KL (?P<reverse_kl>.+)"
)
# Updates between the points shown of the long pacgan run's curve, scored every 10,000.
LONG_RUN_SHOWN_EVERY = 20_000
PACGAN_SCORES = (("modes", ".1f"), ("modes_1_percent", ".1f"), ("high_quality_percent", ".1f"),
                 ("reverse_kl", ".3f"))


def _pacgan_name(packing):
    """PacGAN's name for a packing: its GAN (1), else PacGAN<packing>."""
    return "GAN" if packing == 1 else f"PacGAN{packing}"


def _published(dataset, packing):
    """PacGAN Table 1's line for `dataset` at `packing`, or "-" where it has none."""
    name = _pacgan_name(packing)
    published = modes.PUBLISHED[dataset]
    return f"{name}: {published[name]}" if name in published else "-"


def _published_figures(dataset, packing):
    """PacGAN Table 1's {"modes", "high_quality", "reverse_kl"} for `dataset` at `packing`,
    each as "<mean> ± <error>"."""
    return _PUBLISHED_FIGURES.fullmatch(modes.PUBLISHED[dataset][_pacgan_name(packing)]).groupdict()


def toy(results):
    """The toy suite: per data set and model, every seed's modes and high-quality share, their
    mean ± std, and PacGAN's Table 1 beside them."""
    rows = []
    for r in results["results"]:
        runs, kl = r["runs"], r["reverse_kl"]
        rows.append([
            f"{r['dataset']} of {r['num_modes']}", f"`{r['model']}`", r["seeds"],
            _joined(run["modes_captured"] for run in runs),
            _plus_minus(r["modes_captured"]["mean"], r["modes_captured"]["std"], ".1f"),
            _joined(run["modes_1_percent"] for run in runs),
            _joined((run["high_quality_percent"] for run in runs), "{:.1f}".format),
            _plus_minus(r["high_quality_percent"]["mean"], r["high_quality_percent"]["std"], ".1f"),
            NOT_RECORDED if kl is None else _plus_minus(kl["mean"], kl["std"], ".3f"),
            "; ".join(f"{name}: {modes.PUBLISHED[r['dataset']][name]}" for name in TOY_ANCHORS),
        ])
    header = ["data", "model", "seeds", "modes per seed", "modes (mean ± std)",
              "modes with 1 % per seed", "high-quality % per seed",
              "high quality % (mean ± std)", "reverse KL", "PacGAN Table 1"]
    return _markdown(_table(header, rows), _provenance(results))


def _over_seeds(point, field, spec):
    """A curve point's mean ± standard error over seeds of `field`."""
    return _plus_minus(point[field]["mean"], point[field]["standard_error"], spec)


def pacgan(results):
    """The pacgan suite after its budget: per (data, model, packing) the scores' means ±
    standard errors over seeds beside PacGAN's Table 1, then each seed's modes and share."""
    rows, per_seed = [], []
    for group in results["groups"]:
        final, seeds = group["curve"][-1], group["per_seed"]
        rows.append([group["dataset"], group["model"], group["packing"], group["seeds"],
                     *(_over_seeds(final, field, spec) for field, spec in PACGAN_SCORES),
                     f"{group['wall_seconds']:.0f}",
                     _published(group["dataset"], group["packing"])])
        per_seed.append(f"{group['dataset']} {_pacgan_name(group['packing'])} "
                        f"{_joined(seeds['modes'])} and "
                        f"{_joined(seeds['high_quality_percent'], '{:.1f}'.format)}")
    seeds = results["groups"][0]["per_seed"]["seeds"]
    header = ["data", "model", "packing", "seeds", "modes", "modes (1 %)", "high quality %",
              "reverse KL", "wall s", "PacGAN Table 1"]
    return _markdown(_table(header, rows),
                     f"Per seed ({seeds[0]}-{seeds[-1]}), modes and high-quality %: "
                     f"{'; '.join(per_seed)}. {_provenance(results)}")


def pacgan_curve(field, results):
    """One of the pacgan suite's curves, `field` ("modes" or "high_quality_percent") against
    generator updates, mean ± standard error over seeds."""
    updates = [point["updates"] for point in results["groups"][0]["curve"]]
    rows = [[group["dataset"], group["model"], group["packing"],
             *(_over_seeds(point, field, ".1f") for point in group["curve"])]
            for group in results["groups"]]
    return _markdown(_table(["data", "model", "packing", *(f"{u:,}" for u in updates)], rows))


def pacgan_long_run(results):
    """The pacgan suite's one long run: its scores every LONG_RUN_SHOWN_EVERY updates, beside
    PacGAN Table 1's at the paper's budget."""
    run = results["runs"][0]
    shown = [point for point in run["curve"] if point["updates"] % LONG_RUN_SHOWN_EVERY == 0]
    published = _published_figures(run["dataset"], run["packing"])

    def row(label, field, form, anchor):
        return [label, *(form(point[field]) for point in shown), anchor]

    rows = [row("modes", "modes", str, published["modes"]),
            row("modes (1 %)", "modes_1_percent", str, "-"),
            row("high quality %", "high_quality_percent", "{:.1f}".format,
                published["high_quality"]),
            row("reverse KL", "reverse_kl", "{:.2f}".format, published["reverse_kl"])]
    header = ["updates", *(f"{point['updates']:,}" for point in shown), "PacGAN Table 1 (400,000)"]
    return _markdown(_table(header, rows),
                     f"Every {LONG_RUN_SHOWN_EVERY:,} updates shown; "
                     f"{run['wall_seconds']:,.0f} s. {_provenance(results)}")


# Images: the mnist, conditional and fashion suites, scored in a domain classifier's features.

MNIST_TRAINING_DIGITS = 8000  # the mnist suite trains on 8,000 of MNIST's 10,000 test digits


def _mnist_scores(scores):
    """A row's scores; KID and its error as recorded ("g"): the table kept 2 and 3 decimals."""
    return [f"{scores['fid']:.2f}", _plus_minus(scores["kid"], scores["kid_std_error"], "g"),
            _plus_minus(scores["classifier_score"], scores["classifier_score_std"], ".2f"),
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
    return _markdown(_table(header, rows),
                     f"The domain classifier's held-out accuracy: "
                     f"{_percent(results['classifier']['test_accuracy'])}. {_provenance(results)}")


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
            f"{_percent(run['class_accuracy'])} | {_percent(min(run['per_class'].values()))} | "
            f"{run['fid']:.1f} | {run['train_seconds']} |"
        )
    classifier = results["classifier"]
    lines += [
        "",
        f"Each run: `{results['train_command']}` with the arguments shown, then "
        f"`{results['evaluate_command']}`. {_classifier_line(classifier)} "
        f"{results['machine']}, {results['date']}.",
    ]
    return "\n".join(lines) + "\n"


def _conditional_columns(kid_form):
    """The conditional suite's scores, KID shown by `kid_form` (the tables show KID x 1000)."""
    return (("class_accuracy", "{:.3f}".format, HIGHER), ("fid", "{:.1f}".format, LOWER),
            ("kid", kid_form, LOWER), ("intra_class_fid", "{:.1f}".format, LOWER))


def _conditional_model(run):
    label = "keras.io reference" if run["model"] == "keras_io_reference" else f"`{run['model']}`"
    return _noted(label, run, "model")


def conditional_digits(*results):
    """The conditional suite on the digits, one results file per number of steps: both
    models' scores (the better in bold), speed and wall time, the real-vs-real floor, and the
    first file's classifier, sample counts and speed ratio."""
    columns = _conditional_columns(lambda kid: f"{1000 * kid:.1f}")
    rows = []
    for result in results:
        for run, cells in zip(result["runs"], _compared(result["runs"], columns)):
            rows.append([_conditional_model(run), f"{result['steps']:,}", *cells,
                         _rate(result["images_per_second"][run["model"]]["median"]),
                         f"{run['wall_seconds']:,.0f} s"])
    first = results[0]
    rows.append(["real vs real (floor)", "-",
                 *(_cell(first["real_floor"][field], form) for field, form, _ in columns),
                 "-", "-"])
    header = [f"model (batch {first['batch_size']})", "steps", "class accuracy", "FID",
              "KID x1000", "intra-class FID", "images/s", "wall"]
    return _markdown(_table(header, rows),
                     f"{_classifier(first['classifier'])}; {first['num_generated']} generated "
                     f"(balanced over the classes) against {first['num_real']} real images; "
                     f"images/s of cgan over the reference's: "
                     f"{first['cgan_over_reference_speed']:.2f}x. {_provenance(*results)}")


def conditional_fashion(results):
    """The conditional suite on Fashion-MNIST: both models' scores (the better in bold) and
    wall times."""
    columns = _conditional_columns(lambda kid: f"{1000 * kid:.2f}")
    rows = [[_conditional_model(run), *cells, f"{run['wall_seconds']:,.0f} s"]
            for run, cells in zip(results["runs"], _compared(results["runs"], columns))]
    header = [f"model ({results['steps']:,} steps, batch {results['batch_size']})",
              "class accuracy", "FID", "KID x1000", "intra-class FID", "wall"]
    return _markdown(_table(header, rows),
                     f"{_classifier(results['classifier'])}. {_provenance(results)}")


FASHION_COLUMNS = (
    ("fid", "{:.2f}".format, LOWER), ("fid_over_reference", "{:.2f}".format, LOWER),
    ("kid", "{:.3f}".format, LOWER), ("precision", "{:.3f}".format, HIGHER),
    ("recall", "{:.3f}".format, HIGHER), ("class_accuracy", "{:.3f}".format, HIGHER),
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
                  _noted(f"{run['wall_seconds']:,.0f}", run, "wall_seconds")]
                 for run, cells in zip(group, _compared(group, FASHION_COLUMNS))]
    setting, floor = results["setting"], results["real_floor"]
    rows.append([f"real: {setting['test_images']:,} training vs the test images (floor)", "-",
                 *(_cell(floor.get(field), form) for field, form, _ in FASHION_COLUMNS), "-"])
    header = ["model", "keras.io reference", "FID ↓", "FID / ref.", "KID ↓", "precision ↑",
              "recall ↑", "class accuracy ↑", "wall s"]
    return _markdown(_table(header, rows),
                     f"{_classifier(results['classifier'])}; {setting['steps']} generator steps "
                     f"at batch {setting['batch_size']} for every model, seed 0, float32. "
                     f"{_provenance(results)}")


def _fids(results, name):
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
        fids = _fids(results, name)
        if len(fids) < 2:
            continue
        at_defaults = [run for run in defaults["runs"] if run["name"] == name]
        default_fids = _joined(_noted(f"{run['fid']:.2f}", run, "fid") for run in at_defaults)
        if len(at_defaults) > 1:
            default_fids += f" (seeds {_joined(run['seed'] for run in at_defaults)})"
        rows.append([f"`{name}`", *(_cell(fids.get(seed), "{:.2f}".format) for seed in seeds),
                     _mean_std(fids.values(), ".2f"), f"{_fids(results, reference)[0]:.2f}",
                     default_fids or "-"])
    header = ["model", *(f"seed {seed}" for seed in seeds),
              "mean ± std (ddof 0, as the suite prints)", "reference (seed 0)",
              "without the recipe (defaults)"]
    return _markdown(_table(header, rows))


# Speed: the speed and sampling suites.


def _gflop(flops):
    """FLOPs in GFLOP, two decimals below 10 and one above: 0.44, 1.77, 26.2, 104.8."""
    gflop = flops / 1e9
    return f"{gflop:.1f}" if gflop >= 10 else f"{gflop:.2f}"


def speed(results):
    """The speed suite with --torch: images/s of the reference, ganzoo (float32 and default)
    and PyTorch, their ratios, and the FLOPs and share of the matmul peaks."""
    rows = []
    for row in results["training"]:
        peak = row["default_percent_of_peak"]
        rows.append([row["model"], row["batch_size"],
                     *(_rates(row[kind]) for kind in ("reference", "float32", "default", "torch")),
                     *(f"{row[ratio]:.2f}" for ratio in ("float32_over_reference",
                                                         "default_over_reference",
                                                         "default_over_torch")),
                     _gflop(row["flops_per_step"]), f"{peak['float32']} % / {peak['bfloat16']} %"])
    header = ["model", "batch", "reference (keras.io, f32)", "ganzoo float32",
              f"ganzoo default ({results['training'][0]['default_precision']})",
              "PyTorch eager (f32)", "f32 / ref", "default / ref", "default / PyTorch",
              "GFLOP per step", "default: % of f32 / bf16 matmul peak"]
    return _markdown(_table(header, rows),
                     f"Matmul peaks measured by the same run: "
                     f"{results['float32_matmul_peak'] / 1e9:.0f} GFLOP/s float32, "
                     f"{results['bfloat16_matmul_peak'] / 1e9:.0f} GFLOP/s bfloat16. "
                     f"{_provenance(results)}")


def speed_same_networks(results):
    """The speed suite on models measured against a keras.io-style reference on their own
    networks (the critics, stylegan2; a backbone chosen by --model_args; a lazy R1 kept lazy):
    ganzoo in float32 and at the machine's default, and the ratios."""
    def model(row):
        given = ", ".join(f"{name}={value}" for name, value in row.get("model_args", {}).items())
        return f"{row['model']} ({given})" if given else row["model"]

    rows = [[model(row), row["batch_size"], _rates(row["reference"]), _rates(row["float32"]),
             _rates(row["default"]), f"{row['float32_over_reference']:.2f}",
             f"{row['default_over_reference']:.2f}"] for row in results["training"]]
    header = ["model", "batch", "reference img/s [min-max]", "ganzoo float32",
              f"ganzoo default ({results['training'][0]['default_precision']})", "f32 / ref",
              "default / ref"]
    return _markdown(_table(header, rows), *results.get("notes", []), _provenance(results))


def regularizer_costs(results):
    """StyleGAN2's step time with one regulariser changed at a time, against its defaults."""
    rows = [[row["variant"],
             ", ".join(f"{name}={value}" for name, value in row["arguments"].items()) or "-",
             _rates(row["images_per_second"]), f"{row['time_over_defaults']:.2f}"]
            for row in results["variants"]]
    header = ["variant", "arguments changed", "img/s [min-max]", "step time / defaults"]
    return _markdown(_table(header, rows),
                     f"`{results['model']}` at batch {results['batch_size']} on "
                     f"{results['data']}, {results['precision']}: {results['repetitions']} "
                     f"alternating runs of {results['steps']} timed steps each.",
                     *results.get("notes", []), _provenance(results))


def augment(results):
    """DiffAugment and ADA against none on little data: per data set and augmentation, the
    seeds run, the scores (mean ± std over the seeds) and the training time against none's."""
    groups = {}
    for run in results["runs"]:
        groups.setdefault((run["data"], run["augment"]), []).append(run)

    def mean(runs, field):  # over the runs that have the field (a resumed run has no time)
        return statistics.fmean(run[field] for run in runs if run[field] is not None)

    def over_seeds(runs, field, spec):  # one seed: its value; more: mean ± std
        values = [run[field] for run in runs]
        return f"{values[0]:{spec}}" if len(values) == 1 else _mean_std(values, spec)

    rows = []
    for (data, augment_name), runs in groups.items():
        none = groups.get((data, "none"))
        rows.append([
            data, augment_name, _joined(run["seed"] for run in runs), f"{runs[0]['steps']:,}",
            *(over_seeds(runs, field, spec) for field, spec in (
                ("fid", ".2f"), ("kid", ".3f"), ("precision", ".3f"), ("recall", ".3f"))),
            f"{mean(runs, 'train_seconds'):,.0f}",
            "-" if none is None else
            f"{mean(runs, 'train_seconds') / mean(none, 'train_seconds'):.2f}",
        ])
    header = ["data", "augment", "seeds", "steps", "FID ↓", "KID ↓", "precision ↑",
              "recall ↑", "train s", "train time / none's"]
    untimed = [f"{run['data']} {run['augment']} seed {run['seed']}: "
               f"{run.get('notes', {}).get('train_seconds', 'not timed')}"
               for run in results["runs"] if run["train_seconds"] is None]
    return _markdown(_table(header, rows), *(
        [f"Training time over the timed seeds only ({'; '.join(untimed)})."] if untimed else []),
        _provenance(results))


def sampling(results):
    """The sampling suite: per model and signature, SavedModel vs live images/s and their ratio
    at each batch size; a starred cell's footnote below."""
    cells, footnotes = {}, []
    for row in results["sampling"]:
        text = (f"{_rate(row['saved_model']['median'])} vs {_rate(row['live']['median'])} "
                f"({row['ratio']:.2f}x)")
        if "footnote" in row:
            text += "*"
            footnotes.append(f"\\* {row['model']} `{row['signature']}` at batch "
                             f"{row['batch_size']}: {row['footnote']}.")
        cells.setdefault((row["model"], row["signature"]), {})[row["batch_size"]] = text
    batches = sorted({row["batch_size"] for row in results["sampling"]})
    rows = [[model, signature, *(by_batch.get(batch, "-") for batch in batches)]
            for (model, signature), by_batch in cells.items()]
    header = ["model", "signature", *(f"batch {batch}" for batch in batches)]
    return _markdown(_table(header, rows), *footnotes, _provenance(results))


_KERAS_IO_LABELS = {"keras_io_dcgan": "keras.io DCGAN", "keras_io_wgan_gp": "keras.io WGAN-GP",
                    "keras_io_conditional_gan": "keras.io conditional GAN"}


def _per_minute_rows(per_minute_results):
    """The summary's rows of the quality-per-minute suite: each ganzoo model whose reference
    it also trained, FID at each mark against the reference's."""
    marks = _PER_MINUTE_MARKS
    runs = {run["name"]: run for run in per_minute_results["runs"]}

    def fids(run):
        cells, _ = _fids_by_marks(run["curve"], marks, lambda point: point["minutes"],
                                  lambda point: point["mark"])
        trained = run["train_seconds"] / 60
        return " / ".join(cell.split(" (")[0] if trained >= mark else
                          f"(stopped at {trained:.0f} min)" for cell, mark in zip(cells, marks))

    return [[f"Fashion-MNIST, FID after {' / '.join(map(str, marks))} training minutes on 2 CPU "
             f"cores, `{name}`", fids(run),
             f"{_KERAS_IO_LABELS.get(run['reference'], run['reference'])}: "
             f"{fids(runs[run['reference']])}"]
            for name, run in runs.items()
            if run["reference"] is not None and run["reference"] in runs]


def results_summary(toy_results, fashion_results, obedience, digits, speed_results,
                    per_minute_results):
    """The README's summary: one headline figure from each of several results files, beside
    the reference it is measured against."""
    rows = [[f"{r['dataset']} of {r['num_modes']} Gaussians, modes ({r['seeds']} seeds)",
             f"{_plus_minus(r['modes_captured']['mean'], r['modes_captured']['std'], '.1f')} "
             f"of {r['num_modes']}",
             f"PacGAN's GAN: {_published_figures(r['dataset'], 1)['modes']}"]
            for r in toy_results["results"]]
    steps = fashion_results["setting"]["steps"]
    for name, reference_label in (("dcgan", "keras.io DCGAN"),
                                  ("cgan", "keras.io conditional GAN")):
        fids = _fids(fashion_results, name)
        reference = next(run["reference"] for run in fashion_results["runs"]
                         if run["name"] == name)
        rows.append([f"Fashion-MNIST, {steps} steps, FID of `{name}` ({len(fids)} seeds)",
                     _mean_std(fids.values(), ".1f"),
                     f"{reference_label}: {_fids(fashion_results, reference)[0]:.1f}"])
    rows += _per_minute_rows(per_minute_results)
    at_defaults = [run for run in obedience["runs"]
                   if run["model"] == "cgan" and not run["arguments"]]
    obedience_steps = _obedience_steps(obedience)
    keras_io = next(run for run in digits["runs"] if run["model"] == "keras_io_reference")
    rows.append([f"MNIST, {obedience_steps:,} steps, samples of the class asked for, `cgan` "
                 f"({len(at_defaults)} seeds)",
                 _joined(_percent(run["class_accuracy"]) for run in at_defaults),
                 f"keras.io conditional GAN, embedded digits, {digits['steps']:,} steps: "
                 f"{_percent(keras_io['class_accuracy'])}"])
    dcgan = next(row for row in speed_results["training"]
                 if row["model"] == "dcgan" and row["batch_size"] == 64)
    rows.append(["`dcgan` training speed, batch 64, 2 CPU cores",
                 f"{dcgan['default_over_reference']:.2f}x", "keras.io's `train_step`"])
    return _markdown(_table(["measurement", "ganzoo", "reference"], rows))


# Training to the plateau (scripts/benchmarks/plateau.py).

# The model arguments a plateau run's row shows: those its recipe or command set (run.json
# holds every argument; these are the ones that vary between the zoo's image models).
_PLATEAU_ARGUMENTS = ("g_learning_rate", "d_steps")


def _plateau_model(run, code="`"):
    """A plateau run's model, with the --model_args it was given: `sngan` (architecture=resnet)."""
    given = ", ".join(f"{name}={value}" for name, value in run.get("model_args", {}).items())
    return f"{code}{run['model']}{code}" + (f" ({given})" if given else "")


def fashion_plateau(results):
    """Every plateau run: when and why it stopped, its best FID during training (2,000
    samples) and its final scores (10,000 samples against the 10,000 test images)."""
    classifier = results["classifier"]["test_accuracy"]
    rows = []
    for run in results["runs"]:
        final = run["final"]
        arguments = ", ".join(f"{name}={run['model_arguments'][name]:g}"
                              for name in _PLATEAU_ARGUMENTS if name in run["model_arguments"])
        accuracy = final.get("class_accuracy")
        rows.append([
            _plateau_model(run), run["seed"], arguments or "defaults",
            f"{run['steps']:,} ({run['stopped_by']})",
            _noted(f"{run['train_seconds'] / 60:.0f}", run, "train_seconds"),
            _percent(run["eval_seconds"] / run["train_seconds"]),
            f"{run['best']['fid']:.2f} @ {run['best']['step']:,}", f"{final['fid']:.2f}",
            f"{1000 * final['kid']:.1f}", f"{final['precision']:.3f}", f"{final['recall']:.3f}",
            "-" if accuracy is None else f"{_percent(accuracy)} ({accuracy / classifier:.0%})",
        ])
    table = _table(["model", "seed", "arguments", "steps (stopped by)", "train min",
                    "scoring (of train time)", "best FID @ step", "final FID", "KID x 1000", "precision", "recall",
                    "class accuracy (of the classifier's)"], rows)
    return _markdown(
        table,
        f"Each run: `{results['train_command']}`, then `{results['evaluate_command']}`. "
        f"{_classifier_line(results['classifier'])} {_provenance(results)}",
    )


# Training minutes (evaluations excluded) at which the equal-time table compares the runs.
_EQUAL_TIME_MINUTES = (20, 40, 60)


def _fids_by_marks(curve, marks, minute_of, mark_of=None):
    """(FID cells, last score): for each mark (training minutes), "<FID> (<minute>)" of the
    curve's last score within it ("-" where none), and the score within the last mark (None
    where none). `minute_of(score)` is the training minute a score was taken at,
    `mark_of(score)` (default: the same) the one it stands for."""
    mark_of = mark_of or minute_of

    def within(minutes):
        done = [score for score in curve if mark_of(score) <= minutes]
        return done[-1] if done else None

    cells = []
    for minutes in marks:
        score = within(minutes)
        cells.append("-" if score is None else f"{score['fid']:.2f} ({minute_of(score):.0f})")
    return cells, within(marks[-1])


def fashion_equal_time(results):
    """Every plateau run at the same training minutes: its scores at the last evaluation
    (one an epoch) within each mark, with the minute of that evaluation."""
    marks = _EQUAL_TIME_MINUTES
    rows = []
    for run in results["runs"]:
        cells, last = _fids_by_marks(run["curve"], marks, lambda r: r["train_seconds"] / 60)
        cells += (["-"] * 3 if last is None else
                  [f"{1000 * last['kid']:.1f}", f"{last['precision']:.3f}",
                   f"{last['recall']:.3f}"])
        rows.append([_plateau_model(run), run["seed"],
                     _noted(f"{run['train_seconds'] / run['steps']:.3f}", run, "train_seconds"),
                     *cells])
    header = ["model", "seed", "s a step", *(f"FID by {m} min (at min)" for m in marks),
              *(f"{name} by {marks[-1]} min" for name in ("KID x 1000", "precision", "recall"))]
    samples = int(re.search(r"--eval_samples=(\d+)", results["train_command"]).group(1))
    return _markdown(
        _table(header, rows),
        f"Scores on {samples:,} samples against {samples:,} test images, as scored during "
        "training; a run scores after each epoch, so a cell shows the last score within its "
        "mark and the training minute it was taken at (\"-\": no epoch done by then). Minutes "
        "are the runs' own training time (scoring excluded) on the machine below, which other "
        f"work shared part of the time. From the runs of the table above. {_provenance(results)}",
    )


def _classifier_line(classifier):
    return (f"Classifier: `{classifier['command']}` (held-out accuracy "
            f"{_percent(classifier['test_accuracy'])}, weights `{classifier['sha256']}`).")


def fashion_plateau_chart(results):
    """FID during training against training minutes, one line per plateau run (log scale)."""
    from ganzoo import charts

    series = {f"{_plateau_model(run, code='')} seed {run['seed']}": [
        (record["train_seconds"] / 60, record["fid"]) for record in run["curve"]]
        for run in results["runs"]}
    return charts.line_chart(series, "training minutes (2 CPU cores)",
                             "FID in the domain classifier's features (2,000 samples)",
                             log_y=True, size=(620, 820))


# Training minutes at which the quality-per-minute table compares the contenders.
_PER_MINUTE_MARKS = (20, 60)
_FROM_PLATEAU = "plateau run"


def _plateau_contenders(per_minute_results, plateau):
    """The plateau runs (results/fashion_plateau.json) of the models the quality-per-minute
    suite did not train, as its contenders: their curves (one score an epoch) cut at its
    budget, each score standing for the minute it was taken at. ValueError where the plateau
    runs were scored otherwise (classifier, samples) or trained on another batch."""
    setting = per_minute_results["setting"]
    ours = per_minute_results["classifier"]["weights_sha256"]
    theirs = plateau["classifier"]["sha256"]
    samples = int(re.search(r"--eval_samples=(\d+)", plateau["train_command"]).group(1))
    if ours != theirs or samples != setting["eval_samples"]:
        raise ValueError(f"the plateau runs were scored with classifier {theirs} on {samples} "
                         f"samples, the per-minute suite with {ours} on "
                         f"{setting['eval_samples']}: their curves do not compare")
    done = {run["name"] for run in per_minute_results["runs"]}
    contenders = []
    for run in plateau["runs"]:
        if run["model"] in done and not run.get("model_args"):
            continue
        if run["batch_size"] != setting["batch_size"]:
            raise ValueError(f"plateau run {_plateau_model(run, code='')} seed {run['seed']} "
                             f"trained on batch {run['batch_size']}, the per-minute suite on "
                             f"{setting['batch_size']}")
        curve = []
        for record in run["curve"]:
            minutes = record["train_seconds"] / 60
            if minutes > setting["minutes"]:
                break
            curve.append({"mark": minutes, "minutes": minutes, "batches": record["step"],
                          **{key: record.get(key) for key in (
                              "fid", "kid", "precision", "recall", "class_accuracy")}})
        contenders.append({
            "name": run["model"], "model": run["model"], "model_args": run.get("model_args", {}),
            "reference": _FROM_PLATEAU, "seed": run["seed"],
            "precision": run["model_arguments"].get("precision", "?"),
            "train_seconds": min(run["train_seconds"], 60 * setting["minutes"]),
            "curve": curve})
    return contenders


def _contender_label(run, code="`"):
    if run["reference"] == _FROM_PLATEAU:
        return f"{_plateau_model(run, code)} ({run['precision']}, {_FROM_PLATEAU})"
    if run["reference"] is None:
        return f"{code}{run['name']}{code}"
    return f"{code}{run['name']}{code} ({run['precision']})"


def per_minute(results, plateau):
    """Each contender of the quality-per-minute suite at the same training minutes: FID at
    each mark (with the minute it was scored), KID, precision, recall and class accuracy at
    the last mark, the batches it trained by then, and the minutes it trained in all; then
    the plateau runs of the ganzoo models the suite did not train, read the same way."""
    marks = _PER_MINUTE_MARKS
    setting = results["setting"]
    rows = []
    for run in results["runs"] + _plateau_contenders(results, plateau):
        cells, last = _fids_by_marks(run["curve"], marks, lambda point: point["minutes"],
                                     lambda point: point["mark"])
        cells += (["-"] * 5 if last is None else [
            f"{1000 * last['kid']:.1f}", f"{last['precision']:.3f}", f"{last['recall']:.3f}",
            _cell(last.get("class_accuracy"), _percent), f"{last['batches']:,}"])
        rows.append([_contender_label(run), run["seed"], *cells,
                     f"{run['train_seconds'] / 60:.0f}"])
    header = ["contender", "seed", *(f"FID by {m} min (at min)" for m in marks),
              *(f"{name} by {marks[-1]} min" for name in (
                  "KID x 1000", "precision", "recall", "class accuracy", "batches")),
              "trained min"]
    return _markdown(
        _table(header, rows),
        f"Scores on {setting['eval_samples']:,} samples against the first "
        f"{setting['eval_samples']:,} test images, every {setting['score_every']:g} training "
        f"minutes (scoring excluded from the clock), batch {setting['batch_size']}; a cell shows "
        "the score taken at its mark (the first batch past it) and the minute it was taken at "
        "(\"-\": no score by then; \"trained min\" says where a contender stopped). "
        f"{_classifier(results['classifier'])}. Regenerate with "
        f"{_commands(results['commands'])}. Machine: "
        f"{_joined(sorted({run['machine'] for run in results['runs']}))}. Dates: "
        f"{_joined(sorted({run['date'] for run in results['runs']}))}.",
        f"Rows marked \"{_FROM_PLATEAU}\" are not this suite's runs: they are the plateau "
        "table's runs (above) of the ganzoo models it has not trained, with the same scores "
        "(the same classifier, samples and noise) taken after every epoch rather than on this "
        "suite's schedule, so a cell is the last epoch's score within its mark. Their clock also "
        "counts ganzoo-train's checkpoints, backups and sample grids, and a run stopped at its "
        f"plateau or budget before {setting['minutes']:g} minutes shows where. From "
        f"`python scripts/benchmarks/plateau.py`. {_provenance(plateau)}",
    )


def per_minute_chart(results, plateau):
    """FID against training minutes, one line per contender of the quality-per-minute suite
    and per plateau run it borrows (see per_minute)."""
    from ganzoo import charts

    def label(run):  # the chart's legend cuts labels at 40 characters
        if run["reference"] == _FROM_PLATEAU:
            return f"{_plateau_model(run, code='')} plateau s{run['seed']}"
        return f"{run['name']} seed {run['seed']}"

    series = {label(run): [
        (point["minutes"], point["fid"]) for point in run["curve"]]
        for run in results["runs"] + _plateau_contenders(results, plateau)}
    return charts.line_chart(series, "training minutes (2 CPU cores)",
                             "FID in the domain classifier's features (2,000 samples)",
                             log_y=True, size=(620, 820))


# The README's zoo table: (registered names, paper, losses of D and G, D's normalisation).
ZOO = (
    (("gan",), "Goodfellow et al. 2014", "minimax: G descends log(1 - D(G(z)))", "none"),
    (("nsgan",), "Goodfellow et al. 2014, Sec. 3", "non-saturating: G descends -log D(G(z))",
     "none"),
    (("dcgan",), "Radford et al. 2015", "non-saturating", "batch"),
    (("wgan_gp",), "Gulrajani et al. 2017", "Wasserstein + gradient penalty", "none"),
    (("lsgan",), "Mao et al. 2017", "least squares", "batch"),
    (("sngan",), "Miyato et al. 2018", "hinge", "spectral"),
    (("cgan",), "Miyato & Koyama 2018", "hinge, projection D", "spectral"),
    (("acgan",), "Odena et al. 2017", "non-saturating + class cross-entropy", "batch"),
    (("stylegan2", "cstylegan2"), "Karras et al. 2020",
     "non-saturating + lazy R1, style mixing, path length", "none (equalised learning rate)"),
)


def _range(values, form, unit=""):
    """"<low>-<high><unit>" of `values` in `form`, or one value where both read the same."""
    low, high = form(min(values)), form(max(values))
    return f"{low}{unit}" if low == high else f"{low}-{high}{unit}"


def _percents(fractions):
    return _range(fractions, lambda value: f"{100 * value:.1f}", " %")


def _obedience_steps(obedience):
    return int(re.search(r"--steps=(\d+)", obedience["train_command"]).group(1))


def _zoo_headlines(model, toy_results, plateau, obedience):
    """The README's headline results of `model`: its toy, plateau and obedience runs."""
    lines = [f"{r['dataset']}: {r['modes_captured']['mean']:g} of {r['num_modes']} modes, "
             f"{r['high_quality_percent']['mean']:g} % sharp, {r['seeds']} seeds"
             for r in toy_results["results"] if r["model"] == model and r["dataset"] == "ring"]
    runs = [run for run in plateau["runs"] if run["model"] == model and not run.get("model_args")]
    if runs:
        fids = [run["final"]["fid"] for run in runs]
        line = (f"Fashion-MNIST, {_range([run['steps'] for run in runs], '{:,}'.format)} steps "
                f"({_range([run['train_seconds'] / 60 for run in runs], '{:.0f}'.format)} min, "
                f"{len(runs)} seed{'s' if len(runs) > 1 else ''}): FID "
                + (_mean_std(fids, ".2f") if len(fids) > 1 else f"{fids[0]:.2f}"))
        accuracies = [run["final"]["class_accuracy"] for run in runs
                      if run["final"].get("class_accuracy") is not None]
        if accuracies:
            line += f", {_percents(accuracies)} of the class asked for"
        lines.append(line)
    at_defaults = [run["class_accuracy"] for run in obedience["runs"]
                   if run["model"] == model and not run["arguments"]]
    if at_defaults:
        lines.append(f"MNIST, {_obedience_steps(obedience):,} steps: {_percents(at_defaults)} "
                     "of the class asked for")
    return "; ".join(lines) or "(not benchmarked)"


# The shipped zoo's folders: those of scripts/zoo_table.py's models that have been built.
SAVED_MODELS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                            "saved_models")


def zoo(toy_results, plateau, obedience, saved_models=SAVED_MODELS):
    """The README's table of the zoo: each model, its paper and losses, its headline results
    (from the results files) and the cards of its shipped models (scripts/zoo_table.py's
    models with a card under `saved_models`; an entry not built yet has none)."""
    import zoo_table

    rows = []
    for names, paper, loss, normalisation in ZOO:
        shipped = sorted((name for name, entry in zoo_table.SHIPPED.items()
                          if zoo_table.flag_value(entry.train_args, "model") in names
                          and os.path.isfile(os.path.join(saved_models, name,
                                                          "model_card.md"))),
                         key=lambda name: (not name.endswith("_fashion"), name))
        rows.append([", ".join(f"`{name}`" for name in names), paper, loss, normalisation,
                     _zoo_headlines(names[0], toy_results, plateau, obedience),
                     ", ".join(f"[{name}](saved_models/{name}/model_card.md)"
                               for name in shipped)])
    return _markdown(_table(["model", "paper", "loss (D, G)", "D normalisation",
                             "headline results", "shipped"], rows))


BENCHMARKS = "docs/benchmarks.md"
# name: (results files under results/, renderer taking them in that order, page), in page order
REPORTS = {
    "toy": (("toy.json",), toy, BENCHMARKS),
    "mnist": (("mnist.json",), mnist, BENCHMARKS),
    "conditional_obedience": (("conditional_obedience.json",), conditional_obedience, BENCHMARKS),
    "conditional_digits": (("conditional_digits.json", "conditional_digits_400_steps.json"),
                           conditional_digits, BENCHMARKS),
    "conditional_fashion": (("conditional_fashion.json",), conditional_fashion, BENCHMARKS),
    "pacgan": (("pacgan.json",), pacgan, BENCHMARKS),
    "pacgan_modes_curve": (("pacgan.json",), functools.partial(pacgan_curve, "modes"),
                           BENCHMARKS),
    "pacgan_quality_curve": (("pacgan.json",),
                             functools.partial(pacgan_curve, "high_quality_percent"), BENCHMARKS),
    "pacgan_grid_300k": (("pacgan_grid_300k.json",), pacgan_long_run, BENCHMARKS),
    "fashion": (("fashion.json",), fashion, BENCHMARKS),
    "fashion_seeds": (("fashion.json", "fashion_defaults.json"), fashion_seeds, BENCHMARKS),
    "speed": (("speed.json",), speed, BENCHMARKS),
    "speed_critics": (("speed_critics.json",), speed_same_networks, BENCHMARKS),
    "speed_stylegan2": (("speed_stylegan2.json",), speed_same_networks, BENCHMARKS),
    "speed_resnet": (("speed_resnet.json",), speed_same_networks, BENCHMARKS),
    "regularizer_costs": (("regularizer_costs.json",), regularizer_costs, BENCHMARKS),
    "sampling": (("sampling.json",), sampling, BENCHMARKS),
    "augment": (("augment.json",), augment, BENCHMARKS),
    "fashion_plateau": (("fashion_plateau.json",), fashion_plateau, BENCHMARKS),
    "fashion_equal_time": (("fashion_plateau.json",), fashion_equal_time, BENCHMARKS),
    "per_minute": (("per_minute.json", "fashion_plateau.json"), per_minute, BENCHMARKS),
    "zoo": (("toy.json", "fashion_plateau.json", "conditional_obedience.json"), zoo,
            "README.md"),
    "results_summary": (("toy.json", "fashion.json", "conditional_obedience.json",
                         "conditional_digits.json", "speed.json", "per_minute.json"),
                        results_summary, "README.md"),
}


# name: (results files under results/, function drawing a uint8 RGB picture, PNG path)
FIGURES = {
    "fashion_plateau_curve": (("fashion_plateau.json",), fashion_plateau_chart,
                              "docs/images/fashion_plateau.png"),
    "per_minute_curve": (("per_minute.json", "fashion_plateau.json"), per_minute_chart,
                         "docs/images/per_minute.png"),
}


def _loaded(root, results_files):
    loaded = []
    for results_file in results_files:
        with open(os.path.join(root, "results", results_file)) as source:
            loaded.append(json.load(source))
    return loaded


def rendered(root, name):
    """The table `name` as scripts/report.py writes it, from its results files."""
    results_files, render, _ = REPORTS[name]
    return render(*_loaded(root, results_files))


def drawn(root, name):
    """The PNG bytes of figure `name` as scripts/report.py draws it (the same on every
    machine)."""
    from ganzoo import charts

    results_files, draw, _ = FIGURES[name]
    return charts.png_bytes(draw(*_loaded(root, results_files)))


def _section(name):
    return re.compile(
        rf"(<!-- report: {name} -->\n)(.*?)(<!-- end report: {name} -->)", re.S
    )


def committed(root, name):
    """The table `name` as its page holds it now."""
    page = os.path.join(root, REPORTS[name][2])
    with open(page) as text:
        match = _section(name).search(text.read())
    if match is None:
        raise SystemExit(f"error: {REPORTS[name][2]} has no <!-- report: {name} --> section")
    return match.group(2)


def replaced(content, name, table):
    """The page text `content` with the section of table `name` holding `table`."""
    return _section(name).sub(lambda m: m.group(1) + table + m.group(3), content)
