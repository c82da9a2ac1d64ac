"""The nightly warning evaluation over a city-sized tenant.

    DATABASE_URL=postgres://kaoping:kaoping@127.0.0.1:5432/kaoping python -m bench.warnings [--communities N]

Builds (once, kept in the ``<db>_bench_warnings`` database) a tenant of N communities with a
year of published quarterly results (four quarters), open and overdue rectifications and a
few serious incidents, plus a small tenant of 100 communities; then times the nightly job
(``alerts.services.evaluate_tenant``) on the big tenant twice (the first run creates the
warnings, the second finds them all again) and counts its queries on both tenants, which
must be equal: the job reads set-wise, never a query per community. Ends with
``RESULT {"communities": …, "seconds": …, "queries": …}``. Target: under 10 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from decimal import Decimal
from typing import Any

from bench.common import result, setup_django_on_bench_database

PER_STREET = 30
QUARTERS = ((2025, 4), (2026, 1), (2026, 2), (2026, 3))
TODAY = dt.date(2026, 10, 15)
NO_LOGIN = "!"


def scheme_document() -> dict[str, Any]:
    categories = (("jichu", "基础指标", 40), ("fazhan", "发展指标", 30), ("tese", "特色指标", 30))
    return {
        "scheme": {"code": "warn", "name": "预警基准方案", "year": 2026},
        "categories": [{"code": c, "name": n, "weight": Decimal(w)} for c, n, w in categories],
        "rater_groups": [{"code": "zuzhi", "name": "组织评价", "kind": "organisation", "weight": Decimal(100)}],
        "indicators": [
            {"category": c, "code": f"i{c}", "name": n, "max_points": Decimal(10), "method": "yes_no", "rater_groups": ["zuzhi"]}
            for c, n, _w in categories
        ],
    }  # fmt: skip


def build(code: str, communities: int) -> int:
    """Create a tenant and a year of its results unless a run before us did; its id."""
    from django.db import connection, transaction

    from assessments.models import Assessment, Cycle, Rectification
    from indicators import services as scheme_services
    from organizations.models import Membership, OrgUnit, Secretary, Tenant, User
    from organizations.rls import tenant_context
    from organizations.selectors import actor_for_user

    tenant = Tenant.objects.filter(code=code).first()
    if tenant is not None:
        with tenant_context(tenant.pk):
            if OrgUnit.objects.filter(kind="community").count() == communities:
                return tenant.pk
        raise SystemExit(
            f"The bench database holds a different size; drop it: DROP DATABASE {connection.settings_dict['NAME']}"
        )
    started = time.perf_counter()
    # One transaction: a build that fails leaves no half-built tenant behind.
    with transaction.atomic():
        tenant = Tenant.objects.create(name=f"预警基准{communities}", code=code)
        with tenant_context(tenant.pk):
            admin = User.objects.create(username=f"{code}-admin", tenant=tenant, password=NO_LOGIN)
            Membership.objects.create(tenant=tenant, user=admin, role="tenant_admin")
            leader = User.objects.create(
                username=f"{code}-leader", tenant=tenant, password=NO_LOGIN
            )
            Membership.objects.create(tenant=tenant, user=leader, role="district_leader")
            actor = actor_for_user(admin)
            assert actor is not None
            scheme = scheme_services.scheme_create_from_document(
                actor=actor, document=scheme_document()
            )
            scheme = scheme_services.scheme_publish(actor=actor, scheme=scheme)
            district = OrgUnit.objects.create(
                tenant=tenant, kind="district", name="基准区", code="d"
            )
            streets = OrgUnit.objects.bulk_create(
                OrgUnit(
                    tenant=tenant, kind="street", name=f"街道{s}", code=f"s{s}", parent=district
                )
                for s in range((communities + PER_STREET - 1) // PER_STREET)
            )
            units = OrgUnit.objects.bulk_create(
                OrgUnit(tenant=tenant, kind="community", name=f"社区{c}", code=f"c{c}",
                        parent=streets[c // PER_STREET], community_type="urban")
                for c in range(communities)
            )  # fmt: skip
            users = User.objects.bulk_create(
                User(username=f"{code}-sec-{c}", tenant=tenant, password=NO_LOGIN)
                for c in range(communities)
            )
            secretaries = Secretary.objects.bulk_create(
                Secretary(tenant=tenant, user=u, community=unit, took_office=dt.date(2018, 3, 1))
                for u, unit in zip(users, units, strict=True)
            )
            for year, quarter in QUARTERS:
                start = dt.date(year, 3 * quarter - 2, 1)
                cycle = Cycle.objects.create(
                    tenant=tenant, kind="quarterly", year=year, quarter=quarter, name=f"{year}Q{quarter}",
                    scheme=scheme, starts_on=start, ends_on=start + dt.timedelta(days=89),
                )  # fmt: skip
                Assessment.objects.bulk_create(
                    Assessment(
                        tenant=tenant, cycle=cycle, scheme=scheme, secretary=s, community=unit, street=unit.parent,
                        community_type=unit.community_type, career_stage=s.career_stage, state="published",
                    )
                    for s, unit in zip(secretaries, units, strict=True)
                )  # fmt: skip
            # Results generated in the database (COPY is not allowed under row-level security):
            # totals mostly 55-100, one in a hundred vetoed.
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    INSERT INTO assessments_result
                        (tenant_id, assessment_id, street_id, total, base_total, grade, complete, vetoed,
                         categories, missing, quota_review, quarters_folded, computed_at)
                    SELECT a.tenant_id, a.id, a.street_id, t.total, t.total, '', true, random() < 0.01,
                           jsonb_build_object('jichu', round(t.total * 0.40, 2)::text,
                                              'fazhan', round(t.total * 0.30 * (0.7 + random() * 0.3)::numeric, 2)::text,
                                              'tese', round(t.total * 0.30, 2)::text),
                           0, false, 0, now()
                    FROM assessments_assessment a
                    CROSS JOIN LATERAL (SELECT round((55 + random() * 45)::numeric, 2) AS total
                                        WHERE a.id IS NOT NULL) t
                    WHERE a.tenant_id = %s
                    """,
                    [tenant.pk],
                )
            Rectification.objects.bulk_create(
                Rectification(
                    tenant=tenant, street=unit.parent, community=unit, title="台账不全", owner=user,
                    deadline=TODAY + dt.timedelta(days=(c % 20) - 10),
                )
                for c, (unit, user) in enumerate(zip(units, users, strict=True))
                if c % 10 == 0
            )  # fmt: skip
            from alerts.models import Incident

            Incident.objects.bulk_create(
                Incident(tenant=tenant, street=unit.parent, community=unit, kind="food_safety", title="食品安全事件",
                         occurred_on=dt.date(2026, 9, 1), reported_by=admin)
                for c, unit in enumerate(units)
                if c % 200 == 0
            )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE assessments_result")
        cursor.execute("ANALYZE assessments_assessment")
    print(
        f"built {communities} communities × {len(QUARTERS)} quarters in {time.perf_counter() - started:.1f} s"
    )
    return tenant.pk


