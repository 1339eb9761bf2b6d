"""Configuration from the environment (CONSOLE_*), read once per process."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite:///var/rasa.db"

logger = logging.getLogger(__name__)


class ConfigError(ValueError):
    """A CONSOLE_* variable has a value the console cannot use."""


def resolve_database_url(url: str, root: Path = ROOT) -> str:
    """Relative SQLite paths are taken from the project root, where Rasa writes var/rasa.db."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        if not path.is_absolute():
            return str(parsed.set(database=str(root / path)))
    return url


def _number(env: Mapping[str, str], name: str, default, kind=float, minimum=None):
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a {kind.__name__}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={raw!r} must be at least {minimum}")
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    secure_cookies: bool = False
    low_confidence: float = 0.6
    retention_days: Optional[int] = None
    host: str = "127.0.0.1"
    port: int = 8081
    timezone: str = "Asia/Tokyo"
    domain_file: Path = ROOT / "domain.yml"
    session_hours: float = 12.0
    page_size: int = 50
    # Failed logins: this many are free per username + IP, then each one locks that pair out for
    # login_base_delay * 2**(extra failures) seconds, at most login_max_delay.
    login_free_attempts: int = 3
    login_base_delay: float = 2.0
    login_max_delay: float = 900.0

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None, **overrides) -> "Settings":
        env = os.environ if env is None else env
        secret = env.get("CONSOLE_SECRET_KEY", "")
        if not secret:
            logger.warning(
                "CONSOLE_SECRET_KEY is not set: using a random key for this process only "
                "(every staff member is logged out when the console restarts)."
            )
            secret = secrets.token_urlsafe(48)
        elif len(secret) < 32:
            raise ConfigError("CONSOLE_SECRET_KEY must be at least 32 characters")
        timezone = env.get("CONSOLE_TIMEZONE") or "Asia/Tokyo"
        try:
            ZoneInfo(timezone)
        except Exception:
            raise ConfigError(f"CONSOLE_TIMEZONE={timezone!r} is not a time zone") from None
        low = _number(env, "CONSOLE_LOW_CONFIDENCE", 0.6, float, 0.0)
        if low > 1:
            raise ConfigError("CONSOLE_LOW_CONFIDENCE must be between 0 and 1")
        values = dict(
            database_url=resolve_database_url(env.get("CONSOLE_DATABASE_URL") or DEFAULT_DATABASE_URL),
            secret_key=secret,
            secure_cookies=env.get("CONSOLE_SECURE_COOKIES", "") == "1",
            low_confidence=low,
            retention_days=_number(env, "CONSOLE_RETENTION_DAYS", None, int, 1),
            host=env.get("CONSOLE_HOST") or "127.0.0.1",
            port=_number(env, "CONSOLE_PORT", 8081, int, 1),
            timezone=timezone,
            domain_file=Path(env.get("CONSOLE_DOMAIN_FILE") or ROOT / "domain.yml"),
            session_hours=_number(env, "CONSOLE_SESSION_HOURS", 12.0, float, 0.01),
            login_free_attempts=_number(env, "CONSOLE_LOGIN_FREE_ATTEMPTS", 3, int, 1),
            login_base_delay=_number(env, "CONSOLE_LOGIN_BASE_DELAY", 2.0, float, 0.0),
            login_max_delay=_number(env, "CONSOLE_LOGIN_MAX_DELAY", 900.0, float, 0.0),
        )
        values.update(overrides)
        return cls(**values)
