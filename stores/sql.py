"""Rasa's SQL tracker store, made to ride out a database restart.

endpoints.production.yml:

    tracker_store:
      type: stores.sql.ResilientSQLTrackerStore   # instead of `SQL`; same keys
      dialect: postgresql
      url: ${DB_HOST}
      ...

Rasa 3.6 wraps every tracker store in a FailSafeTrackerStore: a tracker that cannot be read is
started afresh, one that cannot be written is kept in memory only. During a PostgreSQL restart
that means answers without the conversation's context, and turns missing from the database (and
from the staff console): measured with `make load`, 11 of 1000 turns were lost across one
restart. This store
- checks a pooled connection before using it (`pool_pre_ping`), so the connections a restart
  killed are replaced instead of failing the next request;
- retries a read or write that fails with a connection error for up to `SQL_RETRY_SECONDS`
  (default 10; the conversation's message waits meanwhile, other conversations do not);
- bounds each connection attempt (`connect_timeout`, 5 s: Rasa's SQL calls block the server).
Only when the database stays away longer does Rasa's fail-safe behaviour above apply.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Optional, TypeVar

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs, is_postgresql_url

from settings import StoreSettings

logger = logging.getLogger(__name__)

T = TypeVar("T")
CONNECT_TIMEOUT_SECONDS = 5


def _retry_seconds() -> float:
    return StoreSettings.from_env().sql_retry_seconds


class ResilientSQLTrackerStore(SQLTrackerStore):
    engine: Any  # SQLTrackerStore's engine, replaced below

    def __init__(self, *args: Any, retry_seconds: Optional[float] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_seconds = _retry_seconds() if retry_seconds is None else float(retry_seconds)
        url = self.engine.url
        engine_kwargs = create_engine_kwargs(url)
        if is_postgresql_url(url):
            engine_kwargs["connect_args"] = {
                **engine_kwargs.get("connect_args", {}),
                "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            }
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **engine_kwargs)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def _retrying(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        deadline = time.monotonic() + self.retry_seconds
        delay = 0.2
        while True:
            try:
                return await call()
            except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError) as error:
                if time.monotonic() + delay > deadline:
                    raise
                logger.warning(
                    "tracker store %s failed (%s); retrying in %.1f s", what, str(error).splitlines()[0], delay
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        parent = super()._retrieve
        return await self._retrying("read", lambda: parent(sender_id, fetch_events_from_all_sessions))

    async def save(self, tracker: Any) -> None:
        # Safe to repeat: the parent stores the events beyond those already in the database.
        parent = super().save
        await self._retrying("write", lambda: parent(tracker))

    async def keys(self) -> Any:
        return await self._retrying("keys", super().keys)
