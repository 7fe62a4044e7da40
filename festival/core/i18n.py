"""Languages and the formats of dates, times and numbers (Vietnamese first, English second)."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from babel.numbers import format_decimal
from flask import current_app, has_request_context, request
from flask_babel import get_locale

from festival.core.time import to_local

LANG_COOKIE = "lang"
LANG_NAMES = {"vi": "Tiếng Việt", "en": "English"}


def select_locale() -> str:
    """The language the visitor chose (a long-lived cookie), else Vietnamese; commands use FESTIVAL_LANGUAGE."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        chosen = current_app.config.get("CLI_LANGUAGE")
        return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or "vi")


def format_day(value: date | datetime | None) -> str:
    """dd/mm/yyyy in both languages (docs/domain.md, "Text"); datetimes are shown in local time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d/%m/%Y")


def format_clock(value: datetime | None) -> str:
    """24-hour local time, HH:MM."""
    if value is None:
        return ""
    return to_local(value).strftime("%H:%M")


def format_moment(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{format_clock(value)} {format_day(value)}"


def format_number(value) -> str:
    """1.234.567,5 in Vietnamese, 1,234,567.5 in English."""
    if value is None:
        return ""
    return format_decimal(value, locale=current_language())


def level_labels() -> dict[str, str]:
    from festival.localities.models import LEVEL_LABELS

    return {level.value: str(label) for level, label in LEVEL_LABELS.items()}


def festival_status_labels() -> dict[str, str]:
    from festival.editions.models import FestivalStatus

    return {status.value: str(status.label) for status in FestivalStatus}


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed (pagination, filters)."""
    args = request.args.to_dict()
    args.update({k: str(v) for k, v in changes.items()})
    return request.path + "?" + urlencode(args)


def register_filters(app) -> None:
    app.jinja_env.globals.update(
        current_language=current_language,
        lang_names=LANG_NAMES,
        url_with=url_with,
        level_labels=level_labels,
        festival_status_labels=festival_status_labels,
    )
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["clock"] = format_clock
    app.jinja_env.filters["moment"] = format_moment
    app.jinja_env.filters["number"] = format_number
