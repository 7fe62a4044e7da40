"""Coded domain errors: services raise them, views translate them to HTML or JSON.

The message is a lazy Flask-Babel string, rendered in the reader's language; the code is stable and meant
for machines (API clients, tests).
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken. `code` is stable; `message` is for people."""

    status = 400

    def __init__(self, message, code: str, *, field: str | None = None, status: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return str(self.message)


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403
