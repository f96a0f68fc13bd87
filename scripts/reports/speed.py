"""Speed: the speed, regularizer-cost and sampling suites."""

from . import markup


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
                     *(markup.rates(row[kind])
                       for kind in ("reference", "float32", "default", "torch")),
                     *(f"{row[ratio]:.2f}" for ratio in ("float32_over_reference",
                                                         "default_over_reference",
                                                         "default_over_torch")),
                     _gflop(row["flops_per_step"]), f"{peak['float32']} % / {peak['bfloat16']} %"])
    header = ["model", "batch", "reference (keras.io, f32)", "ganzoo float32",
              f"ganzoo default ({results['training'][0]['default_precision']})",
              "PyTorch eager (f32)", "f32 / ref", "default / ref", "default / PyTorch",
              "GFLOP per step", "default: % of f32 / bf16 matmul peak"]
    return markup.markdown(markup.table(header, rows),
                           f"Matmul peaks measured by the same run: "
                           f"{results['float32_matmul_peak'] / 1e9:.0f} GFLOP/s float32, "
                           f"{results['bfloat16_matmul_peak'] / 1e9:.0f} GFLOP/s bfloat16. "
                           f"{markup.provenance(results)}")


def speed_same_networks(results):
    """The speed suite on models measured against a keras.io-style reference on their own
    networks (the critics, stylegan2; a backbone chosen by --model_args; a lazy R1 kept lazy):
    ganzoo in float32 and at the machine's default, and the ratios."""
    def model(row):
        given = ", ".join(f"{name}={value}" for name, value in row.get("model_args", {}).items())
        return f"{row['model']} ({given})" if given else row["model"]

    rows = [[model(row), row["batch_size"], markup.rates(row["reference"]),
             markup.rates(row["float32"]),
             markup.rates(row["default"]), f"{row['float32_over_reference']:.2f}",
             f"{row['default_over_reference']:.2f}"] for row in results["training"]]
    header = ["model", "batch", "reference img/s [min-max]", "ganzoo float32",
              f"ganzoo default ({results['training'][0]['default_precision']})", "f32 / ref",
              "default / ref"]
    return markup.markdown(markup.table(header, rows), *results.get("notes", []),
                           markup.provenance(results))


def regularizer_costs(results):
    """StyleGAN2's step time with one regulariser changed at a time, against its defaults."""
    rows = [[row["variant"],
             ", ".join(f"{name}={value}" for name, value in row["arguments"].items()) or "-",
             markup.rates(row["images_per_second"]), f"{row['time_over_defaults']:.2f}"]
            for row in results["variants"]]
    header = ["variant", "arguments changed", "img/s [min-max]", "step time / defaults"]
    return markup.markdown(markup.table(header, rows),
                           f"`{results['model']}` at batch {results['batch_size']} on "
                           f"{results['data']}, {results['precision']}: {results['repetitions']} "
                           f"alternating runs of {results['steps']} timed steps each.",
                           *results.get("notes", []), markup.provenance(results))


def sampling(results):
    """The sampling suite: per model and signature, SavedModel vs live images/s and their ratio
    at each batch size; a starred cell's footnote below."""
    cells, footnotes = {}, []
    for row in results["sampling"]:
        text = (f"{markup.rate(row['saved_model']['median'])} vs "
                f"{markup.rate(row['live']['median'])} "
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
    return markup.markdown(markup.table(header, rows), *footnotes, markup.provenance(results))
