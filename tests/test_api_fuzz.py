"""Fuzzing the API against its own OpenAPI schema with schemathesis, as a tenant admin and as
a street assessor (token auth), over one row of every kind (tests/populate.py).

The schema is loaded from the app through WSGI (/api/schema/), and every operation in it
gets three batches of requests: valid ones as the schema describes them, invalid ones
(schemathesis' negative mode), and valid ones aimed at a row that exists (the path's id
replaced by the first id the user can see: random ids alone mostly meet 404). Every
response must not be a server error and must conform to the schema: a documented status
code, a documented content type, and a body that matches the schema for that code.

Examples are derandomised, so a run is reproducible; a failure names the operation, the
batch and the check, with a curl command that replays the request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from organizations.api.base import ScopedViewSet
from organizations.rls import tenant_context
from organizations.selectors import actor_for_user

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
# Examples per operation and batch: about 1,000 requests for each user, half a minute.
POSITIVE, NEGATIVE, EXISTING = 3, 2, 4


@dataclass
class Run:
    operations: int = 0
    requests: int = 0
    server_errors: int = 0
    succeeded: set[str] = field(default_factory=set)  # operations that answered 2xx
    failures: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{self.operations} operations, {self.requests} requests, {len(self.succeeded)} "
            f"operations answered 2xx, {self.server_errors} server errors, "
            f"{len(self.failures)} failing"
        )


@contextmanager
def connection_kept() -> Iterator[None]:
    """As Django's test client does: the requests run inside the test's transaction, so
    Django must not close the connection at the end of each (on PostgreSQL it would)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def existing_id(path: str, user: Any) -> str | None:
    """The id of the first row the user sees through ``path``'s viewset, if it has one."""
    if "{id}" not in path:
        return None
    try:
        view = getattr(resolve(path.replace("{id}", "1")).func, "cls", None)
    except Resolver404:
        return None
    if view is None or not issubclass(view, ScopedViewSet):
        return None
    with tenant_context(user.tenant_id):
        actor = actor_for_user(user)
        viewset = view(action="retrieve", kwargs={}, format_kwarg=None)
        # Enough of a request for what the views' scoped_queryset reads.
        viewset.request = SimpleNamespace(user=user, actor=actor, query_params={}, data={})
        pk = viewset.scoped_queryset(actor).order_by("pk").values_list("pk", flat=True).first()
    return None if pk is None else str(pk)


def _aimed(case: Any, pk: str) -> Any:
    case.path_parameters = {**case.path_parameters, "id": pk}
    return case


def fuzz(user: Any) -> Run:
    token = Token.objects.create(user=user)
    headers = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", get_wsgi_application(), headers=headers
    )
    run = Run()
    for result in schema.get_all_operations():
        operation = result.ok()
        run.operations += 1
        positive = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
        batches = [
            ("positive", POSITIVE, positive),
            ("negative", NEGATIVE, operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)),
        ]
        pk = existing_id(operation.path, user)
        if pk is not None:
            batches.append(("existing", EXISTING, positive.map(partial(_aimed, pk=pk))))
        for name, examples, strategy in batches:
            try:
                _batch(run, operation.label, name, examples, strategy, headers)
            except Unsatisfiable:
                # Nothing to make invalid: an operation with no parameters and no body.
                assert name == "negative", operation.label
    return run


def _batch(
    run: Run, label: str, name: str, examples: int, strategy: Any, headers: dict[str, str]
) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: every failure is recorded
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def send(case: Any) -> None:
        response = case.call(headers=headers)
        run.requests += 1
        run.server_errors += response.status_code >= 500
        if response.status_code < 300:
            run.succeeded.add(label)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Failure, FailureGroup) as exc:
            kinds = sorted({type(e).__name__ for e in getattr(exc, "exceptions", [exc])})
            run.failures.setdefault(
                f"{label} ({name}: {', '.join(kinds)})", f"{response.status_code} {exc}"
            )

    send()


@pytest.mark.parametrize("role", ["admin", "assessor"])
def test_the_api_keeps_to_its_schema(cast, role) -> None:
    from tests.populate import populate_tenant

    populate_tenant(admin=cast.admin, secretary=cast.secretary, rater=cast.assessor)
    with connection_kept():
        run = fuzz(getattr(cast, role))
    print(f"\n{role}: {run.summary()}")
    report = "\n\n".join(f"{key}: {value}" for key, value in sorted(run.failures.items()))
    assert not run.failures, f"{run.summary()}\n\n{report}"
    assert run.server_errors == 0
    # The fuzzing reached the app, not only its doors: a good part of the API answered 2xx.
    assert run.operations >= 140 and len(run.succeeded) >= 50, run.summary()
