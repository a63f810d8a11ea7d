"""Odoo's own sale, stock and account reports print with their barcodes on the setup the README
installs: reportlab 4.1.0 with rl-renderPM, the pair Odoo's Debian package uses.

There is one 2-worker server. Each user logs in once, in a web session, and works and prints
in it as the web client does: ``/web/dataset/call_kw`` for the buttons and
``/report/pdf/<report_name>/<ids>`` for the prints. The warehouse user prints Picking
Operations, the delivery slip, the return slip, the product labels and the lot labels;
finance prints the invoice; the salesperson prints the quotation.

A barcode counts as drawn when the PDF embeds an image with the same dark and light pixels as
the PNG that Odoo's ``/report/barcode`` route draws for the same value and options. The tests
run in file order: the delivery is printed before it is validated and after. The last test
runs the same checks against a server whose reportlab has no renderPM backend, i.e. this
setup before rl-renderPM was installed, and shows that they fail.
"""

import io
import itertools
import json
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
import requests
from PIL import Image

from .conftest import OdooServer, RpcError, pg_cursor

CUSTOMER = "杭州西湖文具有限公司"
STOCKED = "条码测试 中性笔"
TRACKED = "条码测试 批次墨水"
LOT = "LOT-CR-0001"


def ean13(first12):
    """A valid EAN-13: Odoo prints one with a wrong check digit as Code128."""
    odd, even = sum(map(int, first12[0::2])), sum(map(int, first12[1::2]))
    return first12 + str((10 - (odd + 3 * even) % 10) % 10)


BARCODE_STOCKED = ean13("690123456780")
BARCODE_TRACKED = ean13("690123456781")


class Pdf:
    """A printed PDF: its text (pdftotext) and its embedded images (pdfimages)."""

    def __init__(self, content):
        self.content = content
        with tempfile.TemporaryDirectory(prefix="jxc-core-report-") as tmp:
            path = Path(tmp) / "report.pdf"
            path.write_bytes(content)
            self.text = subprocess.run(
                ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
            ).stdout
            subprocess.run(["pdfimages", "-png", str(path), f"{tmp}/img"], check=True)
            self.images = []
            for png in sorted(Path(tmp).glob("img-*.png")):
                with Image.open(png) as image:
                    self.images.append(image.convert("L"))


def ink(image):
    """Each pixel dark (a bar) or light (a space)."""
    return [value < 128 for value in image.getdata()]


def same_barcode(drawn, expected):
    """Same size and the same bars and spaces, pixel for pixel (the PDF keeps the PNG as it
    is; a barcode of another value differs, e.g. 4 % of the pixels for two EAN-13 codes)."""
    return drawn.size == expected.size and any(ink(expected)) and ink(drawn) == ink(expected)


class WebUser:
    """One user's web session: calls model methods and prints as the web client does."""

    _ids = itertools.count(1)

    def __init__(self, server, login):
        self.url = server.url
        self.session = requests.Session()
        # the login form, as a person logs in (/web/session/authenticate would also compute the
        # web client's session info: seconds per worker for the zh_CN translations' hash)
        page = self.session.get(f"{server.url}/web/login", timeout=120).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        answer = self.session.post(
            f"{server.url}/web/login",
            data={
                "csrf_token": token,
                "login": login,
                "password": login,
                "redirect": "/web/health",
            },
            allow_redirects=False,
            timeout=120,
        )
        assert answer.status_code == 303, (login, answer.status_code, answer.text[:500])

    def call(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", {"lang": "zh_CN"})
        answer = self.session.post(
            f"{self.url}/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": next(self._ids),
                "params": {"model": model, "method": method, "args": args, "kwargs": kwargs},
            },
            timeout=300,
        ).json()
        if "error" in answer:
            raise RpcError(answer["error"])
        return answer.get("result")

    def pdf(self, report_name, ids=None, data=None, context=None):
        """``/report/pdf/...``: with the records' ids or, for a wizard's report, its data in
        ``options`` (as the web client does)."""
        url = f"{self.url}/report/pdf/{report_name}"
        if ids:
            url += "/" + ",".join(map(str, ids))
        params = {}
        if data is not None:
            params = {"options": json.dumps(data), "context": json.dumps(context or {})}
        response = self.session.get(url, params=params, timeout=180)
        assert response.status_code == 200, (report_name, response.status_code, response.text)
        assert response.headers["Content-Type"] == "application/pdf", response.headers
        assert response.content.startswith(b"%PDF-"), response.content[:200]
        return Pdf(response.content)

    def barcode(self, barcode_type, value, **options):
        """The PNG that Odoo's /report/barcode route draws. An invoice's payment QR-code is
        drawn by this route too."""
        response = self.session.get(
            f"{self.url}/report/barcode/",
            params={"barcode_type": barcode_type, "value": value, **options},
            timeout=60,
        )
        assert response.status_code == 200, (
            barcode_type,
            value,
            response.status_code,
            response.text[:500],
        )
        assert response.headers["Content-Type"] == "image/png", response.headers
        with Image.open(io.BytesIO(response.content)) as image:
            return image.convert("L")

    def assert_barcodes(self, pdf, *expected):
        """Each (symbology, value, options) is drawn in the PDF."""
        for barcode_type, value, options in expected:
            want = self.barcode(barcode_type, value, **options)
            assert any(same_barcode(image, want) for image in pdf.images), (
                f"no {barcode_type} barcode of {value!r} in the PDF; its images: "
                f"{[image.size for image in pdf.images]}"
            )


