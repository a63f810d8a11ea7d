from . import models, wizard


def _post_init_hook(env):
    # the stock shortage check joins sale_order_ext's checklist in every company
    env["sale.review.check"]._seed()
