"""Bad input changes nothing and is answered with a message, never a server error.

API: every write operation of the OpenAPI schema (a new endpoint fails
``test_every_api_write_is_swept`` until it has a row in ``API``), one test per app, receives an empty body, every
field of the wrong type, every bounded string one character too long, every number one past
its range and every unbounded integer past what a database column holds. Each must answer 400
naming the fields it refused, and leave every table as it was.

Forms: the main HTML forms get the same treatment from their own field definitions (see
``FORMS``); the page must show the form again with an error on each field it refused.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse

from indicators import services as scheme_services
from organizations.fragments import forget_local_fragments
from organizations.rls import tenant_context
from organizations.selectors import actor_for_user
from residents.models import Response

BIG_INT = 2**63  # past every integer column, bigint included
HTTP_EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


# The world: one of everything in tenant A (tests/populate.py) and a draft scheme to edit.


@dataclass
class World:
    cast: Any
    a: dict[str, Any]
    draft: Any

    def part(self, model: str) -> int:
        with tenant_context(self.cast.tenant_a.pk):
            return int(
                apps.get_model("indicators", model)
                .objects.filter(scheme=self.draft)
                .order_by("pk")
                .values_list("pk", flat=True)[0]
            )


@pytest.fixture
def world(cast: Any) -> World:
    from tests.populate import populate_tenant

    rows = populate_tenant(admin=cast.admin, secretary=cast.secretary, rater=cast.assessor)
    actor = actor_for_user(cast.admin)
    assert actor is not None
    with tenant_context(cast.tenant_a.pk):
        draft = scheme_services.scheme_new_version(actor=actor, scheme=rows["scheme"])
        # Released, so that the secretary may answer it.
        Response.objects.filter(pk=rows["response"].pk).update(
            screening=Response.Screening.RELEASED
        )
    return World(cast, rows, draft)


def row_counts(tenant: Any) -> dict[str, int]:
    """Rows of every table, as the tenant sees them (and everything, on SQLite); not the
    sessions, which the sweep's own logins create."""
    with tenant_context(tenant.pk):
        return {
            model._meta.label: model._base_manager.count()
            for model in apps.get_models()
            if model._meta.managed
            and not model._meta.proxy
            and model._meta.label != "sessions.Session"
        }


# API ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    user: str | None
    pk: Callable[[World], Any] | None = None


def _a(key: str) -> Callable[[World], Any]:
    return lambda w: w.a[key].pk


