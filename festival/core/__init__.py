"""Shared building blocks: text folding, time zones, errors, pagination, database helpers."""
