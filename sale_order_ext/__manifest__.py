{
    "name": "Sales Order Review and Lifecycle (进销存 销售审核)",
    "summary": "Pending review → approved → shipped → completed, review checklist, "
    "approval rules, delivery sign-off",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "JXC Suite",
    "website": "https://github.com/jxc-suite/jxc",
    "depends": ["sale_management", "sale_stock", "account"],
    "data": [
        "security/sale_order_ext_groups.xml",
        "security/ir.model.access.csv",
    ],
    "demo": [
        "demo/res_company_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/product_demo.xml",
        "demo/stock_demo.xml",
        "demo/sale_order_demo.xml",
    ],
    "installable": True,
    "application": False,
}
