"""Backups: scripts/backup.sh and scripts/restore.sh carry every row of a database across.

The source is a copy of the session's database (territory and accounts) with a small demo
committed into it: households, sorting logs, inspections, a photo, waste banks with their ledger,
collection points, rollups, audit events. The copy, the restored database and the dump are
removed afterwards, so no other test ever sees these rows.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine, make_url

from khaya import create_app
from khaya.auth import audit
from khaya.config import database_url_for_tests
from khaya.extensions import db
from khaya.households.models import Household
from khaya.participation.models import Photo
from seed.collection import load_collection_demo
from seed.demo import load_demo_households
from seed.scale import demo_rollups
from seed.wastebank_demo import load_waste_bank_demo

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2024, 11, 15)
# Tables that must hold rows in the source, or the comparison proves little.
FILLED = ("villages", "lgos", "users", "role_grants", "households", "sorting_logs",
          "inspections", "photos", "waste_banks", "waste_bank_members", "ledger_entries",
          "ledger_lines", "collection_points", "hazardous_collections", "audit_events",
          "household_months", "village_days", "village_registers", "alembic_version")
CHECKSUMMED = ("households", "sorting_logs", "inspections", "photos", "users",
               "ledger_entries", "ledger_lines", "audit_events", "villages", "village_months",
               "alembic_version")
EXTERNAL = bool(os.environ.get("KHAYA_TEST_DATABASE_URL"))


def _url(name: str) -> str:
    return make_url(database_url_for_tests()).set(database=name).render_as_string(
        hide_password=False)


def _engine(name: str) -> Engine:
    return create_engine(_url(name), isolation_level="AUTOCOMMIT")


def _drop(name: str) -> None:
    """Drop a database this test made. On the private cluster as its superuser, WITH (FORCE):
    an autovacuum worker busy with the fresh rows would otherwise hold the drop up to 5 s."""
    url = make_url(_url("postgres"))
    if not EXTERNAL:
        url = url.set(username="postgres", password=None)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            force = "" if EXTERNAL else " with (force)"
            conn.execute(text(f'drop database if exists "{name}"{force}'))
    finally:
        engine.dispose()


def _script(name: str, *args: str, database: str, **env: str) -> subprocess.CompletedProcess:
    """Run scripts/NAME against the private cluster, or the tests' server when it is external."""
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FILE", "DB",
                                                                  "FORCE")}
    if EXTERNAL:
        environ["DATABASE_URL"] = _url(database)
    return subprocess.run(["bash", str(ROOT / "scripts" / name), *args],
                          env={**environ, **env}, capture_output=True, text=True, timeout=120,
                          check=False)


def _seed(name: str, secret: str) -> None:
    """Commit a small demo into database ``name`` through the seed's own loaders."""
    app = create_app({"TESTING": True, "SECRET_KEY": secret,
                      "SQLALCHEMY_DATABASE_URI": _url(name)})
    with app.app_context():
        session = db.session
        load_demo_households(session, today=TODAY, scale=0.02)
        load_collection_demo(session, TODAY)
        load_waste_bank_demo(session, TODAY)
        demo_rollups(session, TODAY)
        household = session.scalars(select(Household).order_by(Household.id).limit(1)).one()
        session.add(Photo(id=uuid.uuid4(), household_id=household.id, lgo_id=household.lgo_id,
                          village_id=household.village_id, content_type="image/png",
                          data=b"\x89PNG\r\n\x1a\n" + bytes(range(256)), size=264,
                          sha256="0" * 64))
        audit.record("read", "household", [(household.id, household.lgo_id)],
                     details={"why": "backup test"})
        session.commit()
        session.remove()
        db.engine.dispose()


@pytest.fixture
def databases(app) -> Iterator[tuple[str, str]]:
    """Return (source, target): a seeded copy of the session database and a name to restore
    into; both are dropped afterwards."""
    base = make_url(database_url_for_tests()).database
    source, target = f"{base}_backup_src", f"{base}_backup_dst"
    maintenance = _engine("postgres")
    with app.app_context():
        # A template must have no other connection: hand the pool's back first.
        db.engine.dispose()
    for name in (source, target):
        _drop(name)
    with maintenance.connect() as conn:
        conn.execute(text(f'create database "{source}" template "{base}"'))
    try:
        _seed(source, app.config["SECRET_KEY"])
        yield source, target
    finally:
        for name in (source, target):
            _drop(name)
        maintenance.dispose()


