from . import (
    receivable_analysis_report,
    report_customer_statement,
    report_delivery_slip,
    report_sale_slip,
    sale_analysis_mixin,
    sale_analysis_order_report,
    sale_analysis_report,
    stock_analysis_report,
)
