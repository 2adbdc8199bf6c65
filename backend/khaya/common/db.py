"""Session helpers shared by the domains."""

from __future__ import annotations

from typing import Any

from ..extensions import db


def insert_guarded(obj: Any) -> None:
    """Add and flush ``obj`` inside a savepoint, so a unique-constraint error undoes only it.

    The object is added inside the savepoint on purpose: added before it, a failed flush would
    leave the session unusable for the rest of the request (or the import, or the test).
    Callers catch ``IntegrityError`` and turn it into their domain's error.
    """
    with db.session.begin_nested():
        db.session.add(obj)
        db.session.flush()
