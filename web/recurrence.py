"""Recurring capacity: the periods a weekly or monthly offer or need counts in.

A skill or service may be offered (or asked for) as an amount per week or per month
between two dates; its quantity is then per period. A period is named by its first day:
the Monday of a week, the 1st of a month. Plain date arithmetic, no database.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

PERS = ("week", "month")
# Only what is given over time can recur; goods are counted once.
RECURRING_KINDS = ("skill", "service")
# A commitment never spans more periods than this (five years of weeks): a bound on the
# rows one confirmation writes.
MAX_PERIODS = 262


def period_start(day: date, per: str) -> date:
    """The first day of the period `day` falls in."""
    if per == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_period(start: date, per: str) -> date:
    """The first day of the period after the one starting on `start`."""
    if per == "week":
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def period_end(start: date, per: str) -> date:
    """The last day of the period starting on `start`."""
    return next_period(start, per) - timedelta(days=1)


def periods(first: date, last: date, per: str) -> Iterator[date]:
    """The starts of the periods from the one holding `first` to the one holding `last`."""
    start, end = period_start(first, per), period_start(last, per)
    count = 0
    while start <= end and count < MAX_PERIODS:
        yield start
        start = next_period(start, per)
        count += 1


def span(today: date, per: str, starts: date | None, ends: date) -> tuple[date, date] | None:
    """The first and last period a post (or a commitment) counts in from `today` on: from
    the later of today and `starts`, to `ends`; None when nothing is left."""
    first = period_start(max(today, starts or today), per)
    last = period_start(ends, per)
    return (first, last) if first <= last else None
