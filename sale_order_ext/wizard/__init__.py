from . import sale_order_review_wizard
