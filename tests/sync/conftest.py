"""The sync tests use the register's and the waste bank's fixtures together."""

from tests.participation.conftest import home, inspection_item, log_item, sync  # noqa: F401
from tests.wastebank.conftest import bank  # noqa: F401
