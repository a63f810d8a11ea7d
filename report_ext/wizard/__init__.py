from . import customer_statement_wizard, stock_turnover_wizard
