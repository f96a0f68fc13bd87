"""Write the docs' result tables from the results files, so that no figure is typed by hand.

    python scripts/report.py            # rewrite every generated table in docs/
    python scripts/report.py --check    # exit 1, naming the page, if a table differs

A generated table sits in a docs page between `<!-- report: <name> -->` and
`<!-- end report: <name> -->`; `REPORTS` maps each name to its results file (under results/)
and the function that renders it. tests/test_reports.py fails when a committed table is not
what this script would write.
"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # For `cli` in a checkout.

import cli  # noqa: E402
from absl import flags  # noqa: E402

flags.DEFINE_bool("check", False, "Only compare: exit 1 if a generated table is out of date.")
flags.DEFINE_string("root", os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    "The checkout whose results/ and docs/ are read.")
FLAGS = flags.FLAGS


def _percent(value):
    return f"{100 * value:.1f} %"


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
        f"`{results['evaluate_command']}`. Classifier: `{classifier['command']}` (held-out "
        f"accuracy {_percent(classifier['test_accuracy'])}, weights `{classifier['sha256']}`). "
        f"{results['machine']}, {results['date']}.",
    ]
    return "\n".join(lines) + "\n"


# name: (results file under results/, renderer, docs page)
REPORTS = {
    "conditional_obedience": (
        "conditional_obedience.json", conditional_obedience, "docs/benchmarks.md"
    ),
}


def rendered(root, name):
    """The table `name` as this script writes it, from its results file."""
    results_file, render, _ = REPORTS[name]
    with open(os.path.join(root, "results", results_file)) as source:
        return render(json.load(source))


def _section(name):
    return re.compile(
        rf"(<!-- report: {name} -->\n)(.*?)(<!-- end report: {name} -->)", re.S
    )


def committed(root, name):
    """The table `name` as its docs page holds it now."""
    page = os.path.join(root, REPORTS[name][2])
    with open(page) as text:
        match = _section(name).search(text.read())
    if match is None:
        raise SystemExit(f"error: {REPORTS[name][2]} has no <!-- report: {name} --> section")
    return match.group(2)


def main(argv):
    del argv
    stale = []
    for name, (_, _, page_name) in REPORTS.items():
        table = rendered(FLAGS.root, name)
        if committed(FLAGS.root, name) == table:
            continue
        stale.append(f"{page_name} ({name})")
        if not FLAGS.check:
            page = os.path.join(FLAGS.root, page_name)
            with open(page) as text:
                content = text.read()
            content = _section(name).sub(lambda m: m.group(1) + table + m.group(3), content)
            with open(page, "w") as text:
                text.write(content)
    if FLAGS.check and stale:
        print(f"out of date: {', '.join(stale)}; run python scripts/report.py", file=sys.stderr)
        sys.exit(1)
    print(("rewrote: " + ", ".join(stale)) if stale else "every generated table is up to date")


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