ROLES = {
    # login: groups (a company that tracks lots gives its users stock.group_production_lot)
    "cr_sales": ["base.group_user", "sales_team.group_sale_salesman"],
    "cr_wh": ["base.group_user", "stock.group_stock_user", "stock.group_production_lot"],
    "cr_fin": ["base.group_user", "account.group_account_invoice"],
}


@pytest.fixture(scope="module")
def world(odoo_server):
    """Two products with EAN-13 barcodes, one of them lot-tracked with its stock in lot LOT.
    The salesperson confirms an order of both (Odoo's Confirm, i.e. the suite's submit; the
    company reviews nothing by default, so the order is approved on submit)."""
    server = odoo_server
    admin = server.admin()
    admin.call(
        "res.users",
        "create",
        [
            {
                "name": login,
                "login": login,
                "password": login,
                "email": f"{login}@example.com",
                "lang": "zh_CN",
                "groups_id": [(6, 0, [admin.ref(group) for group in groups])],
            }
            for login, groups in ROLES.items()
        ],
    )
    products = {}
    for name, code, barcode, tracking in (
        (STOCKED, "WJ-0501", BARCODE_STOCKED, "none"),
        (TRACKED, "MS-0001", BARCODE_TRACKED, "lot"),
    ):
        products[name] = admin.call(
            "product.product",
            "create",
            {
                "name": name,
                "default_code": code,
                "barcode": barcode,
                "type": "consu",
                "is_storable": True,
                "tracking": tracking,
                "list_price": 10,
                "standard_price": 4,
                "invoice_policy": "order",
            },
        )
    # saved as the web client saves a new lot: 18.0's stock_account overrides stock.lot's
    # create without @api.model_create_multi, so a bare RPC create is taken for a call on ids
    [lot] = admin.call(
        "stock.lot",
        "web_save",
        [],
        {"name": LOT, "product_id": products[TRACKED]},
        specification={},
    )
    [warehouse] = admin.call("stock.warehouse", "search_read", [], ["lot_stock_id"], limit=1)
    ctx = {"inventory_mode": True}
    quants = [
        admin.call(
            "stock.quant",
            "create",
            {
                "product_id": products[name],
                "lot_id": lot_id,
                "location_id": warehouse["lot_stock_id"][0],
                "inventory_quantity": 20,
            },
            context=ctx,
        )
        for name, lot_id in ((STOCKED, False), (TRACKED, lot["id"]))
    ]
    admin.call("stock.quant", "action_apply_inventory", quants, context=ctx)
    partner_id = admin.call(
        "res.partner",
        "create",
        {"name": CUSTOMER, "is_company": True, "street": "文三路 1 号", "city": "杭州"},
    )
    users = {login: WebUser(server, login) for login in ROLES}
    sales = users["cr_sales"]
    order_id = sales.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "order_line": [
                (0, 0, {"product_id": products[STOCKED], "product_uom_qty": 3}),
                (0, 0, {"product_id": products[TRACKED], "product_uom_qty": 2}),
            ],
        },
    )
    sales.call("sale.order", "action_confirm", [order_id])
    [order] = sales.call(
        "sale.order", "read", [order_id], ["name", "state", "approval_state", "picking_ids"]
    )
    assert (order["state"], order["approval_state"]) == ("sale", "approved"), order
    [picking_id] = order["picking_ids"]
    return {
        "server": server,
        "sales": sales,
        "warehouse": users["cr_wh"],
        "finance": users["cr_fin"],
        "products": products,
        "lot": lot["id"],
        "order": order,
        "picking": picking_id,
    }


