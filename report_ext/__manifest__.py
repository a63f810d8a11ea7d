{
    "name": "Chinese Sales Documents and Analysis (进销存 单据与分析)",
    "summary": "销售单, 送货单, 对账单 PDFs and sales, stock turnover and receivables analysis",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "JXC Suite",
    "website": "https://github.com/jxc-suite/jxc",
    "depends": ["sale_order_ext", "stock_lock_ext"],
    "external_dependencies": {"python": ["cn2an"]},
    "data": [
        "security/ir.model.access.csv",
    ],
    "demo": [],
    "installable": True,
    "application": False,
}
