"""The database keeps every parent/child invariant itself; items keep a digest; seed secrets

- Deferred constraint triggers, checked at commit (or at SET CONSTRAINTS ... IMMEDIATE) once
  every row of the transaction is in: a deposit's amount is the sum of its lines and it has at
  least one, and no other entry has lines; an entry's bank and household are its member's; a
  reversal is the exact opposite of its entry, for the same member of the same bank; a welfare
  event debits exactly members_debited other members its share each and credits its
  beneficiary the total, all in its bank; a log's or inspection's photo is of its household;
  an LGO's hazardous hand-overs never exceed what it collected, on any day.
- Checks: only welfare entries name an event, only reversals reverse.
- content_digest on every row a phone's item makes, to tell a replay from another record sent
  under the same client id.
- seed_secrets: the demo seed's per-database secret, from which its client ids are derived.

Revision ID: 5e3c1a7d9b04
Revises: 5e1c0a7d9b21
Create Date: 2026-12-02 16:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "5e3c1a7d9b04"
down_revision = "5e1c0a7d9b21"
branch_labels = None
depends_on = None

KG = ("bulbs", "batteries", "spray_cans", "pesticide_containers", "e_waste", "other")

# Each function raises check_violation naming its invariant (the error's constraint name), so
# whoever catches it can tell which rule a transaction broke.
FUNCTIONS = {
    "khaya_ledger_entry_balanced": """
declare
    target bigint;
    entry record;
    line_count integer;
    line_total numeric;
begin
    if TG_TABLE_NAME = 'ledger_lines' then
        target := NEW.entry_id;
    else
        target := NEW.id;
    end if;
    select id, kind, amount into entry from ledger_entries where id = target;
    select count(*), coalesce(sum(amount), 0) into line_count, line_total
    from ledger_lines where entry_id = target;
    if entry.kind = 'deposit' and (line_count = 0 or line_total <> entry.amount) then
        raise exception 'deposit % of % baht has % line(s) worth % baht',
            entry.id, entry.amount, line_count, line_total
            using errcode = 'check_violation', constraint = 'ledger_entry_balanced';
    elsif entry.kind <> 'deposit' and line_count > 0 then
        raise exception 'ledger entry % is a %, which has no lines', entry.id, entry.kind
            using errcode = 'check_violation', constraint = 'ledger_entry_balanced';
    end if;
    return null;
end""",
    "khaya_ledger_entry_of_its_member": """
declare
    member record;
begin
    select id, bank_id, household_id into member
    from waste_bank_members where id = NEW.member_id;
    if member.bank_id <> NEW.bank_id or member.household_id <> NEW.household_id then
        raise exception 'ledger entry % (bank %, household %) is for member %, of bank % and household %',
            NEW.id, NEW.bank_id, NEW.household_id, member.id, member.bank_id, member.household_id
            using errcode = 'check_violation', constraint = 'ledger_entry_of_its_member';
    end if;
    return null;
end""",
    "khaya_photo_of_its_household": """
begin
    if not exists (select 1 from photos where id = NEW.photo_id
                   and household_id = NEW.household_id) then
        raise exception '% % of household % cites photo %, which is not of that household',
            TG_TABLE_NAME, NEW.id, NEW.household_id, NEW.photo_id
            using errcode = 'check_violation', constraint = 'photo_of_its_household';
    end if;
    return null;
end""",
    "khaya_ledger_reversal_mirrors": """
declare
    original record;
begin
    select id, kind, amount, member_id, bank_id into original
    from ledger_entries where id = NEW.reverses_id;
    if original.kind = 'reversal' or original.amount <> -NEW.amount
       or original.member_id <> NEW.member_id or original.bank_id <> NEW.bank_id then
        raise exception 'reversal % of % baht does not mirror entry % (% of % baht)',
            NEW.id, NEW.amount, original.id, original.kind, original.amount
            using errcode = 'check_violation', constraint = 'ledger_reversal_mirrors';
    end if;
    return null;
end""",
    "khaya_welfare_event_balanced": """
declare
    target integer;
    event record;
    debits integer;
    debit_members integer;
    wrong_debits integer;
    credits integer;
    credit_total numeric;
    credit_member integer;
    elsewhere integer;
begin
    if TG_TABLE_NAME = 'welfare_events' then
        target := NEW.id;
    else
        target := NEW.event_id;
    end if;
    select * into event from welfare_events where id = target;
    select count(*) filter (where kind = 'welfare_debit'),
           count(distinct member_id) filter (where kind = 'welfare_debit'
                                              and member_id <> event.beneficiary_member_id),
           count(*) filter (where kind = 'welfare_debit' and amount <> -event.amount_per_member),
           count(*) filter (where kind = 'welfare_credit'),
           coalesce(sum(amount) filter (where kind = 'welfare_credit'), 0),
           min(member_id) filter (where kind = 'welfare_credit'),
           count(*) filter (where bank_id <> event.bank_id)
    into debits, debit_members, wrong_debits, credits, credit_total, credit_member, elsewhere
    from ledger_entries where event_id = target;
    if event.total <> event.amount_per_member * event.members_debited
       or debits <> event.members_debited or debit_members <> debits or wrong_debits > 0
       or credits <> 1 or credit_total <> event.total
       or credit_member <> event.beneficiary_member_id or elsewhere > 0 then
        raise exception 'welfare event % (% members x % = % baht) has % debit(s) and % credit(s) of % baht',
            event.id, event.members_debited, event.amount_per_member, event.total,
            debits, credits, credit_total
            using errcode = 'check_violation', constraint = 'welfare_event_balanced';
    end if;
    return null;
