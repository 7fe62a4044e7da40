"""The accounts tests read English messages: their `client` is an English browser (tree, admin: tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.accounts.support import english_client


@pytest.fixture
def client(app, database):
    return english_client(app)
