"""Japanese understanding: Rasa graph components built on GiNZA / Sudachi."""
