from . import customer_statement_wizard
