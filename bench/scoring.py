"""Score every community of a city-sized tenant, with the engine and with one SQL aggregate.

    DATABASE_URL=postgres://kaoping:kaoping@127.0.0.1:5432/kaoping python -m bench.scoring [--communities N]

Builds (once, kept between runs in the ``<db>_bench`` database) N communities × 60
indicators × 3 rater groups × 3 raters of entries, then times:
- engine: the selectors reading every entry plus ``score(..., explain=False)`` for each
  community;
- sql: one aggregate computing the same weighted totals in the database;
checks that both agree to the cent, and ends with
``RESULT {"communities": …, "engine_s": …, "sql_s": …}``.
Target: engine under 2 s and within 3× of the SQL aggregate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from decimal import Decimal
from typing import Any

from bench.common import result, setup_django_on_bench_database

INDICATORS = 60
CATEGORIES = (("jichu", "基础指标", 40), ("fazhan", "发展指标", 30), ("tese", "特色指标", 30))
GROUPS = (("zuzhi", "组织评价", 50), ("qunzhong", "群众评议", 30), ("zhuanjia", "专家考评", 20))
RATERS_PER_GROUP = 3
PER_STREET = 30
TENANT_CODE = "bench-city"
# An unusable password hash: benchmark users never log in.
NO_LOGIN = "!"


def scheme_document() -> dict[str, Any]:
    indicators = []
    for n in range(INDICATORS):
        category = CATEGORIES[n * len(CATEGORIES) // INDICATORS][0]
        method = ("qualitative", "yes_no", "quantitative")[n % 3]
        indicator: dict[str, Any] = {
            "category": category, "code": f"i{n:02d}", "name": f"指标{n:02d}", "max_points": Decimal(5 + n % 4),
            "method": method, "rater_groups": [g[0] for g in GROUPS],
        }  # fmt: skip
        if method == "qualitative":
            indicator["levels"] = [
                {"code": c, "label": label, "min_percent": Decimal(lo), "max_percent": Decimal(hi), "description": label}
                for c, label, lo, hi in (("A", "优", 90, 100), ("B", "良", 75, 90), ("C", "中", 60, 75), ("D", "差", 0, 60))
            ]  # fmt: skip
        if method == "quantitative":
            indicator.update(direction="higher", target=Decimal(80), unit="%")
        indicators.append(indicator)
    return {
        "scheme": {"code": "bench", "name": "基准方案", "year": 2026},
        "categories": [{"code": c, "name": n, "weight": Decimal(w)} for c, n, w in CATEGORIES],
        "rater_groups": [
            {"code": c, "name": n, "kind": "organisation", "weight": Decimal(w)}
            for c, n, w in GROUPS
        ],
        "indicators": indicators,
    }


def build(communities: int) -> int:
    """Create the tenant and its data unless a run before us did; returns the cycle id."""
    from django.db import connection, transaction

    from assessments.models import Assessment, Cycle
    from indicators import services as scheme_services
    from organizations.models import Membership, OrgUnit, Secretary, Tenant, User
    from organizations.rls import tenant_context
    from organizations.selectors import actor_for_user

    tenant = Tenant.objects.filter(code=TENANT_CODE).first()
    if tenant is not None:
        with tenant_context(tenant.pk):
            cycle = Cycle.objects.filter(tenant=tenant).first()
            if cycle is not None and Assessment.objects.filter(cycle=cycle).count() == communities:
                return cycle.pk
        sys_exit = f"The bench database holds a different size; drop it: DROP DATABASE {connection.settings_dict['NAME']}"
        raise SystemExit(sys_exit)
    started = time.perf_counter()
    with transaction.atomic():
        tenant = Tenant.objects.create(name="基准市", code=TENANT_CODE)
    with tenant_context(tenant.pk):
        admin = User.objects.create(username="bench-admin", tenant=tenant, password=NO_LOGIN)
        Membership.objects.create(tenant=tenant, user=admin, role="tenant_admin")
        actor = actor_for_user(admin)
        assert actor is not None
        scheme = scheme_services.scheme_create_from_document(
            actor=actor, document=scheme_document()
        )
        scheme = scheme_services.scheme_publish(actor=actor, scheme=scheme)
        district = OrgUnit.objects.create(tenant=tenant, kind="district", name="基准区", code="d")
        streets = OrgUnit.objects.bulk_create(
            OrgUnit(tenant=tenant, kind="street", name=f"街道{s}", code=f"s{s}", parent=district)
            for s in range((communities + PER_STREET - 1) // PER_STREET)
        )
        types = ("urban", "rural", "mountain")
        units = OrgUnit.objects.bulk_create(
            OrgUnit(
                tenant=tenant, kind="community", name=f"社区{c}", code=f"c{c}",
                parent=streets[c // PER_STREET], community_type=types[c % 3],
            )
            for c in range(communities)
        )  # fmt: skip
        users = User.objects.bulk_create(
            User(username=f"bench-sec-{c}", tenant=tenant, password=NO_LOGIN)
            for c in range(communities)
        )
        secretaries = Secretary.objects.bulk_create(
            Secretary(
                tenant=tenant, user=u, community=unit, took_office=dt.date(2015 + c % 10, 3, 1)
            )
            for c, (u, unit) in enumerate(zip(users, units, strict=True))
        )
        cycle = Cycle.objects.create(
            tenant=tenant, kind="quarterly", year=2026, quarter=3, name="2026 Q3", scheme=scheme,
            starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 9, 30),
        )  # fmt: skip
        Assessment.objects.bulk_create(
            Assessment(
                tenant=tenant, cycle=cycle, scheme=scheme, secretary=s, community=unit, street=unit.parent,
                community_type=unit.community_type, career_stage=s.career_stage,
            )
            for s, unit in zip(secretaries, units, strict=True)
        )  # fmt: skip
        raters = User.objects.bulk_create(
            User(username=f"bench-rater-{g}-{r}", tenant=tenant, password=NO_LOGIN)
            for g in range(len(GROUPS))
            for r in range(RATERS_PER_GROUP)
        )
        rater_ids = [u.pk for u in raters]
        # Generated in the database: COPY FROM is not allowed on tables under row-level
        # security, and a million-row INSERT ... SELECT is faster than any client loop.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO assessments_scoreentry
                    (tenant_id, assessment_id, indicator_id, rater_group_id, rater_id, value,
                     comment, evidence, version, created_at, updated_at)
                SELECT a.tenant_id, a.id, i.id, g.id, (%s::bigint[])[g.ord * %s + r],
                       CASE i.method
                         WHEN 'yes_no' THEN (random() < 0.85)::int
                         WHEN 'quantitative' THEN round((40 + random() * 60)::numeric, 2)
                         ELSE round((50 + random() * 50)::numeric, 2)
                       END,
                       '', '', 1, now(), now()
                FROM assessments_assessment a
                JOIN indicators_indicator i ON i.scheme_id = a.scheme_id
                JOIN (SELECT id, scheme_id, (row_number() OVER (ORDER BY "order", id) - 1)::int AS ord
                      FROM indicators_ratergroup) g ON g.scheme_id = a.scheme_id
                CROSS JOIN generate_series(1, %s) AS r
                WHERE a.cycle_id = %s
                """,
                [rater_ids, RATERS_PER_GROUP, RATERS_PER_GROUP, cycle.pk],
            )
    # Outside the transaction: VACUUM sets the visibility map that index-only scans need.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE assessments_scoreentry")
        cursor.execute("ANALYZE assessments_assessment")
    print(f"built {communities} communities in {time.perf_counter() - started:.1f} s")
    return cycle.pk


