"""Password hashing (argon2id at OWASP ASVS 5 appendix C strength) and password rules."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from web.reference import strip_accents

MIN_LENGTH = 8
MAX_LENGTH = 128
# argon2id, t=2, m=19 MiB, p=1: the ASVS 5 minimum, ~31 ms a hash on these machines.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)
# A hash to verify against when the account does not exist, so timing does not tell.
_DUMMY_HASH = HASHER.hash("komvos-no-such-account")


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn's list of the 30,000 most used passwords (from leaked password sets).
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, email: str = "") -> str | None:
    """Say what is wrong with a new password, or None; no composition rules (ASVS 6.2)."""
    if len(password) < MIN_LENGTH:
        return str(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    folded = strip_accents(password)
    if folded in _common_passwords() or (email and folded == strip_accents(email)):
        return str(_l("This password is among the most common ones; choose another."))
    return None


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; spends the same time when there is no hash."""
    try:
        return HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the stored hash was made with weaker parameters than today's."""
    return HASHER.check_needs_rehash(stored_hash)
