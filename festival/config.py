"""Settings, read from the environment (README § Configuration lists every one)."""

from __future__ import annotations

import os
from pathlib import Path

DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"


class ConfigError(RuntimeError):
    """The environment does not allow the app to start; the message is one line for the operator."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


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
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT") or "5 per minute;30 per hour",
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
