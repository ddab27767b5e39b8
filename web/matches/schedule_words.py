"""A recurring post's or commitment's schedule in words, for pages and mail:
"4 hours a month, March 2027 to June 2027; this month: 2 of 4 hours committed"."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask_babel import format_date, format_decimal, gettext

from web.clock import today
from web.i18n import unit_label
from web.matches.models import Match
from web.matches.periods import this_period
from web.posts.models import Need, Offer
from web.recurrence import period_end


def init_app(app: Flask) -> None:
    """Offer the words to every template."""
    app.jinja_env.globals.update(schedule_of=schedule_of, usage_of=usage_of)


def _amount(quantity: int, unit: str, per: str) -> str:
    if per == "week":
        return gettext("%(n)s %(unit)s a week", n=format_decimal(quantity), unit=unit_label(unit))
    return gettext("%(n)s %(unit)s a month", n=format_decimal(quantity), unit=unit_label(unit))


def _between(per: str, first: date, last: date) -> str:
    """From the first day to the last (weekly), or from one month to another (monthly)."""
    if per == "week":
        return gettext("from %(first)s to %(last)s", first=format_date(first),
                       last=format_date(last))
    return gettext("%(first)s to %(last)s", first=format_date(first, "LLLL yyyy"),
                   last=format_date(last, "LLLL yyyy"))


def schedule_of(match: Match) -> str:
    """A commitment's schedule ("" for a match no side of which recurs)."""
    if match.per is None or match.period_from is None or match.period_until is None:
        return ""
    if not match.recurring:
        start = match.period_from
        word = gettext("the week of %(day)s", day=format_date(start)) if match.per == "week" \
            else format_date(start, "LLLL yyyy")
        return gettext("Counted in %(period)s.", period=word)
    words = [
        _amount(match.quantity, match.offer.unit, match.per)
        + ", " + _between(match.per, match.period_from, period_end(match.period_until, match.per))
        + "."
    ]
    if match.paused_from and match.paused_until:
        words.append(gettext("Paused from %(start)s to %(end)s.",
                             start=format_date(match.paused_from),
                             end=format_date(match.paused_until)))
    if match.ended_on:
        words.append(gettext("Ended from %(day)s.", day=format_date(match.ended_on)))
    return " ".join(words)


def usage_of(post: Offer | Need) -> str:
    """A recurring post's schedule and what this period holds ("" for a one-off post)."""
    if post.per is None:
        return ""
    if isinstance(post, Offer) and post.available_until is not None:
        span = _between(post.per, post.available_from, post.available_until)
    else:
        end = post.needed_by if isinstance(post, Need) else post.available_from
        span = gettext("until %(day)s", day=format_date(end))
    _start, held = this_period(post, today())
    unit = unit_label(post.unit)
    now = (gettext("this week: %(held)s of %(total)s %(unit)s committed", held=held,
                   total=post.quantity, unit=unit) if post.per == "week" else
           gettext("this month: %(held)s of %(total)s %(unit)s committed", held=held,
                   total=post.quantity, unit=unit))
    return f"{_amount(post.quantity, post.unit, post.per)}, {span}; {now}"
