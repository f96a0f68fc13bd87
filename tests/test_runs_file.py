"""ganzoo.runs_file: the results file that benchmark processes share."""

import json
import threading

import pytest

from ganzoo.errors import GanzooError
from ganzoo.runs_file import RunsFile

SETTING = {"budget": 20, "shape": (2,)}


def test_writers_at_once_lose_no_run(tmp_path):
    # flock treats every open() as its own lock holder, so threads contend as processes do.
    path = str(tmp_path / "runs.json")
    files = [RunsFile(path, "pacgan", SETTING, ("seed",)) for _ in range(8)]

    def add_runs(writer, runs_file):
        for seed in range(writer * 25, (writer + 1) * 25):
            runs_file.add({"seed": seed, "curve": list(range(50))})

    threads = [threading.Thread(target=add_runs, args=item) for item in enumerate(files)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    record = json.loads(open(path).read())
    assert sorted(run["seed"] for run in record["runs"]) == list(range(200))
    assert files[0].has((199,)) and not files[0].has((200,))
    assert not [name for name in (tmp_path).iterdir() if name.name.startswith(".runs-")]


def test_a_rerun_sees_the_runs_and_replaces_one_of_the_same_identity(tmp_path):
    path = str(tmp_path / "runs.json")
    first = RunsFile(path, "pacgan", SETTING, ("dataset", "seed"))
    first.add({"dataset": "ring", "seed": 0, "modes": 7})
    first.add_command("python x.py --seeds=1")
    first.update(floor={"fid": 1.5})
    again = RunsFile(path, "pacgan", SETTING, ("dataset", "seed"))
    assert again.has(("ring", 0)) and not again.has(("grid", 0))
    again.add({"dataset": "ring", "seed": 0, "modes": 8})
    again.add_command("python x.py --seeds=1")
    record = first.record
    assert record["runs"] == [{"dataset": "ring", "seed": 0, "modes": 8}]
    assert record["commands"] == ["python x.py --seeds=1"] and record["floor"] == {"fid": 1.5}
    assert record["setting"] == {"budget": 20, "shape": [2]}


def test_another_setting_or_suite_is_refused_in_one_line_leaving_the_file(tmp_path):
    path = str(tmp_path / "runs.json")
    RunsFile(path, "pacgan", SETTING, ("seed",)).add({"seed": 0})
    before = open(path).read()
    with pytest.raises(GanzooError) as refused:
        RunsFile(path, "pacgan", {**SETTING, "budget": 40}, ("seed",), label="--output_json=r")
    assert str(refused.value) == ("--output_json=r holds results of another setting (budget: 20 "
                                  "there, 40 here); give the same settings, or another file")
    with pytest.raises(GanzooError, match="holds results of the pacgan suite, not the fashion"):
        RunsFile(path, "fashion", SETTING, ("seed",))
    assert open(path).read() == before


def test_a_process_of_another_setting_is_refused_once_the_first_has_opened_the_file(tmp_path):
    # The file exists from the moment the first process opens it, before any run ends, so a
    # second process of another setting stops before training rather than after.
    path = str(tmp_path / "runs.json")
    RunsFile(path, "pacgan", SETTING, ("seed",))
    with pytest.raises(GanzooError, match="another setting"):
        RunsFile(path, "pacgan", {**SETTING, "budget": 40}, ("seed",))


@pytest.mark.parametrize("content, problem", [
    ("{not json", "cannot be read as a results file"),
    (json.dumps({"config": {}, "runs": []}), "holds no results of this version"),
])
def test_a_file_that_is_no_results_file_is_refused_in_one_line(tmp_path, content, problem):
    path = tmp_path / "runs.json"
    path.write_text(content)
    with pytest.raises(GanzooError, match=problem):
        RunsFile(str(path), "pacgan", SETTING, ("seed",))
    assert path.read_text() == content


def test_an_unwritable_place_is_refused_before_any_run_and_none_keeps_runs_in_memory(tmp_path):
    with pytest.raises(GanzooError, match="cannot be written: .*missing is not a writable folder"):
        RunsFile(str(tmp_path / "missing" / "runs.json"), "pacgan", SETTING, ("seed",))
    in_memory = RunsFile(None, "pacgan", SETTING, ("seed",))
    in_memory.add({"seed": 3})
    assert in_memory.has((3,)) and in_memory.record["runs"] == [{"seed": 3}]
