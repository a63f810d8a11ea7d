"""Every change of an addon's schema or data since the last release bumps its version (issue #18,
point 4): a database on that release is then upgraded by ``-u`` through ``migrations/``."""

import ast
import json
import subprocess

import pytest

from .conftest import REPO

RELEASES = json.loads((REPO / "releases.json").read_text(encoding="utf-8"))["releases"]
ADDONS = ("sale_order_ext", "stock_lock_ext", "report_ext")
# what an installed database doesn't hold: no version bump needed when only these change
NOT_INSTALLED = ("tests/", "readme/", "i18n/", "static/description/", "README", "pyproject.toml")


def _version(text):
    manifest = ast.literal_eval(text)
    return tuple(int(part) for part in manifest["version"].split("."))


def _changed_files(commit, addon):
    out = subprocess.run(
        ["git", "-C", str(REPO), "diff", "--name-only", commit, "--", addon],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [
        path
        for path in out
        if not path.removeprefix(f"{addon}/").startswith(NOT_INSTALLED)
        and "/migrations/" not in path
    ]


@pytest.mark.parametrize("addon", ADDONS)
def test_a_change_since_the_release_bumps_the_version(addon):
    release = RELEASES[-1]
    released = tuple(int(p) for p in release["versions"][addon].split("."))
    shown = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{release['commit']}:{addon}/__manifest__.py"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert shown.returncode == 0, f"release commit missing (shallow clone?): {shown.stderr}"
    assert _version(shown.stdout) == released, "releases.json disagrees with the release's manifest"
    current = _version((REPO / addon / "__manifest__.py").read_text(encoding="utf-8"))
    changed = _changed_files(release["commit"], addon)
    if changed:
        assert current > released, f"{addon} changed since release {release['name']}: {changed}"
    # migrations only for versions after the release, up to the current one
    for folder in (REPO / addon / "migrations").glob("*"):
        version = tuple(int(p) for p in folder.name.split("."))
        assert version <= current, f"{folder} is ahead of the manifest"
