from . import stock_lock_wizard
