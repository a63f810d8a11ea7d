"""Uninstall of sale_order_ext: undo what the addon set outside what Odoo removes by itself.

Odoo drops the addon's tables, its columns on core tables (with the indexes on them), its
records, groups and activity types without activities. This hook, run before that, undoes the
rest, so the orders go on in core's flow:

- home actions the suite set by role (``res.users._role_home_actions``) are reset to none (a
  home action outside that list, chosen by the user or an administrator, is kept);
- the order discount (整单折扣), the addon's own column, is folded into core's line discount
  of orders and invoices, so core computes, invoices and refunds the same net prices;
- the review to-dos (their activity type is the addon's) are deleted, and so are the approval
  steps and rules naming its groups (a required reference: Odoo could not delete the groups);
- the trigram indexes the install put on core's ``default_code`` columns are dropped;
- PostgreSQL's pg_trgm extension is kept: core creates its own trigram indexes once it
  exists, and the install does not record whether it created it.

The helpers here also serve the suite's other addons' uninstall hooks.
"""

import logging

from odoo.tools import SQL
from odoo.tools.sql import drop_index, index_exists

from .models.res_users import ROLE_HOME_ACTIONS

_logger = logging.getLogger(__name__)

# the trigram indexes ensure_code_trigram_indexes() creates on core's columns: {index: table}
CODE_TRIGRAM_INDEXES = {
    "product_template__default_code_trgm_index": "product_template",
    "product_product__default_code_trgm_index": "product_product",
}


def uninstall_hook(env):
    reset_home_actions(
        env, [action for __, action in env["res.users"]._role_home_actions()], "sale_order_ext"
    )
    fold_order_discounts(env)
    unlink_group_references(env)
    unlink_addon_activities(env, "sale_order_ext")
    drop_indexes(env, "sale_order_ext", CODE_TRIGRAM_INDEXES)
    log_pg_trgm_kept(env)


# ---------------------------------------------------------------------- shared helpers
def suite_role_actions():
    """The action xmlids of sale_order_ext's own roles (without other addons' additions)."""
    return [action for __, action in ROLE_HOME_ACTIONS]


def reset_home_actions(env, action_xmlids, addon):
    """Users whose home action is one of ``action_xmlids`` (set by the suite's roles) get none:
    Odoo's default home. Other home actions are the users' own choice and are kept."""
    actions = [env.ref(xmlid, raise_if_not_found=False) for xmlid in action_xmlids]
    action_ids = [action.id for action in actions if action]
    users = env["res.users"]
    if action_ids:
        users = (
            users.sudo().with_context(active_test=False).search([("action_id", "in", action_ids)])
        )
        users.write({"action_id": False})
    _logger.info("%s uninstalled: home action reset for %s user(s)", addon, len(users))
    return users


def drop_indexes(env, addon, indexes):
    """Drop the indexes ({index: table}) the addon's install created on core's tables."""
    dropped = [index for index in indexes if index_exists(env.cr, index)]
    for index in dropped:
        drop_index(env.cr, index, indexes[index])
    _logger.info("%s uninstalled: indexes dropped: %s", addon, ", ".join(dropped) or "none")


def by_company_language(records):
    """{lang: records}: records grouped by the language of their company (an installed one)."""
    installed = {code for code, __ in records.env["res.lang"].get_installed()}
    grouped = {}
    for record in records:
        lang = record.company_id.partner_id.lang
        lang = lang if lang in installed else "en_US"
        grouped[lang] = grouped.get(lang, records.browse()) | record
    return grouped


def addon_record_ids(env, addon, model):
    """Ids of the addon's records of ``model`` (those with an external id of the addon)."""
    env.cr.execute(
        SQL(
            "SELECT res_id FROM ir_model_data WHERE module = %s AND model = %s",
            addon,
            model,
        )
    )
    return [row[0] for row in env.cr.fetchall()]


def unlink_addon_activities(env, addon):
    """Delete the activities of the addon's activity types: their work goes with the addon,
    and a type still in use can't be deleted (Odoo would keep it, orphaned)."""
    type_ids = addon_record_ids(env, addon, "mail.activity.type")
    activities = env["mail.activity"]
    if type_ids:
        activities = activities.sudo().search([("activity_type_id", "in", type_ids)])
        activities.unlink()
    _logger.info(
        "%s uninstalled: %s open activit(ies) of its types deleted", addon, len(activities)
    )
    return activities


