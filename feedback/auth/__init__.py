"""Accounts: departments, users, sessions and API tokens."""