API: dict[str, Call] = {
    "POST /api/adjustments/": Call("assessor"),
    "POST /api/appeals/": Call("secretary"),
    "POST /api/appeals/{id}/review/": Call("admin", _a("appeal")),
    "POST /api/assessments/{id}/assign-expert/": Call("assessor", _a("assessment")),
    "POST /api/assessments/{id}/self-evaluation/": Call("secretary", _a("assessment")),
    "POST /api/assessments/{id}/transition/": Call("assessor", _a("assessment")),
    "POST /api/assessments/{id}/what-if/": Call("admin", _a("assessment")),
    "POST /api/auth/token/": Call(None),
    "POST /api/cycles/": Call("admin"),
    "POST /api/demand-themes/": Call("admin"),
    "PATCH /api/demand-themes/{id}/": Call("admin", _a("demand_theme")),
    "POST /api/incidents/": Call("assessor"),
    "POST /api/memberships/": Call("admin"),
    "POST /api/org-units/": Call("admin"),
    "PUT /api/org-units/{id}/": Call("admin", lambda w: w.cast.community_a11.pk),
    "PATCH /api/org-units/{id}/": Call("admin", lambda w: w.cast.community_a11.pk),
    "POST /api/public/ratings/": Call(None),
    "POST /api/rating-campaigns/": Call("assessor"),
    "POST /api/rating-campaigns/{id}/cards/": Call("assessor", _a("campaign")),
    "POST /api/rating-suggestions/{id}/answer/": Call("secretary", _a("response")),
    "POST /api/rating-suggestions/{id}/screen/": Call("assessor", _a("response")),
    "POST /api/rectification-carry/": Call("assessor"),
    "POST /api/rectifications/": Call("assessor"),
    "POST /api/rectifications/{id}/done/": Call("secretary", _a("rectification")),
    "POST /api/rectifications/{id}/review/": Call("assessor", _a("rectification")),
    "POST /api/report-batches/": Call("admin"),
    "POST /api/scheme-adjustments/": Call("admin"),
    "PATCH /api/scheme-adjustments/{id}/": Call("admin", lambda w: w.part("AdjustmentItem")),
    "POST /api/scheme-categories/": Call("admin"),
    "PATCH /api/scheme-categories/{id}/": Call("admin", lambda w: w.part("Category")),
    "POST /api/scheme-indicators/": Call("admin"),
    "PATCH /api/scheme-indicators/{id}/": Call("admin", lambda w: w.part("Indicator")),
    "POST /api/scheme-rater-groups/": Call("admin"),
    "PATCH /api/scheme-rater-groups/{id}/": Call("admin", lambda w: w.part("RaterGroup")),
    "POST /api/scheme-vetoes/": Call("admin"),
    "PATCH /api/scheme-vetoes/{id}/": Call("admin", lambda w: w.part("VetoItem")),
    "POST /api/schemes/": Call("admin"),
    "PATCH /api/schemes/{id}/": Call("admin", lambda w: w.draft.pk),
    "POST /api/schemes/{id}/preview/": Call("admin", lambda w: w.draft.pk),
    "POST /api/score-entries/": Call("assessor"),
    "POST /api/special-indicators/": Call("secretary"),
    "POST /api/special-indicators/{id}/decide/": Call("assessor", _a("choice")),
    "POST /api/talk-policy/": Call("admin"),
    "POST /api/talks/": Call("assessor"),
    "PUT /api/talks/{id}/": Call("assessor", _a("talk")),
    "POST /api/talks/{id}/feedback/": Call("assessor", _a("talk")),
    "POST /api/talks/{id}/rectifications/": Call("assessor", _a("talk")),
    "POST /api/talks/plan/": Call("assessor"),
    "POST /api/users/": Call("admin"),
    "PATCH /api/users/{id}/": Call("admin", lambda w: w.cast.expert.pk),
    "POST /api/vetoes/": Call("assessor"),
    "POST /api/vetoes/{id}/decide/": Call("admin", _a("veto")),
    "POST /api/warning-thresholds/": Call("admin"),
    "POST /api/warnings/{id}/handle/": Call("assessor", _a("alert")),
    "POST /api/warnings/{id}/raise-rectification/": Call("assessor", _a("alert")),
}


@functools.cache
def _schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-any-return]


def _body_schema(operation: dict[str, Any]) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {})
    for media in content.values():
        ref = media["schema"].get("$ref", "")
        component = _schema()["components"]["schemas"].get(ref.rsplit("/", 1)[-1])
        if component and component.get("properties"):
            return dict(component)
    return None


def _api_writes() -> dict[str, dict[str, Any]]:
    """'METHOD path' -> the request body's schema, for every write that takes a body."""
    writes = {}
    for path, operations in _schema()["paths"].items():
        for method, operation in operations.items():
            body = _body_schema(operation) if method in ("post", "put", "patch") else None
            if body is not None:
                writes[f"{method.upper()} {path}"] = body
    return writes


