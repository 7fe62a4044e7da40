"""Settings, read from the environment (README § Configuration lists every one)."""

from __future__ import annotations

import os
import re
from pathlib import Path

DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"
# 32 bytes of randomness: what `secrets.token_hex(32)` gives (as 64 characters).
SECRET_KEY_MIN_BYTES = 32
SECRET_KEY_HELP = "set it to a long random value: python3 -c 'import secrets; print(secrets.token_hex(32))'"


class ConfigError(RuntimeError):
    """The environment does not allow the app to start; the message is one line for the operator."""


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return _truthy(value)


def _optional_bool(name: str) -> bool | None:
    """True or false when set, None (the app decides) when not."""
    value = os.environ.get(name)
    return None if value is None or value.strip() == "" else _truthy(value)


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


def _minutes_list(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """Comma-separated whole minutes ("1,5,15,60,360")."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        minutes = tuple(int(part) for part in value.split(","))
    except ValueError:
        minutes = ()
    if not minutes or any(m <= 0 for m in minutes):
        raise ConfigError(f"{name}={value!r} is not a list of minutes: use whole numbers, e.g. 1,5,15,60,360.")
    return minutes


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
        # Connections are recycled after half an hour rather than pinged before every checkout (a round trip
        # per request); a connection the server dropped in between fails one request, which the app answers.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_recycle": int(os.environ.get("DATABASE_POOL_RECYCLE") or 1800)},
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
        # Flask-WTF's own hook looks up exemptions before the method on every request, GETs and static files
        # included; festival.core.web checks the writing methods only, with the same exemptions.
        "WTF_CSRF_CHECK_DEFAULT": False,
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
        # Strict-Transport-Security on answers served over HTTPS (directly or behind PROXY_COUNT proxies).
        "HSTS_SECONDS": int(os.environ.get("HSTS_SECONDS") or 365 * 24 * 3600),
        # Fragments every visitor sees (festival/core/cache.py): Redis when CACHE_URL is set, else in-process.
        "CACHE_URL": os.environ.get("CACHE_URL") or None,
        "CACHE_SECONDS": int(os.environ.get("CACHE_SECONDS") or 3600),
        "CACHE_MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES") or 5000),
        "DATA_VERSION_TTL": float(os.environ.get("DATA_VERSION_TTL") or 1.0),
        # How long a shared proxy may keep an anonymous public page.
        "PUBLIC_CACHE_SECONDS": int(os.environ.get("PUBLIC_CACHE_SECONDS") or 60),
        # Tickets (festival/registration/tickets.py): the Ed25519 signing key (PEM or base64url of its 32 bytes),
        # else a PEM file (generated in the instance folder when missing), and retired public keys still accepted.
        "TICKET_SIGNING_KEY": os.environ.get("TICKET_SIGNING_KEY") or None,
        "TICKET_SIGNING_KEY_FILE": os.environ.get("TICKET_SIGNING_KEY_FILE") or None,
        "TICKET_RETIRED_KEYS": os.environ.get("TICKET_RETIRED_KEYS") or "",
        # Places are taken by a conditional update (festival/registration/capacity.py). Switching it off exists
        # only so that the concurrency test can show the race it prevents; never in production.
        "REGISTRATION_CAPACITY_GUARD": not _truthy(os.environ.get("REGISTRATION_CAPACITY_GUARD_OFF")),
        # Registration and ticket look-up, per client address (Flask-Limiter; shared through RATELIMIT_STORAGE_URI).
        "REGISTRATION_RATE_LIMIT": os.environ.get("REGISTRATION_RATE_LIMIT") or "10 per minute;60 per hour",
        "TICKET_LOOKUP_RATE_LIMIT": os.environ.get("TICKET_LOOKUP_RATE_LIMIT") or "5 per minute;20 per hour",
        # Outgoing mail (festival/mail): without MAIL_SERVER, messages are written to the log instead.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT") or 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_TIMEOUT": int(os.environ.get("MAIL_TIMEOUT") or 10),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER") or "Ngày Hội <no-reply@localhost>",
        # Sending (festival/mail/dispatch.py): a failed attempt waits MAIL_RETRY_MINUTES in turn (the last value
        # repeats) until MAIL_MAX_ATTEMPTS, then the mail is "failed" and listed for the organizer to retry. A
        # sender holds a mail for MAIL_CLAIM_SECONDS (longer than any SMTP timeout) so that no other sends it too.
        "MAIL_MAX_ATTEMPTS": int(os.environ.get("MAIL_MAX_ATTEMPTS") or 10),
        "MAIL_RETRY_MINUTES": _minutes_list("MAIL_RETRY_MINUTES", (1, 5, 15, 60, 360)),
        "MAIL_CLAIM_SECONDS": _seconds("MAIL_CLAIM_SECONDS", 300),
        # Sent e-mail (names, ticket links) is deleted after this many days by `flask mail purge`.
        "MAIL_KEEP_SENT_DAYS": int(os.environ.get("MAIL_KEEP_SENT_DAYS") or 30),
        # Send right after the commit that queued a mail, in a thread of the web process. Unset: on, except in
        # tests (TESTING), which turn it on where they test it; `flask mail send` works either way.
        "MAIL_SEND_AFTER_COMMIT": _optional_bool("MAIL_SEND_AFTER_COMMIT"),
        # Links in e-mails need the public address of the site (e.g. https://ngayhoi.example.vn).
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL") or None,
    }


def secret_key_problem(key: str | None) -> str | None:
    """Why `key` cannot sign sessions in production, or None when it can."""
    if not key:
        return "SECRET_KEY is not set: " + SECRET_KEY_HELP
    if len(key.encode("utf-8")) < SECRET_KEY_MIN_BYTES:
        return f"SECRET_KEY is shorter than {SECRET_KEY_MIN_BYTES} bytes: " + SECRET_KEY_HELP
    return None


def check_secret_key(config: dict, debug: bool) -> None:
    """Debug and tests fall back to a development key. Elsewhere a missing or short key does not stop the app
    from loading, so that commands which sign nothing (`db upgrade`, `localities import`, `users create`) work
    without one; `SECRET_KEY_PROBLEM` then makes every web request answer 503, and gunicorn refuses to start
    (`serving_problems`, called from gunicorn.conf.py).
    """
    if debug or config.get("TESTING"):
        config["SECRET_KEY"] = config.get("SECRET_KEY") or DEV_SECRET_KEY
        config["SECRET_KEY_PROBLEM"] = None
        return
    problem = secret_key_problem(config.get("SECRET_KEY"))
    config["SECRET_KEY_PROBLEM"] = problem
    if problem:
        config["SECRET_KEY"] = None


def serving_problems(environ: dict[str, str]) -> list[str]:
    """What forbids serving the app in production from this environment (gunicorn refuses to start)."""
    problems = []
    if _truthy(environ.get("FLASK_DEBUG")):
        problems.append(
            "FLASK_DEBUG is set: debug mode uses a public development key and must never serve the app; "
            "unset it for gunicorn (`make run` is the development server)"
        )
    problem = secret_key_problem(environ.get("SECRET_KEY"))
    if problem:
        problems.append(problem)
    return problems
