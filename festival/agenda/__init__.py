"""The program of a festival day: agenda items in their customary order, the people and organizations taking part,
commendations and signings; templates, cloning, conflicts, publishing with revisions."""
