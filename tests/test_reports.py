"""The docs' generated tables are what scripts/report.py writes from the committed results, its
--check notices when they are not, every renderer carries a changed figure into its table, and
docs/benchmarks.md holds no table typed by hand."""

import json
import os
import re
import shutil

import pytest

from tests.conftest import ROOT, run_script

BENCHMARKS = os.path.join(ROOT, "docs", "benchmarks.md")
_SECTION = re.compile(r"<!-- report: (\w+) -->\n(.*?)<!-- end report: \1 -->", re.S)


@pytest.fixture
def checkout(tmp_path):
    """A copy of what scripts/report.py reads and writes, for --root."""
    for folder in ("docs", "results"):
        shutil.copytree(os.path.join(ROOT, folder), tmp_path / folder)
    shutil.copy(os.path.join(ROOT, "README.md"), tmp_path / "README.md")
    return tmp_path


def _sections(page):
    """{name: text} of the generated sections of the page at `page`."""
    with open(page) as text:
        return dict(_SECTION.findall(text.read()))


def test_every_generated_table_matches_its_results_file():
    result = run_script("report.py", "--check")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "every generated table is up to date\n"


def test_check_names_a_page_whose_results_changed_and_a_rewrite_mends_it(checkout):
    results = checkout / "results" / "conditional_obedience.json"
    data = json.loads(results.read_text())
    data["runs"][0]["fid"] += 1.0
    results.write_text(json.dumps(data))
    stale = run_script("report.py", "--check", f"--root={checkout}")
    assert stale.returncode == 1
    assert stale.stderr == (
        "out of date: docs/benchmarks.md (conditional_obedience); run python scripts/report.py\n"
    )
    rewritten = run_script("report.py", f"--root={checkout}")
    assert rewritten.stdout == "rewrote: docs/benchmarks.md (conditional_obedience)\n"
    assert run_script("report.py", "--check", f"--root={checkout}").returncode == 0
    assert f"{data['runs'][0]['fid']:.1f}" in (checkout / "docs" / "benchmarks.md").read_text()


def test_every_section_in_the_pages_is_one_that_report_py_writes(checkout):
    # Emptied, every registered section is rewritten; a section no report writes would stay
    # empty (and unchecked) without this test failing.
    pages = [checkout / "README.md", *sorted((checkout / "docs").glob("*.md"))]
    names = set()
    for page in pages:
        text = page.read_text()
        names |= set(_sections(page))
        page.write_text(_SECTION.sub(r"<!-- report: \1 -->\n<!-- end report: \1 -->", text))
    rewritten = run_script("report.py", f"--root={checkout}")
    assert rewritten.returncode == 0, rewritten.stderr
    assert set(re.findall(r"\((\w+)\)", rewritten.stdout)) == names


def test_docs_benchmarks_holds_no_table_typed_by_hand():
    # Outside the generated sections, only tables of sample pictures may stand.
    with open(BENCHMARKS) as text:
        outside = _SECTION.sub("", text.read())
    typed = [line for table in re.findall(r"(?:^\|.*\n)+", outside, re.M)
             for line in table.splitlines()[2:] if "![" not in line]
    assert typed == []


