"""The plateau rule and the quality record's resume, without training."""

import math

import pytest

from ganzoo import quality_log


@pytest.mark.parametrize("fids, tolerance, expected", [
    ([], 0.02, 0),
    ([10.0], 0.02, 0),  # the first evaluation sets the best
    ([10.0, 9.0], 0.02, 0),  # 10 % lower: progress
    ([10.0, 9.9], 0.02, 1),  # 1 % lower: within the tolerance, no progress
    ([10.0, 9.0, 9.5, 8.9], 0.02, 2),  # 8.9 is only 1.1 % below the best (9.0)
    ([10.0, 9.0, 9.5, 8.8], 0.02, 0),  # 2.2 % below it
    ([10.0, 5.0, 4.95, 4.99], 0.02, 2),
    ([10.0, math.nan, 9.0], 0.0, 0),  # NaN is never progress, and does not become the best
    ([10.0, math.nan], 0.0, 1),
    ([3.0, 2.0, 1.0], 0.0, 0),
    ([1.0, 1.0, 1.0], 0.0, 2),  # equal is not lower
    ([5.0, 1.0], 1.0, 1),  # a tolerance of 100 %: only the first evaluation is progress
])
def test_evaluations_without_progress(fids, tolerance, expected):
    assert quality_log.evaluations_without_progress(fids, tolerance) == expected


@pytest.mark.parametrize("fids, tolerance, expected", [
    ([], 0.02, None),
    ([math.nan, math.inf], 0.02, None),  # a non-finite FID never makes progress
    ([10.0, 5.0, 4.95, 4.99], 0.02, 1),  # 4.95 is lower, but only 1 % below 5.0
    ([10.0, 9.0, 9.5, 8.8], 0.02, 3),
    ([math.nan, 3.0, 2.0], 0.0, 2),
])
def test_last_progress_is_the_evaluation_the_later_ones_are_held_against(fids, tolerance,
                                                                          expected):
    assert quality_log.last_progress(fids, tolerance) == expected
    count = len(fids) if expected is None else len(fids) - 1 - expected
    assert quality_log.evaluations_without_progress(fids, tolerance) == count


def test_best_skips_non_finite_scores():
    records = [{"step": 1, "fid": math.nan}, {"step": 2, "fid": 3.0}, {"step": 3, "fid": 2.5},
               {"step": 4, "fid": 2.7}]
    assert quality_log.best(records)["step"] == 3
    assert quality_log.best([{"step": 1, "fid": math.inf}]) is None


def test_a_resumed_record_keeps_the_steps_up_to_its_backup(tmp_path):
    path = str(tmp_path / quality_log.FILE_NAME)
    assert quality_log.read(path) == []
    for step in (10, 20, 30):
        quality_log.append(path, {"step": step, "fid": 1.0 / step})
    assert [r["step"] for r in quality_log.read(path, up_to_step=20)] == [10, 20]
    quality_log.rewrite(path, quality_log.read(path, up_to_step=25))
    quality_log.append(path, {"step": 30, "fid": 0.5})
    assert quality_log.read(path) == [
        {"step": 10, "fid": 0.1}, {"step": 20, "fid": 0.05}, {"step": 30, "fid": 0.5}
    ]
