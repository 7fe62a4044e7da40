"""Settings, read from the environment (README § Configuration lists every one)."""

from __future__ import annotations

import os
import re
from pathlib import Path

DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"


class ConfigError(RuntimeError):
    """The environment does not allow the app to start; the message is one line for the operator."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


_DURATION_RE = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$", re.IGNORECASE)
_DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def _seconds(name: str, default: int) -> int:
    """A duration from the environment: whole seconds ("43200"), or with a unit: "90m", "12h", "14d"."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    match = _DURATION_RE.match(value)
    if not match or int(match.group(1)) <= 0:
        raise ConfigError(f"{name}={value!r} is not a duration: use whole seconds or a number with s, m, h or d.")
    return int(match.group(1)) * _DURATION_UNITS[match.group(2).lower()]


def normalise_database_url(url: str) -> str:
    """Accept the common spellings of a PostgreSQL URL and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_config(instance_path: str) -> dict:
    default_db = "sqlite:///" + str(Path(instance_path) / "festival.db")
    return {
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(os.environ.get("DATABASE_URL") or default_db),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        "FESTIVAL_TIMEZONE": os.environ.get("FESTIVAL_TIMEZONE") or "Asia/Ho_Chi_Minh",
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": ("vi", "en"),
        "CLI_LANGUAGE": os.environ.get("FESTIVAL_LANGUAGE") or "vi",
        # Login throttling (festival.accounts.throttle): where attempts are counted, and the limits.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX") or "ngayhoi:login:",
        "LOGIN_PAIR_LIMIT": os.environ.get("LOGIN_PAIR_LIMIT") or "5 per minute;30 per hour",
        "LOGIN_ADDRESS_LIMIT": os.environ.get("LOGIN_ADDRESS_LIMIT") or "300 per hour",
        "LOGIN_ACCOUNT_SLOWDOWN": os.environ.get("LOGIN_ACCOUNT_SLOWDOWN") or "50 per hour",
        "LOGIN_SLOW_PAIR_LIMIT": os.environ.get("LOGIN_SLOW_PAIR_LIMIT") or "1 per 5 minutes",
        # Server-side sessions (festival.accounts.sessions), in seconds.
        "SESSION_IDLE_TIMEOUT": _seconds("SESSION_IDLE_TIMEOUT", 12 * 3600),
        "SESSION_LIFETIME": _seconds("SESSION_LIFETIME", 14 * 86400),
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT") or 0),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
    }


def check_secret_key(config: dict, debug: bool) -> None:
    """A development key is allowed only in debug and tests; production refuses to start without one."""
    if config.get("SECRET_KEY"):
        return
    if debug or config.get("TESTING"):
        config["SECRET_KEY"] = DEV_SECRET_KEY
        return
    raise ConfigError(
        "SECRET_KEY is not set: set it to a long random value (e.g. `python -c 'import secrets; "
        "print(secrets.token_hex(32))'`) before starting in production."
    )
