"""Raw SQL of the busiest pages as prepared statements of the PostgreSQL connection.

Planning the scorecard's one-query summary (a score of subqueries, each under row-level
security) took longer than running it. A statement prepared once per connection is planned
once; row-level security still applies to every execution, since the policies read the
tenant the transaction has set when the statement runs. A prepared statement outlives a
rolled-back transaction and ends with its connection, so each connection prepares its own
(remembered per database connection object, which a reconnection replaces).

On SQLite the statement simply runs.
"""

from __future__ import annotations

import hashlib
import re
import weakref
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.utils.functional import cached_property

_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_PLACEHOLDER = re.compile(r"%[s%]")
_NAME = re.compile(r"^kp_[a-z0-9_]+$")
# Statements of one connection at most (each holds a plan in the server process's memory);
# beyond, queries run as they are.
MAX_PER_CONNECTION = 200


def fetch_one_prepared(name: str, sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    """The first row of ``sql`` (``%s`` placeholders) with ``params``, prepared as ``name``."""
    rows = _run(name, sql, params, one=True)
    return rows[0] if rows else None


def rows_prepared(name: str, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """All rows of ``sql`` (``%s`` placeholders) with ``params``, prepared as ``name``."""
    return _run(name, sql, params, one=False)


def values_prepared(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset, its SQL prepared under a name derived from
    the SQL text (a page number or the length of a list gives another statement)."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # a condition no row meets (an empty scope): nothing to ask
        return []
    name = "kp_q_" + hashlib.sha256(sql.encode()).hexdigest()[:20]
    rows = _run(name, sql, list(params), one=False)
    # As the ORM reads them: each column through its field's and expression's converters.
    converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
    return (
        [tuple(row) for row in compiler.apply_converters(rows, converters)] if converters else rows
    )


def count_prepared(queryset: QuerySet[Any]) -> int:
    """``queryset.count()``, its SQL prepared as for ``values_prepared``."""
    compiler = queryset.order_by().values("pk").query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return 0
    sql = f"SELECT COUNT(*) FROM ({sql}) AS counted"  # noqa: S608 - the ORM's own SQL
    name = "kp_c_" + hashlib.sha256(sql.encode()).hexdigest()[:20]
    return int(_run(name, sql, list(params), one=True)[0][0])


class PreparedCountPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator of a queryset whose count runs as a prepared statement."""

    @cached_property
    def count(self) -> int:
        assert isinstance(self.object_list, QuerySet)
        return count_prepared(self.object_list)


def _run(name: str, sql: str, params: list[Any], *, one: bool) -> list[tuple[Any, ...]]:
    if not _NAME.match(name):
        raise ValueError(f"not a statement name: {name!r}")
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
        else:
            names = _prepared.setdefault(connection.connection, set())
            if name not in names and len(names) < MAX_PER_CONNECTION:
                _prepare(name, sql, len(params))
                names.add(name)
            if name in names:
                arguments = ", ".join(["%s"] * len(params))
                cursor.execute(
                    f"EXECUTE {name}({arguments})" if params else f"EXECUTE {name}", params
                )
            else:
                cursor.execute(sql, params)
        rows = cursor.fetchmany(1) if one else cursor.fetchall()
    return [tuple(row) for row in rows]


def _prepare(name: str, sql: str, count: int) -> None:
    numbered = iter(range(1, count + 1))
    statement = _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(numbered)}", sql)
    # On the driver's own cursor: setting up the connection is not one of the page's
    # queries (and would count in whichever test happened to run it first).
    with connection.connection.cursor() as setup:
        setup.execute(f"PREPARE {name} AS {statement}")
