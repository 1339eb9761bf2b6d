"""Fixtures for the staff console tests: real SQLite and PostgreSQL databases."""
from __future__ import annotations

import pytest

from tests.console.support import fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """An empty database of each kind (a fresh PostgreSQL database, dropped afterwards)."""
    with fresh_database(request.param, tmp_path) as database:
        yield database


@pytest.fixture
def sqlite_database(tmp_path):
    with fresh_database("sqlite", tmp_path) as database:
        yield database
