"""Every environment variable the assistant reads, typed, with its default: the one place to look.

Each class below is the settings of one part (the clinic's details, the patient channels' guard,
the staff console, …). A part reads its class with `.from_env()`; nothing else in the project reads
`os.environ` for a setting. An empty value counts as unset (so `VAR=` in an env file means "the
default"). A value the part cannot use raises `SettingsError` naming the variable, when the part
starts, not when a patient's message first needs it.

    python -m settings check     validates the whole environment (scripts/run.sh, the containers)
    python -m settings example   prints .env.example (every variable, its default, its meaning)

Variables Rasa itself substitutes into credentials.yml / endpoints*.yml (LINE_*, SLACK_*, DB_*,
REDIS_*) are declared here too, so they are checked and documented in the same place.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any, ClassVar, Dict, List, Mapping, Optional, Tuple, Type, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseSettings, Field, SecretStr, ValidationError, validator

ROOT = Path(__file__).resolve().parent.parent
logger = logging.getLogger(__name__)
S = TypeVar("S", bound="EnvSettings")


class SettingsError(ValueError):
    """An environment variable has a value the assistant cannot use."""


class EnvSettings(BaseSettings):
    """Base: fields are read only by `from_env` (from os.environ or a given mapping)."""

    class Config:
        env_prefix = ""
        extra = "ignore"

        # No hidden reading of os.environ by pydantic: from_env is the one way in.
        @classmethod
        def customise_sources(cls, init_settings, env_settings, file_secret_settings):
            return (init_settings,)

    # Set on subclasses: the heading of the group in .env.example.
    title: ClassVar[str] = ""

    @classmethod
    def env_name(cls, field_name: str) -> str:
        field = cls.__fields__[field_name]
        return str(field.field_info.extra.get("env") or (cls.__config__.env_prefix + field_name).upper())

    @classmethod
    def from_env(cls: Type[S], env: Optional[Mapping[str, str]] = None, **overrides: Any) -> S:
        env = os.environ if env is None else env
        values: Dict[str, Any] = {}
        for name in cls.__fields__:
            raw = env.get(cls.env_name(name))
            if raw is not None and raw.strip() != "":
                values[name] = raw.strip()
        values.update(overrides)
        try:
            return cls(**values)
        except ValidationError as error:
            raise SettingsError(cls.explain(error, env)) from None

    @classmethod
    def explain(cls, error: ValidationError, env: Mapping[str, str]) -> str:
        lines = []
        for problem in error.errors():
            name = str(problem["loc"][0])
            var = cls.env_name(name) if name in cls.__fields__ else name
            secret = any(word in var for word in ("SECRET", "PASSWORD", "TOKEN"))
            shown = "(hidden)" if secret else repr(env.get(var, ""))
            lines.append(f"{var}={shown}: {problem['msg']}")
        return "; ".join(lines)


# --- the clinic ------------------------------------------------------------------------------


class ClinicSettings(EnvSettings):
    """The clinic's contact details: clinic.yml, each overridden by its CLINIC_* variable."""

    title: ClassVar[str] = "The clinic (every answer that sends a patient to the clinic uses these)"
    name: Optional[str] = Field(default=None, description="the clinic's name, e.g. ○○クリニック")
    phone: Optional[str] = Field(default=None, description="the clinic's phone number")
    emergency_phone: Optional[str] = Field(default=None, description="the clinic's emergency / after-hours line")
    booking_url: Optional[str] = Field(default=None, description="the booking page")
    hours: Optional[str] = Field(default=None, description="opening hours, e.g. 月〜土 9:00〜18:00（日祝休診）")
    billing_note: Optional[str] = Field(default=None, description="one sentence on how the treatment is billed")
    file: Path = Field(default=ROOT / "clinic.yml", description="where the defaults of the above live")
    knowledge_file: Path = Field(
        default=ROOT / "knowledge" / "answers.yml", env="KNOWLEDGE_FILE", description="the knowledge base"
    )

    class Config:
        env_prefix = "CLINIC_"

    DETAILS: ClassVar[Tuple[str, ...]] = ("name", "phone", "emergency_phone", "booking_url", "hours", "billing_note")

    def details(self) -> Dict[str, str]:
        """{name, phone, emergency_phone, booking_url, hours, billing_note}: file, then environment."""
        data = yaml.safe_load(self.file.read_text(encoding="utf-8")) or {}
        return {key: str(getattr(self, key) or data.get(key, "")) for key in self.DETAILS}

    def placeholders(self) -> List[str]:
        """The CLINIC_* variables still unset (answers then show clinic.yml's 〈…〉 placeholders)."""
        return [self.env_name(key) for key in self.DETAILS[:5] if not getattr(self, key)]


