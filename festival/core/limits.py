"""Rate limits per client address on what anyone can call (Flask-Limiter).

Counts live in `RATELIMIT_STORAGE_URI` (Redis shared by every gunicorn worker and server in production; memory
otherwise, per worker). Should Redis fail, counting falls back to memory and requests keep being answered. A
refused request answers 429 (a page, or a problem document under /api/) with Retry-After.

The registration limit is one budget shared by the form and the API (`scope="registration"`), so that a client
cannot double it by switching; so is the ticket look-up's.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter

from festival.extensions import client_address

limiter = Limiter(
    key_func=client_address,
    key_prefix="ngayhoi:limits:",
    strategy="moving-window",
    headers_enabled=True,
    swallow_errors=True,
    in_memory_fallback_enabled=True,
)


def init_limits(app: Flask) -> None:
    limiter.init_app(app)


def registration_limit():
    """For views that register someone (POST only)."""
    return limiter.shared_limit(
        lambda: current_app.config["REGISTRATION_RATE_LIMIT"], scope="registration", methods=["POST"]
    )


def ticket_lookup_limit():
    """For "find my ticket" (POST only): each attempt may send an e-mail."""
    return limiter.shared_limit(
        lambda: current_app.config["TICKET_LOOKUP_RATE_LIMIT"], scope="ticket_lookup", methods=["POST"]
    )