def picking_name(world, picking_id):
    [picking] = world["warehouse"].call("stock.picking", "read", [picking_id], ["name", "state"])
    return picking["name"], picking["state"]


def test_picking_operations(world):
    """Printed by the picker before picking. It shows the barcodes of the document, of each
    product and of the reserved lot."""
    name, state = picking_name(world, world["picking"])
    assert state == "assigned", state
    wh = world["warehouse"]
    pdf = wh.pdf("stock.report_picking", [world["picking"]])
    for text in (name, STOCKED, TRACKED):
        assert text in pdf.text, (text, pdf.text)
    wh.assert_barcodes(
        pdf,
        ("Code128", name, {"width": 600, "height": 100}),
        ("auto", BARCODE_STOCKED, {"width": 400, "height": 100, "quiet": 0}),
        ("auto", BARCODE_TRACKED, {"width": 400, "height": 100, "quiet": 0}),
        ("Code128", LOT, {"width": 400, "height": 100, "humanreadable": 1}),
    )


def test_delivery_slip_and_return_slip(world):
    """The warehouse ships and prints the delivery slip. 18.0's delivery slip draws no
    barcode, so its text is checked. Then it takes one unit of each product back; the return
    slip carries the barcodes of the return and of Odoo's OBTRETU."""
    wh = world["warehouse"]
    picking_id = world["picking"]
    moves = wh.call(
        "stock.move", "search_read", [("picking_id", "=", picking_id)], ["product_uom_qty"]
    )
    for move in moves:
        wh.call(
            "stock.move",
            "write",
            [move["id"]],
            {"quantity": move["product_uom_qty"], "picked": True},
        )
    done = wh.call(
        "stock.picking",
        "button_validate",
        [picking_id],
        context={"lang": "zh_CN", "skip_backorder": True, "skip_sms": True},
    )
    assert done is True, done
    name, state = picking_name(world, picking_id)
    assert state == "done", state
    slip = wh.pdf("stock.report_deliveryslip", [picking_id])
    for text in (name, world["order"]["name"], STOCKED, TRACKED, CUSTOMER):
        assert text in slip.text, (text, slip.text)

    ctx = {"active_id": picking_id, "active_ids": [picking_id], "active_model": "stock.picking"}
    wizard = wh.call("stock.return.picking", "create", {}, context=ctx)
    [lines] = wh.call("stock.return.picking", "read", [wizard], ["product_return_moves"])
    wh.call(
        "stock.return.picking",
        "write",
        [wizard],
        {
            "product_return_moves": [
                (1, line, {"quantity": 1}) for line in lines["product_return_moves"]
            ]
        },
    )
    action = wh.call("stock.return.picking", "action_create_returns", [wizard], context=ctx)
    return_name, _state = picking_name(world, action["res_id"])
    assert return_name != name
    slip = wh.pdf("stock.report_return_slip", [action["res_id"]])
    assert return_name in slip.text and "OBTRETU" in slip.text, slip.text
    wh.assert_barcodes(slip, ("Code128", return_name, {}), ("Code128", "OBTRETU", {}))


def test_product_labels(world):
    """Product → Print Labels: Odoo's label wizard, 2 x 7 with price. The web client prints a
    wizard's report with its data in ``options`` and no ids."""
    wh = world["warehouse"]
    templates = wh.call(
        "product.product", "read", list(world["products"].values()), ["product_tmpl_id"]
    )
    wizard = wh.call(
        "product.label.layout",
        "create",
        {
            "product_tmpl_ids": [(6, 0, [t["product_tmpl_id"][0] for t in templates])],
            "print_format": "2x7xprice",
            "custom_quantity": 1,
        },
    )
    action = wh.call("product.label.layout", "process", [wizard])
    assert action["report_name"] == "product.report_producttemplatelabel2x7", action
    pdf = wh.pdf(action["report_name"], data=action["data"], context=action.get("context"))
    for text in (STOCKED, TRACKED, BARCODE_STOCKED, BARCODE_TRACKED):
        assert text in pdf.text, (text, pdf.text)
    wh.assert_barcodes(pdf, ("auto", BARCODE_STOCKED, {}), ("auto", BARCODE_TRACKED, {}))


