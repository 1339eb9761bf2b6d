"""Staff console: what patients asked the assistant and where it failed them.

Reads Rasa's SQL tracker store (`events` table) read-only and keeps its own data (staff accounts,
sessions, reviews, tags, notes, corrected intents and a derived index of the events) in tables
prefixed `console_` in the same database. See console/app.py for the web app and
`python -m console --help` for the command line.
"""
