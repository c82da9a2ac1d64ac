"""The busiest pages at the field's scale under load, each against a bare view in the same server.

    DATABASE_URL=postgres://kaoping:kaoping@127.0.0.1:5432/kaoping python -m bench.pages [--seconds S]

Uses the ``seed_scale`` tenant of N communities (default 3,655; built once in the
``<db>_bench_scale`` database, which takes a few minutes). Starts gunicorn on loopback as
``config/gunicorn.py`` deploys it (two workers per core and one more, four threads each), with
``bench.pages_settings``, and, for each page, sends GETs from 16 concurrent
clients for S seconds, each client logged in (a session cookie) as its own user:
- scorecard: a secretary's own scorecard of the last quarter (``/assessments/<id>/``);
- grid: a street assessor's scoring grid of a community in their street;
- community_list: the assessment list (communities with their totals, paginated) as the
  district leader, over every cycle of the year;
- heat_map: the heat map (社区治理热力图) as the district leader, every community in scope.
The same clients, with the same sessions, also load a bare view (``/bench/bare/``: the same
middleware, session, user, roles and request transaction, no work), in five alternating
slices with the page so that both see the same background load.
The pages' main parts are read back from the fragment cache (organizations/fragments.py)
while what they show stays the same, as they are here: the load measures pages read again.
Each page's queries are counted in-process with Django's test client, read back and drawn
afresh (under new cache keys: a page's first view after a change; ``<page>_drawn_ms`` is the
median time of one such request, in-process, no load). Ends with one
``RESULT {"<page>_rps": …, "<page>_p99_ms": …, "<page>_queries": …,
"<page>_drawn_queries": …, "<page>_drawn_ms": …, …, "bare_rps": …}`` (bare_rps: the median
of the bare runs). Target: each page at least 40 % of the bare view's throughput.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from typing import Any

from bench.common import (
    combine_runs,
    free_port,
    result,
    scale_tenant,
    setup_django_on_bench_database,
    start_gunicorn,
    timed_request,
)

CLIENTS = 16
ROUNDS = 5
# As config/gunicorn.py deploys it: two workers per core and one more, four threads each.
WORKERS = (os.cpu_count() or 1) * 2 + 1
THREADS = 4
PAGES = ("scorecard", "grid", "community_list", "heat_map")


def sessions(tenant_id: int, communities: int) -> dict[str, list[tuple[str, str]]]:
    """For each page, CLIENTS (session cookie, path) pairs, one logged-in user each."""
    from django.conf import settings
    from django.test import Client

    from assessments.models import Assessment, Cycle
    from organizations.models import OrgUnit, Tenant, User
    from organizations.rls import tenant_context

    code = Tenant.objects.get(pk=tenant_id).code

    def cookie(user: User) -> str:
        # A real login (its signals note the login time the session middleware checks).
        client = Client()
        client.force_login(user)
        return (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )

    pairs: dict[str, list[tuple[str, str]]] = {page: [] for page in PAGES}
    with tenant_context(tenant_id):
        last = Cycle.objects.order_by("-year", "-quarter").first()
        assert last is not None
        streets = list(OrgUnit.objects.filter(kind="street").order_by("code"))
        leader = User.objects.get(username=f"{code}-leader")
        for n in range(CLIENTS):
            k = n * communities // CLIENTS
            secretary = User.objects.get(username=f"{code}-sec-{k}")
            own = Assessment.objects.get(cycle=last, secretary__user=secretary)
            pairs["scorecard"].append((cookie(secretary), f"/assessments/{own.pk}/"))
            s = n * len(streets) // CLIENTS
            assessor = User.objects.get(username=f"{code}-assessor-{s}")
            theirs = Assessment.objects.filter(cycle=last, street=streets[s]).order_by("pk")[n % 7]
            pairs["grid"].append((cookie(assessor), f"/assessments/{theirs.pk}/grid/"))
            pairs["community_list"].append((cookie(leader), "/assessments/"))
            pairs["heat_map"].append((cookie(leader), "/warnings/heat-map/"))
    return pairs


def count_queries(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """In-process, for one request of the page (session and login included): its queries
    read back from the fragment cache (what the load below measures), and its queries and
    median time drawn afresh, under new cache keys (a page's first view after a change)."""
    from unittest import mock

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    cookie, path = pairs[0]
    client = Client(HTTP_HOST="127.0.0.1", HTTP_COOKIE=cookie)
    drawn: list[tuple[int, float]] = []
    for n in range(6):
        # Every cached fragment and scorecard part under a new key, as after a deployment
        # (the shared cache is not emptied: it may be the broker's database too).
        fresh = mock.Mock(return_value=f"bench-drawn-{time.time_ns()}-{n}")
        with (
            mock.patch("organizations.fragments.code_version", fresh),
            mock.patch("assessments.views.scorecard.code_version", fresh),
            CaptureQueriesContext(connection) as queries,
        ):
            started = time.perf_counter()
            response = client.get(path)
            took = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code)
        drawn.append((len(queries.captured_queries), took))
    assert client.get(path).status_code == 200  # drawn under the real keys, then read back
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return {
        "queries": len(queries.captured_queries),
        "drawn_queries": drawn[-1][0],  # the first also compiles the scheme in this process
        "drawn_ms": round(1000 * statistics.median(t for _n, t in drawn[1:]), 1),
    }


