"""Load the suite's Chinese demo data into a database created without Odoo's demo data.

Run by scripts/demo.sh through ``odoo-bin shell`` (``env`` is the shell's environment):
Odoo's own demo (US companies, Deco Addict, furniture) is never installed; our addons'
``demo`` files are loaded in manifest order, as Odoo would load them (mode init, noupdate),
and the addons are marked as having their demo data so that later updates treat them so.
"""

# ruff: noqa: F821 (env is given by odoo-bin shell)
from odoo.modules.module import get_manifest
from odoo.tools import convert_file, mute_logger

ADDONS = ["sale_order_ext", "stock_lock_ext", "report_ext"]

idref = {}
# partner_autocomplete asks Odoo's IAP service about a new company: not reachable offline
with mute_logger("odoo.addons.iap.tools.iap_tools"):
    for addon in ADDONS:
        for filename in get_manifest(addon).get("demo", []):
            convert_file(env, addon, filename, idref, mode="init", noupdate=True, kind="demo")
            # what Odoo defers to the commit runs now, file by file (e.g. account loading the
            # chart of a company created with a country: before the demo invoices, not after)
            env.flush_all()
            env.cr.precommit.run()
env["ir.module.module"].search([("name", "in", ADDONS)]).write({"demo": True})
env.cr.commit()
print("demo data loaded")