# (results file, where in it a figure is, its new value, the section, what the section then shows)
CHANGES = [
    ("toy.json", ["results", 1, "high_quality_percent", "mean"], 12.3, "toy", "| 12.3 ± 1.6 |"),
    ("mnist.json", ["dcgan", "kid_std_error"], 0.5, "mnist", "| 1.84 ± 0.5 |"),
    ("conditional_digits_400_steps.json", ["runs", 1, "kid"], 0.0123, "conditional_digits",
     "| **12.3** |"),
    ("conditional_fashion.json", ["runs", 1, "wall_seconds"], 1234, "conditional_fashion",
     "| 1,234 s |"),
    ("pacgan.json", ["groups", 0, "curve", -1, "reverse_kl", "mean"], 0.777, "pacgan",
     "| 0.777 ± 0.049 |"),
    ("pacgan.json", ["groups", 0, "per_seed", "modes", 3], 5, "pacgan", "8, 8, 7, 5, 7 and"),
    ("pacgan.json", ["groups", 2, "curve", 0, "modes", "mean"], 3.3, "pacgan_modes_curve",
     "| 3.3 ± 1.1 |"),
    ("pacgan.json", ["groups", 0, "curve", 0, "high_quality_percent", "standard_error"], 9.9,
     "pacgan_quality_curve", "| 66.1 ± 9.9 |"),
    ("pacgan_grid_300k.json", ["runs", 0, "curve", 0, "reverse_kl"], 0.99, "pacgan_grid_300k",
     "| reverse KL | 0.99 |"),
    ("fashion.json", ["runs", 0, "kid"], 0.5, "fashion", "| **0.500** |"),
    ("fashion.json", ["real_floor", "class_accuracy"], 0.5, "fashion", "| 0.500 | - |"),
    ("fashion.json", ["runs", 9, "fid"], 40.0, "fashion_seeds", "| 34.03 | 40.00 | 28.44 |"),
    ("fashion_defaults.json", ["runs", 3, "fid"], 12.34, "fashion_seeds", "| 12.34 |"),
    ("fashion_plateau.json", ["runs", {"model": "dcgan", "seed": 0}, "curve", -1, "fid"], 9.99,
     "fashion_equal_time", "| 9.99 (33) |"),
    ("fashion_plateau.json", ["runs", {"model": "sngan", "seed": 0}, "model_args"], {"width": 32},
     "fashion_plateau", "| `sngan` (width=32) | 0 |"),
    ("augment.json", ["runs", 0, "steps"], 1234, "augment", "| 1,234 |"),
    ("speed_resnet.json", ["training", 0, "model_args", "attention"], 8, "speed_resnet",
     "| dcgan (architecture=resnet, attention=8) | 64 |"),
    ("speed.json", ["training", 0, "default_over_torch"], 9.87, "speed", "| 9.87 |"),
    ("speed_critics.json", ["training", 2, "reference", "median"], 55, "speed_critics",
     "| 55 [122-128] |"),
    ("sampling.json", ["sampling", 0, "ratio"], 2.5, "sampling", "(2.50x)"),
    ("speed.json", ["training", 0, "default_over_reference"], 1.99, "results_summary",
     "| 1.99x |"),
    ("conditional_digits.json", ["runs", 1, "class_accuracy"], 0.5, "results_summary",
     "1,200 steps: 50.0 % |"),
    ("per_minute.json", ["runs", 1, "curve", -1, "fid"], 9.99, "per_minute", "| 9.99 (60) |"),
    ("per_minute.json", ["runs", 0, "curve", 3, "fid"], 0.5, "results_summary", "| 0.50 / "),
    # The fewest steps of stylegan2's runs, however many seeds they have: "1,234[-<most>] steps".
    ("fashion_plateau.json", ["runs", {"model": "stylegan2", "seed": 0}, "steps"], 1234, "zoo",
     "| Fashion-MNIST, 1,234"),
    ("conditional_obedience.json", ["runs", 0, "class_accuracy"], 0.5, "zoo",
     "MNIST, 1,500 steps: 50.0-93.5 % of the class asked for"),
]


@pytest.mark.parametrize("results_file, path, value, name, shown", CHANGES,
                         ids=[f"{change[3]}-{change[0]}" for change in CHANGES])
def test_a_renderer_puts_a_changed_figure_into_its_table(checkout, results_file, path, value,
                                                        name, shown):
    from ganzoo_scripts import reports

    page = checkout / reports.REPORTS[name][2]
    assert shown not in _sections(page)[name]
    results = checkout / "results" / results_file
    data = json.loads(results.read_text())
    figure = data
    for key in path[:-1]:
        # {field: value}: the first item of a list of runs with those fields, wherever the
        # results file has put it.
        figure = (next(item for item in figure if key.items() <= item.items())
                  if isinstance(key, dict) else figure[key])
    figure[path[-1]] = value
    results.write_text(json.dumps(data))
    # In this process: report.py's writing of a rendered table is the tests above and below.
    assert shown in reports.rendered(str(checkout), name)


