"""ganzoo-benchmark (scripts/benchmark.py) end to end on a small model: ratios, FLOPs, sampling
rates, and its one-line refusals. (Its own module so that the two test processes share the
benchmark tests: --dist loadscope keeps a module in one process.)"""

import json
import math

import pytest

import ganzoo
from ganzoo_scripts import benchmark_lib
from tests.conftest import our_stderr_lines, run_script

pytestmark = pytest.mark.slow


def _finite_rates(summary):
    return all(math.isfinite(v) and v > 0 for v in summary.values()) and (
        summary["min"] <= summary["median"] <= summary["max"]
    )


def test_benchmark_script_reports_ratios_flops_and_sampling(tmp_path, tfds_dir):
    out = tmp_path / "bench.json"
    result = run_script(
        "benchmark.py", "--models=gan", "--batch_sizes=32", "--steps=5", "--warmup=1",
        "--repetitions=2",
        f"--data_dir={tfds_dir}", f"--output_json={out}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text())
    (row,) = report["training"]
    assert (row["model"], row["batch_size"]) == ("gan", 32)
    for kind in ("reference", "float32", "default"):
        assert _finite_rates(row[kind]), kind
        assert row[f"{kind}_over_reference"] == pytest.approx(
            row[kind]["median"] / row["reference"]["median"]
        )
    model = ganzoo.get_model("gan", data_shape=(32, 32, 1))
    assert row["flops_per_step"] == benchmark_lib.training_step_flops(model, 32)
    assert report["float32_matmul_peak"] > 1e8
    assert "x1.00 of reference" in result.stdout and "GFLOP per step" in result.stdout

    result = run_script(
        "benchmark.py", "--model=gan", "--sampling", "--repetitions=2",
        f"--data_dir={tfds_dir}", f"--output_json={out}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = json.loads(out.read_text())["sampling"]
    assert [(r["signature"], r["batch_size"]) for r in rows] == [
        (signature, batch) for batch in (1, 64, 1024) for signature in ("serving_default", "sample")
    ]
    assert all(_finite_rates(r["saved_model"]) and _finite_rates(r["live"]) for r in rows)


def test_benchmark_script_rejects_bad_batch_sizes_in_one_line(tfds_dir):
    result = run_script("benchmark.py", "--model=gan", "--batch_sizes=64,x", timeout=120)
    assert result.returncode == 2
    assert our_stderr_lines(result.stderr) == [
        "error: --batch_sizes must be positive integers, got '64,x'"
    ]


def test_benchmark_script_refuses_conditional_models_for_sampling_in_one_line(tfds_dir):
    result = run_script("benchmark.py", "--models=cgan", "--sampling", timeout=120)
    assert result.returncode == 2
    assert our_stderr_lines(result.stderr) == [
        "error: cgan is conditional; --pipeline_only and --sampling take unconditional models only"
    ]
