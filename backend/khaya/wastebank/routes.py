"""Waste banks.

GET   /api/v1/waste-banks                                   any signed-in person
POST  /api/v1/waste-banks                                   LGO roles
GET   /api/v1/waste-banks/{bank_id}
PATCH /api/v1/waste-banks/{bank_id}
GET   /api/v1/waste-banks/{bank_id}/prices?on=              prices in force on a day
POST  /api/v1/waste-banks/{bank_id}/prices                  a price from a date
GET   /api/v1/waste-banks/{bank_id}/members                 with balances (scoped)
POST  /api/v1/waste-banks/{bank_id}/members                 enrol a household
GET   /api/v1/waste-banks/{bank_id}/members/{member_id}
GET   /api/v1/waste-banks/{bank_id}/members/{member_id}/passbook
GET   /api/v1/waste-banks/{bank_id}/members/{member_id}/passbook.pdf
POST  /api/v1/waste-banks/{bank_id}/deposits                also through /api/v1/sync
POST  /api/v1/waste-banks/{bank_id}/withdrawals
POST  /api/v1/waste-banks/{bank_id}/welfare-events          a funeral-fund event
POST  /api/v1/waste-banks/{bank_id}/entries/{entry_id}/reverse
GET   /api/v1/waste-banks/{bank_id}/ledger
GET   /api/v1/me/memberships?household_id=             the caller's accounts, banks, today's prices
"""

from __future__ import annotations

from ..auth.access import requires
from ..blueprint import Blueprint
from ..common.files import attachment
from ..common.schemas import PageArgsSchema
from ..extensions import db
from . import ledger, memberships, printing, services
from .schemas import (
    BankListArgsSchema,
    DepositCreateSchema,
    EnrolSchema,
    EntryPageSchema,
    EntrySchema,
    MemberPageSchema,
    MemberQueryArgsSchema,
    MemberSchema,
    MembershipArgsSchema,
    MembershipsSchema,
    PassbookArgsSchema,
    PassbookPdfArgsSchema,
    PassbookSchema,
    PriceArgsSchema,
    PriceCreateSchema,
    PriceListSchema,
    PriceSchema,
    ReverseSchema,
    WasteBankCreateSchema,
    WasteBankPageSchema,
    WasteBankSchema,
    WasteBankUpdateSchema,
    WelfareEventCreateSchema,
    WelfareEventSchema,
    WithdrawalCreateSchema,
)

blp = Blueprint(
    "wastebank",
    __name__,
    url_prefix="/waste-banks",
    description="Waste banks, prices, members, ledger and passbooks",
)
me_blp = Blueprint(
    "memberships",
    __name__,
    url_prefix="/me",
    description="The waste-bank accounts a resident or volunteer works with",
)


@blp.route("")
@requires("session")
@blp.arguments(BankListArgsSchema, location="query")
@blp.response(200, WasteBankPageSchema)
def list_banks(args):
    """List waste banks (their names, hosts and buying days are public in the scheme)."""
    return services.list_banks(**args)


@blp.route("", methods=["POST"])
@requires("banks.write")
@blp.arguments(WasteBankCreateSchema)
@blp.response(201, WasteBankSchema)
def create_bank(data):
    """Open a waste bank in the caller's LGO."""
    bank = services.create_bank(data)
    db.session.commit()
    return bank, 201, {"Location": f"/api/v1/waste-banks/{bank.id}"}


@blp.route("/<int:bank_id>")
@requires("session", shared=True)
@blp.response(200, WasteBankSchema)
def get_bank(bank_id: int):
    """Return a waste bank."""
    return services.get_bank(bank_id)


@blp.route("/<int:bank_id>", methods=["PATCH"])
@requires("banks.write")
@blp.arguments(WasteBankUpdateSchema)
@blp.response(200, WasteBankSchema)
def update_bank(data, bank_id: int):
    """Change a bank's names, host, buyer, schedule or active flag."""
    bank = services.update_bank(bank_id, data)
    db.session.commit()
    return bank


@blp.route("/<int:bank_id>/prices")
@requires("session", shared=True)
@blp.arguments(PriceArgsSchema, location="query")
@blp.response(200, PriceListSchema)
def prices(args, bank_id: int):
    """Return the price of each material in force on a day."""
    return services.price_list(bank_id, args.get("on"))


@blp.route("/<int:bank_id>/prices", methods=["POST"])
@requires("banks.write")
@blp.arguments(PriceCreateSchema)
@blp.response(201, PriceSchema)
@blp.alt_response(409, response="CONFLICT")  # a price from that date exists
def add_price(data, bank_id: int):
    """Set a material's price from a date (the buyer's new quote)."""
    price = services.add_price(bank_id, data)
    db.session.commit()
    return price


