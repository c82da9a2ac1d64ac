"""The annual evaluation folds in the year's published quarters at the cycle's share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Cycle, Result, ScoreEntry
from organizations.selectors import actor_for_user
from tests.assessments.workflow import GROUPS, pair, published_scheme

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _fill(assessment: Assessment, qualitative: str, done: str) -> None:
    """Every group rates i1 and i3 at ``qualitative`` % and i2 ``done``; three indicators of
    10 points in one category: total = (2 x qualitative / 10 + 10 x done) / 30 x 100."""
    for code in ("i1", "i2", "i3"):
        for group in GROUPS:
            indicator, rater_group = pair(assessment.scheme, code, group)
            ScoreEntry.objects.create(
                tenant=assessment.tenant, assessment=assessment, indicator=indicator,
                rater_group=rater_group, value=D(done if code == "i2" else qualitative),
            )  # fmt: skip


def _quarter(cast, scheme, quarter: int, qualitative: str, state: str) -> Cycle:
    cycle = services.cycle_open(
        actor=actor_for_user(cast.admin), kind="quarterly", year=2026, quarter=quarter,
        scheme=scheme, starts_on=dt.date(2026, 3 * quarter - 2, 1),
        ends_on=dt.date(2026, 3 * quarter, 28),
    )  # fmt: skip
    for assessment in Assessment.objects.filter(cycle=cycle).select_related("scheme"):
        _fill(assessment, qualitative, "1")
    services.recompute_cycle(cycle_id=cycle.pk)
    Assessment.objects.filter(cycle=cycle).update(state=state)
    return cycle


def test_the_annual_total_folds_in_the_published_quarters(cast, as_tenant) -> None:
    admin = Client()
    admin.force_login(cast.admin)
    with as_tenant(cast.tenant_a):
        scheme = published_scheme(cast)
        _quarter(cast, scheme, 1, "100", Assessment.State.FINAL)  # 100.00
        _quarter(cast, scheme, 2, "70", Assessment.State.PUBLISHED)  # (14 + 10) / 30 = 80.00
        _quarter(cast, scheme, 3, "10", Assessment.State.SCORING)  # not published: left out
    response = admin.post(
        reverse("cycle-list"),
        {"kind": "annual", "year": 2026, "scheme": scheme.pk, "starts_on": "2026-01-01",
         "ends_on": "2026-12-31", "quarters_share": 30},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["quarters_share"] == 30
    with as_tenant(cast.tenant_a):
        annual = Cycle.objects.get(pk=response.json()["id"])
        for assessment in Assessment.objects.filter(cycle=annual).select_related("scheme"):
            _fill(assessment, "90", "1")  # (18 + 10) / 30 = 93.333...
        services.recompute_cycle(cycle_id=annual.pk)
        stored = Result.objects.get(
            assessment__cycle=annual, assessment__secretary=cast.secretary_record
        )
        # 93.333... x 70 % + mean(100, 80) x 30 % = 65.333... + 27 = 92.333... -> 92.33
        assert (stored.total, stored.own_total, stored.quarters_mean) == (
            D("92.33"),
            D("93.33"),
            D("90.00"),
        )
        assert stored.quarters_folded == 2
        assert stored.grade == "excellent"
        # The scorecard's result is the stored one, with the fold spelled out.
        computed = services.compute_result(stored.assessment)
        assert computed.total == stored.total
        assert computed.fold is not None and computed.fold.quarters_mean == D(90)
    secretary = Client()
    secretary.force_login(cast.secretary)
    url = reverse("assessments:scorecard", args=[stored.assessment_id])
    # Before publication the secretary sees that the scores are coming, not the numbers.
    pending = secretary.get(url, **EN).content.decode()
    assert "not published yet" in pending and "92.33" not in pending
    with as_tenant(cast.tenant_a):
        Assessment.objects.filter(pk=stored.assessment_id).update(state="published")
    page = secretary.get(url, **EN)
    assert page.status_code == 200
    assert "Annual evaluation 93.33 × 70% + mean of 2 quarters 90.00 × 30%" in page.content.decode()


def test_only_an_annual_cycle_takes_a_share_of_the_quarters(cast, as_tenant) -> None:
    admin = Client()
    admin.force_login(cast.admin)
    with as_tenant(cast.tenant_a):
        scheme = published_scheme(cast)
    base = {"year": 2026, "scheme": scheme.pk, "starts_on": "2026-01-01", "ends_on": "2026-03-31"}
    quarterly = admin.post(
        reverse("cycle-list"),
        {**base, "kind": "quarterly", "quarter": 1, "quarters_share": 20},
        content_type="application/json",
        **EN,
    )
    assert quarterly.status_code == 400
    assert "Only an annual cycle folds in the quarters" in quarterly.content.decode()
    too_much = admin.post(
        reverse("cycle-list"),
        {**base, "kind": "annual", "quarters_share": 101},
        content_type="application/json",
        **EN,
    )
    assert too_much.status_code == 400
    assert "quarters_share" in too_much.json()
    with as_tenant(cast.tenant_a):
        assert not Cycle.objects.exists()
        assert not Assessment.objects.exists()
