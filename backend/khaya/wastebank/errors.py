"""Errors of waste banks and their ledger."""

from ..errors import Conflict, DomainError, NotFound


class BankNotFound(NotFound):
    code = "bank_not_found"
    message = "No such waste bank."


class MemberNotFound(NotFound):
    code = "member_not_found"
    message = "No such member of this bank in your area."


class EntryNotFound(NotFound):
    code = "entry_not_found"
    message = "No such ledger entry in your area."


class InvalidLedgerEntry(DomainError):
    status = 422
    code = "validation_error"
    message = "The request has invalid fields."


class InsufficientBalance(DomainError):
    status = 422
    code = "insufficient_balance"
    message = "The member's balance does not cover this withdrawal."


class AlreadyMember(Conflict):
    code = "already_member"
    message = "This household already has an account at this bank."


class AlreadyReversed(Conflict):
    code = "already_reversed"
    message = "This entry has already been reversed."


class PriceExists(Conflict):
    code = "price_exists"
    message = "A price for this material from that date exists; use a later date."