@blp.route("/<int:bank_id>/members")
@requires("banks.read")
@blp.arguments(MemberQueryArgsSchema, location="query")
@blp.response(200, MemberPageSchema)
def list_members(args, bank_id: int):
    """List the bank's members in the caller's area, with balances and households (audited)."""
    page = services.list_members(bank_id, **args)
    db.session.commit()
    return page


@blp.route("/<int:bank_id>/members", methods=["POST"])
@requires("banks.write")
@blp.arguments(EnrolSchema)
@blp.response(201, MemberSchema)
@blp.alt_response(409, response="CONFLICT")  # already a member
def enrol(data, bank_id: int):
    """Open a household's account at the bank."""
    member = services.enrol(bank_id, data["household_id"], data["joined_on"])
    view = services.read_member(bank_id, member.id)
    db.session.commit()
    return view


@blp.route("/<int:bank_id>/members/<int:member_id>")
@requires("banks.read")
@blp.response(200, MemberSchema)
def get_member(bank_id: int, member_id: int):
    """Return a member, their balance and household (audited)."""
    member = services.read_member(bank_id, member_id)
    db.session.commit()
    return member


@blp.route("/<int:bank_id>/members/<int:member_id>/passbook")
@requires("banks.read")
@blp.arguments(PassbookArgsSchema, location="query")
@blp.response(200, PassbookSchema)
def passbook(args, bank_id: int, member_id: int):
    """Return a member's statement for a period, with the running balance."""
    book = ledger.passbook(bank_id, member_id, args.get("since"), args.get("until"))
    db.session.commit()
    return book


@blp.route("/<int:bank_id>/members/<int:member_id>/passbook.pdf")
@requires("banks.read")
@blp.arguments(PassbookPdfArgsSchema, location="query")
@blp.response(200, content_type="application/pdf")
def passbook_pdf(args, bank_id: int, member_id: int):
    """Return the passbook as a printable PDF (Thai with Buddhist Era dates, or English)."""
    book = ledger.passbook(bank_id, member_id, args.get("since"), args.get("until"))
    pdf = printing.passbook_pdf(book, args["lang"])
    db.session.commit()
    return attachment(pdf, f"passbook-{bank_id}-{member_id}.pdf", "application/pdf")


@blp.route("/<int:bank_id>/deposits", methods=["POST"])
@requires("deposits.write")
@blp.arguments(DepositCreateSchema)
@blp.response(201, EntrySchema)
@blp.alt_response(409, response="CONFLICT")  # the client_id was used for something else
def deposit(data, bank_id: int):
    """Record a weighed deposit at today's prices for its date."""
    result = ledger.deposit_online(bank_id, data)
    db.session.commit()
    return ledger.entry(result.id)


@blp.route("/<int:bank_id>/withdrawals", methods=["POST"])
@requires("banks.write")
@blp.arguments(WithdrawalCreateSchema)
@blp.response(201, EntrySchema)
def withdraw(data, bank_id: int):
    """Pay a member from their balance."""
    row = ledger.withdraw(bank_id, data)
    db.session.commit()
    return row


@blp.route("/<int:bank_id>/welfare-events", methods=["POST"])
@requires("banks.write")
@blp.arguments(WelfareEventCreateSchema)
@blp.response(201, WelfareEventSchema)
def welfare_event(data, bank_id: int):
    """Run a funeral-fund event: every other member pays a share, the bereaved receive it."""
    event = ledger.welfare_event(bank_id, data)
    db.session.commit()
    return event


@blp.route("/<int:bank_id>/entries/<int:entry_id>/reverse", methods=["POST"])
@requires("banks.write")
@blp.arguments(ReverseSchema)
@blp.response(201, EntrySchema)
@blp.alt_response(409, response="CONFLICT")  # already reversed
def reverse(data, bank_id: int, entry_id: int):
    """Cancel an entry made in error with an opposite entry."""
    row = ledger.reverse(bank_id, entry_id, data["note"])
    db.session.commit()
    return row


@blp.route("/<int:bank_id>/ledger")
@requires("banks.read")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, EntryPageSchema)
def bank_ledger(args, bank_id: int):
    """Return the bank's ledger in the caller's area, newest first."""
    return ledger.bank_entries(bank_id, **args)


@me_blp.route("/memberships")
@requires("banks.read")
@me_blp.arguments(MembershipArgsSchema, location="query")
@me_blp.response(200, MembershipsSchema)
def my_memberships(args):
    """Return the waste-bank accounts in the caller's area with their banks and today's prices."""
    result = memberships.caller_memberships(**args)
    db.session.commit()
    return result
