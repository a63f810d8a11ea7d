from odoo.tools import SQL


def migrate(cr, version):
    # the guard used to be a table of rows every spender updated (an advisory lock since);
    # dropped here rather than in init() at every start
    cr.execute(SQL("DROP TABLE IF EXISTS stock_lock_guard"))
