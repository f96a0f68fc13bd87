"""How the 2-D suites (toy, pacgan) score samples of the ring and the grid: mode coverage as
PacGAN counts it, and PacGAN's Table 1 to set beside it."""

# PacGAN (Lin et al. 2018), Table 1 as its code's repository shows it (fjxmlzn/PacGAN,
# synthetic_data_experiments/results/Table1.png): modes captured, high-quality samples and
# reverse KL, mean +- standard error over 10 runs of 400,000 updates; VEEGAN (Srivastava et al.
# 2017), Table 1.
PUBLISHED = {
    "ring": {"GAN": "6.3 ± 0.5 modes, 98.2 ± 0.2 %, reverse KL 0.45 ± 0.09",
             "PacGAN2": "7.9 ± 0.1 modes, 95.6 ± 2.0 %, reverse KL 0.07 ± 0.03",
             "PacGAN3": "7.8 ± 0.1 modes, 97.7 ± 0.3 %, reverse KL 0.10 ± 0.02",
             "PacGAN4": "7.8 ± 0.1 modes, 95.9 ± 1.4 %, reverse KL 0.07 ± 0.02",
             "VEEGAN": "8 modes, 52.9 %"},
    "grid": {"GAN": "17.3 ± 0.8 modes, 94.8 ± 0.7 %, reverse KL 0.70 ± 0.07",
             "PacGAN2": "23.8 ± 0.7 modes, 91.3 ± 0.8 %, reverse KL 0.13 ± 0.04",
             "PacGAN3": "24.6 ± 0.4 modes, 94.2 ± 0.4 %, reverse KL 0.06 ± 0.02",
             "PacGAN4": "24.8 ± 0.2 modes, 93.6 ± 0.6 %, reverse KL 0.04 ± 0.01",
             "VEEGAN": "24.6 modes, 40 %"},
}


def coverage_both_ways(samples, centers, std):
    """(mode_coverage with a mode covered by one high-quality sample, PacGAN's code; the same
    with 1 % of the samples, 25 of 2,500)."""
    from ganzoo import metrics

    return (metrics.mode_coverage(samples, centers, std, min_samples_per_2500=1),
            metrics.mode_coverage(samples, centers, std, min_samples_per_2500=25))
