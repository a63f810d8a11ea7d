"""Each addon builds as a wheel (per-addon pyproject.toml, whool) with the right metadata."""

import subprocess
import zipfile

import pytest

from .conftest import REPO, VENV_PYTHON


@pytest.mark.parametrize(
    ("addon", "version", "requires"),
    [
        ("sale_order_ext", "18.0.1.1.0", "odoo-addon-sale_order_ext"),
        ("stock_lock_ext", "18.0.1.1.0", "odoo-addon-sale_order_ext"),
        ("report_ext", "18.0.1.3.0", "cn2an"),
    ],
)
def test_addon_builds_as_wheel(tmp_path, addon, version, requires):
    pip_wheel = [str(VENV_PYTHON), "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*pip_wheel, "-w", str(tmp_path), str(REPO / addon)],
        check=True,
        capture_output=True,
    )
    # whool adds the number of commits since the version was set: 18.0.1.0.0.N
    (wheel,) = tmp_path.glob(f"odoo_addon_{addon}-{version}*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        metadata = zf.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert f"odoo/addons/{addon}/__manifest__.py" in names
    assert f"odoo/addons/{addon}/i18n/zh_CN.po" in names
    assert "License: LGPL-3" in metadata or "LGPL" in metadata, metadata
    assert requires.lower().replace("_", "-") in metadata.lower().replace("_", "-"), metadata
