"""The code printed under each QR card, for typing when no camera reads the QR.

It is the card's own token (96 random bits) written in Crockford's base32: 20 characters in
four groups of five, with no I, L, O or U, so nothing on the card can be misread; reading it
back forgives what people type instead (lower case, O for 0, I or L for 1, spaces, dashes).
Being the token itself, it needs no column of its own, and a phone offline turns a typed code
into the token of the register it keeps (frontend ``scan.tsx`` does the same arithmetic).
"""

from __future__ import annotations

import base64
import binascii

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
TOKEN_BYTES = 12
CODE_LENGTH = -(-TOKEN_BYTES * 8 // 5)  # 96 bits = 19.2 characters: 20, the last padded
GROUP = 5


def card_code(token: str) -> str | None:
    """The typeable code of a card token (``XXXXX-XXXXX-XXXXX-XXXXX``); None for a token that
    is not 12 bytes of URL-safe base64 (no card of Khaya's making)."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    if len(raw) != TOKEN_BYTES or base64.urlsafe_b64encode(raw).decode().rstrip("=") != token:
        return None
    number = int.from_bytes(raw, "big") << (CODE_LENGTH * 5 - TOKEN_BYTES * 8)
    digits = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH)))
    return "-".join(digits[i:i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def token_of_code(text: str) -> str | None:
    """The card token a typed code stands for, or None when the text is no card code."""
    cleaned = "".join(text.split()).replace("-", "").upper().translate(_MISREAD)
    if len(cleaned) != CODE_LENGTH or any(c not in _VALUE for c in cleaned):
        return None
    number = 0
    for c in cleaned:
        number = number << 5 | _VALUE[c]
    padding = CODE_LENGTH * 5 - TOKEN_BYTES * 8
    if number & ((1 << padding) - 1):
        return None  # the padding bits of a real code are zero
    raw = (number >> padding).to_bytes(TOKEN_BYTES, "big")
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
