"""On a 360 px phone, an organizer finds the e-mail that did not go out and sends it again."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from festival.extensions import db
from festival.mail.models import MailStatus, OutgoingMail
from tests.factories import Factory

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

SMALL_PHONE = {"width": 360, "height": 740}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_on_a_phone_the_organizer_retries_a_failed_mail(live_server, chromium, world, make):
    tickets = make.tickets(world)
    long_address = "nguyen.thi.phuong.thao.hoi.phu.nu.xa.soc.son@example.vn"
    failed = make.registration(tickets["quota"], "Nguyễn Thị Phương Thảo", "0912 000 999", email=long_address)
    db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.registration_id == failed.id)
        .values(
            status=MailStatus.FAILED.value,
            attempts=10,
            last_error="451 4.3.0 Mail server temporarily rejected message: mailbox_unavailable_try_again_later",
        )
    )
    db.session.commit()
    mail_id = db.session.scalar(select(OutgoingMail.id).where(OutgoingMail.registration_id == failed.id))

    context = chromium.new_context(locale="vi-VN", viewport=SMALL_PHONE)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server + "/login")
        page.fill("#username", "orga")
        page.fill("#password", Factory.PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(live_server + "/dashboard")

        page.goto(f"{live_server}/dashboard/festivals/{world['festival'].id}/mail")
        row = page.locator(f"#mail-{mail_id}")
        expect(row).to_contain_text(long_address)
        expect(row.locator("strong.mail-failed")).to_be_visible()
        assert page.evaluate(OVERFLOW) <= 0  # long addresses and errors wrap instead of widening the page

        button = row.locator("button[type=submit]")
        assert button.bounding_box()["height"] >= 44  # a thumb-sized target
        button.click()
        expect(page.locator(".flash-success")).to_contain_text(long_address)
        expect(page.locator(f"#mail-{mail_id} strong.mail-failed")).to_have_count(0)
        assert page.evaluate(OVERFLOW) <= 0
    finally:
        context.close()
    db.session.commit()
    assert db.session.get(OutgoingMail, mail_id).status == MailStatus.PENDING.value
