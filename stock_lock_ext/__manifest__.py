{
    "name": "Stock Locks at Order Submission (进销存 库存锁定)",
    "summary": "Lock stock when an order is submitted, never sell the same units twice, "
    "low-stock alerts",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "license": "LGPL-3",
    "author": "JXC Suite",
    "website": "https://github.com/jxc-suite/jxc",
    "depends": ["sale_order_ext", "sale_stock"],
    "data": [
        "security/stock_lock_ext_groups.xml",
        "security/ir.model.access.csv",
    ],
    "demo": [],
    "installable": True,
    "application": False,
}