def clinic() -> Dict[str, str]:
    """The clinic's contact details (clinic.yml, then CLINIC_*); knowledge.knowledge_base() keeps them."""
    return ClinicSettings.from_env().details()


# --- the patient channels --------------------------------------------------------------------


class GuardSettings(EnvSettings):
    """Abuse limits and the answer deadline of the patient channels (channels/guard.py, rest.py)."""

    title: ClassVar[str] = "Patient channels: abuse limits and the answer deadline (channels/guard.py)"
    rate_limit_messages: int = Field(
        default=20, ge=0, description="messages per sender per window; 0 turns the limit off"
    )
    rate_limit_window_seconds: float = Field(default=60.0, gt=0, description="the window")
    rate_limit_redis_url: Optional[str] = Field(
        default=None, description="share the limit between Rasa servers, e.g. redis://redis:6379/0 (unset: in-process)"
    )
    answer_timeout_seconds: float = Field(
        default=30.0, gt=0, description="no answer within this: the patient gets 'temporarily unavailable'"
    )
    rest_max_body_bytes: int = Field(default=65536, ge=1024, description="REST bodies above get a polite 413")

    @validator("rate_limit_redis_url")
    def _redis_url(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and urlsplit(value).scheme not in ("redis", "rediss", "unix"):
            raise ValueError("must be a redis:// URL")
        return value


class LineSettings(EnvSettings):
    """LINE (patients). credentials.yml turns the channel on when both secrets are set."""

    title: ClassVar[str] = "LINE (patients; on when both secrets are set)"
    channel_secret: Optional[SecretStr] = Field(
        default=None, description="LINE Developers: Basic settings, Channel secret"
    )
    channel_access_token: Optional[SecretStr] = Field(
        default=None, description="Messaging API: long-lived channel access token"
    )
    api_endpoint: Optional[str] = Field(
        default=None, description="default https://api.line.me (tests point it elsewhere)"
    )
    dedup_redis_url: Optional[str] = Field(default=None, description="share redelivery ids between Rasa servers")

    class Config:
        env_prefix = "LINE_"


class SlackSettings(EnvSettings):
    """Slack (staff), and where emergencies are posted for staff."""

    title: ClassVar[str] = "Slack (staff; on when the token and signing secret are set) and emergency alerts"
    bot_token: Optional[SecretStr] = Field(default=None, description="the app's bot token (xoxb-…)")
    signing_secret: Optional[SecretStr] = Field(default=None, description="Basic Information: Signing Secret")
    channel: Optional[str] = Field(default=None, description="a channel ID answered without @mention")
    dedup_redis_url: Optional[str] = Field(default=None, description="share redelivery ids between Rasa servers")
    alert_channel: Optional[str] = Field(
        default=None, description="emergencies are posted here for staff (a channel ID; needs the bot token)"
    )
    api_url: str = Field(default="https://slack.com/api/", description="Slack's Web API (tests point it elsewhere)")
    console_public_url: Optional[str] = Field(
        default=None, env="CONSOLE_PUBLIC_URL", description="the console's address staff open, for the link in alerts"
    )
    alert_timeout_seconds: int = Field(default=5, ge=1, description="give up posting an alert after this")

    class Config:
        env_prefix = "SLACK_"

    @property
    def alerts_on(self) -> bool:
        return bool(self.bot_token and self.alert_channel)


# --- conversations: Rasa's endpoints ---------------------------------------------------------


class StoreSettings(EnvSettings):
    """PostgreSQL and Redis for endpoints.production.yml (Rasa substitutes them) and stores/."""

    title: ClassVar[str] = "Conversations: PostgreSQL tracker store and Redis lock store (endpoints.production.yml)"
    action_server_url: str = Field(default="http://localhost:5055/webhook", description="the action server's webhook")
    db_host: str = Field(default="localhost", description="PostgreSQL host")
    db_port: int = Field(default=5432, ge=1, le=65535, description="PostgreSQL port")
    db_name: str = Field(default="rasa", description="database")
    db_user: str = Field(default="rasa", description="role")
    db_password: Optional[SecretStr] = Field(default=None, description="password (a long random value)")
    postgresql_schema: Optional[str] = Field(default=None, description="schema (default public)")
    sql_pool_size: int = Field(default=10, ge=1, description="SQLAlchemy pool per Rasa server (Rasa's default 50)")
    sql_max_overflow: int = Field(
        default=10, ge=0, description="extra connections per Rasa server (Rasa's default 100)"
    )
    sql_retry_seconds: float = Field(default=10.0, gt=0, description="how long stores/sql.py retries a read or write")
    redis_host: str = Field(default="localhost", description="Redis host (lock store)")
    redis_port: int = Field(default=6379, ge=1, le=65535, description="Redis port")
    redis_db: int = Field(default=1, ge=0, description="Redis database of the locks")


# --- the staff console -----------------------------------------------------------------------


class ConsoleSettings(EnvSettings):
    """The staff console (console/)."""

    title: ClassVar[str] = "Staff console (console/)"
    database_url: str = Field(default="sqlite:///var/rasa.db", description="where Rasa keeps the conversations")
    secret_key: str = Field(
        default="", description="signs staff sessions: 32+ random characters (unset: random, logged out on restart)"
    )
    secure_cookies: bool = Field(default=False, description="1 behind HTTPS")
    low_confidence: float = Field(default=0.6, ge=0, le=1, description="answers below this are listed for review")
    retention_days: Optional[int] = Field(
        default=None, ge=1, description="make purge deletes conversations older than this"
    )
    host: str = Field(default="127.0.0.1", description="address to bind")
    port: int = Field(default=8081, ge=1, le=65535, description="port")
    timezone: str = Field(default="Asia/Tokyo", description="times shown to staff")
    domain_file: Path = Field(default=ROOT / "domain.yml", description="the intents staff can choose from")
    session_hours: float = Field(default=12.0, ge=0.01, description="staff stay logged in this long")
    page_size: int = Field(default=50, ge=1, description="conversations per page")
    login_free_attempts: int = Field(default=3, ge=1, description="failed logins per user + IP before a lockout")
    login_base_delay: float = Field(default=2.0, ge=0, description="first lockout (seconds), doubled each time")
    login_max_delay: float = Field(default=900.0, ge=0, description="longest lockout (seconds)")
    password: Optional[SecretStr] = Field(default=None, description="make staff-user reads it instead of asking")

    class Config:
        env_prefix = "CONSOLE_"

    @validator("secret_key", always=True)
    def _secret(cls, value: str) -> str:
        if value and len(value) < 32:
            raise ValueError("must be at least 32 characters")
        if not value:
            logger.warning(
                "CONSOLE_SECRET_KEY is not set: using a random key for this process only "
                "(every staff member is logged out when the console restarts)."
            )
        return value or secrets.token_urlsafe(48)

    @validator("timezone")
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except Exception:
            raise ValueError("is not a time zone") from None
        return value

    @validator("database_url")
    def _database_url(cls, value: str) -> str:
        """Relative SQLite paths are taken from the project root, where Rasa writes var/rasa.db."""
        from sqlalchemy.engine import make_url

        try:
            parsed = make_url(value)
        except Exception:
            raise ValueError("is not a database URL") from None
        if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
            path = Path(parsed.database)
            if not path.is_absolute():
                return str(parsed.set(database=str(ROOT / path)))
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


# --- running it on one machine (scripts/run.sh, web/server.py) ------------------------------


class RunSettings(EnvSettings):
    """Ports and addresses of `make run` (scripts/run.sh) and the patient page server (web/)."""

    title: ClassVar[str] = "Running on one machine: make run (scripts/run.sh) and the patient page (web/server.py)"
    endpoints: str = Field(default="endpoints.yml", description="endpoints.production.yml: PostgreSQL + Redis")
    rasa_port: int = Field(default=5005, ge=1, le=65535, description="Rasa server")
    actions_port: int = Field(default=5055, ge=1, le=65535, description="action server")
    web_host: str = Field(default="127.0.0.1", description="the page server's address to bind")
    web_port: int = Field(default=8080, ge=1, le=65535, description="the page server's port")
    web_dist: Path = Field(default=ROOT / "web" / "dist", description="the built page")
    web_origins: Optional[str] = Field(default=None, description="the page's origins for Rasa's CORS (space separated)")
    rasa_url: Optional[str] = Field(
        default=None,
        description="where the page finds Rasa (default http://localhost:RASA_PORT; checked by web/server.py)",
    )
    rasa_socket_path: str = Field(default="/socket.io", description="Rasa's socket.io path")
    sanic_request_max_size: int = Field(
        default=1048576, ge=1024, description="Sanic refuses bodies above this before reading them"
    )


class DeploySettings(EnvSettings):
    """Only deploy/docker-compose.yml reads these (deploy/env.example)."""

    title: ClassVar[str] = "Docker Compose only (deploy/docker-compose.yml)"
    public_host: Optional[str] = Field(default=None, description="the patients' host name, e.g. chat.example-clinic.jp")
    assistant_image: str = Field(default="clinic-assistant:latest", description="the assistant's image")
    actions_image: str = Field(default="clinic-actions:latest", description="the action server's image")
    tls_cert_dir: str = Field(default="./certs", description="fullchain.pem and privkey.pem")
    acme_webroot: str = Field(default="./acme", description="certbot --webroot folder")
    backup_dir: str = Field(default="./backups", description="database dumps")


class TestSettings(EnvSettings):
    """Where the tests find PostgreSQL and Redis (harness/services.py); private ones when none answers."""

    title: ClassVar[str] = "Tests (harness/services.py): private throwaway servers when nothing answers here"
    test_postgres_host: str = Field(default="127.0.0.1", description="PostgreSQL for the tests")
    test_postgres_port: int = Field(default=5432, ge=1, le=65535, description="")
    test_postgres_user: str = Field(default="postgres", description="a role that may create databases")
    test_redis_host: str = Field(default="127.0.0.1", description="Redis for the tests")
    test_redis_port: int = Field(default=6379, ge=1, le=65535, description="")


GROUPS: Tuple[Type[EnvSettings], ...] = (
    ClinicSettings,
    GuardSettings,
    LineSettings,
    SlackSettings,
    StoreSettings,
    ConsoleSettings,
    RunSettings,
    DeploySettings,
    TestSettings,
)


def variables() -> Dict[str, Tuple[Type[EnvSettings], str]]:
    """Every declared variable -> (its class, its field)."""
    return {group.env_name(name): (group, name) for group in GROUPS for name in group.__fields__}


def check(env: Optional[Mapping[str, str]] = None) -> List[str]:
    """One line per variable in `env` (default os.environ) that its part cannot use."""
    problems = []
    for group in GROUPS:
        try:
            group.from_env(env)
        except SettingsError as error:
            problems.append(str(error))
    return problems


def example() -> str:
    """The text of .env.example: every variable, commented out at its default."""
    out = [
        "# Every environment variable the assistant reads (settings/__init__.py, where each is typed).",
        "# Written by `python -m settings example > .env.example`; a test keeps it in step.",
        "# All are optional for `make run`; deploy/env.example lists what production needs.",
    ]
    for group in GROUPS:
        out += ["", f"# --- {group.title}"]
        for name, field in group.__fields__.items():
            default = field.default
            if isinstance(default, Path):
                default = default.relative_to(ROOT) if default.is_relative_to(ROOT) else default
            shown = "" if default is None or field.name == "secret_key" else str(default)
            if isinstance(default, bool):
                shown = "1" if default else "0"
            description = field.field_info.description
            if description:
                out.append(f"# {description}")
            out.append(f"# {group.env_name(name)}={shown}")
    return "\n".join(out) + "\n"
