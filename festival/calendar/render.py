"""A feed's text, written as it is read: the head (calendar properties and VTIMEZONE), then the events chunk by
chunk (`yield_per`: a national feed of 30,000 items never sits in memory whole), then END:VCALENDAR.

Labels are looked up once per feed, not per event, and the names of the units above each festival day (for
LOCATION) once per chunk, for the codes the chunk needs and no earlier chunk loaded.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.agenda.models import AgendaItem, ItemKind, Part, ParticipantRole
from festival.calendar import ics
from festival.calendar.feeds import Feed
from festival.core.i18n import current_language
from festival.core.web import public_base
from festival.extensions import db
from festival.localities.models import NATION_CODE, Locality

CHUNK = 500


class _Writer:
    """What one feed's events share: labels in the reader's language (looked up before streaming starts), unit
    names, the festival pages' links. Uses no Flask context: a streamed body is read after its request ended."""

    def __init__(self, lang: str, base: str):
        self.lang = lang
        self.parts = {p.value: str(p.label) for p in Part}
        self.kinds = {k.value: str(k.label) for k in ItemKind}
        self.roles = {r.value: str(r.label) for r in ParticipantRole}
        self.organizations_label = _("Organizations")
        self.program_label = _("Program")
        self.cancelled_label = _("Cancelled")
        self.base = base
        self.urls = current_app.url_map.bind(
            "localhost", script_name=request.script_root if has_request_context() else "/"
        )
        self.names: dict[str, str] = {}
        self.pages: dict[int, str] = {}

    def load_names(self, session: Session, items: list[AgendaItem]) -> None:
        """The display names of every unit on the chunk's festivals' paths not loaded yet, in one query."""
        wanted = {code for item in items for code in item.festival.locality.path.strip("/").split("/")}
        missing = wanted - self.names.keys() - {NATION_CODE, ""}
        if not missing:
            return
        rows = session.execute(
            select(Locality.code, Locality.full_name, Locality.full_name_en).where(Locality.code.in_(missing))
        )
        for code, full_name, full_name_en in rows:
            self.names[code] = full_name_en if self.lang == "en" and full_name_en else full_name

    def page(self, festival_id: int) -> str:
        if festival_id not in self.pages:
            self.pages[festival_id] = self.base + self.urls.build("public.festival", {"festival_id": festival_id})
        return self.pages[festival_id]

    def location(self, item: AgendaItem) -> str:
        """Venue, address, then the units from the festival's up to its province ("Xã Sóc Sơn, Thành phố Hà Nội")."""
        venue = item.venue or item.festival.venue
        parts = [venue.name, venue.address] if venue is not None else []
        codes = [c for c in item.festival.locality.path.strip("/").split("/") if c and c != NATION_CODE]
        parts.extend(self.names.get(code, "") for code in reversed(codes))
        return ", ".join(p for p in parts if p)

    def description(self, item: AgendaItem, url: str) -> str:
        lines = []
        if item.status == "cancelled":
            lines.append(self.cancelled_label.upper())
        lines.append(f"{self.parts.get(item.part, item.part)} · {self.kinds.get(item.kind, item.kind)}")
        if item.description:
            lines.append(item.description)
        if item.participants:
            names = "; ".join(f"{p.organization.name} ({self.roles.get(p.role, p.role)})" for p in item.participants)
            lines.append(f"{self.organizations_label}: {names}")
        lines.append(f"{self.program_label}: {url}")
        return "\n".join(lines)

    def event(self, item: AgendaItem, status: str | None = None) -> bytes:
        return ics.item_event_bytes(item, status=status, **self.properties(item))

    def properties(self, item: AgendaItem) -> dict:
        """What the feeds add to an item's own data: its link, description, location and categories."""
        url = self.page(item.festival_id)
        return {
            "url": url,
            "description": self.description(item, url),
            "location": self.location(item),
            "categories": (self.parts.get(item.part, ""), self.kinds.get(item.kind, "")),
        }


def stream(feed: Feed, lang: str, base: str) -> Iterator[bytes]:
    """The feed's text in pieces: the head, one piece per chunk of `CHUNK` items, the end.

    Called in a request (or an app context), it looks up every translated text at once; the pieces it returns
    need no Flask context (a server reads a body after its view returned): they read the items in a session of
    their own, closed when the body ends or the client goes away."""
    with force_locale(lang):
        writer = _Writer(lang, base)
        head = ics.feed_head(feed.name)
    return _pieces(head, writer, feed.statement, db.engine)


def _pieces(head: bytes, writer: _Writer, statement, engine) -> Iterator[bytes]:
    yield head
    with Session(engine) as session:
        result = session.execute(statement.execution_options(yield_per=CHUNK))
        for chunk in result.scalars().partitions():
            writer.load_names(session, chunk)
            yield b"".join(writer.event(item) for item in chunk)
    yield ics.END


def small(feed: Feed, lang: str, base: str, *, extra: bytes = b"", status: str | None = None) -> bytes:
    """A feed of a few items written at once in the request's session (a personal feed): `extra` VEVENTs first,
    then the items', each with `status` when given instead of the item's own."""
    with force_locale(lang):
        writer = _Writer(lang, base)
        head = ics.feed_head(feed.name)
    items = list(db.session.scalars(feed.statement).unique())
    writer.load_names(db.session, items)
    return head + extra + b"".join(writer.event(item, status) for item in items) + ics.END


def build(feed: Feed, lang: str | None = None, base: str | None = None) -> bytes:
    """The whole feed at once (the tests, the benchmark)."""
    return b"".join(stream(feed, lang or current_language(), base or public_base()))
