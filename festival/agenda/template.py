"""The customary program: the ceremony in its customary order with default durations, and a short festivities
part."""

from __future__ import annotations


def apply_template(festival, user=None):
    """Lay the customary program back to back from the festival's start (clipped to its end), all draft; only on
    an empty program (`program_not_empty`)."""
    raise NotImplementedError
