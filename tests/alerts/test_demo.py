from __future__ import annotations

from django.core.management import call_command

from alerts.models import Alert, Incident
from organizations.models import Tenant
from organizations.rls import tenant_context


def test_the_demo_shows_a_red_warning_and_is_idempotent(db) -> None:
    call_command("seed_demo")
    tenant = Tenant.objects.get(code="donghu")
    with tenant_context(tenant.pk):
        first = sorted(Alert.objects.values_list("rule", "level", "community_id"))
    call_command("seed_demo")
    with tenant_context(tenant.pk):
        assert Incident.objects.count() == 1
        alerts = sorted(Alert.objects.values_list("rule", "level", "community_id"))
        assert alerts == first  # seeding again duplicates nothing
        assert [(r, lvl) for r, lvl, _ in alerts if lvl == "red"] == [("serious_incident", "red")]
        # The demo talks feed the talk rules too: overdue feedback shows as yellow.
        assert ("feedback_overdue", "yellow") in {(r, lvl) for r, lvl, _ in alerts}
