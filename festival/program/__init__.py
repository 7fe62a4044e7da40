"""The organizer's program pages of a festival day: list, day grid by venue, item forms, commendations, signings."""
