"""Tracker and lock stores for production (endpoints.production.yml):

- stores.sql.ResilientSQLTrackerStore: Rasa's SQL tracker store, riding out a database restart;
- stores.redis_lock.AtomicRedisLockStore: Rasa's Redis lock store, with atomic ticket changes, so
  that one conversation's messages arriving at several Rasa servers at once stay one at a time.
"""