def test_lot_label(world):
    wh = world["warehouse"]
    pdf = wh.pdf("stock.report_lot_label", [world["lot"]])
    assert LOT in pdf.text and TRACKED in pdf.text, pdf.text
    wh.assert_barcodes(pdf, ("Code128", LOT, {}))
    # the comparison tells values apart: another lot's barcode is not in this PDF
    with pytest.raises(AssertionError, match="no Code128 barcode"):
        wh.assert_barcodes(pdf, ("Code128", LOT.replace("1", "2"), {}))


def test_invoice_and_quotation(world):
    """Finance posts and prints the invoice, and the salesperson prints the order. The invoice
    has no payment QR-code here: no QR method covers CNY without a QR module. The route such a
    QR-code is drawn by is checked instead."""
    order = world["order"]
    sales, fin = world["sales"], world["finance"]
    wizard = sales.call(
        "sale.advance.payment.inv",
        "create",
        {"advance_payment_method": "delivered", "sale_order_ids": [(6, 0, [order["id"]])]},
        context={"lang": "zh_CN", "active_model": "sale.order", "active_ids": [order["id"]]},
    )
    sales.call("sale.advance.payment.inv", "create_invoices", [wizard])
    [invoice_id] = fin.call("account.move", "search", [("invoice_origin", "=", order["name"])])
    fin.call("account.move", "action_post", [invoice_id])
    [invoice] = fin.call("account.move", "read", [invoice_id], ["name", "state"])
    assert invoice["state"] == "posted", invoice
    pdf = fin.pdf("account.report_invoice", [invoice_id])
    for text in (invoice["name"], STOCKED, TRACKED, CUSTOMER):
        assert text in pdf.text, (text, pdf.text)
    qr = fin.barcode("QR", f"INVOICE {invoice['name']}", width=128, height=128)
    assert qr.size == (128, 128) and 0 < sum(ink(qr)) < 128 * 128

    pdf = sales.pdf("sale.report_saleorder", [order["id"]])
    assert order["name"] in pdf.text and STOCKED in pdf.text, pdf.text


def test_without_renderpm_the_barcodes_fail(world, tmp_path, monkeypatch):
    """Teeth. A second server runs on the same database, and a module placed ahead of
    rl-renderPM on its path raises ImportError, so reportlab 4.1.0 finds no renderPM backend
    (the setup before rl-renderPM). There the barcode route and a report with a barcode fail,
    and the checks above say so."""
    (tmp_path / "_rl_renderPM.py").write_text(
        'raise ImportError("hidden by the test: reportlab without rl-renderPM")\n'
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    server = world["server"]
    broken = OdooServer(server.db, workers=0)
    broken.logfile = tmp_path / "odoo.log"  # its own log and pid file, not the first server's
    broken.args = [
        f"--logfile={broken.logfile}"
        if arg.startswith("--logfile=")
        else f"--pidfile={tmp_path / 'odoo.pid'}"
        if arg.startswith("--pidfile=")
        else arg
        for arg in broken.args
    ]
    try:
        broken.start()
        wh = WebUser(broken, "cr_wh")
        with pytest.raises(AssertionError, match=", 500,"):
            wh.barcode("Code128", LOT)
        with pytest.raises(AssertionError, match=", 500,"):
            wh.pdf("stock.report_lot_label", [world["lot"]])
        # and for that reason only (the server itself runs: the user logged in)
        assert "cannot import desired renderPM backend rlPyCairo" in broken.logfile.read_text()
    finally:
        broken.stop()
        with pg_cursor(server.db) as cr:  # the first server's wkhtmltopdf fetches CSS from it
            cr.execute(
                "UPDATE ir_config_parameter SET value = %s WHERE key = 'web.base.url'",
                [server.url],
            )
