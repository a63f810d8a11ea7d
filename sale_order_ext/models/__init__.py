from . import (
    res_company,
    res_config_settings,
    res_partner,
    sale_approval_rule,
    sale_order,
    sale_order_approval,
    sale_order_line,
    sale_review_check,
    stock_picking,
)
