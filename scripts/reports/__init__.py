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

The package: `markup` formats cells, tables and the line under them; one module per family of
suites renders its tables (`mixtures`, `images`, `speed`, `augment`, `plateau`,
`per_minute`), `readme` the README's; this module registers them and reads and rewrites the
pages. It defines no flags, so tests import it beside any script's module.
"""

import functools
import json
import os
import re
import sys

# `benchmarks` and `zoo_table` in a checkout, as in an installed ganzoo_scripts
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from . import augment, images, mixtures, per_minute, plateau, readme, speed  # noqa: E402

BENCHMARKS = "docs/benchmarks.md"
# name: (results files under results/, renderer taking them in that order, page), in page order
REPORTS = {
    "toy": (("toy.json",), mixtures.toy, BENCHMARKS),
    "mnist": (("mnist.json",), images.mnist, BENCHMARKS),
    "conditional_obedience": (("conditional_obedience.json",), images.conditional_obedience,
                              BENCHMARKS),
    "conditional_digits": (("conditional_digits.json", "conditional_digits_400_steps.json"),
                           images.conditional_digits, BENCHMARKS),
    "conditional_fashion": (("conditional_fashion.json",), images.conditional_fashion, BENCHMARKS),
    "pacgan": (("pacgan.json",), mixtures.pacgan, BENCHMARKS),
    "pacgan_modes_curve": (("pacgan.json",), functools.partial(mixtures.pacgan_curve, "modes"),
                           BENCHMARKS),
    "pacgan_quality_curve": (("pacgan.json",),
                             functools.partial(mixtures.pacgan_curve, "high_quality_percent"),
                             BENCHMARKS),
    "pacgan_grid_300k": (("pacgan_grid_300k.json",), mixtures.pacgan_long_run, BENCHMARKS),
    "fashion": (("fashion.json",), images.fashion, BENCHMARKS),
    "fashion_seeds": (("fashion.json", "fashion_defaults.json"), images.fashion_seeds, BENCHMARKS),
    "speed": (("speed.json",), speed.speed, BENCHMARKS),
    "speed_critics": (("speed_critics.json",), speed.speed_same_networks, BENCHMARKS),
    "speed_stylegan2": (("speed_stylegan2.json",), speed.speed_same_networks, BENCHMARKS),
    "speed_resnet": (("speed_resnet.json",), speed.speed_same_networks, BENCHMARKS),
    "regularizer_costs": (("regularizer_costs.json",), speed.regularizer_costs, BENCHMARKS),
    "sampling": (("sampling.json",), speed.sampling, BENCHMARKS),
    "augment": (("augment.json",), augment.augment, BENCHMARKS),
    "fashion_plateau": (("fashion_plateau.json",), plateau.fashion_plateau, BENCHMARKS),
    "fashion_equal_time": (("fashion_plateau.json",), plateau.fashion_equal_time, BENCHMARKS),
    "per_minute": (("per_minute.json", "fashion_plateau.json"), per_minute.per_minute, BENCHMARKS),
    "zoo": (("toy.json", "fashion_plateau.json", "conditional_obedience.json"), readme.zoo,
            "README.md"),
    "results_summary": (("toy.json", "fashion.json", "conditional_obedience.json",
                         "conditional_digits.json", "speed.json", "per_minute.json",
                         "fashion_plateau.json"),
                        readme.results_summary, "README.md"),
}


# name: (results files under results/, function drawing a uint8 RGB picture, PNG path)
FIGURES = {
    "fashion_plateau_curve": (("fashion_plateau.json",), plateau.fashion_plateau_chart,
                              "docs/images/fashion_plateau.png"),
    "per_minute_curve": (("per_minute.json", "fashion_plateau.json"), per_minute.per_minute_chart,
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
