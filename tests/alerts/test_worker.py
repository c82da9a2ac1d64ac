"""The nightly job end to end: beat's task through Redis to a real worker, which fans out one
evaluation per tenant under that tenant's row-level security."""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from alerts.models import Alert
from config.celery import app
from organizations.rls import tenant_context


@pytest.mark.redis
@pytest.mark.postgres
def test_the_nightly_job_runs_on_a_real_worker(cast, quarters, transactional_db) -> None:
    from celery.contrib.testing.worker import start_worker

    quarters.publish(2026, 3, {cast.community_a11: "55.00"})
    beat_entry = app.conf.beat_schedule["evaluate-warnings-nightly"]
    previous = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(
        broker_url=settings.REDIS_URL, result_backend=settings.REDIS_URL, task_always_eager=False
    )
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            assert app.tasks[beat_entry["task"]].delay().get(timeout=20) == 2  # two tenants
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with tenant_context(cast.tenant_a.pk):
                    rules = set(Alert.objects.values_list("rule", flat=True))
                if rules:
                    break
                time.sleep(0.2)
    finally:
        app.conf.update(previous)
    assert rules == {"low_total", "category_below"}
    with tenant_context(cast.tenant_b.pk):
        assert not Alert.objects.exists()
