"""Notifications: an outbox written with the change that causes it, a worker that sends it."""