def _resolve(prop: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in prop:
        return dict(_schema()["components"]["schemas"][prop["$ref"].rsplit("/", 1)[-1]])
    for key in ("allOf", "oneOf"):
        if key in prop:
            merged = dict(prop)
            for part in prop[key]:
                merged |= _resolve(part)
            return merged
    return prop


def _writable(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: _resolve(prop)
        for name, prop in body["properties"].items()
        if not prop.get("readOnly") and not _resolve(prop).get("readOnly")
    }


def _wrong_type(prop: dict[str, Any]) -> Any:
    kind, fmt = prop.get("type"), prop.get("format")
    if "enum" in prop:
        return "no-such-choice"
    if kind == "integer" or fmt == "decimal" or kind == "number":
        return "twelve"
    if fmt == "date":
        return "2026-02-31"
    if fmt == "binary":
        return "not a file"
    if kind == "boolean":
        return "perhaps"
    if kind == "array":
        return "not a list"
    if kind == "object":
        return ["not", "an", "object"]
    return {"not": "a string"}


def _too_big(prop: dict[str, Any]) -> Any:
    """A value one past the field's bounds, or None when it has none to pass."""
    kind, fmt = prop.get("type"), prop.get("format")
    if kind == "string" and "maxLength" in prop and fmt != "binary":
        return "长" * (prop["maxLength"] + 1)
    if kind == "integer":
        if "maximum" in prop and prop["maximum"] < 2**31 - 1:
            return prop["maximum"] + 1
        return BIG_INT
    if fmt == "decimal":
        return "9" * 30
    return None


def _too_small(prop: dict[str, Any]) -> Any:
    if prop.get("type") == "integer" and "minimum" in prop:
        return prop["minimum"] - 1
    return None


def _typed(prop: dict[str, Any]) -> bool:
    """A field the serializer checks itself. Free-form JSON (no type in the schema: weights,
    pay tiers, community types) is checked by the service, which a body that fails in its
    other fields never reaches; such fields are sent bad all the same, but need not be named."""
    return "type" in prop or "enum" in prop


def _cases(body: dict[str, Any]) -> list[tuple[str, dict[str, Any], set[str]]]:
    """(name, request body, fields that must be named in the answer)."""
    fields = _writable(body)
    typed = {k for k, p in fields.items() if _typed(p)}
    cases = []
    if body.get("required"):
        cases.append(("empty", {}, set(body["required"])))
    cases.append(("wrong type", {k: _wrong_type(p) for k, p in fields.items()}, typed))
    for name, pick in (("too big", _too_big), ("too small", _too_small)):
        values = {k: pick(p) for k, p in fields.items()}
        values = {k: v for k, v in values.items() if v is not None}
        if values:
            cases.append((name, values, set(values) & typed))
    return cases


def _named(answer: Any) -> set[str]:
    """The field names an error answer refers to (top level of a DRF error body)."""
    return set(answer) if isinstance(answer, dict) else set()


def _messages(answer: Any) -> list[str]:
    if isinstance(answer, dict):
        return [m for value in answer.values() for m in _messages(value)]
    if isinstance(answer, list):
        return [m for value in answer for m in _messages(value)]
    return [str(answer)] if answer else []


def test_every_api_write_is_swept() -> None:
    writes = set(_api_writes())
    assert writes - set(API) == set(), "API writes with no bad-input row"
    assert set(API) - writes == set(), "rows for writes the schema no longer has"


def _api_app(operation: str) -> str:
    """The app whose view answers the operation (the sweep runs one test per app)."""
    view = resolve(operation.split(" ", 1)[1].replace("{id}", "1")).func
    return str(view.cls.__module__).split(".")[0]  # type: ignore[attr-defined]


def _sweep_api(cast: Any, world: World, operation: str) -> list[str]:
    """What is wrong with the operation's answers to bad bodies (nothing, when all is well)."""
    call, body = API[operation], _api_writes()[operation]
    method, path = operation.split(" ", 1)
    url = path.replace("{id}", str(call.pk(world))) if call.pk else path
    client = cast.client_for(call.user)
    problems = []
    for case, data, expected in _cases(body):
        response = getattr(client, method.lower())(
            url, data, content_type="application/json", **HTTP_EN
        )
        if response.status_code != 400:
            problems.append(
                f"{operation} {case}: {response.status_code} {response.content[:200]!r}"
            )
            continue
        answer = response.json()
        # Every refused field the serializer checks is named, with a message.
        missing = expected - _named(answer)
        if missing or not _messages(answer):
            problems.append(f"{operation} {case}: {sorted(missing)} not named in {answer}")
    return problems


@pytest.mark.parametrize("app", sorted({_api_app(op) for op in API}))
def test_bad_api_input_is_refused_and_changes_nothing(cast, world, app: str) -> None:
    before = row_counts(cast.tenant_a)
    problems = [p for op in sorted(API) if _api_app(op) == app for p in _sweep_api(cast, world, op)]
    assert not problems, "\n".join(problems)
    assert row_counts(cast.tenant_a) == before


# Forms --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A form: who fills it in, the page that shows it (and the context name it has there),
    and where it is sent when that is another address."""

    user: str | None
    url: Callable[[World], str]
    key: str = "form"
    post: Callable[[World], str] | None = None
    # Refused with a message on the page it returns to (the errors are not per field there).
    redirects: bool = False


def _url(name: str, *args: Callable[[World], Any]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[arg(w) for arg in args])


_assessment, _talk, _alert, _item = _a("assessment"), _a("talk"), _a("alert"), _a("rectification")
_campaign = _a("campaign")


def _draft(w: World) -> int:
    return int(w.draft.pk)


FORMS: dict[str, Page] = {
    "organizations/unit create": Page("admin", _url("organizations:unit_create")),
    "organizations/unit edit": Page(
        "admin", _url("organizations:unit_edit", lambda w: w.cast.community_a11.pk)
    ),
    "organizations/user create": Page("admin", _url("organizations:user_create")),
    "organizations/role grant": Page(
        "admin", _url("organizations:user_detail", lambda w: w.cast.expert.pk)
    ),
    "indicators/scheme create": Page("admin", _url("indicators:create")),
    "indicators/scheme import": Page("admin", _url("indicators:import")),
    "indicators/indicator": Page("admin", _url("indicators:indicator_create", _draft)),
    "indicators/bonus or deduction item": Page(
        "admin", _url("indicators:adjustment_create", _draft)
    ),
    "indicators/veto item": Page("admin", _url("indicators:veto_create", _draft)),
    "assessments/cycle open": Page("admin", _url("assessments:cycle_open")),
    "assessments/bonus or deduction": Page(
        "assessor",
        _url("assessments:grid", _assessment),
        "adjustment_form",
        _url("assessments:adjustment_add", _assessment),
    ),
    "assessments/veto": Page(
        "assessor",
        _url("assessments:grid", _assessment),
        "veto_form",
        _url("assessments:veto_propose", _assessment),
    ),
    "assessments/rectification raise": Page(
        "assessor", _url("assessments:rectification_raise", _assessment)
    ),
    "assessments/rectification done": Page(
        "secretary",
        _url("assessments:rectification_detail", _item),
        "done_form",
        _url("assessments:rectification_done", _item),
    ),
    "assessments/rectification review": Page(
        "assessor",
        _url("assessments:rectification_detail", _item),
        "review_form",
        _url("assessments:rectification_review", _item),
    ),
    "assessments/appeal": Page("secretary", _url("assessments:appeal", _assessment)),
    "assessments/self-evaluation": Page(
        "secretary", _url("assessments:self_evaluation", _assessment)
    ),
    "interviews/talk plan": Page("assessor", _url("interviews:plan")),
    "interviews/talk record": Page("assessor", _url("interviews:create")),
    "interviews/talk edit": Page("assessor", _url("interviews:edit", _talk)),
    "interviews/talk feedback": Page("assessor", _url("interviews:feedback", _talk)),
    "interviews/talk rectification": Page("assessor", _url("interviews:rectify", _talk)),
    "interviews/talk policy": Page("admin", _url("interviews:settings")),
    "interviews/demand theme": Page("admin", _url("interviews:theme_create")),
    "alerts/warning thresholds": Page("admin", _url("alerts:thresholds")),
    "alerts/incident": Page("assessor", _url("alerts:incident_report")),
    "alerts/warning handled": Page(
        "assessor", _url("alerts:detail", _alert), "handle_form", _url("alerts:handle", _alert)
    ),
    "alerts/warning rectification": Page("assessor", _url("alerts:rectify", _alert)),
    "residents/rating campaign": Page("assessor", _url("residents:create")),
    "residents/rating cards": Page(
        "assessor",
        _url("residents:detail", _campaign),
        "batch_form",
        _url("residents:batch_create", _campaign),
        redirects=True,
    ),
    "residents/complaints import": Page("assessor", _url("residents:paradox")),
    "residents/resident rating": Page(None, lambda w: reverse("rate_open", args=[w.a["poster"]])),
    "notifications/notification settings": Page("secretary", _url("notifications:preferences")),
    "reports/report batch": Page("admin", _url("reports:batch_create")),
}


def _form_wrong_type(field: Any) -> Any:
    from django import forms

    if isinstance(field, forms.FileField):
        return SimpleUploadedFile("page.html", b"<html><script>alert(1)</script></html>")
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ["999999999"]
    if isinstance(field, forms.ModelChoiceField):
        return "999999999"
    if isinstance(field, forms.ChoiceField):
        return "no-such-choice"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "twelve"
    if isinstance(field, forms.DateField):
        return "2026-02-31"
    if isinstance(field, forms.EmailField):
        return "not an address"
    return None


def _form_too_big(field: Any) -> Any:
    from django import forms

    if isinstance(field, forms.IntegerField | forms.DecimalField):
        limit = field.max_value
        return BIG_INT if limit is None else limit + 1
    if isinstance(field, forms.CharField) and field.max_length:
        return "长" * (field.max_length + 1)
    return None


def _form_too_small(field: Any) -> Any:
    from django import forms

    if isinstance(field, forms.IntegerField | forms.DecimalField) and field.min_value is not None:
        return field.min_value - 1
    return None


def _form_cases(form: Any) -> list[tuple[str, dict[str, Any], set[str]]]:
    cases: list[tuple[str, dict[str, Any], set[str]]] = []
    if any(f.required for f in form.fields.values()):
        cases.append(("empty", {}, set()))
    for name, pick in (("wrong type", _form_wrong_type), ("too big", _form_too_big), ("too small", _form_too_small)):  # fmt: skip
        values = {n: pick(f) for n, f in form.fields.items() if not f.disabled}
        values = {n: v for n, v in values.items() if v is not None}
        if values:
            cases.append((name, values, set(values)))
    return cases


def _sweep_form(cast: Any, world: World, name: str) -> list[str]:
    page = FORMS[name]
    client = cast.client_for(page.user)
    # Drawn afresh, not read back from the fragment cache: its form is then in the context.
    forget_local_fragments()
    cache.clear()
    shown = client.get(page.url(world), **HTTP_EN)
    if shown.status_code != 200:
        return [f"{name}: the page answers {shown.status_code}"]
    form = shown.context[page.key]
    target = (page.post or page.url)(world)
    problems = []
    for case, values, expected in _form_cases(form):
        # A browser always sends the CSRF token, so even an empty form arrives bound.
        data = {"csrfmiddlewaretoken": "-", **{form.add_prefix(n): v for n, v in values.items()}}
        response = client.post(target, data, **HTTP_EN)
        if page.redirects:
            told = [m for m in response.wsgi_request._messages if m.level_tag == "error"]
            if response.status_code != 302 or not told:
                problems.append(f"{name} {case}: {response.status_code}, no error message")
            continue
        refused = response.context.get(page.key) if response.context else None
        if response.status_code not in (200, 400) or refused is None or not refused.errors:
            problems.append(f"{name} {case}: {response.status_code}, no error shown")
            continue
        missing = expected - set(refused.errors)
        if missing:
            problems.append(f"{name} {case}: {sorted(missing)} not named in {refused.errors}")
    return problems


@pytest.mark.parametrize("app", sorted({name.split("/")[0] for name in FORMS}))
def test_bad_form_input_is_refused_and_changes_nothing(cast, world, as_tenant, app: str) -> None:
    with as_tenant(cast.tenant_a):
        from residents.printing import campaign_poster_token

        world.a["poster"] = campaign_poster_token(world.a["campaign"])
    before = row_counts(cast.tenant_a)
    problems = [
        p
        for name in sorted(FORMS)
        if name.split("/")[0] == app
        for p in _sweep_form(cast, world, name)
    ]
    assert not problems, "\n".join(problems)
    assert row_counts(cast.tenant_a) == before
