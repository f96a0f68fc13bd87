"""Quality per minute (scripts/benchmarks/per_minute.py): ganzoo against the keras.io
examples, with the plateau runs of the models the suite did not train."""

import re

from . import markup
from .plateau import fids_by_marks, plateau_model

# Training minutes at which the quality-per-minute table compares the contenders.
MARKS = (20, 60)
_FROM_PLATEAU = "plateau run"
KERAS_IO_LABELS = {"keras_io_dcgan": "keras.io DCGAN", "keras_io_wgan_gp": "keras.io WGAN-GP",
                   "keras_io_conditional_gan": "keras.io conditional GAN"}


def reference_of(model):
    """The keras.io example the suite sets against ganzoo image model `model` (the rule of
    scripts/benchmarks/keras_io.py: the conditional GAN, WGAN-GP or DCGAN example), from the
    model's registered defaults (a plateau run's model_args do not change it)."""
    import ganzoo  # here, not above: TensorFlow loads only when a plateau run is borrowed
    from benchmarks.keras_io import keras_io_reference_name

    return keras_io_reference_name(ganzoo.get_model_class(model))


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
    done = {(run["name"], run["seed"]) for run in per_minute_results["runs"]}
    contenders = []
    for run in plateau["runs"]:
        if (run["model"], run["seed"]) in done and not run.get("model_args"):
            continue
        if run["batch_size"] != setting["batch_size"]:
            raise ValueError(f"plateau run {plateau_model(run, code='')} seed {run['seed']} "
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
            "reference": reference_of(run["model"]), "borrowed": True, "seed": run["seed"],
            "stopped_by": run.get("stopped_by"),
            "precision": run["model_arguments"].get("precision", "?"),
            "train_seconds": min(run["train_seconds"], 60 * setting["minutes"]),
            "curve": curve})
    return contenders


def contenders(results, plateau):
    """The suite's runs and the plateau runs it borrows (see _plateau_contenders), each
    keras.io example after the ganzoo models set against it, in the examples' order; models
    whose example the suite has not trained come last, by example."""
    runs = results["runs"] + _plateau_contenders(results, plateau)
    examples = [run["name"] for run in runs if run["reference"] is None]

    def group(run):
        example = run["reference"] or run["name"]
        if example in examples:
            return (examples.index(example), "", run["reference"] is None)
        return (len(examples), example, False)

    return sorted(runs, key=group)  # stable: the suite's runs first, then the plateau's


def contender_label(run, code="`"):
    """A contender's name as the table shows it: its precision, and a borrowed run marked."""
    if run.get("borrowed"):
        return f"{plateau_model(run, code)} ({run['precision']}, {_FROM_PLATEAU})"
    if run["reference"] is None:
        return f"{code}{run['name']}{code}"
    return f"{code}{run['name']}{code} ({run['precision']})"


def per_minute(results, plateau):
    """Each contender of the quality-per-minute suite at the same training minutes: FID at
    each mark (with the minute it was scored), KID, precision, recall and class accuracy at
    the last mark, the batches it trained by then, and the minutes it trained in all. The
    plateau runs of the ganzoo models (and seeds) the suite did not train are read the same
    way, and each keras.io example follows the models set against it (see contenders)."""
    marks = MARKS
    setting = results["setting"]
    rows = []
    for run in contenders(results, plateau):
        cells, last = fids_by_marks(run["curve"], marks, lambda point: point["minutes"],
                                     lambda point: point["mark"])
        cells += (["-"] * 5 if last is None else [
            f"{1000 * last['kid']:.1f}", f"{last['precision']:.3f}", f"{last['recall']:.3f}",
            markup.cell(last.get("class_accuracy"), markup.percent), f"{last['batches']:,}"])
        rows.append([contender_label(run), run["seed"], *cells,
                     f"{run['train_seconds'] / 60:.0f}"])
    header = ["contender", "seed", *(f"FID by {m} min (at min)" for m in marks),
              *(f"{name} by {marks[-1]} min" for name in (
                  "KID x 1000", "precision", "recall", "class accuracy", "batches")),
              "trained min"]
    return markup.markdown(
        markup.table(header, rows),
        f"Scores on {setting['eval_samples']:,} samples against the first "
        f"{setting['eval_samples']:,} test images, every {setting['score_every']:g} training "
        f"minutes (scoring excluded from the clock), batch {setting['batch_size']}; a cell shows "
        "the score taken at its mark (the first batch past it) and the minute it was taken at "
        "(\"-\": no score by then; \"trained min\" says where a contender stopped). Each "
        "keras.io example follows the ganzoo models set against it. "
        f"{markup.classifier(results['classifier'])}. Regenerate with "
        f"{markup.quoted_commands(results['commands'])}. Machine: "
        f"{markup.joined(sorted({run['machine'] for run in results['runs']}))}. Dates: "
        f"{markup.joined(sorted({run['date'] for run in results['runs']}))}.",
        f"Rows marked \"{_FROM_PLATEAU}\" are not this suite's runs: they are the plateau "
        "table's runs (above) of the ganzoo models it has not trained, with the same scores "
        "(the same classifier, samples and noise) taken after every epoch rather than on this "
        "suite's schedule, so a cell is the last epoch's score within its mark. Their clock also "
        "counts ganzoo-train's checkpoints, backups and sample grids, and a run stopped at its "
        f"plateau or budget before {setting['minutes']:g} minutes shows where. From "
        f"`python scripts/benchmarks/plateau.py`. {markup.provenance(plateau)}",
    )


def per_minute_chart(results, plateau):
    """FID against training minutes: one panel per keras.io example, stacked, with the
    example's curve (dashed) and those of the ganzoo models set against it (see contenders),
    the suite's runs and the plateau runs it borrows alike."""
    import numpy as np
    from ganzoo import charts

    def label(run):  # the chart's legend cuts labels at 40 characters
        if run.get("borrowed"):
            return f"{plateau_model(run, code='')} plateau s{run['seed']}"
        return f"{run['name']} seed {run['seed']}"

    panels = {}  # example -> {label: curve}, in the table's order
    examples = set()
    for run in contenders(results, plateau):
        example = run["reference"] or run["name"]
        panels.setdefault(example, {})[label(run)] = [
            (point["minutes"], point["fid"]) for point in run["curve"]]
        if run["reference"] is None:
            examples.add(label(run))
    return np.concatenate([
        charts.line_chart(series, "training minutes (2 CPU cores)",
                          f"FID vs {KERAS_IO_LABELS.get(example, example)}", log_y=True,
                          size=(330 + 18 * len(series), 820), dashed=examples,
                          x_max=results["setting"]["minutes"])
        for example, series in panels.items()])
