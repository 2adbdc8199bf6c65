"""Password hashing (Argon2id) and the login identifiers people type."""

from __future__ import annotations

import re

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

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


# NIST SP 800-63B, 3.1.1.2: no composition rules (no "one digit, one capital"), but new
# passwords are compared with a list of common, expected or compromised values and with words
# of the context. zxcvbn (Dropbox's estimator) brings the common-password list (30,000 most
# frequent), names and words, and finds repeats ("aaaaaaaa"), sequences ("12345678"),
# keyboard runs and dates; a password it estimates at fewer than 10^8 guesses is refused.
MIN_GUESSES_LOG10 = 8
# Words anyone attacking a Khaya account would try first: the place, the service, "password"
# in Thai (zxcvbn's lists are English).
CONTEXT_WORDS = ("lamphun", "khaya", "ลำพูน", "ขยะ", "รหัสผ่าน", "lamphun-demo")
# Reasons, for people: the phone and office screens show them in Thai or English by their start.
TOO_COMMON = "Too easy to guess: it is one of the most common passwords."
TOO_PERSONAL = ("Too easy to guess: it contains your name, login or phone number, or a word "
                "such as Lamphun, Khaya or password.")
TOO_REGULAR = "Too easy to guess: repeated, sequential or keyboard-row characters."
TOO_WEAK = ("Too easy to guess: a few unrelated words make a strong password that is easy to "
            "remember.")


def context_words(*, login: str | None = None, phone: str | None = None,
                  name: str | None = None) -> list[str]:
    """Return the words of a person's context that their password must not lean on."""
    words = list(CONTEXT_WORDS)
    if login:
        words += [login, *re.split(r"[._-]+", login)]
    if phone:
        national = "0" + phone.removeprefix("+66")
        words += [phone, phone.removeprefix("+"), national, national[1:], national[-4:],
                  national[-7:]]
    if name:
        parts = name.split()
        words += [name, *parts, *(joiner.join(parts) for joiner in ("", "-", ".", "_"))]
    return [word.lower() for word in words if len(word) >= 3]


def _mostly_context(password: str, context: list[str]) -> bool:
    # zxcvbn credits any mix of three or more pieces with 10^8 guesses, so "somchai-jaidee"
    # (the person's own name) would pass it: mark what the context words cover, count the rest.
    letters = re.sub(r"[\W_]+", "", password.lower())
    covered = [False] * len(letters)
    for word in {re.sub(r"[\W_]+", "", w) for w in context}:
        if len(word) < 3:
            continue
        start = letters.find(word)
        while start != -1:
            covered[start:start + len(word)] = [True] * len(word)
            start = letters.find(word, start + 1)
    return len(letters) >= 4 and covered.count(False) < 4


def password_problem(password: str, context: list[str]) -> str | None:
    """Return why ``password`` is refused as a new password, or ``None`` when it may be used."""
    if _mostly_context(password, context):
        return TOO_PERSONAL
    result = zxcvbn(password, user_inputs=context, max_length=200)
    if result["guesses_log10"] >= MIN_GUESSES_LOG10:
        return None
    patterns = {(match["pattern"], match.get("dictionary_name")) for match in result["sequence"]}
    if ("dictionary", "user_inputs") in patterns:
        return TOO_PERSONAL
    if ("dictionary", "passwords") in patterns:
        return TOO_COMMON
    if {p for p, _ in patterns} & {"repeat", "sequence", "spatial"}:
        return TOO_REGULAR
    return TOO_WEAK


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