end""",
    "khaya_hazardous_handed_over_within_collected": f"""
declare
    lgos integer[] := '{{}}';
    lgo integer;
    short_on date;
begin
    -- The new row's LGO, and the old row's (a collection lowered or deleted, a row moved).
    if TG_OP <> 'DELETE' then
        lgos := lgos || NEW.lgo_id;
    end if;
    if TG_OP <> 'INSERT' then
        lgos := lgos || OLD.lgo_id;
    end if;
    foreach lgo in array lgos
    loop
        with events as (
            select collected_on as day, {", ".join(f"kg_{k}" for k in KG)}
            from hazardous_collections where lgo_id = lgo
            union all
            select handed_over_on, {", ".join(f"-kg_{k}" for k in KG)}
            from hazardous_handovers where lgo_id = lgo
        ), days as (
            select day, {", ".join(f"sum(kg_{k}) as kg_{k}" for k in KG)}
            from events group by day
        ), pending as (
            select day, {", ".join(f"sum(kg_{k}) over w as kg_{k}" for k in KG)}
            from days window w as (order by day)
        )
        select day into short_on from pending
        where {" or ".join(f"kg_{k} < 0" for k in KG)}
        order by day limit 1;
        if short_on is not null then
            raise exception 'LGO % has handed over more hazardous waste than it collected by %',
                lgo, short_on
                using errcode = 'check_violation', constraint = 'hazardous_within_collected';
        end if;
    end loop;
    return null;
end""",
}
# (trigger, events, table, condition, function)
TRIGGERS = (
    ("ledger_entries_balanced", "insert", "ledger_entries", None,
     "khaya_ledger_entry_balanced"),
    ("ledger_lines_balanced", "insert", "ledger_lines", None, "khaya_ledger_entry_balanced"),
    ("ledger_entries_of_their_member", "insert", "ledger_entries", None,
     "khaya_ledger_entry_of_its_member"),
    ("ledger_reversals_mirror", "insert", "ledger_entries", "new.reverses_id is not null",
     "khaya_ledger_reversal_mirrors"),
    ("welfare_events_balanced", "insert or update", "welfare_events", None,
     "khaya_welfare_event_balanced"),
    ("welfare_entries_balanced", "insert", "ledger_entries", "new.event_id is not null",
     "khaya_welfare_event_balanced"),
    ("sorting_logs_photo_of_their_household", "insert or update of photo_id, household_id",
     "sorting_logs", "new.photo_id is not null", "khaya_photo_of_its_household"),
    ("inspections_photo_of_their_household", "insert or update of photo_id, household_id",
     "inspections", "new.photo_id is not null", "khaya_photo_of_its_household"),
    ("hazardous_handovers_within_collected", "insert or update", "hazardous_handovers", None,
     "khaya_hazardous_handed_over_within_collected"),
    ("hazardous_collections_within_collected", "update or delete", "hazardous_collections",
     None, "khaya_hazardous_handed_over_within_collected"),
)


def upgrade():
    for table in ("sorting_logs", "inspections", "ledger_entries"):
        op.add_column(table, sa.Column("content_digest", sa.LargeBinary(), nullable=True))
    op.create_check_constraint(
        "only_welfare_names_an_event", "ledger_entries",
        "(event_id is not null) = (kind in ('welfare_debit', 'welfare_credit'))",
    )
    op.create_check_constraint(
        "only_reversals_reverse", "ledger_entries", "reverses_id is null or kind = 'reversal'"
    )
    for name, body in FUNCTIONS.items():
        op.execute(f"create or replace function {name}() returns trigger language plpgsql as $$"
                   f"{body}\n$$")
    for trigger, events, table, condition, function in TRIGGERS:
        when = f" when ({condition})" if condition else ""
        op.execute(f"create constraint trigger {trigger} after {events} on {table}"
                   f" deferrable initially deferred for each row{when}"
                   f" execute function {function}()")
    op.create_table(
        "seed_secrets",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("secret", sa.UUID(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_seed_secrets")),
    )


def downgrade():
    op.drop_table("seed_secrets")
    for trigger, _events, table, _condition, _function in TRIGGERS:
        op.execute(f"drop trigger if exists {trigger} on {table}")
    for name in FUNCTIONS:
        op.execute(f"drop function if exists {name}()")
    op.drop_constraint("ck_ledger_entries_only_reversals_reverse", "ledger_entries")
    op.drop_constraint("ck_ledger_entries_only_welfare_names_an_event", "ledger_entries")
    for table in ("sorting_logs", "inspections", "ledger_entries"):
        op.drop_column(table, "content_digest")
