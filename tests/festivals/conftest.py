"""Festival-day fixtures: an English `client`; organizers of a province and of a commune."""

from __future__ import annotations

import pytest

from tests.accounts.support import english_client


@pytest.fixture
def client(app, database):
    return english_client(app)


@pytest.fixture
def province_organizer(make, world):
    return make.user("organizer", scope=world["tree"]["01"], username="hanoi")


@pytest.fixture
def foreign_organizer(make, world):
    return make.user("organizer", scope=world["tree"]["38"], username="thanhhoa")