def _tables(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text("""
            select quote_ident(n.nspname) || '.' || quote_ident(c.relname)
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
              and n.nspname !~ '^pg_' order by 1""")).scalars())


def _snapshot(name: str) -> dict[str, object]:
    """Row counts of every table, checksums of a few, every sequence's position, owners."""
    engine = _engine(name)
    try:
        with engine.connect() as conn:
            tables = _tables(engine)
            counts = {t: conn.execute(text(f"select count(*) from {t}")).scalar_one()
                      for t in tables}
            sums = {t: conn.execute(text(
                f"select md5(coalesce(string_agg(r::text, '|' order by r::text), '')) "
                f"from {t} r")).scalar_one() for t in CHECKSUMMED}
            sequences = {}
            for seq in conn.execute(text(
                    "select quote_ident(schemaname) || '.' || quote_ident(sequencename) "
                    "from pg_sequences order by 1")).scalars():
                sequences[seq] = tuple(conn.execute(
                    text(f"select last_value, is_called from {seq}")).one())
            owners = set(conn.execute(text("""
                select c.relowner::regrole::text from pg_class c
                join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public' and c.relkind in ('r', 'p', 'S', 'v')
                  and not exists (select 1 from pg_depend d where d.objid = c.oid
                                  and d.classid = 'pg_class'::regclass and d.deptype = 'e')
            """)).scalars())
    finally:
        engine.dispose()
    return {"counts": counts, "sums": sums, "sequences": sequences, "owners": owners}


def test_backup_and_restore_carry_every_row(databases, tmp_path):
    source, target = databases
    before = _snapshot(source)
    counts = before["counts"]
    assert isinstance(counts, dict)
    empty = [t for t in FILLED if not counts.get(f"public.{t}")]
    assert not empty, f"the source should hold rows in {empty}"

    dumped = _script("backup.sh", source, database=source)
    assert dumped.returncode == 0, dumped.stderr
    path = Path(dumped.stdout.split("\t")[0])
    try:
        # The default name, the size printed, and a file only its owner may read.
        assert re.fullmatch(rf"{re.escape(source)}-\d{{8}}-\d{{6}}\.dump", path.name)
        assert path.parent == ROOT / "var" / "backups"
        assert f"({path.stat().st_size} bytes)" in dumped.stdout
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert not list(path.parent.glob("*.partial"))

        restored = _script("restore.sh", str(path), target, database=target)
        assert restored.returncode == 0, restored.stderr
        after = _snapshot(target)
        assert after["counts"] == before["counts"]
        assert after["sums"] == before["sums"]
        assert after["sequences"] == before["sequences"]
        if not EXTERNAL:
            # Restored as the app's role: the app owns its tables exactly as before.
            assert after["owners"] == before["owners"] == {"khaya"}

        # The restored database serves the app.
        restored_app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": _url(target)})
        with restored_app.app_context():
            health = restored_app.test_client().get("/api/v1/health")
            db.engine.dispose()
        assert health.status_code == 200, health.get_json()

        # A database with tables is never overwritten without FORCE=1.
        again = _script("restore.sh", str(path), target, database=target)
        assert again.returncode == 1
        assert "refusing to overwrite" in again.stderr
        assert _snapshot(target)["sums"] == before["sums"]

        # FORCE=1 drops it and restores afresh: a table made meanwhile is gone.
        engine = _engine(target)
        with engine.connect() as conn:
            conn.execute(text("create table leftover (id int)"))
        engine.dispose()
        forced = _script("restore.sh", str(path), target, database=target, FORCE="1")
        assert forced.returncode == 0, forced.stderr
        assert _snapshot(target)["counts"] == before["counts"]
    finally:
        path.unlink(missing_ok=True)


def test_restore_refuses_what_is_not_a_dump_and_changes_nothing(app, tmp_path):
    bogus = tmp_path / "not-a-dump.dump"
    bogus.write_text("households,1\n")
    base = make_url(database_url_for_tests()).database
    name = f"{base}_backup_never"
    result = _script("restore.sh", str(bogus), name, database=name)
    assert result.returncode == 1
    assert "not a custom-format dump" in result.stderr
    maintenance = _engine("postgres")
    try:
        with maintenance.connect() as conn:
            assert conn.execute(text("select 1 from pg_database where datname = :n"),
                                {"n": name}).first() is None
    finally:
        maintenance.dispose()
