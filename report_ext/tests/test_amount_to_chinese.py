from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.report_ext.tools import amount_to_chinese

# (amount, expected) - prefix 人民币 left out; rows marked "cn2an" are what cn2an alone gets
# wrong and the helper corrects
AMOUNT_TABLE = [
    (0, "零元整"),
    (0.0, "零元整"),
    (-0.0, "零元整"),  # cn2an: 负零元整
    (0.001, "零元整"),
    (0.005, "壹分"),  # rounded half up
    (0.01, "壹分"),
    (0.05, "伍分"),
    (0.1, "壹角整"),  # cn2an: 壹角
    (0.5, "伍角整"),  # cn2an: 伍角
    (0.55, "伍角伍分"),
    (1, "壹元整"),
    (1.01, "壹元零壹分"),
    (1.1, "壹元壹角整"),  # cn2an: 壹元壹角
    (1.005, "壹元零壹分"),  # cn2an truncates to 壹元整
    (10, "壹拾元整"),
    (12.345, "壹拾贰元叁角伍分"),  # cn2an truncates to 叁角肆分
    (20.05, "贰拾元零伍分"),
    (100, "壹佰元整"),
    (100.10, "壹佰元壹角整"),  # cn2an: 壹佰元壹角
    (101.01, "壹佰零壹元零壹分"),
    (110, "壹佰壹拾元整"),
    (1000.01, "壹仟元零壹分"),
    (1001, "壹仟零壹元整"),
    (1010.1, "壹仟零壹拾元壹角整"),
    (10000, "壹万元整"),
    (12345.67, "壹万贰仟叁佰肆拾伍元陆角柒分"),
    (30000.04, "叁万元零肆分"),
    (100010, "壹拾万零壹拾元整"),
    (100100, "壹拾万零壹佰元整"),
    (105000, "壹拾万伍仟元整"),
    (1000000, "壹佰万元整"),
    (10000001.01, "壹仟万零壹元零壹分"),
    (100000001, "壹亿零壹元整"),
    (1000010000, "壹拾亿零壹万元整"),
    (123456789.12, "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
    (9999999999999.99, "玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    (-5.5, "负伍元伍角整"),
    (-12345.67, "负壹万贰仟叁佰肆拾伍元陆角柒分"),
    (-0.01, "负壹分"),
    ("100.10", "壹佰元壹角整"),
]


@tagged("post_install", "-at_install")
class TestAmountToChinese(TransactionCase):
    def test_table(self):
        self.assertGreaterEqual(len(AMOUNT_TABLE), 30)
        for amount, expected in AMOUNT_TABLE:
            with self.subTest(amount=amount):
                self.assertEqual(amount_to_chinese(amount, prefix=""), expected)

    def test_prefix(self):
        self.assertEqual(amount_to_chinese(12345.67), "人民币壹万贰仟叁佰肆拾伍元陆角柒分")

    def test_beyond_range_translated(self):
        env = self.env(context={"lang": "zh_CN"})
        for amount in (10000000000000, -10000000000000, 1e16):
            with self.subTest(amount=amount), self.assertRaises(UserError) as error:
                amount_to_chinese(amount, env=env)
            self.assertIn("太大", str(error.exception))
        with self.assertRaises(UserError) as error:
            amount_to_chinese(10000000000000, env=self.env(context={"lang": "en_US"}))
        self.assertIn("too large", str(error.exception))

    def test_not_a_number(self):
        with self.assertRaises(UserError):
            amount_to_chinese("abc", env=self.env)
