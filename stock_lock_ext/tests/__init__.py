from . import test_install
from . import test_lock_flow
from . import test_reservation
from . import test_lock_manage
from . import test_low_stock
from . import test_performance
from . import test_concurrency
