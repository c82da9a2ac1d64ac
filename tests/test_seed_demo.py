"""The demo data set (``manage.py seed_demo``): built once for the class (it takes seconds),
each test in its own savepoint."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from alerts.models import Alert, Escalation, Incident
from alerts.selectors import heat_map_rows, heat_map_streets
from assessments.demo import demo_cycles
from assessments.models import (
    AdjustmentRecord,
    Appeal,
    AppealReview,
    Assessment,
    Cycle,
    ExpertAssignment,
    Rectification,
    Result,
    ScoreEntry,
    SelfEvaluation,
    VetoRecord,
)
from audit.models import AuditRecord
from indicators.models import Scheme, SpecialIndicatorChoice
from interviews.models import Talk
from notifications.models import Notification
from organizations.demo import DEMO, NEIGHBOUR
from organizations.models import Membership, OrgUnit, Secretary, Tenant, User
from organizations.rls import tenant_context
from organizations.selectors import actor_for_user
from organizations.tenancy import Role
from reports.models import ReportArtifact
from residents.models import Answer, Campaign, CardBatch, Response, UsedCard

MODELS = (
    OrgUnit, Secretary, Membership, AuditRecord, Talk, Scheme, SpecialIndicatorChoice, Cycle,
    Assessment, ExpertAssignment, ScoreEntry, SelfEvaluation, AdjustmentRecord, VetoRecord,
    Result, Appeal, AppealReview, Rectification, Campaign, CardBatch, UsedCard, Response, Answer,
    Alert, Incident, Escalation, Notification, ReportArtifact,
)  # fmt: skip
PUBLISHED = (Assessment.State.PUBLISHED, Assessment.State.APPEAL, Assessment.State.FINAL)
PASSWORD = "Kaoping-demo-2026"


def _counts() -> dict[str, int]:
    counts = {"tenants": Tenant.objects.count(), "users": User.objects.count()}
    for tenant in Tenant.objects.all():
        with tenant_context(tenant.pk):
            for model in MODELS:
                counts[f"{tenant.code}.{model.__name__}"] = model.objects.filter(
                    tenant=tenant
                ).count()
    return counts


class SeedDemoTests(TestCase):
    output: str
    counts: dict[str, int]
    tenant: Tenant

    @classmethod
    def setUpTestData(cls) -> None:
        out = StringIO()
        call_command("seed_demo", stdout=out)
        cls.output = out.getvalue()
        cls.counts = _counts()
        cls.tenant = Tenant.objects.get(code=DEMO.code)

    def _login(self, username: str) -> None:
        response = self.client.post("/login/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302

    def test_seed_demo_builds_the_demo_and_is_idempotent(self) -> None:
        call_command("seed_demo", stdout=StringIO())
        assert _counts() == self.counts
        first = self.counts
        assert first["tenants"] == 2
        assert first["donghu.OrgUnit"] == 1 + 3 + 12
        assert first["donghu.Secretary"] == 12
        assert first["xiling.OrgUnit"] == 1 + 1 + 2
        # A published scheme in each tenant; 东湖区's three past quarters, today's and the
        # annual evaluation, one assessment per secretary in each; 西陵区's current quarter.
        assert (first["donghu.Scheme"], first["xiling.Scheme"]) == (1, 1)
        assert (first["donghu.Cycle"], first["xiling.Cycle"]) == (5, 1)
        assert (first["donghu.Assessment"], first["xiling.Assessment"]) == (5 * 12, 2)
        assert first["donghu.SpecialIndicatorChoice"] == 12 * 5
        assert first["donghu.ScoreEntry"] > 3 * 12 * 15
        assert first["donghu.Result"] >= 4 * 12
        assert (first["donghu.Appeal"], first["donghu.AppealReview"]) == (1, 2)
        assert first["donghu.VetoRecord"] == 1
        assert first["donghu.AdjustmentRecord"] >= 5
        assert first["donghu.SelfEvaluation"] >= 3
        assert first["donghu.Rectification"] >= 3
        assert first["donghu.Campaign"] == 3 * 12 + 4
        assert first["donghu.Response"] > 3 * 12 * 30
        assert first["donghu.Alert"] > 0 and first["donghu.Incident"] == 1
        assert first["donghu.ReportArtifact"] == 2
        for username, *_ in DEMO.staff + NEIGHBOUR.staff:
            assert username in self.output
        assert PASSWORD in self.output
        assert "rating campaigns" in self.output
        call_command("verify_audit", stdout=StringIO())  # the services kept the chains whole

    def test_demo_has_one_user_per_role_and_mixed_communities(self) -> None:
        with tenant_context(self.tenant.pk):
            roles = set(
                Membership.objects.filter(tenant=self.tenant).values_list("role", flat=True)
            )
            types = set(
                OrgUnit.objects.filter(tenant=self.tenant, kind="community").values_list(
                    "community_type", flat=True
                )
            )
            stages = {s.career_stage for s in Secretary.objects.filter(tenant=self.tenant)}
        assert roles == set(Role)
        assert types == {"urban", "rural", "mountain"}
        assert len(stages) == 3

    def test_demo_logins_work(self) -> None:
        self._login("demo-assessor")
        api = self.client.get("/api/org-units/", {"page_size": 200}).json()
        assert {u["name"] for u in api["results"]} >= {"东湖街道", "幸福里社区"}
        assert "西山社区" not in {u["name"] for u in api["results"]}

    def test_the_secretary_of_xingfuli_has_published_scorecards_and_an_appeal(self) -> None:
        with tenant_context(self.tenant.pk):
            own = Assessment.objects.filter(secretary__user__username="sec-xingfuli")
            published = list(own.filter(state__in=PUBLISHED).order_by("cycle__starts_on"))
            latest = published[-1]
            result = Result.objects.get(assessment=latest)
            appeal = Appeal.objects.get(assessment=latest)
            reviews = list(appeal.reviews.values_list("decision", flat=True))
        assert len(published) == 3
        assert result.complete and result.total > 0 and result.grade
        assert appeal.status == Appeal.Status.UPHELD and reviews == ["escalate", "uphold"]
        self._login("sec-xingfuli")
        page = self.client.get(reverse("assessments:scorecard", args=[latest.pk]))
        assert page.status_code == 200
        assert f"{result.total}" in page.content.decode()

    def test_the_assessor_has_the_street_to_score_this_quarter(self) -> None:
        with tenant_context(self.tenant.pk):
            cycles = demo_cycles(self.tenant)
            assert cycles is not None
            street = Assessment.objects.filter(
                cycle=cycles.current, street__code="donghu-jd"
            ).select_related("community")
            assert street.count() == 4
            scoring = street.get(community__code="xingfuli")
            assert scoring.state == Assessment.State.SCORING
            assert Result.objects.get(assessment=scoring).missing > 0  # the grid shows gaps
            # The resident campaign has fed this quarter already.
            assert ScoreEntry.objects.filter(
                assessment=scoring, rater__isnull=True, rater_group__kind="residents"
            ).exists()
        self._login("demo-assessor")
        listing = self.client.get(reverse("assessments:list"), {"cycle": cycles.current.pk})
        assert listing.status_code == 200
        body = listing.content.decode()
        assert "幸福里社区" in body and "南湖社区" not in body
        grid = self.client.get(reverse("assessments:grid", args=[scoring.pk]))
        assert grid.status_code == 200

    def test_the_heat_map_has_colours(self) -> None:
        leader = actor_for_user(User.objects.get(username="demo-leader"))
        with tenant_context(self.tenant.pk):
            streets = heat_map_streets(heat_map_rows(actor=leader))
            cells = [cell for street in streets for cell in street["cells"]]
            alerts = set(Alert.objects.filter(tenant=self.tenant).values_list("rule", "level"))
        assert len(cells) == 12
        assert {cell["worst"] for cell in cells} >= {"red", "yellow"}
        # A veto, a total below the pass mark and the incident; talks' overdue feedback.
        assert {("veto", "red"), ("low_total", "red"), ("serious_incident", "red")} <= alerts
        assert ("feedback_overdue", "yellow") in alerts
        self._login("demo-leader")
        assert self.client.get(reverse("alerts:heat_map")).status_code == 200

    def test_the_ratings_wait_for_screening(self) -> None:
        with tenant_context(self.tenant.pk):
            cycles = demo_cycles(self.tenant)
            assert cycles is not None
            current = Campaign.objects.get(cycle=cycles.current, community__code="xingfuli")
            waiting = Response.objects.filter(
                campaign=current, screening=Response.Screening.PENDING
            )
            past = Campaign.objects.filter(cycle__in=cycles.published)
            assert waiting.count() > 0
            assert not Response.objects.filter(
                campaign__in=past, screening=Response.Screening.PENDING
            ).exists()
            assert {c.closes_on for c in past} == {c.ends_on for c in cycles.published}
