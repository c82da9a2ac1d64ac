"""The demo talks: made once, with themes and feedback of varied delays; the pages render."""

from __future__ import annotations

from django.urls import reverse

from interviews.demo import seed_demo_interviews
from interviews.models import Talk, TalkTheme
from organizations.demo import seed_demo
from organizations.models import User
from organizations.rls import tenant_context


def test_the_demo_talks_are_made_once_with_themes(
    db, client, django_capture_on_commit_callbacks
) -> None:
    tenant = seed_demo()[0]
    with django_capture_on_commit_callbacks(execute=True):
        made = seed_demo_interviews(tenant)
    assert made == 24  # two talks in each of the twelve communities
    assert seed_demo_interviews(tenant) == 0
    with tenant_context(tenant.pk):
        assert Talk.objects.filter(tenant=tenant, feedback_on__isnull=False).exists()
        assert Talk.objects.filter(tenant=tenant, feedback_on__isnull=True).exists()
        assert TalkTheme.objects.filter(tenant=tenant).values("theme").distinct().count() >= 6
    client.force_login(User.objects.get(username="demo-leader"))
    for name in ("interviews:list", "interviews:latency", "interviews:themes"):
        assert client.get(reverse(name), {"start": "2020-01-01"}).status_code == 200
