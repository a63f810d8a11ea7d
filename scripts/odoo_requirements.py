"""Print Odoo's requirements.txt with the pins Odoo lists for Python >= 3.12.

Odoo 18's pins for Python 3.11 include sdists that no longer build (cbor2 5.4.2);
the pins it lists for 3.12 all ship wheels for 3.11 and 3.12 as well.
"""

import sys

from pip._vendor.packaging.requirements import Requirement

ENV = {"python_version": "3.12", "python_full_version": "3.12.3"}


def main(path):
    for raw in open(path, encoding="utf-8"):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        # evaluate python_version as 3.12; sys_platform stays this machine's
        if req.marker and not req.marker.evaluate(ENV):
            continue
        print(f"{req.name}{req.specifier}")


if __name__ == "__main__":
    main(sys.argv[1])
