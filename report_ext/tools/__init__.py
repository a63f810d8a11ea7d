from .amount_to_chinese import AMOUNT_CN_MAX, amount_to_chinese
