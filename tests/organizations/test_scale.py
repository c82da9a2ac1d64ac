"""``seed_scale``: the performance data set, at six communities. Counts, complete results,
row-level security and an audit chain that verifies."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from alerts.models import Alert
from assessments.models import Assessment, Cycle, Result, ScoreEntry
from audit.models import AuditRecord
from interviews.models import Talk
from organizations.models import Membership, OrgUnit, Secretary, Tenant
from residents.models import Answer, Campaign, Response, UsedCard

pytestmark = pytest.mark.postgres

RESPONSES = 12


@pytest.fixture
def seeded(db, capsys):
    call_command("seed_scale", communities=6, code="scale-t", responses=RESPONSES)
    out = capsys.readouterr().out
    return Tenant.objects.get(code="scale-t"), out


def test_six_communities_with_a_year_of_everything(seeded, as_tenant) -> None:
    tenant, out = seeded
    assert "Built in" in out and "scale-t-admin" in out
    with as_tenant(tenant):
        assert OrgUnit.objects.filter(kind="community").count() == 6
        assert OrgUnit.objects.filter(kind="street").count() == 1
        assert Secretary.objects.count() == 6
        assert Membership.objects.filter(role="street_assessor").count() == 1
        assert list(Cycle.objects.order_by("quarter").values_list("quarter", flat=True)) == [
            1,
            2,
            3,
            4,
        ]
        assert Assessment.objects.count() == 24
        assert set(Assessment.objects.values_list("state", flat=True)) == {"final", "published"}
        # Every assessment fully scored: each has entries and a complete result with ranks.
        per_assessment = Assessment.objects.annotate(n=Count("entries")).values_list("n", flat=True)
        assert min(per_assessment) > 10
        results = Result.objects.all()
        assert results.count() == 24
        assert all(r.complete and r.missing == 0 and r.rank_in_street for r in results)
        assert (
            ScoreEntry.objects.filter(rater_group__kind="expert").values("rater").distinct().count()
            == 3
        )
        assert Campaign.objects.count() == 24
        assert Response.objects.count() == 24 * RESPONSES
        assert Answer.objects.count() == 5 * 24 * RESPONSES
        assert (
            UsedCard.objects.count() == Response.objects.filter(channel="card").count() == 24 * 11
        )
        # A routine talk per community and quarter, and a talk on one matter for every eighth.
        assert Talk.objects.filter(kind="routine").count() == 24
        assert Talk.objects.filter(kind="special").count() == 4
        # The weakest community (quality 0.5) is below the pass mark: a red warning.
        assert Alert.objects.filter(level="red").exists()
    # The other tenants see none of it.
    other = Tenant.objects.create(name="别处", code="elsewhere")
    with as_tenant(other):
        assert Assessment.objects.count() == 0 and ScoreEntry.objects.count() == 0


def test_the_audit_chain_verifies(seeded, as_tenant, capsys) -> None:
    tenant, _out = seeded
    with as_tenant(tenant):
        records = AuditRecord.objects.filter(tenant=tenant)
        # The scheme's creation and publication, 4 cycles opened, 24 × 2 transitions, the
        # rectifications raised.
        assert records.filter(action="assessment.transition").count() == 48
        assert records.filter(action="cycle.open").count() == 4
        count = records.count()
    call_command("verify_audit")
    assert f"ok      scale-t: {count} records" in capsys.readouterr().out


def test_running_again_changes_nothing_and_another_size_is_refused(
    seeded, as_tenant, capsys
) -> None:
    tenant, _out = seeded
    call_command("seed_scale", communities=6, code="scale-t")
    assert "already there" in capsys.readouterr().out
    with as_tenant(tenant):
        assert Assessment.objects.count() == 24
    with pytest.raises(ValueError, match="exists with 6 communities"):
        call_command("seed_scale", communities=7, code="scale-t")
    with pytest.raises(CommandError):
        call_command("seed_scale", communities=0, code="scale-u")
