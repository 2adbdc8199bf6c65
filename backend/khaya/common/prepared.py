"""Server-side prepared statements, for the few fixed statements run thousands of times a minute.

A vector tile's statement is long (layers, joins, indicator values, the data version) and takes
PostgreSQL longer to parse and plan than to run: 0.3-0.4 ms of planning against 0.6 ms of
execution for a village tile. Prepared once per database connection (``PREPARE``) and then run
with ``EXECUTE``, it is planned once; psycopg2 has no prepared statements of its own.

The statement is an ordinary SQLAlchemy select: its bound parameters named in ``placeholders``
become ``$1``, ``$2``, ... with their SQL types, and every other one (constants such as a layer's
name) is written into the text. Prepared statements live as long as the connection: the pool
keeps a record of the names each connection has, in the connection's ``info``, so a new or
replaced connection prepares again. They do not survive a transaction-pooling proxy such as
PgBouncer in transaction mode; Khaya connects to PostgreSQL directly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, cast

import psycopg2
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Select, literal_column, visitors
from sqlalchemy.sql.elements import BindParameter

from ..extensions import db

_INFO_KEY = "khaya_prepared"


def prepared_sql(stmt: Select[Any], placeholders: Sequence[tuple[str, str]]) -> str:
    """Render ``stmt`` as SQL text, its parameters ``placeholders`` (name, SQL type) as $n.

    Every other bound parameter must carry its value: it is written into the text.
    """
    numbered = {name: f"${i}::{sql_type}" for i, (name, sql_type) in
                enumerate(placeholders, start=1)}

    def replace(element: Any, **_: Any) -> Any:
        if isinstance(element, BindParameter) and element.key in numbered:
            return literal_column(numbered[element.key])
        return None

    replaced = cast(Select[Any], visitors.replacement_traverse(stmt, {}, replace))
    return str(replaced.compile(dialect=postgresql.dialect(),
                                compile_kwargs={"literal_binds": True}))


def statement_name(sql: str) -> str:
    """A name for ``sql`` that changes whenever its text does."""
    return "khaya_" + hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()


def execute_prepared(sql: str, args: Sequence[Any]) -> tuple[Any, ...]:
    """Run ``sql`` (from ``prepared_sql``) on the session's connection with ``args`` for $1..$n,
    preparing it first on a connection that has not seen it; return its one row.

    It runs in the session's transaction but past the ORM, so past the scoping hook too: only
    for statements that read public data.
    """
    pooled = db.session.connection().connection
    known: set[str] = pooled.info.setdefault(_INFO_KEY, set())
    name = statement_name(sql)
    cursor = pooled.cursor()
    statement = ""
    try:
        if name not in known:
            statement = f"PREPARE {name} AS {sql}"
            cursor.execute(statement)
            known.add(name)
        statement = f"EXECUTE {name}({', '.join(['%s'] * len(args))})"
        cursor.execute(statement, tuple(args))
        row = cursor.fetchone()
    except psycopg2.Error as error:
        # Raised as SQLAlchemy raises it: the request's error handling and retries apply.
        raise DBAPIError.instance(statement, None, error, psycopg2.Error) from error
    finally:
        cursor.close()
    if row is None:
        raise LookupError(f"{name} returned no row")
    return tuple(row)
