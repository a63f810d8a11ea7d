from . import test_install
from . import test_review_flow
from . import test_bypass
from . import test_review_checks
