"""DiffAugment and ADA against none on little data: the augment suite."""

import statistics

from . import markup


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
        return f"{values[0]:{spec}}" if len(values) == 1 else markup.mean_std(values, spec)

    rows = []
    for (data, augment_name), runs in groups.items():
        none = groups.get((data, "none"))
        rows.append([
            data, augment_name, markup.joined(run["seed"] for run in runs),
            f"{runs[0]['steps']:,}",
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
    return markup.markdown(markup.table(header, rows), *(
        [f"Training time over the timed seeds only ({'; '.join(untimed)})."] if untimed else []),
        markup.provenance(results))
