"""Fixtures for the staff console tests: real SQLite and PostgreSQL databases, and
conversations produced by driving the real assistant into them."""

from __future__ import annotations

import contextlib

import pytest

from tests.console.driven import drive
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


@pytest.fixture(scope="session")
def driven_factory(tmp_path_factory):
    """kind -> Driven: the real assistant run once per database kind, on first use."""
    cache = {}
    with contextlib.ExitStack() as resources:

        def get(kind: str):
            if kind not in cache:
                tmp = tmp_path_factory.mktemp(f"console-{kind}")
                database = resources.enter_context(fresh_database(kind, tmp))
                cache[kind] = drive(database, tmp / "stack")
            return cache[kind]

        yield get


@pytest.fixture(params=["sqlite", "postgresql"])
def driven(request, driven_factory):
    return driven_factory(request.param)
