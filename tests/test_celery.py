from __future__ import annotations

import pytest
from django.conf import settings

from config.celery import app
from organizations import tasks as organization_tasks
from organizations.models import OrgUnit
from organizations.tasks_base import MAX_RETRIES, tenant_task


@tenant_task(name="tests.count_visible_units")
def count_visible_units(tenant_id: int) -> int:
    # Deliberately unfiltered: on PostgreSQL only RLS limits this to the task's tenant.
    return OrgUnit.objects.count()


def test_tenant_tasks_are_late_acked_bounded_and_retried_with_backoff() -> None:
    task = app.tasks["tests.count_visible_units"]
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert task.max_retries == MAX_RETRIES == 3
    assert task.retry_backoff is True
    assert task.autoretry_for


def test_other_tasks_keep_early_ack() -> None:
    assert app.conf.task_acks_late is False
    assert organization_tasks.clear_expired_sessions.acks_late is False


def test_one_visibility_timeout_everywhere_and_longer_than_any_task() -> None:
    app.loader.import_default_modules()
    timeout = settings.CELERY_VISIBILITY_TIMEOUT
    assert app.conf.broker_transport_options["visibility_timeout"] == timeout
    assert app.conf.result_backend_transport_options["visibility_timeout"] == timeout
    # Every task, including those with a time limit of their own (the report batch): a
    # message still running when the timeout passes is handed to a second worker.
    limits = {name: task.time_limit or app.conf.task_time_limit for name, task in app.tasks.items()}
    assert limits["reports.build_batch"] > app.conf.task_time_limit
    assert timeout > max(limits.values())


def test_beat_schedule_names_registered_tasks() -> None:
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]


@pytest.mark.postgres
def test_a_tenant_task_sees_only_its_tenant(cast) -> None:
    assert count_visible_units.delay(cast.tenant_a.pk).get() == 7
    assert count_visible_units.delay(cast.tenant_b.pk).get() == 3


def test_delay_on_commit_waits_for_the_commit(cast, django_capture_on_commit_callbacks) -> None:
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        count_visible_units.delay_on_commit(cast.tenant_a.pk)
    assert len(callbacks) == 1


@pytest.mark.redis
def test_a_real_worker_runs_a_task_through_redis(db) -> None:
    from celery.contrib.testing.worker import start_worker

    previous = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(
        broker_url=settings.REDIS_URL, result_backend=settings.REDIS_URL, task_always_eager=False
    )
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = app.tasks["organizations.tasks.clear_expired_sessions"].delay()
            assert result.get(timeout=20) == 0
    finally:
        app.conf.update(previous)
