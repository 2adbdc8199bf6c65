"""Changing one's password on the phone's settings and in the office: the server's reasons for
refusing a weak one appear under the field, in Thai and in English."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from khaya.auth.models import User
from khaya.auth.passwords import hash_password, normalize_phone
from khaya.extensions import db
from tests.e2e._browser import PASSWORD, RESIDENT, desk_context, shoot, sign_in, sign_in_office

pytestmark = pytest.mark.e2e


def _restore_password(app, login: str) -> None:
    """The browser tests share the session's accounts: put the demo password back."""
    phone = normalize_phone(login)
    column = User.phone if phone else User.username
    with app.app_context():
        db.session.execute(update(User).where(column == (phone or login))
                           .values(password_hash=hash_password(PASSWORD)))
        db.session.commit()
        db.session.remove()


def _submit(page, new: str) -> None:
    page.fill("[data-testid=pw-current]", PASSWORD)
    page.fill("[data-testid=pw-new]", new)
    page.click("[data-testid=pw-save]")


def test_the_phone_says_why_a_password_is_refused(app, context, world):
    page = context.new_page()
    try:
        sign_in(page, world.base, RESIDENT)
        page.goto(world.base + "/settings")
        _submit(page, "12345678")
        error = page.wait_for_selector("[data-testid=pw-new-error]")
        assert error.inner_text() == "เดาง่ายเกินไป: เป็นรหัสผ่านที่คนใช้กันมาก"
        page.locator("[data-testid=password-form]").scroll_into_view_if_needed()
        shoot(page, "password-refused-th")
        page.click("button[lang=en]")
        _submit(page, "aaaaaaaa")
        page.wait_for_function(
            "() => document.querySelector('[data-testid=pw-new-error]')?.textContent"
            " === 'Too easy to guess: repeated, sequential or keyboard-row characters.'")
        _submit(page, "lamphun-2567")
        page.wait_for_function(
            "() => document.querySelector('[data-testid=pw-new-error]')?.textContent"
            ".startsWith('Too easy to guess: it contains your name')")
        shoot(page, "password-refused-en")
        _submit(page, "mango river forty-two")
        # Saved: the form empties itself once the server has accepted the password.
        page.wait_for_function(
            "() => document.querySelector('[data-testid=pw-new]').value === ''")
        assert page.locator("[data-testid=pw-new-error]").count() == 0
    finally:
        _restore_password(app, RESIDENT)


def test_the_office_has_the_same_form(app, browser, world):
    context = desk_context(browser)
    page = context.new_page()
    try:
        sign_in_office(page, world.base, "town.staff")
        page.click("[data-testid=office-password]")
        _submit(page, "town.staff-1")
        error = page.wait_for_selector("[data-testid=pw-new-error]")
        assert error.inner_text().startswith("เดาง่ายเกินไป: มีชื่อ ชื่อผู้ใช้ หรือเบอร์โทรของคุณ")
        shoot(page, "office-password-refused")
    finally:
        context.close()
        _restore_password(app, "town.staff")
