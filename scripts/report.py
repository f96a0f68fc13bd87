"""Write the result tables of docs/benchmarks.md and the README from the results files, so that
no figure is typed by hand.

    python scripts/report.py            # rewrite every generated table
    python scripts/report.py --check    # exit 1, naming the page, if a table differs

What each table and figure is, and the renderers, are in scripts/reports/; this script only
compares them with their pages and rewrites what differs. tests/test_reports.py fails when a
committed table is not what this script would write, and when docs/benchmarks.md holds a table
typed by hand.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # `cli`, `reports` in a checkout

import cli  # noqa: E402
import reports  # noqa: E402
from absl import flags  # noqa: E402

flags.DEFINE_bool("check", False, "Only compare: exit 1 if a generated table is out of date.")
flags.DEFINE_string("root", os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    "The checkout whose results/, docs/ and README.md are read.")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    stale = []
    for name, (_, _, page_name) in reports.REPORTS.items():
        table = reports.rendered(FLAGS.root, name)
        if reports.committed(FLAGS.root, name) == table:
            continue
        stale.append(f"{page_name} ({name})")
        if not FLAGS.check:
            page = os.path.join(FLAGS.root, page_name)
            with open(page) as text:
                content = text.read()
            content = reports.replaced(content, name, table)
            with open(page, "w") as text:
                text.write(content)
    for name, (_, _, path) in reports.FIGURES.items():
        picture = reports.drawn(FLAGS.root, name)
        target = os.path.join(FLAGS.root, path)
        if os.path.exists(target):
            with open(target, "rb") as png:
                if png.read() == picture:
                    continue
        stale.append(f"{path} ({name})")
        if not FLAGS.check:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as png:
                png.write(picture)
    if FLAGS.check and stale:
        print(f"out of date: {', '.join(stale)}; run python scripts/report.py", file=sys.stderr)
        sys.exit(1)
    print(("rewrote: " + ", ".join(stale)) if stale else "every generated table is up to date")


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
