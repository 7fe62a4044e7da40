"""The subscribe links public pages offer for their feeds (templates/calendar/_subscribe.html).

A feed offered on a page is named in the page's language and its URL carries `lang=`, so that a subscription made
from the English page stays in English (calendar apps send no cookie). The few facts a page's links need (a
festival's unit and year, the current edition) are cached per data version like the pages themselves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from flask import Blueprint, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from festival.core.cache import cached_text
from festival.core.i18n import current_language
from festival.core.web import public_base
from festival.editions import services as editions
from festival.editions.models import Edition, LocalityFestival
from festival.extensions import db
from festival.localities.models import Locality

GOOGLE_ADD = "https://calendar.google.com/calendar/render?cid="


@dataclass(frozen=True)
class FeedLink:
    """One feed as a page offers it: its title, its address (download, copy), the same as webcal:// (subscribe:
    the system's calendar app opens it) and Google Calendar's "add by URL" page with it."""

    title: str
    url: str

    @property
    def path(self) -> str:
        """The address on this server (the download link: a page links to nothing elsewhere but these two)."""
        parts = urlsplit(self.url)
        return urlunsplit(("", "", parts.path, parts.query, ""))

    @property
    def webcal(self) -> str:
        parts = urlsplit(self.url)
        return urlunsplit(("webcal", parts.netloc, parts.path, parts.query, ""))

    @property
    def google(self) -> str:
        return GOOGLE_ADD + quote(self.webcal, safe="")


def feed_link(title: str, endpoint: str, **values) -> FeedLink:
    return FeedLink(title, public_base() + url_for(endpoint, lang=current_language(), **values))


def _festival_facts(festival_id: int) -> dict | None:
    row = db.session.execute(
        select(Locality.code, Locality.full_name, Locality.full_name_en, Edition.year)
        .select_from(LocalityFestival)
        .join(LocalityFestival.locality)
        .join(LocalityFestival.edition)
        .where(LocalityFestival.id == festival_id)
    ).first()
    if row is None:
        return None
    name = row.full_name_en if current_language() == "en" and row.full_name_en else row.full_name
    return {"code": row.code, "name": name, "year": row.year}


def festival_feeds(festival_id: int) -> list[FeedLink]:
    """A festival day's page: the feed of its unit (and the units below it) and the edition's national feed."""
    facts = json.loads(
        cached_text("calendar-festival", (festival_id,), lambda: json.dumps(_festival_facts(festival_id)))
    )
    if not facts:
        return []
    year = facts["year"]
    return [
        feed_link(
            _("Festival days %(year)s: %(place)s", year=year, place=facts["name"]),
            "calendar.locality",
            year=year,
            code=facts["code"],
        ),
        feed_link(_("Festival days %(year)s: the whole country", year=year), "calendar.edition", year=year),
    ]


def locality_feeds(locality: Locality) -> list[FeedLink]:
    """A unit's page: the current edition's feed of the unit and everything under it. Called inside the page's
    cached content (templates/localities/_show.html), which has the unit already: one query, for the edition."""
    edition = editions.current_edition()
    if edition is None:
        return []
    return [
        feed_link(
            _("Festival days %(year)s: %(place)s", year=edition.year, place=locality.display_name(current_language())),
            "calendar.locality",
            year=edition.year,
            code=locality.code,
        )
    ]


def register_links(bp: Blueprint) -> None:
    bp.add_app_template_global(festival_feeds, "calendar_festival_feeds")
    bp.add_app_template_global(locality_feeds, "calendar_locality_feeds")
