from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from assessments import services
from assessments.models import Assessment, JobProgress
from assessments.services.cycles import INLINE_OPEN_LIMIT
from organizations.selectors import actor_for_user
from tests import factories as f
from tests.assessments.workflow import published_scheme


def test_opening_a_big_cycle_runs_as_a_job_with_progress(
    cast, as_tenant, django_capture_on_commit_callbacks
):
    with as_tenant(cast.tenant_a):
        for n in range(INLINE_OPEN_LIMIT):
            f.SecretaryFactory(
                tenant=cast.tenant_a,
                community=f.CommunityFactory(
                    tenant=cast.tenant_a, parent=cast.street_a2, code=f"big{n}"
                ),
            )
        scheme = published_scheme(cast)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            cycle = services.cycle_open(
                actor=actor_for_user(cast.admin), kind="quarterly", year=2026, quarter=4, scheme=scheme,
                starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 12, 31),
            )  # fmt: skip
        progress = JobProgress.objects.get(key=f"cycle-open-{cycle.pk}")
        assert (progress.done, progress.total, progress.finished) == (
            0,
            INLINE_OPEN_LIMIT + 2,
            False,
        )
        assert not Assessment.objects.filter(cycle=cycle).exists()  # nothing until the job runs
        for callback in callbacks:
            callback()
        progress.refresh_from_db()
        assert (progress.done, progress.finished) == (INLINE_OPEN_LIMIT + 2, True)
        assert Assessment.objects.filter(cycle=cycle).count() == INLINE_OPEN_LIMIT + 2
        # Running the job again creates nothing twice.
        assert services.create_assessments(cycle_id=cycle.pk) == 0


def test_a_cycle_needs_a_published_scheme(cast, as_tenant):
    from indicators import services as scheme_services
    from tests.assessments.workflow import three_group_document

    with as_tenant(cast.tenant_a):
        draft = scheme_services.scheme_create_from_document(
            actor=actor_for_user(cast.admin), document=three_group_document()
        )
        with pytest.raises(ValidationError):
            services.cycle_open(
                actor=actor_for_user(cast.admin), kind="quarterly", year=2026, quarter=1, scheme=draft,
                starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 31),
            )  # fmt: skip
        assert not Assessment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_opening_job_commits_step_by_step_so_the_progress_bar_moves(
    cast, as_tenant, monkeypatch
):
    from django.db import connection

    from assessments import tasks

    with as_tenant(cast.tenant_a):
        for n in range(INLINE_OPEN_LIMIT + 3):
            f.SecretaryFactory(
                tenant=cast.tenant_a,
                community=f.CommunityFactory(
                    tenant=cast.tenant_a, parent=cast.street_a2, code=f"s{n}"
                ),
            )
        scheme = published_scheme(cast)
    monkeypatch.setattr(tasks, "OPEN_STEP", 20)
    seen: list[tuple[bool, int, int]] = []
    create = services.create_assessments

    def step(**kwargs):
        # Each step is its own outermost transaction (no savepoint): what it writes is
        # committed, and another connection sees the bar move, before the next step runs.
        progress = JobProgress.objects.get(key=f"cycle-open-{kwargs['cycle_id']}")
        seen.append((bool(connection.savepoint_ids), progress.done, progress.total))
        return create(**kwargs)

    monkeypatch.setattr(services, "create_assessments", step)
    with as_tenant(cast.tenant_a):
        cycle = services.cycle_open(
            actor=actor_for_user(cast.admin), kind="quarterly", year=2026, quarter=4, scheme=scheme,
            starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 12, 31),
        )  # fmt: skip
    total = INLINE_OPEN_LIMIT + 5  # the cast's two secretaries and the new ones
    # Eager tasks run on commit: the job ran in steps of 20, each seeing the last one's count.
    assert seen == [(False, done, total) for done in range(0, total, 20)]
    with as_tenant(cast.tenant_a):
        progress = JobProgress.objects.get(key=f"cycle-open-{cycle.pk}")
        assert (progress.done, progress.finished) == (total, True)
        assert Assessment.objects.filter(cycle=cycle).count() == total
