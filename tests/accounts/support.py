"""Helpers shared by the accounts, editions, dashboard and security tests: an English browser, form parsing."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from tests.conftest import IsolatedClient


def english_client(app) -> IsolatedClient:
    """A browser that chose English: messages are compared with their English msgids."""
    client = IsolatedClient(app, app.response_class, use_cookies=True)
    client.set_cookie("lang", "en")
    return client


@dataclass
class FormField:
    """One `div.field` of a rendered form: its control's value and the error messages shown next to it."""

    name: str
    value: str | None = None
    errors: list[str] = field(default_factory=list)
    has_error: bool = False
    invalid: bool = False


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, FormField] = {}
        self._stack: list[tuple[str, FormField | None]] = []  # open divs: (classes, field record)
        self._current: FormField | None = None
        self._select: FormField | None = None
        self._in_error = False
        self._error_text: list[str] = []

    def _field(self) -> FormField | None:
        for _classes, record in reversed(self._stack):
            if record is not None:
                return record
        return None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "div":
            record = None
            if "field" in classes:
                record = FormField(name="", has_error="has-error" in classes)
            self._stack.append((" ".join(classes), record))
            return
        record = self._field()
        if record is None:
            return
        if tag in ("input", "textarea", "select") and attrs.get("name") and record.name:
            # A second control in the same field (a picker's hidden input): its own value, the field's errors.
            self.fields[attrs["name"]] = FormField(
                name=attrs["name"],
                value=attrs.get("value"),
                errors=record.errors,
                has_error=record.has_error,
                invalid=record.invalid,
            )
        elif tag in ("input", "textarea", "select") and attrs.get("name"):
            record.name = attrs["name"]
            record.invalid = attrs.get("aria-invalid") == "true"
            if tag == "input":
                if attrs.get("type") == "checkbox":
                    record.value = "on" if "checked" in attrs else None
                else:
                    record.value = attrs.get("value")
            elif tag == "select":
                self._select = record
            self.fields[record.name] = record
        elif tag == "option" and self._select is not None and "selected" in attrs:
            self._select.value = attrs.get("value")
        elif tag == "p" and "error" in classes:
            self._in_error = True
            self._error_text = []

    def handle_endtag(self, tag):
        if tag == "div" and self._stack:
            self._stack.pop()
        elif tag == "select":
            self._select = None
        elif tag == "p" and self._in_error:
            record = self._field()
            if record is not None:
                record.errors.append("".join(self._error_text).strip())
            self._in_error = False

    def handle_data(self, data):
        if self._in_error:
            self._error_text.append(data)


def form_fields(html: str) -> dict[str, FormField]:
    """The fields of the page's forms by control name (the CSRF token's hidden input is not in a field div).

    A field with two controls (a picker: a search box and the hidden input its suggestions fill) gives two
    entries that share the field's errors.
    """
    parser = _FormParser()
    parser.feed(html)
    return parser.fields


class _FlashParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.messages: list[tuple[str, str]] = []
        self._category: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "p" and "flash" in classes:
            self._category = next((c[len("flash-") :] for c in classes if c.startswith("flash-")), "")
            self._text = []

    def handle_endtag(self, tag):
        if tag == "p" and self._category is not None:
            self.messages.append((self._category, "".join(self._text).strip()))
            self._category = None

    def handle_data(self, data):
        if self._category is not None:
            self._text.append(data)


def flashes(html: str) -> list[tuple[str, str]]:
    """The flashed messages of a page as (category, text)."""
    parser = _FlashParser()
    parser.feed(html)
    return parser.messages


class _LinkParser(HTMLParser):
    ATTRIBUTES = ("src", "href", "action", "formaction", "poster", "data")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in self.ATTRIBUTES and value is not None:
                self.urls.append((tag, name, value))
            elif name == "srcset" and value:
                for candidate in value.split(","):
                    self.urls.append((tag, name, candidate.strip().split(" ")[0]))

    handle_startendtag = handle_starttag


def linked_urls(html: str) -> list[tuple[str, str, str]]:
    """Every (tag, attribute, URL) a page loads or links to."""
    parser = _LinkParser()
    parser.feed(html)
    return parser.urls
