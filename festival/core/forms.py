"""Helpers shared by the HTML forms."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm

from festival.core.errors import DomainError


class BaseForm(FlaskForm):
    """The base of every form of the app (CSRF from Flask-WTF; messages in the reader's language)."""


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's error next to its field, or at the top of the form when it names none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        flash(str(error.message), "error")
