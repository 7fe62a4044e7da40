"""Outgoing e-mail: queued in the same transaction as what it reports, sent after the commit, retried."""