def delete_params(env, addon):
    """The addon's system parameters (``<addon>.*``): set at run time, not by its data."""
    params = (
        env["ir.config_parameter"]
        .sudo()
        .search([("key", "=like", addon.replace("_", r"\_") + ".%")])
    )
    if params:
        _logger.info(
            "%s uninstalled: parameters %s deleted", addon, ", ".join(params.mapped("key"))
        )
        params.unlink()
    return params


# ---------------------------------------------------------------------- sale_order_ext's own
def fold_order_discounts(env):
    """Core's ``discount`` of order and invoice lines becomes the combined discount the addon
    computed their amounts with (own discount, then the line's share of the order discount),
    and the order discount is zeroed: nothing changes the stored amounts, and whatever core
    computes next (delivery, invoice, credit note) uses the same net price. Core rounds a
    discount to its precision ("Discount", 2 digits): an amount discount spread over lines
    may then differ by a cent on documents core creates later."""
    cr = env.cr
    env.flush_all()
    cr.execute(
        SQL(
            """
            UPDATE sale_order_line
               SET discount = 100 - (100 - COALESCE(discount, 0)) * (100 - order_discount) / 100,
                   order_discount = 0
             WHERE order_discount IS NOT NULL AND order_discount != 0
            """
        )
    )
    lines = cr.rowcount
    cr.execute(
        SQL(
            """
            UPDATE account_move_line
               SET discount = 100 - (100 - COALESCE(discount, 0)) * (100 - sale_order_discount) / 100,
                   sale_order_discount = 0
             WHERE sale_order_discount IS NOT NULL AND sale_order_discount != 0
            """
        )
    )
    invoice_lines = cr.rowcount
    cr.execute(SQL("UPDATE sale_order SET sale_discount = 0 WHERE sale_discount != 0"))
    env.invalidate_all()
    _logger.info(
        "sale_order_ext uninstalled: order discount folded into the line discount of %s order "
        "line(s) and %s invoice line(s)",
        lines,
        invoice_lines,
    )


def unlink_group_references(env):
    """The approval steps and rules naming the addon's groups go first. Their reference is
    required (ON DELETE RESTRICT): Odoo, deleting the groups before the tables, would fail and
    keep the groups. The tables go with the addon anyway; the steps are deleted in SQL (no
    recompute of the orders they belong to, years of them)."""
    group_ids = addon_record_ids(env, "sale_order_ext", "res.groups")
    env.flush_all()
    env.cr.execute(SQL("DELETE FROM sale_order_approval WHERE group_id = ANY(%s)", group_ids))
    steps = env.cr.rowcount
    env.invalidate_all()
    rules = (
        env["sale.approval.rule"]
        .sudo()
        .with_context(active_test=False)
        .search([("group_id", "in", group_ids)])
    )
    rules.unlink()
    _logger.info(
        "sale_order_ext uninstalled: %s approval step(s) and %s approval rule(s) deleted",
        steps,
        len(rules),
    )


def log_pg_trgm_kept(env):
    """pg_trgm stays: say why (what depends on it, or that its creator is unknown)."""
    cr = env.cr
    cr.execute(
        SQL(
            """
            WITH member AS (
                SELECT dep.classid, dep.objid
                  FROM pg_depend dep
                  JOIN pg_extension ext ON ext.oid = dep.refobjid
                 WHERE dep.refclassid = 'pg_extension'::regclass
                   AND dep.deptype = 'e' AND ext.extname = 'pg_trgm'
            )
            SELECT DISTINCT pg_describe_object(dep.classid, dep.objid, 0)
              FROM pg_depend dep
              JOIN member ON dep.refclassid = member.classid AND dep.refobjid = member.objid
             WHERE dep.deptype = 'n'
               -- the operator families' own entries
               AND dep.classid NOT IN ('pg_amop'::regclass, 'pg_amproc'::regclass)
               AND (dep.classid, dep.objid) NOT IN (SELECT classid, objid FROM member)
             ORDER BY 1
            """
        )
    )
    users = [row[0] for row in cr.fetchall()]
    cr.execute(SQL("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"))
    if not cr.fetchone():
        return
    if users:
        _logger.info(
            "sale_order_ext uninstalled: PostgreSQL extension pg_trgm kept, %s object(s) use "
            "it (%s)",
            len(users),
            ", ".join(users[:5]) + (", ..." if len(users) > 5 else ""),
        )
    else:
        _logger.info(
            "sale_order_ext uninstalled: PostgreSQL extension pg_trgm kept (nothing uses it "
            "now, but the install does not record whether it created it; drop it with "
            "DROP EXTENSION pg_trgm if nothing else needs it)"
        )