def get(port: int, path: str, cookie: str) -> tuple[int, float]:
    return timed_request(port, "GET", path, headers={"Cookie": cookie}, timeout=60)


def load(port: int, pairs: list[tuple[str, str]], seconds: float, bare: bool) -> dict[str, Any]:
    """Each client GETs its page (or the bare view) again and again for ``seconds``."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(cookie: str, path: str) -> None:
        while time.perf_counter() < deadline:
            status, took = get(port, "/bench/bare/" if bare else path, cookie)
            with lock:
                latencies.append(took)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client, args=pair) for pair in pairs]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "done": statuses.get(200, 0),
        "seconds": elapsed,
        "latencies": latencies,
        "statuses": statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=3655)
    parser.add_argument("--seconds", type=float, default=10, help="load per page and per bare run")
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=THREADS, help="threads per worker")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.pages_settings")
    setup_django_on_bench_database("bench_scale")
    tenant_id = scale_tenant(args.communities)
    pairs = sessions(tenant_id, args.communities)
    queries = {page: count_queries(pairs[page]) for page in PAGES}
    port = free_port()
    server = start_gunicorn(
        port, "bench.pages_settings", workers=args.workers, threads=args.threads
    )
    figures: dict[str, Any] = {}
    bares = []
    try:
        for page in PAGES:
            load(port, pairs[page], 2, bare=False)  # warm up each worker
            # Bare and page in alternating slices, so that both see the same background load
            # (the machine is shared): the ratio is what the target is about.
            slices = [
                (load(port, pairs[page], args.seconds / ROUNDS, bare=True),
                 load(port, pairs[page], args.seconds / ROUNDS, bare=False))
                for _round in range(ROUNDS)
            ]  # fmt: skip
            bare, measured = (
                combine_runs([b for b, _p in slices]),
                combine_runs([p for _b, p in slices]),
            )
            bares.append(bare["rps"])
            print(
                f"{page:<15} {measured['rps']:7.1f} req/s, p99 {measured['p99_ms']:7.1f} ms, "
                f"{queries[page]['queries']} queries, {measured['statuses']} | bare "
                f"{bare['rps']:7.1f} req/s {bare['statuses']}: "
                f"{100 * measured['rps'] / bare['rps']:.0f} % of bare | drawn afresh: "
                f"{queries[page]['drawn_queries']} queries, {queries[page]['drawn_ms']} ms"
            )
            figures |= {
                f"{page}_rps": round(measured["rps"], 1),
                f"{page}_p99_ms": round(measured["p99_ms"], 1),
                f"{page}_queries": queries[page]["queries"],
                f"{page}_drawn_queries": queries[page]["drawn_queries"],
                f"{page}_drawn_ms": queries[page]["drawn_ms"],
            }
    finally:
        server.terminate()
        server.wait(timeout=30)
    result({**figures, "bare_rps": round(statistics.median(bares), 1)})


if __name__ == "__main__":
    main()
