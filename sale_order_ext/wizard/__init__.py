from . import sale_advance_payment_inv, sale_order_review_wizard