SQL_TOTALS = """
WITH shares AS (
    SELECT e.assessment_id, e.indicator_id, e.rater_group_id,
           avg(CASE i.method
                 WHEN 'yes_no' THEN e.value
                 WHEN 'quantitative' THEN least(greatest(e.value / i.target, 0), 1)
                 ELSE e.value / 100
               END) AS share
    FROM assessments_scoreentry e
    JOIN indicators_indicator i ON i.id = e.indicator_id
    JOIN assessments_assessment a ON a.id = e.assessment_id
    WHERE a.cycle_id = %(cycle)s
    GROUP BY e.assessment_id, e.indicator_id, e.rater_group_id
),
indicator_points AS (
    SELECT s.assessment_id, i.category_id, i.max_points,
           i.max_points * sum(s.share * g.weight) / sum(g.weight) AS points
    FROM shares s
    JOIN indicators_indicator i ON i.id = s.indicator_id
    JOIN indicators_ratergroup g ON g.id = s.rater_group_id
    GROUP BY s.assessment_id, i.id, i.category_id, i.max_points
)
SELECT p.assessment_id,
       round(sum(p.category_points), 2) AS total
FROM (
    SELECT ip.assessment_id, sum(ip.points) / sum(ip.max_points) * c.weight AS category_points
    FROM indicator_points ip JOIN indicators_category c ON c.id = ip.category_id
    GROUP BY ip.assessment_id, c.id, c.weight
) p
GROUP BY p.assessment_id
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=3655)
    args = parser.parse_args()
    setup_django_on_bench_database(f"bench_scoring_{args.communities}")

    from django.db import connection

    from assessments.models import Assessment, Cycle
    from assessments.selectors import subject_inputs_for_totals
    from indicators import engine
    from indicators.selectors import scheme_spec
    from organizations.models import Tenant
    from organizations.rls import tenant_context

    cycle_id = build(args.communities)
    tenant = Tenant.objects.get(code=TENANT_CODE)
    with tenant_context(tenant.pk):
        # Warm the connection and the database's caches once, as a live server would be.
        list(Assessment.objects.filter(cycle_id=cycle_id).values_list("pk")[:1])
        started = time.perf_counter()
        cycle = Cycle.objects.select_related("scheme").get(pk=cycle_id)
        compiled = engine.compile_scheme(scheme_spec(scheme=cycle.scheme))
        assessments = list(Assessment.objects.filter(cycle_id=cycle_id).order_by("pk"))
        inputs = subject_inputs_for_totals(assessments)
        read_s = time.perf_counter() - started
        engine_totals = {
            s.subject_id: engine.score(compiled, s, explain=False).total for s in inputs
        }
        engine_s = time.perf_counter() - started

        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(SQL_TOTALS, {"cycle": cycle_id})
            sql_totals = dict(cursor.fetchall())
        sql_s = time.perf_counter() - started

    disagreements = [pk for pk, total in engine_totals.items() if sql_totals.get(pk) != total]
    print(
        f"selectors {read_s:.2f} s, engine+selectors {engine_s:.2f} s, SQL {sql_s:.2f} s, ratio {engine_s / sql_s:.2f}"
    )
    print(f"{len(engine_totals)} totals compared, {len(disagreements)} disagree")
    if disagreements:
        pk = disagreements[0]
        raise SystemExit(
            f"engine and SQL disagree, e.g. assessment {pk}: {engine_totals[pk]} vs {sql_totals.get(pk)}"
        )
    result(
        {
            "communities": len(engine_totals),
            "engine_s": round(engine_s, 3),
            "sql_s": round(sql_s, 3),
        }
    )


if __name__ == "__main__":
    main()
