"""Run Odoo's own test suites of some modules on an installed database, after the whole
registry is loaded (so that our addons' models take part), and print one JSON line per module.

at_install tests started by ``-i``/``-u`` run while the module graph is loading, before the
addons that depend on the module exist: they would test plain Odoo. This runner loads the
registry of a database where everything is installed, starts Odoo's HTTP server in the
process (HttpCase tests need it), then runs each module's at_install and post_install tests.

    python scripts/core_suites.py --odoo-args "<odoo-bin options>" -d DB sale sale_stock ...

Output: ``{"module": ..., "run": N, "failed": [test ids], "errors": [test ids], "seconds": S}``
"""

import argparse
import json
import shlex
import sys
import threading
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--odoo-args", default="", help="odoo-bin options (addons path, db...)")
    parser.add_argument("modules", nargs="+")
    args = parser.parse_args()

    import odoo  # noqa: PLC0415
    from odoo.service import server  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config([*shlex.split(args.odoo_args), "-d", args.database, "--workers=0"])
    config["test_enable"] = True
    config["test_tags"] = "+standard"
    from odoo.tests import loader, result  # noqa: PLC0415  (after test_enable)

    threading.current_thread().dbname = args.database

    class Result(result.OdooTestResult):
        """Odoo's result, keeping the ids of what failed."""

        def __init__(self):
            super().__init__()
            self.failed, self.errored = [], []

        def addFailure(self, test, err):
            self.failed.append(test.id())
            super().addFailure(test, err)

        def addError(self, test, err):
            self.errored.append(test.id())
            super().addError(test, err)

    odoo.service.server.load_server_wide_modules()
    registry = odoo.modules.registry.Registry(args.database)
    # HttpCase reads odoo.service.server.server.httpd.server_port
    server.server = server.ThreadedServer(odoo.http.root)
    server.server.http_spawn()
    with registry.cursor() as cr:
        odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})["ir.qweb"]._pregenerate_assets_bundles()

    from odoo.modules import module as odoo_module  # noqa: PLC0415

    for name in args.modules:
        t0 = time.time()
        res = Result()
        for position in ("at_install", "post_install"):
            suite = loader.make_suite([name], position)
            odoo_module.current_test = True
            threading.current_thread().testing = True
            try:
                suite(res)
            finally:
                threading.current_thread().testing = False
                odoo_module.current_test = False
        line = {
            "module": name,
            "run": res.testsRun,
            "failed": sorted(set(res.failed)),
            "errors": sorted(set(res.errored)),
            "seconds": round(time.time() - t0, 1),
        }
        print(json.dumps(line), flush=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
