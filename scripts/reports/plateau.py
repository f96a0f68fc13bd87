"""Training to the plateau (scripts/benchmarks/plateau.py): the plateau table, the same runs
at equal wall time, and their curves."""

import re

from . import markup

# The model arguments a plateau run's row shows: those its recipe or command set (run.json
# holds every argument; these are the ones that vary between the zoo's image models).
_PLATEAU_ARGUMENTS = ("g_learning_rate", "d_steps")


def plateau_model(run, code="`"):
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
            plateau_model(run), run["seed"], arguments or "defaults",
            f"{run['steps']:,} ({run['stopped_by']})",
            markup.noted(f"{run['train_seconds'] / 60:.0f}", run, "train_seconds"),
            markup.percent(run["eval_seconds"] / run["train_seconds"]),
            f"{run['best']['fid']:.2f} @ {run['best']['step']:,}", f"{final['fid']:.2f}",
            f"{1000 * final['kid']:.1f}", f"{final['precision']:.3f}", f"{final['recall']:.3f}",
            "-" if accuracy is None else
            f"{markup.percent(accuracy)} ({accuracy / classifier:.0%})",
        ])
    table = markup.table(["model", "seed", "arguments", "steps (stopped by)", "train min",
                          "scoring (of train time)", "best FID @ step", "final FID",
                          "KID x 1000", "precision", "recall",
                          "class accuracy (of the classifier's)"], rows)
    return markup.markdown(
        table,
        f"Each run: `{results['train_command']}`, then `{results['evaluate_command']}`. "
        f"{markup.classifier_line(results['classifier'])} {markup.provenance(results)}",
    )


# Training minutes (evaluations excluded) at which the equal-time table compares the runs.
_EQUAL_TIME_MINUTES = (20, 40, 60)


def score_within(curve, minutes, mark_of):
    """The curve's last score whose mark, `mark_of(score)` in training minutes, is within
    `minutes`; None where there is none."""
    done = [score for score in curve if mark_of(score) <= minutes]
    return done[-1] if done else None


def fids_by_marks(curve, marks, minute_of, mark_of=None):
    """(FID cells, last score): for each mark (training minutes), "<FID> (<minute>)" of the
    curve's last score within it ("-" where none), and the score within the last mark (None
    where none). `minute_of(score)` is the training minute a score was taken at,
    `mark_of(score)` (default: the same) the one it stands for."""
    mark_of = mark_of or minute_of
    cells = []
    for minutes in marks:
        score = score_within(curve, minutes, mark_of)
        cells.append("-" if score is None else f"{score['fid']:.2f} ({minute_of(score):.0f})")
    return cells, score_within(curve, marks[-1], mark_of)


def fashion_equal_time(results):
    """Every plateau run at the same training minutes: its scores at the last evaluation
    (one an epoch) within each mark, with the minute of that evaluation."""
    marks = _EQUAL_TIME_MINUTES
    rows = []
    for run in results["runs"]:
        cells, last = fids_by_marks(run["curve"], marks, lambda r: r["train_seconds"] / 60)
        cells += (["-"] * 3 if last is None else
                  [f"{1000 * last['kid']:.1f}", f"{last['precision']:.3f}",
                   f"{last['recall']:.3f}"])
        rows.append([plateau_model(run), run["seed"],
                     markup.noted(f"{run['train_seconds'] / run['steps']:.3f}", run,
                                  "train_seconds"),
                     *cells])
    header = ["model", "seed", "s a step", *(f"FID by {m} min (at min)" for m in marks),
              *(f"{name} by {marks[-1]} min" for name in ("KID x 1000", "precision", "recall"))]
    samples = int(re.search(r"--eval_samples=(\d+)", results["train_command"]).group(1))
    return markup.markdown(
        markup.table(header, rows),
        f"Scores on {samples:,} samples against {samples:,} test images, as scored during "
        "training; a run scores after each epoch, so a cell shows the last score within its "
        "mark and the training minute it was taken at (\"-\": no epoch done by then). Minutes "
        "are the runs' own training time (scoring excluded) on the machine below, which other "
        f"work shared part of the time. From the runs of the table above. "
        f"{markup.provenance(results)}",
    )


def fashion_plateau_chart(results):
    """FID during training against training minutes, one line per plateau run (log scale)."""
    from ganzoo import charts

    series = {f"{plateau_model(run, code='')} seed {run['seed']}": [
        (record["train_seconds"] / 60, record["fid"]) for record in run["curve"]]
        for run in results["runs"]}
    return charts.line_chart(series, "training minutes (2 CPU cores)",
                             "FID in the domain classifier's features (2,000 samples)",
                             log_y=True, size=(620, 820))
