"""Organizers plan the festival days of their localities: one at a time, or every missing one at once."""
