"""The organizer dashboard: the festivals in the user's locality scope."""
