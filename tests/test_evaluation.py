"""The offline feature extractor, scoring, and evaluation during training."""

import numpy as np
import pytest

from ganzoo import data, evaluation, features, train_lib
from ganzoo.configs import DataConfig, ModelConfig, TrainConfig
from tests.conftest import TWO_CPUS, run_script

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def classifier(tmp_path_factory, tfds_dir):
    """A domain classifier trained on 80 % of the embedded digits, tested on the other 20 %."""
    path = str(tmp_path_factory.mktemp("classifier") / "digits.keras")
    train, classes = data.load_labeled_images("digits", "train[:80%]", data_dir=tfds_dir)
    test, _ = data.load_labeled_images("digits", "train[80%:]", data_dir=tfds_dir)
    metadata = features.train_domain_classifier(train, test, classes, path, epochs=15)
    return path, metadata


def test_the_domain_classifier_recognises_held_apart_digits(classifier):
    path, metadata = classifier
    # 360 digits it never saw; seen: 0.936. 0.9 is far above chance (0.1).
    assert metadata["test_accuracy"] >= 0.9
    extractor = features.domain_classifier(path)
    assert extractor.name.startswith("domain:digits.keras@v1/")
    assert metadata["weights_sha256"] in extractor.name


def test_scores_rank_real_digits_above_noise(classifier, tfds_dir):
    extractor = features.domain_classifier(classifier[0])
    real = evaluation.take_images(data.load_dataset("digits", 100, data_dir=tfds_dir, seed=1), 600)
    first, second = real[:300], real[300:]
    noise = np.random.default_rng(0).uniform(-1, 1, first.shape).astype("float32")
    floor = evaluation.score_images(first, second, extractor, kid_subset_size=150)
    bad = evaluation.score_images(noise, second, extractor, kid_subset_size=150)
    assert floor["fid"] < bad["fid"] / 5
    assert floor["kid"] < bad["kid"]
    assert floor["classifier_score"] > bad["classifier_score"]
    assert floor["precision"] > 0.5 and bad["precision"] < floor["precision"]
    assert floor["feature_extractor"] == extractor.name


def test_kid_and_fid_are_logged_during_fit_under_mirrored_strategy(classifier, tfds_dir, tmp_path):
    result = train_lib.train(
        DataConfig(dataset="digits", batch_size=32, data_dir=tfds_dir),
        ModelConfig(model="dcgan", preset="tiny"),
        TrainConfig(
            steps=112, strategy="mirrored", devices=",".join(TWO_CPUS), model_dir=str(tmp_path),
            export_dir="", verbose=0, eval_every=1, eval_features=f"domain:{classifier[0]}",
            eval_samples=200,
        ),
    )
    assert len(result.history["fid"]) == 2 and len(result.history["kid"]) == 2
    assert all(np.isfinite(result.history["fid"])) and all(v > 0 for v in result.history["fid"])


def test_evaluate_script_prints_the_table(classifier, tfds_dir, tmp_path):

    train = run_script(
        "train.py", "--model=dcgan", "--preset=tiny", "--steps=30", "--batch_size=32",
        f"--data_dir={tfds_dir}", f"--model_dir={tmp_path / 'run'}", f"--export_dir={tmp_path / 'dcgan'}",
    )
    assert train.returncode == 0, train.stderr[-3000:]
    result = run_script(
        "evaluate.py", f"--saved_model={tmp_path / 'dcgan'}", f"--data_dir={tfds_dir}",
        f"--features=domain:{classifier[0]}", "--num_samples=200",
        f"--output_json={tmp_path / 'scores.json'}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for metric in ("fid", "kid", "classifier_score", "precision", "recall"):
        assert metric in result.stdout
    assert "domain:digits.keras@v1/" in result.stdout
    missing = run_script("evaluate.py", f"--saved_model={tmp_path / 'dcgan'}")
    assert missing.returncode == 2 and "error: --features is required" in missing.stderr
