"""The code printed under each QR card: what it is, how it is read back, where it opens."""

from __future__ import annotations

import base64
import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khaya.households.cards import ALPHABET, card_code, token_of_code


@given(st.binary(min_size=12, max_size=12))
def test_every_token_has_a_code_that_reads_back(raw):
    token = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    code = card_code(token)
    assert code is not None
    groups = code.split("-")
    assert [len(g) for g in groups] == [5, 5, 5, 5]
    # Nothing on the card can be misread: no I, L, O or U.
    assert set("".join(groups)) <= set(ALPHABET)
    assert not set("ILOU") & set(code)
    assert token_of_code(code) == token


@pytest.mark.parametrize(("token", "code"), [
    # Twelve zero bytes: twenty zero digits.
    ("A" * 16, "00000-00000-00000-00000"),
    # Twelve 0xFF bytes are 96 one-bits and four zero bits of padding: nineteen digits of five
    # ones, 31 (Z), then the last one-bit and the padding, 10000 = 16 (G).
    ("_" * 16, "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZG"),
    # The first bit alone (0x80 ...) is the top of the first digit: 10000 = 16 (G); the last
    # bit alone (... 0x01) is the top of the last digit, before the padding: G too.
    ("gAAAAAAAAAAAAAAA", "G0000-00000-00000-00000"),
    ("AAAAAAAAAAAAAAAB", "00000-00000-00000-0000G"),
    # Bytes 1 to 12, as RFC 4648 base32 writes them (AEBAG BAFAY DQQCI KBMGA, A=0 ... 7=31),
    # letter by letter in Crockford's digits.
    ("AQIDBAUGBwgJCgsM", "04106-1050R-3GG28-A1C60"),
])
def test_known_tokens_have_the_codes_worked_out_by_hand(token, code):
    """The phone reads codes with the same arithmetic (``scan.tsx``): the digits must be
    Crockford's, most significant first, not only the inverse of ``token_of_code``."""
    assert ALPHABET == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32, as published
    assert card_code(token) == code
    assert token_of_code(code) == token


def test_what_people_type_instead_is_read_as_meant():
    token = secrets.token_urlsafe(12)
    code = card_code(token)
    assert code is not None
    sloppy = code.lower().replace("0", "o").replace("1", "l").replace("-", " ")
    assert token_of_code(sloppy) == token
    assert token_of_code(code.replace("-", "")) == token
    assert token_of_code(code.replace("1", "I")) == token


def test_what_is_no_code_is_refused():
    code = card_code(secrets.token_urlsafe(12))
    assert code is not None
    assert token_of_code(code[:-1]) is None  # one character short
    assert token_of_code(code + "0") is None  # one too many
    assert token_of_code(code[:-1] + "U") is None  # not in the alphabet
    assert token_of_code(code[:-1] + "Z") is None  # padding bits set: no card has it
    assert token_of_code("") is None
    assert card_code("not-a-token") is None  # no card of Khaya's making


def test_a_typed_code_opens_the_household_in_scope_only(client, auth, make_household):
    household = make_household()
    code = card_code(household["qr_token"])
    assert code is not None
    typed = code.lower().replace("0", "o")
    url = f"/api/v1/households/by-qr/{typed}"
    assert client.get(url, headers=auth("0810000001")).get_json()["id"] == household["id"]
    assert client.get(url, headers=auth("nga.staff")).status_code == 404
