"""The scorecard shows the secretary's results across cycles, and nobody else's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from assessments.models import Assessment, Cycle, Result
from tests.assessments.workflow import published_scheme


def _assessment(cast, scheme, quarter: int, secretary) -> Assessment:
    cycle, _created = Cycle.objects.get_or_create(
        tenant=cast.tenant_a, kind="quarterly", year=2026, quarter=quarter,
        defaults={
            "name": f"2026 第{quarter}季度", "scheme": scheme,
            "starts_on": dt.date(2026, 3 * quarter - 2, 1), "ends_on": dt.date(2026, 3 * quarter, 28),
        },
    )  # fmt: skip
    community = secretary.community
    return Assessment.objects.create(
        tenant=cast.tenant_a, cycle=cycle, scheme=scheme, secretary=secretary, community=community,
        street=community.parent, community_type=community.community_type, career_stage=secretary.career_stage,
    )  # fmt: skip


def _result(cast, assessment: Assessment, total: str, grade: str) -> None:
    Result.objects.create(
        tenant=cast.tenant_a, assessment=assessment, street=assessment.street, total=Decimal(total),
        base_total=Decimal(total), grade=grade, complete=True,
    )  # fmt: skip


def test_the_scorecard_shows_the_trend_across_quarters(cast, as_tenant):
    from organizations.models import Secretary

    with as_tenant(cast.tenant_a):
        scheme = published_scheme(cast)
        own = cast.secretary_record
        other = Secretary.objects.get(user=cast.secretary_a21)
        q1, q2 = _assessment(cast, scheme, 1, own), _assessment(cast, scheme, 2, own)
        _result(cast, q1, "81.25", "good")
        _result(cast, q2, "91.50", "excellent")
        _result(cast, _assessment(cast, scheme, 1, other), "77.77", "pass")
        # The quarter still being scored: its running total is not the secretary's to see.
        _result(cast, _assessment(cast, scheme, 3, own), "59.13", "fail")
        Assessment.objects.filter(pk__in=[q1.pk, q2.pk]).update(state="published")
    html = (
        cast.client_for("secretary")
        .get(reverse("assessments:scorecard", args=[q2.pk]))
        .content.decode()
    )
    assert "81.25" in html and "91.50" in html and "优秀" in html and "良好" in html
    assert "77.77" not in html  # another secretary's result
    assert "59.13" not in html  # not published yet
    assert "<polyline" in html
