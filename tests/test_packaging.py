"""What `pip install .` puts in the wheel: setup.cfg lists every package of the checkout, so a
non-editable install imports what an editable one does."""

import configparser
import os

from tests.conftest import ROOT

# setup.cfg's package_dir: the installed name of each folder that holds packages.
_INSTALLED_AS = {"ganzoo": "ganzoo", "scripts": "ganzoo_scripts"}


def _packages_on_disk():
    found = set()
    for folder, name in _INSTALLED_AS.items():
        top = os.path.join(ROOT, folder)
        for directory, _, files in os.walk(top):
            if "__init__.py" in files:
                relative = os.path.relpath(directory, top)
                found.add(name if relative == "." else
                          ".".join([name, *relative.split(os.sep)]))
    return found


def test_setup_cfg_lists_every_package_of_the_checkout():
    config = configparser.ConfigParser()
    config.read(os.path.join(ROOT, "setup.cfg"))
    listed = set(config["options"]["packages"].split())
    assert listed == _packages_on_disk()
    assert {"ganzoo.backbones", "ganzoo.augment", "ganzoo_scripts.reports"} <= listed
