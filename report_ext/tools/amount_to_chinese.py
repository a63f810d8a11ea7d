"""大写金额: RMB amounts in Chinese capital numerals (人民币壹万贰仟叁佰肆拾伍元陆角柒分).

A thin layer over ``cn2an.an2cn(value, "rmb")`` (also used by Odoo's ``l10n_cn``). It only
corrects what the test table (tests/test_amount_to_chinese.py) shows cn2an gets wrong for
accounting use (会计基础工作规范 第五十二条):

* the amount is rounded half-up to the fen first (cn2an truncates 12.345 to 叁角肆分);
* an amount ending in 角 gets 整 (cn2an: 壹佰元壹角 → 壹佰元壹角整);
* minus zero prints 零元整, not 负零元整;
* amounts beyond ``AMOUNT_CN_MAX`` raise a translated ``UserError`` (cn2an either refuses
  with an untranslated ValueError past 16 digits or loses precision in floats).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from odoo import _
from odoo.exceptions import UserError

try:
    from cn2an import an2cn
except ImportError:  # pragma: no cover - declared in external_dependencies
    an2cn = None

# 9,999,999,999,999.99: below 10 万亿, exact in a float with two decimals
AMOUNT_CN_MAX = Decimal("9999999999999.99")
CENT = Decimal("0.01")


def amount_to_chinese(amount, env=None, prefix="人民币"):
    """Return the 大写 of ``amount`` (int, float, str or Decimal), e.g.
    ``amount_to_chinese(12345.67) == "人民币壹万贰仟叁佰肆拾伍元陆角柒分"``.

    :param env: an Odoo environment, to translate the errors in its language
    :param prefix: text put before the amount (``""`` for none)
    :raises UserError: when the amount is not a number or beyond ``AMOUNT_CN_MAX``
    """
    # _() reads the language from a local variable named context
    context = {"lang": (env.lang if env is not None else None) or "en_US"}  # noqa: F841
    try:
        # str() of a float is its shortest repr: 1.005 stays "1.005" and rounds to 1.01
        value = Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError) as e:
        raise UserError(_("%(amount)s is not an amount.", amount=amount)) from e
    if abs(value) > AMOUNT_CN_MAX:
        amount_text, max_text = f"{value:,.2f}", f"{AMOUNT_CN_MAX:,.2f}"
        raise UserError(
            _(
                "The amount %(amount)s is too large to be written in Chinese capitals "
                "(at most %(max)s).",
                amount=amount_text,
                max=max_text,
            )
        )
    if not value:
        value = Decimal("0.00")  # no 负零元整
    words = an2cn(format(value, "f"), "rmb")
    if words.endswith("角"):
        words += "整"
    return f"{prefix}{words}"