def test_a_figure_is_redrawn_when_its_results_change(checkout):
    results = checkout / "results" / "fashion_plateau.json"
    data = json.loads(results.read_text())
    data["runs"][0]["curve"][0]["fid"] *= 3.0
    results.write_text(json.dumps(data))
    stale = run_script("report.py", "--check", f"--root={checkout}")
    assert stale.returncode == 1
    assert "docs/images/fashion_plateau.png (fashion_plateau_curve)" in stale.stderr
    before = (checkout / "docs" / "images" / "fashion_plateau.png").read_bytes()
    run_script("report.py", f"--root={checkout}")
    assert (checkout / "docs" / "images" / "fashion_plateau.png").read_bytes() != before
    assert run_script("report.py", "--check", f"--root={checkout}").returncode == 0


def test_the_augment_table_averages_over_seeds_and_times_each_augmentation_against_none():
    from ganzoo_scripts import reports

    def run(augment, seed, fid, seconds):
        return {"data": "digits", "augment": augment, "seed": seed, "steps": 30, "fid": fid,
                "kid": 0.5, "precision": 0.5, "recall": 0.5, "train_seconds": seconds}

    untimed = dict(run("none", 2, 3.0, None), notes={"train_seconds": "resumed"})
    table = reports.augment.augment({"runs": [run("none", 0, 2.0, 100),
                                              run("none", 1, 4.0, 300), untimed,
                                              run("ada", 0, 5.0, 300)]})
    assert "| digits | none | 0, 1, 2 | 30 | 3.00 ± 0.82 |" in table  # mean ± std (ddof 0)
    assert "| 200 | 1.00 |" in table  # time over the timed seeds; the untimed one said
    assert "Training time over the timed seeds only (digits none seed 2: resumed)." in table
    assert "| digits | ada | 0 | 30 | 5.00 | 0.500 |" in table  # one seed: its value
    assert "| 300 | 1.50 |" in table  # 300 s against none's mean 200 s


