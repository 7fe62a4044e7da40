"""The organizer's program pages of a festival day: list, day grid by venue, item forms, commendations, signings."""


def blueprint():
    """The blueprint with every program route (the list, items and order in `views`; honours in `honours_views`)."""
    from festival.program import honours_views, views  # noqa: F401  (their routes join the blueprint)
    from festival.program.common import bp

    return bp
