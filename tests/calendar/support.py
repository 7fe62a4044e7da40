"""Reading feeds as calendar apps do: ical.js (run with node) and the icalendar library, both real parsers."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from icalendar import Calendar

from tests.conftest import require_program

PARSER = Path(__file__).with_name("parse_ical.mjs")
# The only links to elsewhere a public page may have for its feeds (festival/calendar/links.py), followed by the
# visitor, loading nothing: webcal:// (the system's calendar app) and Google Calendar's "add by URL" page.
CALENDAR_LINK = re.compile(
    r"(?:webcal://localhost/calendar/|https://calendar\.google\.com/calendar/render\?cid=webcal%3A%2F%2Flocalhost"
    r"%2Fcalendar%2F)[^\"'\s]*"
)


def parse_with_icaljs(body: bytes) -> dict:
    """What ical.js understood of a calendar text: its properties and events (times in UTC, ISO 8601)."""
    node = require_program("node")
    done = subprocess.run([node, str(PARSER)], input=body, capture_output=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return json.loads(done.stdout)


def parse_with_icalendar(body: bytes) -> Calendar:
    return Calendar.from_ical(body.decode("utf-8"))


def events_by_uid(body: bytes) -> dict[str, dict]:
    return {event["uid"]: event for event in parse_with_icaljs(body)["events"]}


def summaries(body: bytes) -> set[str]:
    return {event["summary"] for event in parse_with_icaljs(body)["events"]}
