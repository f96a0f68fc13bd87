"""The benchmark suites, one module each with its own flags, over shared helpers.

Suites (each `python scripts/benchmarks/<suite>.py`; `--help` says what it measures):
    toy          the ring and grid recipes over seeds, beside PacGAN's Table 1
    pacgan       PacGAN's toy protocol (GAN and PacGAN2), beside its Table 1
    mnist        dcgan on real MNIST digits, FID/KID against held-apart digits
    conditional  cgan against keras.io's conditional_gan.py: class accuracy, FID, speed
    fashion      every image model against its keras.io example on Fashion-MNIST
    obedience    do cgan and acgan draw the class asked for (real MNIST, from the CLI)
    plateau      every image model trained to its plateau on full Fashion-MNIST
    per_minute   quality per wall-clock minute: ganzoo against the keras.io examples
    augment      DiffAugment and ADA against none on little data (digits, 10 % of Fashion)
    speed        training images/s against the same networks trained plainly (and PyTorch)
    regularizer_costs  StyleGAN2's step time with one regulariser changed at a time
    sampling     images/s of the exported SavedModel against the live generator
Each writes its results as JSON to --output, by default in the repository's results/
(common.RESULTS: results/<suite>.json, or the name its docstring gives), from which
scripts/report.py writes docs/benchmarks.md's tables (renderers in scripts/reports/); speed
and sampling write runs/<suite>.json in the working folder. Nothing defaults to the
repository's root.

Shared helpers, one job each: `common` (paths, running ganzoo's commands, results files),
`references` (ganzoo's networks trained the plain way), `keras_io` (the keras.io examples),
`torch_twin` (the same networks in PyTorch), `timing` (images/s), `flops` (FLOPs and the matmul
peak), `selection` (what speed and sampling measure), `contenders` (training and drawing the
image suites' contenders), `scoring` (their scores in a domain classifier's features), `modes`
(mode coverage of 2-D samples, PacGAN's Table 1). They define no flags, so tests import them.

Installed commands: only `ganzoo-benchmark` (speed) and `ganzoo-benchmark-sampling` (sampling).
They measure the machine they run on, with the embedded data, and write under the working
folder's runs/ as ganzoo-train does, so they make sense after `pip install`. The other suites
are a checkout's tools, run as `python scripts/benchmarks/<suite>.py`: they read data kept
beside the checkout (MNIST, Debian's Fashion-MNIST), write the repository's results/ that
docs/benchmarks.md is generated from, and record their command lines relative to its root.
"""
