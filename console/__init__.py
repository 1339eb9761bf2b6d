"""Staff console: what patients asked the assistant and where it failed them.

Reads Rasa's SQL tracker store (`events` table), never writing to it (only retention.py's purge deletes
conversations older than the retention period), and keeps its own data (staff accounts,
sessions, reviews, tags, notes, corrected intents and a derived index of the events) in tables
prefixed `console_` in the same database.

- app.py: `create_app` (settings, middleware, error handlers, routers); middleware.py: headers
- routes/: one router per resource (auth, dashboard, conversations, corrections, api);
  deps.py: what they share (settings, engine, staff login, CSRF check, page rendering)
- queries/: what pages and exports show; events.py: the one walk over Rasa's events;
  index.py: the derived index; retention.py: purge; db.py: tables; auth.py: accounts, sessions
- keys.py: a conversation's key and console URL (also used by the emergency alert)
- `python -m console --help` (__main__.py): the command line
"""
