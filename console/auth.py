"""Staff accounts (argon2 hashes), server-side sessions, CSRF tokens, failed-login throttling.

- The session cookie holds a random token; the database keeps only HMAC(secret, token), so a
  copy of the table opens no session and changing CONSOLE_SECRET_KEY logs everyone out.
- CSRF tokens are HMAC(secret, "csrf:" + the session token), or, before login, of a random
  `console_csrf` cookie: every POST must send the matching token.
- Failed logins are counted per username + client IP; after `login_free_attempts` failures each
  further one locks that pair out for base * 2**n seconds (at most `login_max_delay`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any, Dict, Optional

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.engine import Engine

from console import db
from settings import ConsoleSettings

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MIN_PASSWORD_LENGTH = 10
SESSION_COOKIE = "console_session"
CSRF_COOKIE = "console_csrf"

_hasher = PasswordHasher()
# Verified against when the username does not exist, so both cases take as long.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class UserError(ValueError):
    pass


@dataclass(frozen=True)
class User:
    id: int
    username: str


def normalize_username(name: str) -> str:
    return (name or "").strip().lower()


def validate_username(name: str) -> str:
    name = normalize_username(name)
    if not USERNAME_RE.match(name):
        raise UserError("ユーザー名は英数字と . _ - で64文字まで（先頭は英数字）にしてください")
    return name


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserError(f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください")


def create_user(engine: Engine, name: str, password: str, update: bool = False) -> str:
    """Creates the account (or, with `update`, sets its password). Returns 'created'/'updated'."""
    name = validate_username(name)
    validate_password(password)
    hashed = _hasher.hash(password)
    u = db.users.c
    with engine.begin() as conn:
        existing = conn.execute(sa.select(u.id).where(u.username == name)).scalar()
        if existing is not None:
            if not update:
                raise UserError(f"ユーザー {name} は既にあります（パスワード変更は --update）")
            conn.execute(sa.update(db.users).where(u.id == existing).values(password_hash=hashed))
            # A new password ends the account's open sessions.
            conn.execute(sa.delete(db.sessions).where(db.sessions.c.user_id == existing))
            return "updated"
        conn.execute(sa.insert(db.users).values(username=name, password_hash=hashed, created_at=time.time()))
        return "created"


def delete_user(engine: Engine, name: str) -> bool:
    u = db.users.c
    with engine.begin() as conn:
        user_id = conn.execute(sa.select(u.id).where(u.username == normalize_username(name))).scalar()
        if user_id is None:
            return False
        conn.execute(sa.delete(db.sessions).where(db.sessions.c.user_id == user_id))
        conn.execute(sa.delete(db.users).where(u.id == user_id))
        return True


def list_users(engine: Engine):
    u = db.users.c
    with engine.connect() as conn:
        return conn.execute(sa.select(u.username, u.created_at, u.last_login_at).order_by(u.username)).all()


def authenticate(engine: Engine, name: str, password: str) -> Optional[User]:
    u = db.users.c
    name = normalize_username(name)
    with engine.connect() as conn:
        row = conn.execute(sa.select(u.id, u.username, u.password_hash).where(u.username == name)).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    with engine.begin() as conn:
        values: Dict[str, Any] = {"last_login_at": time.time()}
        if _hasher.check_needs_rehash(row.password_hash):
            values["password_hash"] = _hasher.hash(password)
        conn.execute(sa.update(db.users).where(u.id == row.id).values(**values))
    return User(row.id, row.username)


# --------------------------------------------------------------------------- sessions and CSRF


def _mac(settings: ConsoleSettings, message: str) -> str:
    return hmac.new(settings.secret_key.encode(), message.encode(), hashlib.sha256).hexdigest()


def csrf_token(settings: ConsoleSettings, base: str) -> str:
    return _mac(settings, "csrf:" + base)


def csrf_valid(settings: ConsoleSettings, base: Optional[str], token: Optional[str]) -> bool:
    if not base or not token:
        return False
    return hmac.compare_digest(csrf_token(settings, base), token)


def new_session(engine: Engine, settings: ConsoleSettings, user: User) -> str:
    token = secrets.token_urlsafe(32)
    now = time.time()
    s = db.sessions.c
    with engine.begin() as conn:
        conn.execute(sa.delete(db.sessions).where(s.expires_at < now))
        conn.execute(
            sa.insert(db.sessions).values(
                token_hash=_mac(settings, "session:" + token),
                user_id=user.id,
                created_at=now,
                expires_at=now + settings.session_hours * 3600,
            )
        )
    return token


def session_user(engine: Engine, settings: ConsoleSettings, token: Optional[str]) -> Optional[User]:
    if not token or len(token) > 128:
        return None
    s, u = db.sessions.c, db.users.c
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(u.id, u.username)
            .select_from(db.sessions.join(db.users, u.id == s.user_id))
            .where(s.token_hash == _mac(settings, "session:" + token), s.expires_at > time.time())
        ).first()
    return User(row.id, row.username) if row else None


def end_session(engine: Engine, settings: ConsoleSettings, token: Optional[str]) -> None:
    if token:
        with engine.begin() as conn:
            conn.execute(sa.delete(db.sessions).where(db.sessions.c.token_hash == _mac(settings, "session:" + token)))


# --------------------------------------------------------------------------- failed logins


def _attempt_key(name: str, ip: str) -> str:
    return hashlib.sha256(f"{normalize_username(name)}\n{ip}".encode()).hexdigest()


def locked_for(engine: Engine, name: str, ip: str) -> float:
    """Seconds this username + IP must still wait before the next login attempt (0: none)."""
    a = db.login_attempts.c
    with engine.connect() as conn:
        until = conn.execute(sa.select(a.locked_until).where(a.key == _attempt_key(name, ip))).scalar()
    return max(0.0, (until or 0.0) - time.time())


def record_failure(engine: Engine, settings: ConsoleSettings, name: str, ip: str) -> float:
    """Counts a failed login; returns the lockout (seconds) it starts."""
    key, now = _attempt_key(name, ip), time.time()
    a = db.login_attempts.c
    with engine.begin() as conn:
        row = conn.execute(sa.select(a.failures, a.updated_at).where(a.key == key)).first()
        # Failures are forgotten after a day without any.
        failures = 1 if row is None or now - row.updated_at > 86400 else row.failures + 1
        extra = failures - settings.login_free_attempts
        delay = 0.0
        if extra >= 0:
            delay = min(settings.login_base_delay * (2 ** min(extra, 30)), settings.login_max_delay)
        conn.execute(sa.delete(db.login_attempts).where(a.key == key))
        conn.execute(
            sa.insert(db.login_attempts).values(key=key, failures=failures, locked_until=now + delay, updated_at=now)
        )
    return delay


def clear_failures(engine: Engine, name: str, ip: str) -> None:
    with engine.begin() as conn:
        conn.execute(sa.delete(db.login_attempts).where(db.login_attempts.c.key == _attempt_key(name, ip)))
