"""The scorecard PDF of a 60-indicator assessment, end to end, against WeasyPrint alone.

    DATABASE_URL=postgres://kaoping:kaoping@127.0.0.1:5432/kaoping python -m bench.reports [--runs N]

Builds (once, kept in the ``<db>_bench_reports`` database) one street of communities
scored on the 60-indicator benchmark scheme (3 rater groups × 3 raters) over three
quarters, so the scorecard has a trend. Then times, as the median of N runs:
- report: ``scorecard_build`` with no cached file: the fingerprint, the engine's result with
  its explanation, the trend, the template, the rendering behind the app-files-only fetcher
  and storing the file;
- bare_weasyprint: ``weasyprint.HTML(string=…).write_pdf()`` of the very same finished HTML
  in the same process;
and ends with ``RESULT {"report_s": …, "bare_weasyprint_s": …, "pages": …}``.
Target: the report at most 1.2× the bare render.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from decimal import Decimal

from bench.common import result, setup_django_on_bench_database
from bench.scoring import NO_LOGIN, RATERS_PER_GROUP, scheme_document

TENANT_CODE = "bench-reports"
COMMUNITIES = 4
QUARTERS = (1, 2, 3)


def build() -> tuple[int, int]:
    """Create the tenant and its data unless a run before us did; returns the assessment
    the scorecard is about (the first community's, third quarter) and its tenant."""
    from django.db import transaction

    from assessments.models import Assessment, Cycle, ScoreEntry
    from assessments.services import recompute_cycle
    from indicators import services as scheme_services
    from indicators.models import Indicator, RaterGroup
    from organizations.models import Membership, OrgUnit, Secretary, Tenant, User
    from organizations.rls import tenant_context
    from organizations.selectors import actor_for_user

    tenant = Tenant.objects.filter(code=TENANT_CODE).first()
    if tenant is not None:
        with tenant_context(tenant.pk):
            found = Assessment.objects.filter(
                tenant=tenant, cycle__quarter=QUARTERS[-1], community__code="rc0"
            ).first()
            if found is not None:
                return tenant.pk, found.pk
    with transaction.atomic():
        tenant = Tenant.objects.create(name="报表基准区", code=TENANT_CODE)
    with tenant_context(tenant.pk):
        admin = User.objects.create(
            username="bench-reports-admin", tenant=tenant, password=NO_LOGIN
        )
        Membership.objects.create(tenant=tenant, user=admin, role="tenant_admin")
        actor = actor_for_user(admin)
        assert actor is not None
        scheme = scheme_services.scheme_publish(
            actor=actor,
            scheme=scheme_services.scheme_create_from_document(
                actor=actor, document=scheme_document()
            ),
        )
        district = OrgUnit.objects.create(
            tenant=tenant, kind="district", name="报表基准区", code="rd"
        )
        street = OrgUnit.objects.create(
            tenant=tenant, kind="street", name="和平街道", code="rs", parent=district
        )
        units = [
            OrgUnit.objects.create(tenant=tenant, kind="community", name=f"和平{n + 1}社区", code=f"rc{n}",
                                   parent=street, community_type="urban")
            for n in range(COMMUNITIES)
        ]  # fmt: skip
        secretaries = [
            Secretary.objects.create(
                tenant=tenant, community=unit, took_office=dt.date(2018, 3, 1),
                user=User.objects.create(username=f"bench-reports-sec-{n}", full_name=f"书记{n + 1}",
                                         tenant=tenant, password=NO_LOGIN),
            )
            for n, unit in enumerate(units)
        ]  # fmt: skip
        raters = [
            User.objects.create(
                username=f"bench-reports-rater-{g}", tenant=tenant, password=NO_LOGIN
            )
            for g in range(RATERS_PER_GROUP)
        ]
        indicators = list(Indicator.objects.filter(scheme=scheme))
        groups = list(RaterGroup.objects.filter(scheme=scheme))
        for quarter in QUARTERS:
            cycle = Cycle.objects.create(
                tenant=tenant, kind="quarterly", year=2026, quarter=quarter, name=f"2026年第{quarter}季度",
                scheme=scheme, starts_on=dt.date(2026, 3 * quarter - 2, 1), ends_on=dt.date(2026, 3 * quarter, 28),
            )  # fmt: skip
            for n, (secretary, unit) in enumerate(zip(secretaries, units, strict=True)):
                assessment = Assessment.objects.create(
                    tenant=tenant, cycle=cycle, scheme=scheme, secretary=secretary, community=unit,
                    street=street, community_type=unit.community_type, career_stage=secretary.career_stage,
                )  # fmt: skip
                ScoreEntry.objects.bulk_create(
                    ScoreEntry(
                        tenant=tenant, assessment=assessment, indicator=indicator, rater_group=group,
                        rater=rater, value=_value(indicator.method, n, k, r, quarter),
                    )
                    for k, indicator in enumerate(indicators)
                    for group in groups
                    for r, rater in enumerate(raters)
                )  # fmt: skip
            recompute_cycle(cycle_id=cycle.pk)
        return tenant.pk, Assessment.objects.get(cycle=cycle, community=units[0]).pk


def _value(method: str, community: int, indicator: int, rater: int, quarter: int) -> Decimal:
    if method == "yes_no":
        return Decimal(int((community + indicator + rater) % 7 != 0))
    return Decimal(96 - 4 * community - (indicator % 5) * 2 - rater + 2 * quarter)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_django_on_bench_database("bench_reports")
    from django.conf import settings

    # Report files go to a throw-away directory, not the developer's media.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="kaoping-bench-reports-")
    import weasyprint

    from assessments.models import Assessment
    from organizations.rls import tenant_context
    from reports import services
    from reports.models import ReportArtifact

    tenant_id, assessment_id = build()
    with tenant_context(tenant_id):
        assessment = Assessment.objects.select_related(
            "cycle", "scheme", "street", "community", "secretary__user"
        ).get(pk=assessment_id)
        html = services.scorecard_html(assessment)
        weasyprint.HTML(string=html).write_pdf()  # warm up: fonts, caches
        report_times, bare_times, pages = [], [], 0
        for _run in range(args.runs):
            ReportArtifact.objects.filter(key=services.scorecard_key(assessment)).delete()
            started = time.perf_counter()
            artifact = services.scorecard_build(assessment=assessment)
            report_times.append(time.perf_counter() - started)
            pages = artifact.pages
            started = time.perf_counter()
            weasyprint.HTML(string=html).write_pdf()
            bare_times.append(time.perf_counter() - started)
    report_s, bare_s = statistics.median(report_times), statistics.median(bare_times)
    print(f"report {report_s:.3f} s, bare WeasyPrint {bare_s:.3f} s: {report_s / bare_s:.2f}×")
    result({"report_s": round(report_s, 3), "bare_weasyprint_s": round(bare_s, 3), "pages": pages})


if __name__ == "__main__":
    main()
