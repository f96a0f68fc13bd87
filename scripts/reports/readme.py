"""The README's generated tables: the results summary and the zoo."""

import os
import re

from . import images, markup, mixtures, per_minute
from .plateau import score_within

def per_minute_rows(per_minute_results, plateau):
    """The summary's rows of the quality-per-minute suite, each a ganzoo model's FID at each
    mark beside that of the keras.io example set against it, on the same seed: every model
    the suite trained whose example it trained too, and for an example with none of those,
    the first model of the table set against it (a borrowed plateau run)."""
    marks = per_minute.MARKS

    def fid(run, mark):
        trained = run["train_seconds"] / 60
        at_plateau = run.get("stopped_by") == "plateau"
        if trained < mark and not at_plateau:
            return f"(stopped at {trained:.0f} min)"
        score = score_within(run["curve"], mark, lambda point: point["mark"])
        if score is None:
            return "-"
        return (f"{score['fid']:.2f}" if trained >= mark else
                f"{score['fid']:.2f} (its plateau at {trained:.0f} min)")

    def fids(run):
        return " / ".join(fid(run, mark) for mark in marks)

    runs = per_minute.contenders(per_minute_results, plateau)
    rows = []
    for example in (run for run in runs if run["reference"] is None):
        against = [run for run in runs
                   if run["reference"] == example["name"] and run["seed"] == example["seed"]]
        trained = [run for run in against if not run.get("borrowed")]
        for model in trained or against[:1]:
            rows.append([f"Fashion-MNIST, FID after {' / '.join(map(str, marks))} training "
                         f"minutes on 2 CPU cores, {per_minute.contender_label(model)}",
                         fids(model),
                         f"{per_minute.KERAS_IO_LABELS.get(example['name'], example['name'])}: "
                         f"{fids(example)}"])
    return rows


def results_summary(toy_results, fashion_results, obedience, digits, speed_results,
                    per_minute_results, plateau):
    """The README's summary: one headline figure from each of several results files, beside
    the reference it is measured against."""
    def modes(r):
        return markup.plus_minus(r["modes_captured"]["mean"], r["modes_captured"]["std"], ".1f")

    rows = [[f"{r['dataset']} of {r['num_modes']} Gaussians, modes ({r['seeds']} seeds)",
             f"{modes(r)} of {r['num_modes']}",
             f"PacGAN's GAN: {mixtures.published_figures(r['dataset'], 1)['modes']}"]
            for r in toy_results["results"]]
    steps = fashion_results["setting"]["steps"]
    for name, reference_label in (("dcgan", "keras.io DCGAN"),
                                  ("cgan", "keras.io conditional GAN")):
        fids = images.seed_fids(fashion_results, name)
        reference = next(run["reference"] for run in fashion_results["runs"]
                         if run["name"] == name)
        rows.append([f"Fashion-MNIST, {steps} steps, FID of `{name}` ({len(fids)} seeds)",
                     markup.mean_std(fids.values(), ".1f"),
                     f"{reference_label}: {images.seed_fids(fashion_results, reference)[0]:.1f}"])
    rows += per_minute_rows(per_minute_results, plateau)
    at_defaults = [run for run in obedience["runs"]
                   if run["model"] == "cgan" and not run["arguments"]]
    obedience_steps = _obedience_steps(obedience)
    keras_io = next(run for run in digits["runs"] if run["model"] == "keras_io_reference")
    rows.append([f"MNIST, {obedience_steps:,} steps, samples of the class asked for, `cgan` "
                 f"({len(at_defaults)} seeds)",
                 markup.joined(markup.percent(run["class_accuracy"]) for run in at_defaults),
                 f"keras.io conditional GAN, embedded digits, {digits['steps']:,} steps: "
                 f"{markup.percent(keras_io['class_accuracy'])}"])
    dcgan = next(row for row in speed_results["training"]
                 if row["model"] == "dcgan" and row["batch_size"] == 64)
    rows.append(["`dcgan` training speed, batch 64, 2 CPU cores",
                 f"{dcgan['default_over_reference']:.2f}x", "keras.io's `train_step`"])
    return markup.markdown(markup.table(["measurement", "ganzoo", "reference"], rows))


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
                + (markup.mean_std(fids, ".2f") if len(fids) > 1 else f"{fids[0]:.2f}"))
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
SAVED_MODELS = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "saved_models")


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
    return markup.markdown(markup.table(["model", "paper", "loss (D, G)", "D normalisation",
                                         "headline results", "shipped"], rows))
