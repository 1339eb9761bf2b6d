"""Tracker stores for production (endpoints.production.yml): see stores/sql.py."""
