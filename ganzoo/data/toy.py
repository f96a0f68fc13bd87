"""2-D toy distributions for mode-coverage experiments (Srivastava et al. 2017; Lin et al. 2018).

    ring: 8 Gaussians, std 0.01, centres evenly spaced on the unit circle.
    grid: 25 Gaussians, std 0.05, centres at {-4, -2, 0, 2, 4}^2.

Labels: a point's class is the index of the mode it was drawn from (the row of `mode_centers`),
named "mode_0", "mode_1", ...; this lets class-conditional models be tried on tiny 2-D data.
"""

import numpy as np

TOY_DATASETS = ("ring", "grid")


def mode_centers(name):
    """float32 [num_modes, 2] centres and the std of every mode, for `name` in TOY_DATASETS."""
    if name == "ring":
        angles = 2 * np.pi * np.arange(8) / 8
        return np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32), 0.01
    if name == "grid":
        axis = np.arange(-4, 5, 2, dtype=np.float32)
        return np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2), 0.05
    raise ValueError(f"unknown toy dataset {name!r}; known: {', '.join(TOY_DATASETS)}")


def class_names(name):
    """("mode_0", "mode_1", ...): one class per mode of `name`, in `mode_centers` order."""
    return tuple(f"mode_{i}" for i in range(len(mode_centers(name)[0])))


def sample_toy_with_modes(name, num_samples, seed=0):
    """Points and the modes they were drawn from, from a seeded numpy generator.

    Returns:
        (float32 [num_samples, 2] points, the same as `sample_toy(name, num_samples, seed)`;
         int32 [num_samples] mode indices, chosen uniformly: the rows of `mode_centers(name)`).
    """
    centers, std = mode_centers(name)
    rng = np.random.default_rng(seed)
    modes = rng.integers(len(centers), size=num_samples)
    points = (centers[modes] + std * rng.standard_normal((num_samples, 2))).astype(np.float32)
    return points, modes.astype(np.int32)


def sample_toy(name, num_samples, seed=0):
    """float32 [num_samples, 2] points, modes chosen uniformly, from a seeded numpy generator."""
    return sample_toy_with_modes(name, num_samples, seed)[0]
