"""Sorting logs partitioned by month, with their client ids claimed across partitions

A partitioned table's unique index must hold the partition key, so ``client_id`` alone can no
longer be unique there: each partition keeps ``(client_id, log_date)`` unique, and
``sorting_log_claims`` (client id as its primary key) keeps a client id to one log across every
month. A row trigger claims the client id of a log inserted any way (seeds, the ORM); the sync
path claims its batch first, in one statement, and says so for the insert that follows
(``khaya.claimed``), so the trigger does not claim twice.

Months get their partitions from ``khaya_ensure_log_partition(day)``; a log of a month without
one goes to ``sorting_logs_default`` until the month's partition is made, which moves it.

Revision ID: f3c5e7a9b1d2
Revises: e2b4d6f8a0c1
Create Date: 2026-12-09 12:00:00.000000

"""

from alembic import op

revision = "f3c5e7a9b1d2"
down_revision = "e2b4d6f8a0c1"
branch_labels = None
depends_on = None

STREAMS = ("organic", "recyclable", "general", "hazardous")
CHECKS = {
    "ck_sorting_logs_known_streams": "cardinality(streams) between 1 and 4 and streams <@ "
    "array['organic','recyclable','general','hazardous']::varchar[]",
    **{
        f"ck_sorting_logs_kg_{s}_range": f"kg_{s} is null or (kg_{s} >= 0 and kg_{s} <= 100)"
        for s in STREAMS
    },
}
FOREIGN_KEYS = (
    ("fk_sorting_logs_household_id_households", "household_id", "households(id)", ""),
    ("fk_sorting_logs_lgo_id_lgos", "lgo_id", "lgos(id)", ""),
    ("fk_sorting_logs_village_id_villages", "village_id", "villages(id)", ""),
    ("fk_sorting_logs_photo_id_photos", "photo_id", "photos(id)", ""),
    ("fk_sorting_logs_recorded_by_id_users", "recorded_by_id", "users(id)", " on delete set null"),
    ("fk_sorting_logs_voided_by_id_users", "voided_by_id", "users(id)", " on delete set null"),
)
INDEXES = (
    ("ix_sorting_logs_household_date", "household_id, log_date"),
    ("ix_sorting_logs_lgo_date", "lgo_id, log_date"),
    ("ix_sorting_logs_village_date", "village_id, log_date"),
)

ENSURE_PARTITION = """
create or replace function khaya_ensure_log_partition(day date) returns text
language plpgsql as $$
declare
    first date := date_trunc('month', day)::date;
    next date := (date_trunc('month', day) + interval '1 month')::date;
    name text := format('sorting_logs_p%s', to_char(date_trunc('month', day), 'YYYY_MM'));
begin
    if to_regclass(name) is not null then
        return name;
    end if;
    -- Two makers of the same month wait for each other instead of failing.
    perform pg_advisory_xact_lock(hashtext('khaya_ensure_log_partition'));
    if to_regclass(name) is not null then
        return name;
    end if;
    if exists (select 1 from sorting_logs_default where log_date >= first and log_date < next)
    then
        -- The month's logs that waited in the default partition move into their own.
        execute format('create table %I (like sorting_logs including defaults'
                       ' including constraints)', name);
        execute format('with moved as (delete from sorting_logs_default where log_date >= %L'
                       ' and log_date < %L returning *) insert into %I select * from moved',
                       first, next, name);
        execute format('alter table sorting_logs attach partition %I for values from (%L)'
                       ' to (%L)', name, first, next);
    else
        execute format('create table %I partition of sorting_logs for values from (%L)'
                       ' to (%L)', name, first, next);
    end if;
    return name;
end $$
"""

CLAIM = """
create or replace function khaya_claim_log_client_id() returns trigger
language plpgsql as $$
begin
    if TG_OP = 'UPDATE' then
        -- A log moved to another day or id keeps its one claim (and may take no other's).
        update sorting_log_claims set client_id = new.client_id, log_date = new.log_date
        where client_id = old.client_id;
        return new;
    end if;
    insert into sorting_log_claims (client_id, log_date) values (new.client_id, new.log_date)
    on conflict (client_id) do nothing;
    if not found and not exists (select 1 from sorting_log_claims
                                 where client_id = new.client_id
                                   and log_date = new.log_date) then
        raise exception 'client id % is already the id of a log of another day', new.client_id
            using errcode = 'unique_violation', constraint = 'pk_sorting_log_claims';
    end if;
    return new;
end $$
"""

