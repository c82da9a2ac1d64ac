"""Resident rating submissions under load, against a bare view in the same server.

    DATABASE_URL=postgres://kaoping:kaoping@127.0.0.1:5432/kaoping python -m bench.rating [--requests N]

Starts gunicorn on loopback (two workers, ``bench.rating_settings``) over the
``<db>_bench_rating`` database, with four threads per worker as config/gunicorn.py has them
(``--threads N`` to change that), and sends card submissions from 32 concurrent clients:
to a bare Django view (same middleware and request transaction, no work) and to the real
public endpoint (``POST /api/public/ratings/``, each card once), taking turns in six
slices so that both meet the same machine. Checks that every
submission is stored, and ends with
``RESULT {"rating_rps": …, "bare_rps": …, "p99_ms": …, "lost": …}``
(p99 of the rating requests). Target: rating_rps at least half of bare_rps, p99 under
250 ms, nothing lost.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import threading
import time
from decimal import Decimal
from typing import Any

from bench.common import (
    combine_runs,
    free_port,
    result,
    setup_django_on_bench_database,
    start_gunicorn,
    timed_request,
)

CLIENTS = 32
WORKERS = 2
SLICES = 6
JSON = {"Content-Type": "application/json"}
TENANT_CODE = "bench-rating"
SCORES = {"attitude": 5, "efficiency": 4, "environment": 4, "safety": 3, "overall": 4}


def build(requests: int) -> tuple[int, list[str]]:
    """A tenant with one community, its campaign, and fresh cards for this run."""
    from django.utils import timezone

    from assessments.models import Cycle
    from indicators.models import Scheme
    from organizations.models import OrgUnit, Tenant
    from organizations.rls import tenant_context
    from residents.models import Campaign, CardBatch
    from residents.printing import card_tokens

    tenant, _ = Tenant.objects.get_or_create(code=TENANT_CODE, defaults={"name": "评议基准区"})
    with tenant_context(tenant.pk):
        district, _ = OrgUnit.objects.get_or_create(
            tenant=tenant, code="d", defaults={"kind": "district", "name": "基准区"}
        )
        street, _ = OrgUnit.objects.get_or_create(
            tenant=tenant,
            code="s",
            defaults={"kind": "street", "name": "基准街道", "parent": district},
        )
        community, _ = OrgUnit.objects.get_or_create(
            tenant=tenant, code="c",
            defaults={"kind": "community", "name": "基准社区", "parent": street, "community_type": "urban"},
        )  # fmt: skip
        scheme, _ = Scheme.objects.get_or_create(
            tenant=tenant, code="bench", version=1, defaults={"name": "基准方案", "year": 2026}
        )
        cycle, _ = Cycle.objects.get_or_create(
            tenant=tenant, kind="quarterly", year=2026, quarter=3,
            defaults={"name": "2026年第三季度", "scheme": scheme,
                      "starts_on": dt.date(2026, 7, 1), "ends_on": dt.date(2026, 9, 30)},
        )  # fmt: skip
        campaign, _ = Campaign.objects.get_or_create(
            tenant=tenant, cycle=cycle, community=community,
            defaults={"street": street, "closes_on": dt.date(2099, 12, 31)},
        )  # fmt: skip
        tokens: list[str] = []
        expires = timezone.localdate() + dt.timedelta(days=30)
        while len(tokens) < requests:
            count = min(1000, requests - len(tokens))
            batch = CardBatch.objects.create(
                tenant=tenant, campaign=campaign, count=count, expires_on=expires
            )
            tokens += [token for _n, token in card_tokens(batch)]
    return campaign.pk, tokens


def stored(campaign_id: int) -> int:
    from organizations.models import Tenant
    from organizations.rls import tenant_context
    from residents.models import Response

    tenant = Tenant.objects.get(code=TENANT_CODE)
    with tenant_context(tenant.pk):
        return Response.objects.filter(campaign_id=campaign_id).count()


def post(port: int, path: str, body: bytes) -> tuple[int, float]:
    return timed_request(port, "POST", path, body=body, headers=JSON)


def load(port: int, path: str, bodies: list[bytes]) -> dict[str, Any]:
    """Send every body once from CLIENTS threads; throughput, latencies and statuses."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    queue = iter(bodies)

    def client() -> None:
        while True:
            with lock:
                body = next(queue, None)
            if body is None:
                return
            status, seconds = post(port, path, body)
            with lock:
                latencies.append(seconds)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"done": len(bodies), "seconds": elapsed, "latencies": latencies, "statuses": statuses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument(
        "--threads", type=int, default=4,
        help="threads per worker (gunicorn's gthread worker above 1; sync at 1); "
        "4 as in config/gunicorn.py",
    )  # fmt: skip
    args = parser.parse_args()
    setup_django_on_bench_database("bench_rating")
    campaign_id, tokens = build(args.requests + 200)
    before = stored(campaign_id)
    bodies = [
        json.dumps({"kind": "card", "token": token, "scores": SCORES}).encode() for token in tokens
    ]
    warm, bodies = bodies[:200], bodies[200:]
    port = free_port()
    server = start_gunicorn(port, "bench.rating_settings", workers=WORKERS, threads=args.threads)
    try:
        load(port, "/bench/bare/", warm[:100])
        load(port, "/api/public/ratings/", warm)
        # Bare view and endpoint take turns in slices, so that both meet the same
        # conditions on a machine whose load varies (other processes, CPU steal).
        size = -(-len(bodies) // SLICES)
        slices = [bodies[n : n + size] for n in range(0, len(bodies), size)]
        bare_runs, rating_runs = [], []
        for part in slices:
            bare_runs.append(load(port, "/bench/bare/", part))
            rating_runs.append(load(port, "/api/public/ratings/", part))
        bare, rating = combine_runs(bare_runs), combine_runs(rating_runs)
    finally:
        server.terminate()
        server.wait(timeout=30)
    after = stored(campaign_id)
    lost = len(bodies) + len(warm) - (after - before)
    print(f"bare:   {bare['rps']:.0f} req/s, p99 {bare['p99_ms']:.1f} ms, {bare['statuses']}")
    print(f"rating: {rating['rps']:.0f} req/s, p99 {rating['p99_ms']:.1f} ms, {rating['statuses']}")
    result(
        {
            "rating_rps": round(rating["rps"], 1),
            "bare_rps": round(bare["rps"], 1),
            "p99_ms": float(round(Decimal(rating["p99_ms"]), 1)),
            "lost": lost,
        }
    )


if __name__ == "__main__":
    main()
