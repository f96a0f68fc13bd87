"""2-D mixtures: the toy and pacgan suites, beside PacGAN's Table 1 (benchmarks.modes)."""

import re

from benchmarks import modes

from . import markup

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


def published_figures(dataset, packing):
    """PacGAN Table 1's {"modes", "high_quality", "reverse_kl"} for `dataset` at `packing`,
    each as "<mean> ± <error>"."""
    published = modes.PUBLISHED[dataset][_pacgan_name(packing)]
    return _PUBLISHED_FIGURES.fullmatch(published).groupdict()


def toy(results):
    """The toy suite: per data set and model, every seed's modes and high-quality share, their
    mean ± std, and PacGAN's Table 1 beside them."""
    rows = []
    for r in results["results"]:
        runs, kl = r["runs"], r["reverse_kl"]
        rows.append([
            f"{r['dataset']} of {r['num_modes']}", f"`{r['model']}`", r["seeds"],
            markup.joined(run["modes_captured"] for run in runs),
            markup.plus_minus(r["modes_captured"]["mean"], r["modes_captured"]["std"], ".1f"),
            markup.joined(run["modes_1_percent"] for run in runs),
            markup.joined((run["high_quality_percent"] for run in runs), "{:.1f}".format),
            markup.plus_minus(r["high_quality_percent"]["mean"], r["high_quality_percent"]["std"],
                              ".1f"),
            markup.NOT_RECORDED if kl is None else markup.plus_minus(kl["mean"], kl["std"], ".3f"),
            "; ".join(f"{name}: {modes.PUBLISHED[r['dataset']][name]}" for name in TOY_ANCHORS),
        ])
    header = ["data", "model", "seeds", "modes per seed", "modes (mean ± std)",
              "modes with 1 % per seed", "high-quality % per seed",
              "high quality % (mean ± std)", "reverse KL", "PacGAN Table 1"]
    return markup.markdown(markup.table(header, rows), markup.provenance(results))


def _over_seeds(point, field, spec):
    """A curve point's mean ± standard error over seeds of `field`."""
    return markup.plus_minus(point[field]["mean"], point[field]["standard_error"], spec)


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
                        f"{markup.joined(seeds['modes'])} and "
                        f"{markup.joined(seeds['high_quality_percent'], '{:.1f}'.format)}")
    seeds = results["groups"][0]["per_seed"]["seeds"]
    header = ["data", "model", "packing", "seeds", "modes", "modes (1 %)", "high quality %",
              "reverse KL", "wall s", "PacGAN Table 1"]
    return markup.markdown(markup.table(header, rows),
                           f"Per seed ({seeds[0]}-{seeds[-1]}), modes and high-quality %: "
                           f"{'; '.join(per_seed)}. {markup.provenance(results)}")


def pacgan_curve(field, results):
    """One of the pacgan suite's curves, `field` ("modes" or "high_quality_percent") against
    generator updates, mean ± standard error over seeds."""
    updates = [point["updates"] for point in results["groups"][0]["curve"]]
    rows = [[group["dataset"], group["model"], group["packing"],
             *(_over_seeds(point, field, ".1f") for point in group["curve"])]
            for group in results["groups"]]
    header = ["data", "model", "packing", *(f"{u:,}" for u in updates)]
    return markup.markdown(markup.table(header, rows))


def pacgan_long_run(results):
    """The pacgan suite's one long run: its scores every LONG_RUN_SHOWN_EVERY updates, beside
    PacGAN Table 1's at the paper's budget."""
    run = results["runs"][0]
    shown = [point for point in run["curve"] if point["updates"] % LONG_RUN_SHOWN_EVERY == 0]
    published = published_figures(run["dataset"], run["packing"])

    def row(label, field, form, anchor):
        return [label, *(form(point[field]) for point in shown), anchor]

    rows = [row("modes", "modes", str, published["modes"]),
            row("modes (1 %)", "modes_1_percent", str, "-"),
            row("high quality %", "high_quality_percent", "{:.1f}".format,
                published["high_quality"]),
            row("reverse KL", "reverse_kl", "{:.2f}".format, published["reverse_kl"])]
    header = ["updates", *(f"{point['updates']:,}" for point in shown), "PacGAN Table 1 (400,000)"]
    return markup.markdown(markup.table(header, rows),
                           f"Every {LONG_RUN_SHOWN_EVERY:,} updates shown; "
                           f"{run['wall_seconds']:,.0f} s. {markup.provenance(results)}")
