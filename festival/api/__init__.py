"""The JSON API (/api/v1). Read-only for now: localities and organizations."""
