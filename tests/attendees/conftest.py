"""Attendees page fixtures: an English `client` (messages compared with their English msgids), the shared world
(tests/conftest.py) with registration records on it (`make.tickets`), and the organizer of Xã Sóc Sơn logged in."""

from __future__ import annotations

import pytest

from tests.accounts.support import english_client
from tests.conftest import login


@pytest.fixture
def client(app, database):
    return english_client(app)


@pytest.fixture
def orga(client, world):
    """The client logged in as the organizer of Xã Sóc Sơn (00376), whose festival day the world has."""
    assert login(client, "orga").status_code == 302
    return client


@pytest.fixture
def base(world) -> str:
    return f"/dashboard/festivals/{world['festival'].id}"
