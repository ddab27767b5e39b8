"""Coordination centres as tenants of one deployment: the model, the scoping rule every staff
list and reader uses (`scope`), the use cases and the admin's pages."""

from __future__ import annotations