TRIGGERS = (
    "create trigger map_data_changed after insert or update or delete or truncate"
    " on sorting_logs for each statement execute function khaya_map_data_changed()",
    "create constraint trigger sorting_logs_photo_of_their_household after insert or update of"
    " photo_id, household_id on sorting_logs deferrable initially deferred for each row"
    " when (new.photo_id is not null) execute function khaya_photo_of_its_household()",
)
CLAIM_TRIGGERS = (
    "create trigger sorting_logs_claim before insert on sorting_logs for each row"
    " when (current_setting('khaya.claimed', true) is distinct from 'on')"
    " execute function khaya_claim_log_client_id()",
    "create trigger sorting_logs_claim_moves before update of client_id, log_date"
    " on sorting_logs for each row when (new.client_id is distinct from old.client_id"
    " or new.log_date is distinct from old.log_date)"
    " execute function khaya_claim_log_client_id()",
)


def _constraints_and_triggers(table: str) -> None:
    for name, check in CHECKS.items():
        op.execute(f"alter table {table} add constraint {name} check ({check})")
    for name, column, target, action in FOREIGN_KEYS:
        op.execute(
            f"alter table {table} add constraint {name} foreign key ({column})"
            f" references {target}{action}"
        )
    for name, columns in INDEXES:
        op.execute(f"create index {name} on {table} ({columns})")
    for trigger in TRIGGERS:
        op.execute(trigger)


def upgrade():
    op.execute(
        "create table sorting_log_claims (client_id uuid not null, log_date date not null,"
        " constraint pk_sorting_log_claims primary key (client_id))"
    )
    op.execute(
        "insert into sorting_log_claims (client_id, log_date)"
        " select client_id, log_date from sorting_logs"
    )
    op.execute(
        "create table sorting_logs_by_month (like sorting_logs including defaults)"
        " partition by range (log_date)"
    )
    op.execute("create table sorting_logs_default partition of sorting_logs_by_month default")
    op.execute(
        "do $$ declare m date; begin"
        " for m in select distinct date_trunc('month', log_date)::date from sorting_logs"
        " union select date_trunc('month', now() at time zone 'Asia/Bangkok'"
        "  + make_interval(months => k))::date from generate_series(-1, 2) k loop"
        " execute format('create table %I partition of sorting_logs_by_month for values"
        " from (%L) to (%L)', format('sorting_logs_p%s', to_char(m, 'YYYY_MM')), m,"
        " (m + interval '1 month')::date);"
        " end loop; end $$"
    )
    op.execute("insert into sorting_logs_by_month select * from sorting_logs")
    op.execute("alter sequence sorting_logs_id_seq owned by none")
    op.execute("drop table sorting_logs")
    op.execute("alter table sorting_logs_by_month rename to sorting_logs")
    op.execute("alter sequence sorting_logs_id_seq owned by sorting_logs.id")
    op.execute(
        "alter table sorting_logs add constraint pk_sorting_logs primary key (id, log_date),"
        " add constraint uq_sorting_logs_client_id_log_date unique (client_id, log_date)"
    )
    _constraints_and_triggers("sorting_logs")
    op.execute(ENSURE_PARTITION)
    op.execute(CLAIM)
    for trigger in CLAIM_TRIGGERS:
        op.execute(trigger)
    op.execute("analyze sorting_logs")


def downgrade():
    op.execute("create table sorting_logs_single (like sorting_logs including defaults)")
    op.execute("insert into sorting_logs_single select * from sorting_logs")
    op.execute("alter sequence sorting_logs_id_seq owned by none")
    op.execute("drop table sorting_logs")
    op.execute("drop function khaya_ensure_log_partition(date)")
    op.execute("drop function khaya_claim_log_client_id()")
    op.execute("drop table sorting_log_claims")
    op.execute("alter table sorting_logs_single rename to sorting_logs")
    op.execute("alter sequence sorting_logs_id_seq owned by sorting_logs.id")
    op.execute(
        "alter table sorting_logs add constraint pk_sorting_logs primary key (id),"
        " add constraint uq_sorting_logs_client_id unique (client_id)"
    )
    _constraints_and_triggers("sorting_logs")
