"""Accounts, organisations and signing in."""
