"""The hot queries' plans at the field's scale: every one must read its big tables by index.

    DATABASE_URL=postgres://kaoping:kaoping@127.0.0.1:5432/kaoping python -m bench.plans [--verbose]

Uses the ``seed_scale`` tenant of N communities (default 3,655, as ``bench.pages``). Captures
the queries of the pages ``bench.pages`` loads (the scorecard computed afresh, so its
engine reads are in; the grid; the assessment list; the heat map) and of a PDF scorecard,
then runs ``EXPLAIN (ANALYZE, BUFFERS)`` on each SELECT (and EXECUTE of a prepared
statement) under the tenant's row-level security, as the application runs them. A sequential scan of a table of more than
``--rows`` rows (default 1,000) is a failure: the query's plan is printed and the exit code
is 1. ``--verbose`` prints every plan. Ends with
``RESULT {"queries": …, "slowest_ms": …, "seq_scans_on_big_tables": …}``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from typing import Any

from bench.common import result, scale_tenant, setup_django_on_bench_database


def captured(tenant_id: int, communities: int) -> Iterator[tuple[str, str]]:
    """(where, SQL) of every SELECT the hot paths run."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessments.models import Assessment
    from bench import pages
    from organizations.fragments import forget_local_fragments
    from organizations.rls import tenant_context
    from reports import selectors as report_selectors
    from reports import services

    pairs = pages.sessions(tenant_id, communities)
    for page in pages.PAGES:
        cookie, path = pairs[page][0]
        client = Client(HTTP_HOST="127.0.0.1", HTTP_COOKIE=cookie)
        client.get(path)
        forget_local_fragments()  # every page drawn afresh, the scorecard computed: not
        cache.clear()  # read back from the cache, so that all its queries run
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        for query in queries.captured_queries:
            yield page, query["sql"]
    assessment_pk = int(pairs["scorecard"][0][1].strip("/").split("/")[-1])
    with tenant_context(tenant_id), CaptureQueriesContext(connection) as queries:
        assessment = Assessment.objects.select_related(
            "cycle", "scheme", "street", "community", "secretary__user"
        ).get(pk=assessment_pk)
        report_selectors.scorecard_fingerprint(assessment)
        services.scorecard_html(assessment)
    for query in queries.captured_queries:
        yield "pdf scorecard", query["sql"]


def seq_scans(node: dict[str, Any]) -> Iterator[str]:
    if node.get("Node Type") == "Seq Scan":
        yield node["Relation Name"]
    for child in node.get("Plans", []):
        yield from seq_scans(child)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=3655)
    parser.add_argument("--rows", type=int, default=1000, help="a table this big needs an index")
    parser.add_argument("--verbose", action="store_true", help="print every plan")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.pages_settings")
    setup_django_on_bench_database("bench_scale")
    from django.db import connection

    from organizations.rls import tenant_context

    tenant_id = scale_tenant(args.communities)
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
        sizes = {name: float(rows) for name, rows in cursor.fetchall()}
    queries = [(where, sql) for where, sql in captured(tenant_id, args.communities)]
    # Prepared statements (organizations/prepared.py) are explained as they run: EXECUTE, on
    # the connection that prepared them, with their generic plan.
    selects = [(w, s) for w, s in queries if s.lstrip().upper().startswith(("SELECT", "EXECUTE"))]
    failures, slowest = 0, 0.0
    with tenant_context(tenant_id), connection.cursor() as cursor:
        for where, sql in selects:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0][0]
            big = [t for t in seq_scans(plan["Plan"]) if sizes.get(t, 0) > args.rows]
            took = plan["Planning Time"] + plan["Execution Time"]
            slowest = max(slowest, took)
            if big or args.verbose:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                text = "\n".join(row[0] for row in cursor.fetchall())
                print(f"-- {where}: {took:.2f} ms{' SEQ SCAN of ' + ', '.join(big) if big else ''}")
                print(sql[:2000])
                print(text, end="\n\n")
            failures += bool(big)
    print(
        f"{len(selects)} SELECTs of {len({w for w, _s in selects})} hot paths explained at {args.communities} communities"
    )
    result(
        {
            "queries": len(selects),
            "slowest_ms": round(slowest, 2),
            "seq_scans_on_big_tables": failures,
        }
    )
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
