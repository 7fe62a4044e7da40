"""The organization and venue forms on a phone (390 px): nothing wider than the screen, contact rows usable."""

from __future__ import annotations

import pytest

from tests.browser.test_ui import PHONE, log_in, open_page  # noqa: F401  (open_page: a fixture)


@pytest.mark.parametrize("path", ["/dashboard/organizations/new", "/dashboard/venues/new", "/dashboard/organizations"])
def test_the_pages_fit_a_phone(live_server, open_page, world, path):  # noqa: F811
    page = open_page(PHONE)
    log_in(page, live_server, "orga")
    page.goto(live_server + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    assert page.errors == []


def test_a_representative_saves_a_contact_person_on_a_phone(live_server, open_page, world, make):  # noqa: F811
    make.user("org_rep", organization=world["organization"], username="rep")
    page = open_page(PHONE)
    log_in(page, live_server, "rep")
    page.goto(live_server + "/dashboard/my-organization")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.fill("#contacts-0-full_name", "Nguyễn Thị Mai")
    page.fill("#contacts-0-phone", "0912 345 678")
    page.locator("main form.card button[type=submit]").click()
    page.wait_for_url(live_server + "/dashboard/my-organization")
    assert page.input_value("#contacts-0-phone") == "+84912345678"
    assert page.locator("#contacts-2-full_name").count() == 1  # the saved row and two empty ones
