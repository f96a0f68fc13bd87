"""What `pip install .` puts in the wheel: setup.cfg lists every package of the checkout, so a
non-editable install imports what an editable one does."""

import configparser
import os

from tests.conftest import ROOT


def _options():
    config = configparser.ConfigParser()
    config.read(os.path.join(ROOT, "setup.cfg"))
    return config["options"]


def _installed_as():
    """{folder: installed name}: setup.cfg's package_dir, and ganzoo/ under its own name."""
    mapping = {"ganzoo": "ganzoo"}
    for line in _options()["package_dir"].strip().splitlines():
        name, folder = (part.strip() for part in line.split("="))
        mapping[folder] = name
    return mapping


def _packages_on_disk():
    """Every folder of the installed trees that holds Python files, as a package name."""
    found = set()
    for folder, name in _installed_as().items():
        top = os.path.join(ROOT, folder)
        for directory, subdirectories, files in os.walk(top):
            subdirectories[:] = [d for d in subdirectories if d != "__pycache__"]
            if any(file.endswith(".py") for file in files):
                relative = os.path.relpath(directory, top)
                found.add(name if relative == "." else
                          ".".join([name, *relative.split(os.sep)]))
    return found


def test_setup_cfg_lists_every_package_of_the_checkout():
    listed = set(_options()["packages"].split())
    assert listed == _packages_on_disk()
    assert {"ganzoo.backbones", "ganzoo.augment", "ganzoo_scripts.reports"} <= listed
