"""Accounts: users, roles, locality scopes, log in and out."""