def test_the_per_minute_table_shows_each_contenders_score_at_each_mark_and_borrows_plateau_runs():
    from ganzoo_scripts import reports

    def point(mark, minutes, fid, batches):
        return {"mark": mark, "minutes": minutes, "batches": batches, "fid": fid, "kid": 0.002,
                "precision": 0.5, "recall": 0.25, "class_accuracy": None}

    def run(name, reference, curve, seconds):
        return {"name": name, "reference": reference, "seed": 0, "precision": "float32",
                "recipe": None, "train_seconds": seconds, "batches": curve[-1]["batches"],
                "curve": curve, "machine": "a CPU", "date": "2026-12-06"}

    def record(minutes, fid, step):
        return {"train_seconds": 60 * minutes, "step": step, "fid": fid, "kid": 0.003,
                "precision": 0.75, "recall": 0.5, "epoch": 1, "eval_seconds": 1.0}

    def plateau_run(model, curve, **model_args):
        run = {"model": model, "seed": 1, "model_arguments": {"precision": "mixed_bfloat16"},
               "batch_size": 64, "train_seconds": curve[-1]["train_seconds"], "curve": curve}
        return dict(run, model_args=model_args) if model_args else run

    plateau = {"machine": "another CPU", "date": "2026-12-01",
               "classifier": {"sha256": "abc", "test_accuracy": 0.9},
               "train_command": "ganzoo-train --eval_samples=2000", "runs": [
        # The suite trained dcgan at seed 0: not borrowed (seed 1 would be).
        dict(plateau_run("dcgan", [record(5, 7.0, 900)]), seed=0),
        plateau_run("dcgan", [record(50, 6.0, 900)], width=32),  # its own arguments: borrowed
        # Scored at 15, 35 and 70 minutes: cut at the suite's 60.
        plateau_run("lsgan", [record(15, 5.0, 900), record(35, 4.0, 1800),
                              record(70, 0.5, 2700)]),
        # Stopped at its plateau after 30 minutes; set against keras.io's conditional GAN.
        dict(plateau_run("cgan", [record(10, 3.5, 900), record(30, 3.0, 2700)]), seed=0,
             stopped_by="plateau"),
        # Set against keras.io's WGAN-GP, which the suite has not trained: last.
        plateau_run("wgan_gp", [record(10, 9.5, 900)])]}
    results = {
        "setting": {"eval_samples": 2000, "score_every": 10.0, "batch_size": 64, "minutes": 60},
        "classifier": {"version": 1, "weights_sha256": "abc", "test_accuracy": 0.9},
        "commands": ["python scripts/benchmarks/per_minute.py"],
        "runs": [run("dcgan", "keras_io_dcgan", [point(10, 10.1, 4.0, 50),
                                                  point(20, 20.2, 3.0, 100),
                                                  point(30, 30.3, 2.5, 150),
                                                  point(60, 60.1, 1.0, 300)], 3606),
                 # Its first batch passed two marks; it stopped at 25 minutes.
                 run("keras_io_dcgan", None, [point(20, 21.0, 9.0, 3), point(25, 25.0, 8.0, 4)],
                     1500),
                 run("keras_io_conditional_gan", None, [point(20, 20.5, 7.5, 30),
                                                        point(60, 60.5, 6.5, 90)], 3630)],
    }
    table = reports.per_minute.per_minute(results, plateau)
    assert ("| `dcgan` (float32) | 0 | 3.00 (20) | 1.00 (60) | 2.0 | 0.500 | 0.250 | - | 300 "
            "| 60 |") in table
    assert "7.00" not in table
    assert ("| `dcgan` (width=32) (mixed_bfloat16, plateau run) | 1 | - | 6.00 (50) | 3.0 | "
            "0.750 | 0.500 | - | 900 | 50 |") in table
    assert ("| `lsgan` (mixed_bfloat16, plateau run) | 1 | 5.00 (15) | 4.00 (35) | 3.0 | 0.750 "
            "| 0.500 | - | 1,800 | 60 |") in table
    assert "Machine: another CPU. Date: 2026-12-01." in table
    # The README's summary: FID by each mark, against the reference's; a model the suite did
    # not train is read from its plateau run of the example's seed (0), and a run stopped at
    # its plateau keeps its last score for the later marks.
    assert reports.readme.per_minute_rows(results, plateau) == [
        ["Fashion-MNIST, FID after 20 / 60 training minutes on 2 CPU cores, `dcgan` (float32)",
         "3.00 / 1.00", "keras.io DCGAN: 9.00 / (stopped at 25 min)"],
        ["Fashion-MNIST, FID after 20 / 60 training minutes on 2 CPU cores, `cgan` "
         "(mixed_bfloat16, plateau run)", "3.50 / 3.00 (its plateau at 30 min)",
         "keras.io conditional GAN: 7.50 / 6.50"]]
    # Each keras.io example after the models set against it: the suite's, then borrowed ones.
    order = [line.split(" | ")[0] for line in table.splitlines() if line.startswith("| `")]
    assert order == ["| `dcgan` (float32)", "| `dcgan` (width=32) (mixed_bfloat16, plateau run)",
                     "| `lsgan` (mixed_bfloat16, plateau run)", "| `keras_io_dcgan`",
                     "| `cgan` (mixed_bfloat16, plateau run)",
                     "| `keras_io_conditional_gan`", "| `wgan_gp` (mixed_bfloat16, plateau run)"]
    # Another seed of a model the suite trained is borrowed.
    seed_1 = dict(plateau, runs=[plateau_run("dcgan", [record(5, 7.0, 900)])])
    assert "| `dcgan` (mixed_bfloat16, plateau run) | 1 | 7.00 (5) |" in \
        reports.per_minute.per_minute(results, seed_1)
    # Curves scored otherwise do not join the table.
    for changed in ({"classifier": {"sha256": "def", "test_accuracy": 0.9}},
                    {"train_command": "ganzoo-train --eval_samples=1000"},
                    {"runs": [dict(plateau["runs"][2], batch_size=32)]}):
        with pytest.raises(ValueError, match="plateau run"):
            reports.per_minute.per_minute(results, dict(plateau, **changed))
    assert "| `keras_io_dcgan` | 0 | 9.00 (21) | 8.00 (25) | 2.0 | 0.500 | 0.250 | - | 4 | 25 |" \
        in table
    assert "every 10 training minutes" in table and "v1 `abc`" in table
    assert "Machine: a CPU. Dates: 2026-12-06." in table


