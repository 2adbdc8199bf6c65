"""Password hashing (Argon2id) and the login identifiers people type."""

from __future__ import annotations

import re

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP's minimum for Argon2id: 19 MiB, two passes, one lane.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)
MIN_PASSWORD_LENGTH = 8
# Verifying against this keeps an unknown login as slow as a wrong password.
_DUMMY_HASH = HASHER.hash("khaya-timing-equaliser")


def hash_password(password: str) -> str:
    """Return the Argon2id hash of ``password``."""
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Tell whether ``password`` matches; never raises for a bad hash."""
    try:
        return HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)


_PHONE_CHARS = re.compile(r"[\s\-().]")


def normalize_phone(text: str) -> str | None:
    """Return a Thai phone number in E.164 (+66…) or ``None`` when it is not one.

    Accepts the ways people write them: 081-234-5678, 0812345678, +66 81 234 5678, 66812345678.
    Mobile numbers have nine digits after the trunk 0, Bangkok and provincial lines eight.
    """
    digits = _PHONE_CHARS.sub("", text.strip())
    if digits.startswith("+66"):
        national = digits[3:]
    elif digits.startswith("0066"):
        national = digits[4:]
    elif digits.startswith("66") and len(digits) in (10, 11):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return None
    national = national.removeprefix("0")
    if not national.isdigit() or len(national) not in (8, 9):
        return None
    if len(national) == 9 and national[0] not in "689":
        return None
    return "+66" + national


def mask_phone(phone: str | None) -> str | None:
    """Return a phone number for lists: the trunk and last three digits only (0xx-xxx-x678)."""
    if not phone:
        return None
    national = "0" + phone.removeprefix("+66")
    return national[:2] + "x" * (len(national) - 5) + national[-3:]
