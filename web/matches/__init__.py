"""Matches: the engine's proposals, the staff's decisions, and the quantity ledger."""
