from . import (
    test_amount_to_chinese,
    test_analysis,
    test_customer_statement,
    test_delivery_slip,
    test_install,
    test_menus,
    test_order_discount,
    test_pdf,
    test_sale_slip,
    test_statement_http,
)
