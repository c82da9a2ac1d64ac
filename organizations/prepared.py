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
import logging
import re
import weakref
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Per database connection: each statement's name, and whether it was prepared.
_prepared: weakref.WeakKeyDictionary[Any, dict[str, bool]] = weakref.WeakKeyDictionary()
DUPLICATE_PREPARED_STATEMENT = "42P05"
logger = logging.getLogger(__name__)
_PLACEHOLDER = re.compile(r"%[s%]")
_NAME = re.compile(r"kp_[a-z0-9_]+")
# Statements of one connection at most (each holds a plan in the server process's memory);
# beyond, queries run as they are.
MAX_PER_CONNECTION = 200


def fetch_one_prepared(name: str, sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    """The first row of ``sql`` (``%s`` placeholders) with ``params``, prepared under
    ``name`` and a digest of the SQL (a changed statement is another one)."""
    rows = _run(_named(name, sql), sql, params, one=True, using=DEFAULT_DB_ALIAS)
    return rows[0] if rows else None


def rows_prepared(name: str, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """All rows of ``sql`` (``%s`` placeholders) with ``params``, prepared as above."""
    return _run(_named(name, sql), sql, params, one=False, using=DEFAULT_DB_ALIAS)


def values_prepared(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset, its SQL prepared under a name derived from
    the SQL text (a page number or the length of a list gives another statement)."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # a condition no row meets (an empty scope): nothing to ask
        return []
    rows = _run(_named("kp_q", sql), sql, list(params), one=False, using=queryset.db)
    # As the ORM reads them: the selected columns only (not those added for the ordering),
    # each through its field's and expression's converters.
    rows = [row[: compiler.col_count] for row in rows]
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
    return int(_run(_named("kp_c", sql), sql, list(params), one=True, using=queryset.db)[0][0])


class PreparedCountPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator of a queryset whose count runs as a prepared statement."""

    @cached_property
    def count(self) -> int:
        assert isinstance(self.object_list, QuerySet)
        return count_prepared(self.object_list)


def _named(name: str, sql: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a statement name: {name!r}")
    return f"{name}_{hashlib.sha256(sql.encode()).hexdigest()[:16]}"


def _run(name: str, sql: str, params: list[Any], *, one: bool, using: str) -> list[tuple[Any, ...]]:
    db = connections[using]
    with db.cursor() as cursor:
        if db.vendor != "postgresql":
            cursor.execute(sql, params)
        else:
            names = _prepared.setdefault(db.connection, {})
            if name not in names and len(names) < MAX_PER_CONNECTION:
                names[name] = _prepare(db, name, sql, len(params))
            if names.get(name):
                arguments = ", ".join(["%s"] * len(params))
                cursor.execute(
                    f"EXECUTE {name}({arguments})" if params else f"EXECUTE {name}", params
                )
            else:
                cursor.execute(sql, params)
        rows = cursor.fetchmany(1) if one else cursor.fetchall()
    return [tuple(row) for row in rows]


def _prepare(db: Any, name: str, sql: str, count: int) -> bool:
    """Prepare the statement on this connection; False (and the SQL runs as it is from then
    on) if PostgreSQL refuses it. Inside a transaction a savepoint keeps a refusal from
    aborting it. On the driver's own cursor: setting up the connection is not one of the
    page's queries (and would count in whichever test happened to run it first)."""
    numbered = iter(range(1, count + 1))
    statement = _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(numbered)}", sql)
    guarded = not db.get_autocommit()
    with db.connection.cursor() as setup:
        try:
            if guarded:
                setup.execute("SAVEPOINT kp_prepare")
            setup.execute(f"PREPARE {name} AS {statement}")
        except db.Database.Error as exc:
            if guarded:
                setup.execute("ROLLBACK TO SAVEPOINT kp_prepare")
            # Already there (a pooler that did not reset the connection): the name carries
            # a digest of the SQL, so it is this very statement.
            if getattr(exc, "pgcode", None) == DUPLICATE_PREPARED_STATEMENT:
                return True
            logger.warning("statement %s not prepared: %s", name, exc)
            return False
        finally:
            if guarded:
                setup.execute("RELEASE SAVEPOINT kp_prepare")
    return True
