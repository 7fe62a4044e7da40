"""Fixtures of the organizations and venues pages: the shared world, an organizer of another province, a
representative of the world's host organization."""

from __future__ import annotations

import pytest

from tests.conftest import login


@pytest.fixture
def orgs_world(world, make):
    tree = world["tree"]
    world["foreign"] = make.user("organizer", scope=tree["38"], username="orga_thanh_hoa")
    world["rep"] = make.user("org_rep", organization=world["organization"], username="rep")
    world["foreign_org"] = make.organization(tree["38"], "Công an tỉnh Thanh Hoá", kind="police")
    world["foreign_venue"] = make.venue(tree["38"], "Quảng trường Lam Sơn")
    return world


@pytest.fixture
def as_user(app, client):
    """A new browser logged in as `username`, reading English (the tests look for the English messages)."""

    def log_in(username: str):
        browser = app.test_client()  # the `client` fixture's class: each request in a fresh context
        browser.set_cookie("lang", "en")
        assert login(browser, username).status_code == 302, username
        return browser

    return log_in
