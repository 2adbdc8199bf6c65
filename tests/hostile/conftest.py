"""Hostile input reaches every domain: the register's, the sync's and the waste bank's fixtures."""

from tests.participation.conftest import home, inspection_item, log_item, sync  # noqa: F401
from tests.wastebank.conftest import bank  # noqa: F401
