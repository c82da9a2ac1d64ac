from __future__ import annotations

from django.core.management import call_command

from audit.models import AuditRecord
from organizations.demo import DEMO, NEIGHBOUR
from organizations.models import Membership, OrgUnit, Secretary, Tenant, User
from organizations.rls import tenant_context
from organizations.tenancy import Role


def _counts() -> dict[str, int]:
    counts = {"tenants": Tenant.objects.count(), "users": User.objects.count()}
    for tenant in Tenant.objects.all():
        with tenant_context(tenant.pk):
            for model in (OrgUnit, Secretary, Membership, AuditRecord):
                counts[f"{tenant.code}.{model.__name__}"] = model.objects.filter(
                    tenant=tenant
                ).count()
    return counts


def test_seed_demo_builds_the_demo_and_is_idempotent(db, capsys) -> None:
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    assert first["tenants"] == 2
    assert first["donghu.OrgUnit"] == 1 + 3 + 12
    assert first["donghu.Secretary"] == 12
    assert first["xiling.OrgUnit"] == 1 + 1 + 2
    out = capsys.readouterr().out
    for username, *_ in DEMO.staff + NEIGHBOUR.staff:
        assert username in out
    assert "Kaoping-demo-2026" in out


def test_demo_has_one_user_per_role_and_mixed_communities(db) -> None:
    call_command("seed_demo")
    tenant = Tenant.objects.get(code=DEMO.code)
    with tenant_context(tenant.pk):
        roles = set(Membership.objects.filter(tenant=tenant).values_list("role", flat=True))
        types = set(
            OrgUnit.objects.filter(tenant=tenant, kind="community").values_list(
                "community_type", flat=True
            )
        )
        stages = {s.career_stage for s in Secretary.objects.filter(tenant=tenant)}
    assert roles == set(Role)
    assert types == {"urban", "rural", "mountain"}
    assert len(stages) == 3


def test_demo_logins_work(db, client) -> None:
    call_command("seed_demo")
    response = client.post(
        "/login/", {"username": "demo-assessor", "password": "Kaoping-demo-2026"}
    )
    assert response.status_code == 302
    api = client.get("/api/org-units/", {"page_size": 200}).json()
    assert {u["name"] for u in api["results"]} >= {"东湖街道", "幸福里社区"}
    assert "西山社区" not in {u["name"] for u in api["results"]}
