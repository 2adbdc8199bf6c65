"""The national officer (DLA): a role without an area, like the system admin

Revision ID: e2b4d6f8a0c1
Revises: d1a3c5e7f9b2
Create Date: 2026-12-08 12:00:00.000000

"""

from alembic import op

revision = "e2b4d6f8a0c1"
down_revision = "d1a3c5e7f9b2"
branch_labels = None
depends_on = None

AREA_FITS_ROLE = (
    "(role in ('admin', 'national_officer') and lgo_id is null and province_id is null"
    "     and village_id is null)"
    " or (role = 'province_officer' and province_id is not null and lgo_id is null"
    "     and village_id is null)"
    " or (role in ('lgo_staff', 'lgo_admin', 'volunteer') and lgo_id is not null"
    "     and province_id is null and village_id is null)"
    " or (role = 'resident' and village_id is not null and lgo_id is not null"
    "     and province_id is null)"
)
PREVIOUS = AREA_FITS_ROLE.replace("role in ('admin', 'national_officer')", "role = 'admin'")


def upgrade():
    # A new enum value may be used only once the statement that adds it has committed.
    with op.get_context().autocommit_block():
        op.execute(
            "alter type role add value if not exists 'national_officer' after 'province_officer'"
        )
    op.drop_constraint(op.f("ck_role_grants_area_fits_role"), "role_grants", type_="check")
    op.create_check_constraint("area_fits_role", "role_grants", AREA_FITS_ROLE)


def downgrade():
    op.execute("delete from role_grants where role = 'national_officer'")
    op.drop_constraint(op.f("ck_role_grants_area_fits_role"), "role_grants", type_="check")
    # PostgreSQL cannot drop an enum value: the type is made again without it.
    op.execute("alter type role rename to role_old")
    op.execute(
        "create type role as enum ('resident', 'volunteer', 'lgo_staff', 'lgo_admin', "
        "'province_officer', 'admin')"
    )
    op.execute("alter table role_grants alter column role type role using role::text::role")
    op.execute("drop type role_old")
    op.create_check_constraint("area_fits_role", "role_grants", PREVIOUS)
