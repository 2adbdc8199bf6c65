"""Client ids of the demo's records: the same on every rerun, unguessable to anyone else.

A demo record's client id is ``uuid5(namespace, key)``, its key being stable (a village and
house number, a date). The namespace is a random secret made on the first run and kept in the
database (``seed_secrets``, one per table), so a rerun finds the same ids and inserts nothing,
while nobody without the database can compute the client id of a demo household's log from its
village, house and date.

Databases seeded before the secret was kept used fixed namespaces; such a database is
recognised by its rows (the old namespace's ids for this run's keys are already there) and keeps
its old namespace, so a rerun adds nothing there either. Re-create it to get secret ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from khaya.common.models import SeedSecret


def namespace(session: Session, table: Table, legacy: uuid.UUID, keys: list[str]) -> uuid.UUID:
    """Return the namespace the demo's ``table`` rows take their client ids in."""
    secret = session.scalar(select(SeedSecret.secret).where(SeedSecret.name == table.name))
    if secret is not None:
        return secret
    if not keys:
        return uuid.uuid4()  # nothing to insert: decide when there is
    seeded = session.scalar(
        text(f"select exists (select 1 from {table.name}"
             " where client_id = any(cast(:ids as uuid[])))"),
        {"ids": [str(uuid.uuid5(legacy, key)) for key in keys]},
    )
    session.execute(insert(SeedSecret).values(name=table.name,
                                               secret=legacy if seeded else uuid.uuid4())
                    .on_conflict_do_nothing())
    return session.scalar(select(SeedSecret.secret).where(SeedSecret.name == table.name))


def assign(session: Session, table: Table, legacy: uuid.UUID,
           rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replace each row's ``key`` with its ``client_id`` in ``table``'s namespace."""
    rows = list(rows)
    space = namespace(session, table, legacy, [row["key"] for row in rows])
    for row in rows:
        row["client_id"] = uuid.uuid5(space, row.pop("key"))
    return rows