def test_the_readmes_zoo_table_reads_the_headlines_from_the_results_and_the_cards_from_the_zoo(
        tmp_path):
    from ganzoo_scripts import reports, zoo_table

    def plateau_run(model, seed, fid, steps, seconds, accuracy=None, **model_args):
        final = {"fid": fid, **({} if accuracy is None else {"class_accuracy": accuracy})}
        run = {"model": model, "seed": seed, "final": final, "steps": steps,
               "train_seconds": seconds}
        return dict(run, model_args=model_args) if model_args else run

    toy = {"results": [{"dataset": "ring", "model": "nsgan", "num_modes": 8, "seeds": 5,
                        "modes_captured": {"mean": 7.5}, "high_quality_percent": {"mean": 90.0}},
                       {"dataset": "grid", "model": "nsgan", "num_modes": 25, "seeds": 5,
                        "modes_captured": {"mean": 20.0}, "high_quality_percent": {"mean": 80.0}}]}
    plateau = {"runs": [plateau_run("dcgan", 0, 2.0, 30000, 1980),
                        plateau_run("dcgan", 1, 4.0, 28000, 2040),
                        plateau_run("dcgan", 0, 9.0, 100, 60, width=32),  # not the model's own
                        plateau_run("cgan", 0, 1.0, 13118, 1380, accuracy=0.9)]}
    obedience = {"train_command": "ganzoo-train --steps=1500", "runs": [
        {"model": "cgan", "arguments": [], "class_accuracy": 0.95},
        {"model": "cgan", "arguments": [], "class_accuracy": 0.925},
        {"model": "cgan", "arguments": ["--d_steps=2"], "class_accuracy": 0.1}]}
    # A zoo with dcgan_fashion built and dcgan_digits not.
    saved_models = tmp_path / "saved_models"
    (saved_models / "dcgan_fashion").mkdir(parents=True)
    (saved_models / "dcgan_fashion" / "model_card.md").write_text("card")
    rows = {line.split(" | ")[0]: line
            for line in reports.readme.zoo(toy, plateau, obedience,
                                           str(saved_models)).splitlines()}
    assert "| Fashion-MNIST, 28,000-30,000 steps (33-34 min, 2 seeds): FID 3.00 ± 1.00 |" \
        in rows["| `dcgan`"]
    assert ("| Fashion-MNIST, 13,118 steps (23 min, 1 seed): FID 1.00, 90.0 % of the class "
            "asked for; MNIST, 1,500 steps: 92.5-95.0 % of the class asked for |") \
        in rows["| `cgan`"]
    assert "| ring: 7.5 of 8 modes, 90 % sharp, 5 seeds |" in rows["| `nsgan`"]
    assert "| (not benchmarked) |" in rows["| `gan`"]
    # The shipped column: the zoo table's models of that name that have been built.
    assert {"dcgan_fashion", "dcgan_digits"} <= set(zoo_table.SHIPPED)
    assert rows["| `dcgan`"].endswith(
        "| [dcgan_fashion](saved_models/dcgan_fashion/model_card.md) |")
