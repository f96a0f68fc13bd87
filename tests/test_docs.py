"""The README and docs/ keep their promises: short, every link leads somewhere, the code cites
only pages that exist, and the README's Python runs as written."""

import glob
import os
import re

import numpy as np

from tests.conftest import ROOT

README = os.path.join(ROOT, "README.md")
PAGES = sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
_LINK = re.compile(r"\]\(([^)\s#]+)(#[^)\s]*)?\)|src=\"([^\"]+)\"")


def _tracked_text_files():
    for folder in ("ganzoo", "scripts", "tests"):
        yield from glob.glob(os.path.join(ROOT, folder, "**", "*.py"), recursive=True)
    yield os.path.join(ROOT, "setup.cfg")


def test_the_readme_is_at_most_250_lines():
    with open(README) as readme:
        assert len(readme.read().splitlines()) <= 250


def test_every_relative_link_of_the_readme_and_docs_leads_to_a_file():
    broken = []
    for page in [README, *PAGES]:
        with open(page) as text:
            for match in _LINK.finditer(text.read()):
                target = match.group(1) or match.group(3)
                if target.startswith(("http://", "https://", "mailto:")):
                    continue
                path = os.path.normpath(os.path.join(os.path.dirname(page), target))
                if not os.path.exists(path):
                    broken.append(f"{os.path.relpath(page, ROOT)} -> {target}")
    assert broken == []


def test_the_code_cites_only_documents_in_the_repository():
    cited = re.compile(r"\b(docs/[\w-]+\.md|[A-Z]+\.md)\b")
    missing = set()
    for path in _tracked_text_files():
        with open(path) as source:
            for name in cited.findall(source.read()):
                candidates = [os.path.join(ROOT, name), os.path.join(ROOT, "saved_models", name)]
                if not any(os.path.exists(c) for c in candidates):
                    missing.add(f"{os.path.relpath(path, ROOT)}: {name}")
    assert sorted(missing) == []


def test_the_readmes_python_quickstart_runs_as_written(tmp_path, monkeypatch):
    with open(README) as readme:
        quickstart = re.findall(r"```python\n(.*?)```", readme.read(), re.S)[0]
    monkeypatch.chdir(tmp_path)  # it saves dcgan.keras where it runs
    namespace = {}
    exec(compile(quickstart, "README.md quickstart", "exec"), namespace)
    images = namespace["images"]
    assert images.shape == (16, 32, 32, 1)
    assert np.all(np.abs(images) <= 1.0) and images.std() > 0.01
    assert (tmp_path / "dcgan.keras").stat().st_size > 0
