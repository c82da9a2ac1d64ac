"""The one way to write a Celery task that touches tenant data.

    @tenant_task(name="assessments.recompute_result")
    def recompute_result(tenant_id: int, assessment_id: int) -> None:
        services.result_recompute(assessment_id=assessment_id)

The task takes the tenant id as its first argument and runs inside ``tenant_context`` (one
transaction with the RLS tenant set). Tasks declared here must be idempotent: they are
acknowledged late and re-queued if a worker dies mid-way, and retried a bounded number of
times with exponential backoff on database and connection errors. Enqueue them with
``task.delay_on_commit(...)`` so a worker never looks for rows that are not committed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import InterfaceError, OperationalError

from config.celery import app
from organizations.rls import tenant_context

P = ParamSpec("P")
R = TypeVar("R")

RETRYABLE = (OperationalError, InterfaceError, ConnectionError)
MAX_RETRIES = 3


def tenant_task(
    name: str, *, one_transaction: bool = True, **options: Any
) -> Callable[[Callable[..., R]], Any]:
    """``one_transaction=False``: the task opens ``tenant_context`` itself for each step, so
    that a long job's steps (and the progress it reports) are committed as it goes; each
    step must then be idempotent on its own."""

    def decorate(func: Callable[..., R]) -> Any:
        @wraps(func)
        def run(tenant_id: int, *args: Any, **kwargs: Any) -> R:
            if not one_transaction:
                return func(tenant_id, *args, **kwargs)
            with tenant_context(tenant_id):
                return func(tenant_id, *args, **kwargs)

        return app.task(  # type: ignore[no-untyped-call]
            name=name,
            acks_late=True,
            reject_on_worker_lost=True,
            autoretry_for=RETRYABLE,
            max_retries=MAX_RETRIES,
            retry_backoff=True,
            retry_backoff_max=300,
            retry_jitter=True,
            **options,
        )(run)

    return decorate
