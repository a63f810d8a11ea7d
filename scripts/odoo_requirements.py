"""Print Odoo's requirements.txt with the pins Odoo lists for Python >= 3.12.

Odoo 18's pins for Python 3.11 include sdists that no longer build (cbor2 5.4.2);
the pins it lists for 3.12 all ship wheels for 3.11 and 3.12 as well.

Some lines are limited to Windows only because Odoo's Debian package brings them on Linux
(their comment says "included in deb package"). The pip install here replaces that package,
so those lines are kept on every platform. The one in 18.0 is
``rl-renderPM==4.0.3 ; sys_platform == 'win32' and python_version >= '3.12'``. reportlab 4.1.0
(the >= 3.12 pin) draws barcodes as PNG through a renderPM backend it does not include:
rlPyCairo by default, or rl-renderPM's ``_rl_renderPM`` when that is installed.
Odoo's deb depends on python3-renderpm (debian/control, setup/package.dfdebian).
Without it, every report with a barcode (Picking Operations, delivery and return slips,
product and lot labels, /report/barcode) fails with
"RenderPMError: cannot import desired renderPM backend rlPyCairo".
rl-renderPM 4.0.3 ships manylinux wheels for CPython 3.11 and 3.12.
"""

import sys

from pip._vendor.packaging.requirements import Requirement

ENV = {"python_version": "3.12", "python_full_version": "3.12.3"}
# the note Odoo puts on a Windows-only line whose package the Linux deb provides
IN_DEB_PACKAGE = "included in deb package"


def main(path):
    for raw in open(path, encoding="utf-8"):
        line, _sep, comment = raw.partition("#")
        line = line.strip()
        if not line:
            continue
        req = Requirement(line)
        # evaluate python_version as 3.12; sys_platform stays this machine's, except for what
        # Odoo's deb package provides (see above): that is needed on every platform
        envs = [ENV]
        if IN_DEB_PACKAGE in comment.lower():
            envs.append({**ENV, "sys_platform": "win32"})
        if req.marker and not any(req.marker.evaluate(env) for env in envs):
            continue
        print(f"{req.name}{req.specifier}")


if __name__ == "__main__":
    main(sys.argv[1])
