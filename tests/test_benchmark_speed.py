"""The speed and sampling suites (ganzoo-benchmark, ganzoo-benchmark-sampling) end to end on a
small model: ratios, FLOPs, sampling rates, and what they refuse. (Its own module so that the two
test processes share the benchmark tests: --dist loadscope keeps a module in one process.)"""

import json
import math

import pytest

import ganzoo
from ganzoo_scripts.benchmarks import flops, references, selection
from tests.conftest import run_script

pytestmark = pytest.mark.slow


def _finite_rates(summary):
    return all(math.isfinite(v) and v > 0 for v in summary.values()) and (
        summary["min"] <= summary["median"] <= summary["max"]
    )


def test_speed_and_sampling_report_ratios_flops_and_sampling_rates(tmp_path, tfds_dir):
    out = tmp_path / "speed.json"
    result = run_script(
        "benchmarks/speed.py", "--models=gan", "--model_args=width=16", "--batch_sizes=32",
        "--steps=5", "--warmup=1", "--repetitions=2",
        f"--data_dir={tfds_dir}", f"--output={out}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text())
    (row,) = report["training"]
    assert (row["model"], row["model_args"], row["batch_size"]) == ("gan", {"width": 16}, 32)
    for kind in ("reference", "float32", "default"):
        assert _finite_rates(row[kind]), kind
        assert row[f"{kind}_over_reference"] == pytest.approx(
            row[kind]["median"] / row["reference"]["median"]
        )
    model = ganzoo.get_model("gan", data_shape=(32, 32, 1), width=16)
    assert row["flops_per_step"] == flops.training_step_flops(model, 32)
    assert report["float32_matmul_peak"] > 1e8
    assert "x1.00 of reference" in result.stdout and "GFLOP per step" in result.stdout
    assert "gan (minimax, d_steps 1, width=16) batch 32" in result.stdout

    out = tmp_path / "sampling.json"
    result = run_script(
        "benchmarks/sampling.py", "--model=gan", "--repetitions=2", f"--data_dir={tfds_dir}",
        f"--output={out}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = json.loads(out.read_text())["sampling"]
    assert [(r["signature"], r["batch_size"]) for r in rows] == [
        (signature, batch) for batch in (1, 64, 1024) for signature in ("serving_default", "sample")
    ]
    assert all(_finite_rates(r["saved_model"]) and _finite_rates(r["live"]) for r in rows)


# What the suites refuse before any measurement, checked in this process (speed.py and
# sampling.py call these first; how a refusal reaches the command line is tested with the other
# scripts).
def test_bad_batch_sizes_are_refused_in_one_line():
    assert selection.parse_batch_sizes(["64", "256"]) == [64, 256]
    for texts, shown in ((["64", "x"], "'64,x'"), (["0"], "'0'"), (["-8"], "'-8'")):
        with pytest.raises(ganzoo.GanzooError) as refusal:
            selection.parse_batch_sizes(texts)
        assert str(refusal.value) == f"--batch_sizes must be positive integers, got {shown}"


def test_model_args_are_typed_and_a_malformed_entry_is_refused_in_one_line():
    assert selection.parse_model_args(["architecture=resnet", "attention=8", "gp_weight=0.5",
                                       "synchronized_batch_norm=false"]) == {
        "architecture": "resnet", "attention": 8, "gp_weight": 0.5,
        "synchronized_batch_norm": False}
    assert selection.parse_model_args([]) == {}
    for text in ("width", "=8", "width="):
        with pytest.raises(ganzoo.GanzooError) as refusal:
            selection.parse_model_args([text])
        assert str(refusal.value) == f"--model_args entries are name=value, got {text!r}"
    with pytest.raises(ganzoo.GanzooError, match=r"^--model_args cannot set precision: the "
                                                 r"suite sets data_shape, precision, "):
        selection.parse_model_args(["precision=float32"])
    with pytest.raises(ganzoo.GanzooError, match=r"^--model_args gives width twice$"):
        selection.parse_model_args(["width=8", "width=16"])


def test_model_args_are_refused_where_they_would_change_one_side_or_nothing():
    selection.check_model_args(["gan", "dcgan"], {"width": 8}, pipeline_only=False)
    selection.check_model_args(["cgan"], {}, pipeline_only=False)  # none given: nothing to refuse
    with pytest.raises(ganzoo.GanzooError, match=r"^--model_args applies to training; "):
        selection.check_model_args(["gan"], {"width": 8}, pipeline_only=True)
    with pytest.raises(ganzoo.GanzooError, match=r"^--model_args: cgan is conditional, and its "
                                                 r"reference is keras.io's"):
        selection.check_model_args(["dcgan", "cgan"], {"width": 8}, pipeline_only=False)
    # The reference rebuilds a spectral D layer by layer: a residual one is refused, naming why.
    residual = ganzoo.get_model("sngan", data_shape=(16, 16, 1), latent_dim=8, width=4,
                                architecture="resnet")
    with pytest.raises(ganzoo.GanzooError, match=r"^the reference rebuilds a spectral D layer "
                                                 r"by layer, and .* is not a chain of layers at "):
        references.reference_for(residual)


def test_conditional_models_are_measured_for_training_only():
    unconditional = [name for name in ganzoo.list_models()
                     if not ganzoo.get_model_class(name).conditional]
    assert selection.models_to_measure(None, unconditional_only=True) == unconditional
    assert selection.models_to_measure(["cgan"], unconditional_only=False) == ["cgan"]
    with pytest.raises(ganzoo.GanzooError) as refusal:
        selection.models_to_measure(["gan", "cgan"], unconditional_only=True)
    assert str(refusal.value) == (
        "cgan is conditional; the pipeline and sampling benchmarks take unconditional models only"
    )
    with pytest.raises(ganzoo.GanzooError, match="unknown model 'nope'; known models: acgan"):
        selection.models_to_measure(["nope"], unconditional_only=False)
