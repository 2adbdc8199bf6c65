"""The demo's client ids: secret to each database, stable across reruns.

They were ``uuid5`` of a fixed namespace and the village, house and date, so anyone could
compute the client id of any demo household's log and probe for it.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import delete, select

from khaya.areas.models import Village
from khaya.collection.models import HazardousCollection, HazardousHandover
from khaya.common.models import SeedSecret
from khaya.households.models import Household
from khaya.participation.models import Inspection, SortingLog
from khaya.wastebank.models import LedgerEntry
from seed import collection, demo, wastebank_demo

TODAY = dt.date(2024, 6, 15)
TABLES = {"sorting_logs": SortingLog, "inspections": Inspection,
          "hazardous_collections": HazardousCollection, "hazardous_handovers": HazardousHandover,
          "ledger_entries": LedgerEntry}


def _load_all(session) -> dict[str, int]:
    counts = demo.load_demo_households(session, today=TODAY, scale=0.05)
    counts.update(collection.load_collection_demo(session, TODAY))
    counts.update(wastebank_demo.load_waste_bank_demo(session, TODAY))
    return counts


def _a_log_and_its_old_id(session) -> tuple[uuid.UUID, uuid.UUID]:
    """A demo log's client id, and the id the fixed namespace gave it (same key, same rule)."""
    log = session.execute(
        select(SortingLog.client_id, SortingLog.log_date, Household.house_number,
               Household.village_id)
        .join(Household, Household.id == SortingLog.household_id).limit(1)
    ).one()
    code = session.scalar(select(Village.code).where(Village.id == log.village_id))
    key = f"log/{code}/{log.house_number}/{log.log_date.isoformat()}"
    return log.client_id, uuid.uuid5(demo.LEGACY_NAMESPACE, key)


def test_client_ids_cannot_be_computed_and_a_rerun_finds_them(db_session):
    counts = _load_all(db_session)
    assert all(counts[table] > 0 for table in TABLES if table != "ledger_entries")
    assert counts["entries"] > 0
    stored, guessable = _a_log_and_its_old_id(db_session)
    assert stored != guessable
    secrets = dict(db_session.execute(select(SeedSecret.name, SeedSecret.secret)).tuples().all())
    assert set(secrets) == set(TABLES)
    assert len(set(secrets.values())) == len(TABLES)
    legacy = {demo.LEGACY_NAMESPACE, collection.LEGACY_NAMESPACE, wastebank_demo.LEGACY_NAMESPACE}
    assert not legacy & set(secrets.values())
    again = _load_all(db_session)
    assert {name: n for name, n in again.items() if n} == {}


def test_a_database_seeded_with_the_old_fixed_ids_keeps_them(db_session):
    """A demo seeded before the secrets were kept: a rerun must not add every record again."""
    for table in TABLES:  # seed as the old code did: under the fixed namespaces
        module = {"hazardous_collections": collection, "hazardous_handovers": collection,
                  "ledger_entries": wastebank_demo}.get(table, demo)
        db_session.add(SeedSecret(name=table, secret=module.LEGACY_NAMESPACE))
    db_session.flush()
    _load_all(db_session)
    stored, guessable = _a_log_and_its_old_id(db_session)
    assert stored == guessable
    db_session.execute(delete(SeedSecret))  # as before the table existed
    again = _load_all(db_session)
    assert {name: n for name, n in again.items() if n} == {}
    kept = db_session.scalar(select(SeedSecret.secret).where(SeedSecret.name == "sorting_logs"))
    assert kept == demo.LEGACY_NAMESPACE
