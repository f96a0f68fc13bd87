"""Formatting shared by the renderers: cells, tables and the lines under them."""

import statistics

NOT_RECORDED = "not recorded"
# Which value of a compared column is the better one (in bold).
LOWER, HIGHER = min, max


def percent(value):
    return f"{100 * value:.1f} %"


def plus_minus(value, error, spec):
    return f"{value:{spec}} ± {error:{spec}}"


def mean_std(values, spec):
    """Mean ± std (ddof 0, as the suites print it) of `values`."""
    return plus_minus(statistics.fmean(values), statistics.pstdev(values), spec)


def joined(values, form=str):
    return ", ".join(form(value) for value in values)


def cell(value, form):
    """`value` formatted by the callable `form`, or "-" where the results have none."""
    return "-" if value is None else form(value)


def rate(images_per_second):
    """Images/s as the tables show them: whole, with thousands separators; one decimal below 20
    (the slowest critics)."""
    return f"{images_per_second:.1f}" if images_per_second < 20 else f"{images_per_second:,.0f}"


def rates(summary):
    """A timing summary {"median", "min", "max"} as "<median> [<min>-<max>]"."""
    return f"{rate(summary['median'])} [{rate(summary['min'])}-{rate(summary['max'])}]"


def noted(text, run, field):
    """`text` (the figure of `run`'s `field`) followed by the results file's note on it, if any."""
    note = run.get("notes", {}).get(field)
    return f"{text} ({note})" if note else text


def quoted_commands(commands):
    return ", then ".join(f"`{command}`" for command in commands)


def provenance(results, *more):
    """The line under a table: the commands recorded in its results files (the suites that
    record none leave it out), then the machine and date of the first file."""
    commands = []
    for r in (results, *more):
        commands += r.get("commands") or ([r["command"]] if "command" in r else [])
    line = (f"Machine: {results.get('machine', NOT_RECORDED)}. "
            f"Date: {results.get('date', NOT_RECORDED)}.")
    return f"Regenerate with {quoted_commands(commands)}. {line}" if commands else line


def classifier(classifier):
    """A domain classifier's metadata (as ganzoo.features records it) in a phrase."""
    return (f"Domain classifier v{classifier['version']} `{classifier['weights_sha256']}`, "
            f"held-out accuracy {classifier['test_accuracy']:.3f}")


def table(header, rows):
    """Markdown table lines: the header cells, then one line per row of cells."""
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows)]


def markdown(table, *paragraphs):
    """A section's text: the table's lines, then each paragraph after a blank line."""
    return "\n".join([*table, *(f"\n{paragraph}" for paragraph in paragraphs)]) + "\n"


def compared(runs, columns):
    """One row of cells per run for `columns` [(field, form, better)]: each value formatted by
    `form`, "-" where absent, the better one among `runs` in bold where `better` (LOWER or
    HIGHER) says which that is."""
    by_column = []
    for field, form, better in columns:
        values = [run.get(field) for run in runs]
        present = [value for value in values if value is not None]
        best = better(present) if better and present else None
        by_column.append([f"**{form(value)}**" if value is not None and value == best
                          else cell(value, form) for value in values])
    return [list(row) for row in zip(*by_column)]


def classifier_line(classifier):
    return (f"Classifier: `{classifier['command']}` (held-out accuracy "
            f"{percent(classifier['test_accuracy'])}, weights `{classifier['sha256']}`).")
