"""The docs' generated tables are what scripts/report.py writes from the committed results, and
its --check notices when they are not."""

import json
import os
import shutil

from tests.conftest import ROOT, run_script


def test_every_generated_table_matches_its_results_file():
    result = run_script("report.py", "--check")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "every generated table is up to date\n"


def test_check_names_a_page_whose_results_changed_and_a_rewrite_mends_it(tmp_path):
    for folder in ("docs", "results"):
        shutil.copytree(os.path.join(ROOT, folder), tmp_path / folder)
    results = tmp_path / "results" / "conditional_obedience.json"
    data = json.loads(results.read_text())
    data["runs"][0]["fid"] += 1.0
    results.write_text(json.dumps(data))
    stale = run_script("report.py", "--check", f"--root={tmp_path}")
    assert stale.returncode == 1
    assert stale.stderr == (
        "out of date: docs/benchmarks.md (conditional_obedience); run python scripts/report.py\n"
    )
    rewritten = run_script("report.py", f"--root={tmp_path}")
    assert rewritten.stdout == "rewrote: docs/benchmarks.md (conditional_obedience)\n"
    assert run_script("report.py", "--check", f"--root={tmp_path}").returncode == 0
    assert f"{data['runs'][0]['fid']:.1f}" in (tmp_path / "docs" / "benchmarks.md").read_text()
