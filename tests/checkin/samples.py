"""Path samples of the check-in pages for the permission test and the route sweep: a check-in list of the shared
world's festival day (Xã Sóc Sơn) with a printed poster."""

from __future__ import annotations

from festival.checkin import lists, selfcheck


def poster_samples(festival) -> dict[str, str]:
    entrance = lists.ensure_day_list(festival)
    return {"list_id": str(entrance.id), "poster_token": selfcheck.poster_token(entrance)}
