"""A full run's writes in bulk: new proposals, revised ones and stale ones in a few statements
(COPY on PostgreSQL), not one ORM object each (bench/web_full_run.py measures them)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, Table, bindparam, insert, text, update

from web.extensions import db
from web.matches.models import Match
from web.models import utcnow
from web.statuses import MatchStatus

# The columns of a proposal the engine decides (web/matches/proposals.py `_match_values`).
VALUES = ("quantity", "need_quantity", "proposed_quantity", "score", "value", "breakdown",
          "distance_km")
NEW = ("offer_id", "need_id", "run_id", *VALUES, "status", "reason", "short_reason",
       "created_at")
# Ids per IN list: well under the drivers' limits on bound parameters.
CHUNK = 5000


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def insert_new(rows: list[dict[str, Any]]) -> int:
    """Insert proposals (each a dict of the engine's values, the pair and the run's id)."""
    if not rows:
        return 0
    now = utcnow()
    full = [{**row, "status": MatchStatus.PROPOSED.value, "reason": "", "short_reason": "",
             "created_at": now} for row in rows]
    if _postgres():
        _copy("match", NEW, ([row[c] for c in NEW] for row in full))
    else:
        db.session.execute(insert(cast(Table, Match.__table__)), full)
    return len(rows)


def revise(rows: list[dict[str, Any]]) -> int:
    """Give open proposals (by `id`) the engine's new values, keeping their rows and ids."""
    if not rows:
        return 0
    if not _postgres():
        table = cast(Table, Match.__table__)
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("match_id"),
                   table.c.status == MatchStatus.PROPOSED.value)
            .values({c: bindparam(f"new_{c}") for c in (*VALUES, "run_id")}),
            [{"match_id": row["id"], **{f"new_{c}": row[c] for c in (*VALUES, "run_id")}}
             for row in rows])
        return len(rows)
    columns = ("id", *VALUES, "run_id")
    db.session.execute(text(
        "CREATE TEMPORARY TABLE revised_match (id integer, quantity integer, "
        "need_quantity integer, proposed_quantity integer, score double precision, "
        "value double precision, breakdown json, distance_km double precision, "
        "run_id integer) ON COMMIT DROP"))
    _copy("revised_match", columns, ([row[c] for c in columns] for row in rows))
    sets = ", ".join(f"{c} = r.{c}" for c in (*VALUES, "run_id"))
    result = db.session.execute(text(
        f"UPDATE match SET {sets} FROM revised_match r "
        f"WHERE match.id = r.id AND match.status = '{MatchStatus.PROPOSED.value}'"))
    db.session.execute(text("DROP TABLE revised_match"))
    return cast(CursorResult[Any], result).rowcount


def keep(ids: Sequence[int], run_id: int) -> int:
    """Open proposals (by id) the run proposed again as they are: now the run's."""
    return _update(ids, run_id=run_id)


def set_aside(ids: Sequence[int]) -> int:
    """Open proposals (by id) no longer in the optimum: superseded."""
    return _update(ids, status=MatchStatus.SUPERSEDED, decided_at=utcnow())


def _update(ids: Sequence[int], **values: Any) -> int:
    done = 0
    for part in _chunks(sorted(ids)):
        done += cast(CursorResult[Any], db.session.execute(
            update(Match)
            .where(Match.id.in_(part), Match.status == MatchStatus.PROPOSED)
            .values(**values)
            .execution_options(synchronize_session=False)
        )).rowcount
    return done


def _copy(table: str, columns: Sequence[str], rows: Iterable[list[Any]]) -> None:
    """COPY rows into `table` over the session's own connection (its transaction)."""
    connection = db.session.connection().connection.driver_connection
    assert connection is not None
    with connection.cursor() as cursor, cursor.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(v) if isinstance(v, dict) else v for v in row])
