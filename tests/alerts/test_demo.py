from __future__ import annotations

from django.core.management import call_command

from alerts.models import Alert, Incident
from organizations.models import Tenant
from organizations.rls import tenant_context


def test_the_demo_shows_a_red_warning_and_is_idempotent(db) -> None:
    call_command("seed_demo")
    call_command("seed_demo")
    tenant = Tenant.objects.get(code="donghu")
    with tenant_context(tenant.pk):
        assert Incident.objects.count() == 1
        assert list(Alert.objects.values_list("rule", "level")) == [("serious_incident", "red")]
