"""A person's name for the device behind a user agent: "Chrome 120 · Windows 10", "Mobile Safari 17 · iOS 17".

ua-parser (the ua-parser project's rules, kept up to date with each release of ua-parser-builtins) reads the
string; this module only words its answer, in the reader's language.
"""

from __future__ import annotations

from functools import lru_cache

from flask_babel import gettext as _
from ua_parser import parse

# What ua-parser calls a family it does not know.
_UNKNOWN = {"", "Other", None}


@lru_cache(maxsize=1024)
def _parts(user_agent: str) -> tuple[str, str, str]:
    """(browser with major version, system with major version, device model) or empty strings."""
    result = parse(user_agent)
    browser = system = model = ""
    if result.user_agent and result.user_agent.family not in _UNKNOWN:
        browser = " ".join(p for p in (result.user_agent.family, result.user_agent.major) if p)
    if result.os and result.os.family not in _UNKNOWN:
        system = " ".join(p for p in (result.os.family, result.os.major) if p)
    if result.device and result.device.family not in _UNKNOWN and result.device.family != "Spider":
        model = result.device.family
    return browser, system, model


def describe(user_agent: str | None) -> str:
    if not user_agent:
        return _("Unknown device")
    browser, system, model = _parts(user_agent[:512])
    if browser and system:
        text = _("%(browser)s on %(system)s", browser=browser, system=system)
    elif browser or system:
        text = browser or system
    else:
        return _("Unknown device")
    if model and model not in text:
        text = f"{text} ({model})"
    return text
