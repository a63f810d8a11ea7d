from . import test_install
from . import test_review_flow
from . import test_bypass
from . import test_review_checks
from . import test_performance
from . import test_sign_and_completion
from . import test_review_reminder
from . import test_portal_payment