def run(tenant_id: int, today: dt.date = TODAY) -> tuple[float, int, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alerts import services
    from organizations.rls import tenant_context

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        with tenant_context(tenant_id):
            summary = services.evaluate_tenant(tenant_id=tenant_id, today=today)
        seconds = time.perf_counter() - started
    return seconds, len(queries.captured_queries), summary


def reset(tenant_id: int) -> None:
    """Forget earlier runs' warnings so the first timed run creates them all."""
    from alerts.models import Alert, Escalation
    from notifications.models import Notification
    from organizations.rls import tenant_context

    with tenant_context(tenant_id):
        Alert.objects.all().delete()
        Escalation.objects.all().delete()
        Notification.objects.all().delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=3655)
    args = parser.parse_args()
    setup_django_on_bench_database("bench_warnings")

    big = build(f"bench-warn-{args.communities}", args.communities)
    small = build("bench-warn-100", 100)
    for tenant_id in (big, small):
        reset(tenant_id)
        # The nights of the past year, so the circuit breaker has quarters to look back on.
        for night in (dt.date(2025, 12, 31), dt.date(2026, 3, 31), dt.date(2026, 6, 30)):
            run(tenant_id, night)
    small_s, small_q, _ = run(small)
    first_s, first_q, first = run(big)
    second_s, second_q, second = run(big)
    print(f"small tenant (100 communities): {small_s:.2f} s, {small_q} queries")
    print(
        f"first run: {first_s:.2f} s, {first_q} queries, {first.created} warnings created, "
        f"{first.escalated} escalations"
    )
    print(
        f"second run: {second_s:.2f} s, {second_q} queries, {second.created} created, {second.updated} updated"
    )
    if small_q != first_q:
        raise SystemExit(f"the query count grows with communities: {small_q} vs {first_q}")
    result(
        {
            "communities": args.communities,
            "seconds": round(max(first_s, second_s), 3),
            "queries": first_q,
        }
    )


if __name__ == "__main__":
    main()
