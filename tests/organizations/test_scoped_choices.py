"""Foreign keys in request bodies: every writable related field of every API serializer and
every model choice of every form offers only what the acting user may see.

A field left with an unscoped queryset would accept another tenant's or another street's
id in a POST or PATCH. These tests build each serializer and form of the project as a
street assessor of tenant A (street a1) and as tenant B's admin, and look at every row each
related field would accept. On PostgreSQL row-level security hides the other tenant as well;
the street boundary, and on SQLite the tenant boundary, rest on the scoped querysets alone.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.db.models import Model, QuerySet
from django.test import RequestFactory
from rest_framework import serializers
from rest_framework.request import Request

from organizations.models import OrgUnit, User
from organizations.rls import tenant_context
from organizations.selectors import actor_for_user
from tests.populate import populate_peer, populate_tenant

pytestmark = pytest.mark.django_db

APPS = ("organizations", "indicators", "assessments", "interviews", "residents", "alerts",
        "notifications", "reports", "audit")  # fmt: skip


def _project_classes(base: type) -> list[type]:
    """Every subclass of ``base`` defined in the project's apps (modules imported first)."""
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)
    found: list[type] = []
    stack = [base]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.__module__.split(".")[0] in APPS and not inspect.isabstract(sub):
                found.append(sub)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _world(cast: Any) -> dict[str, Any]:
    rows = populate_tenant(admin=cast.admin, secretary=cast.secretary, rater=cast.assessor)
    populate_peer(rows=rows, secretary=cast.secretary_a21, rater=cast.assessor_a2, mark="")
    populate_tenant(admin=cast.admin_b, secretary=cast.secretary_b, rater=cast.assessor_b)
    return rows


def _outside(row: Model, cast: Any, user: str) -> bool:
    """Whether ``row`` lies outside what ``user`` (the a1 assessor or B's admin) may see."""
    own = cast.tenant_b if user == "admin_b" else cast.tenant_a
    if isinstance(row, User):
        return row.tenant_id != own.pk or (
            user == "assessor" and row.username in {"a-secretary-21", "a-assessor-2"}
        )
    tenant_id = getattr(row, "tenant_id", own.pk)
    if tenant_id != own.pk:
        return True
    if user != "assessor":
        return False
    other_street = {cast.street_a2.pk, cast.community_a21.pk, cast.community_a22.pk}
    if isinstance(row, OrgUnit):
        return row.pk in other_street
    return any(getattr(row, f, None) in other_street for f in ("street_id", "community_id"))


def _related_querysets(fields: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for name, field in fields.items():
        if getattr(field, "read_only", False):
            continue
        if isinstance(field, serializers.ManyRelatedField):
            yield prefix + name, field.child_relation.get_queryset()
        elif isinstance(field, serializers.RelatedField):
            yield prefix + name, field.get_queryset()
        elif isinstance(field, serializers.ListSerializer):
            yield from _related_querysets(field.child.fields, f"{prefix}{name}.")
        elif isinstance(field, serializers.Serializer):
            yield from _related_querysets(field.fields, f"{prefix}{name}.")


def _offered(queryset: Any) -> list[Model]:
    assert isinstance(queryset, QuerySet), "a related field's choices must be a queryset"
    return list(queryset[:500])


@pytest.mark.parametrize("user", ["assessor", "admin_b"])
def test_api_serializers_accept_only_ids_in_scope(cast, user: str) -> None:
    _world(cast)
    person = getattr(cast, user)
    request = Request(RequestFactory().post("/api/"))
    request.user = person
    checked, outside = 0, []
    with tenant_context(person.tenant_id):
        actor = actor_for_user(person, tenant_is_set=True)
        request.actor = actor  # type: ignore[attr-defined]
        for cls in _project_classes(serializers.Serializer):
            if issubclass(cls, serializers.ModelSerializer) and not hasattr(cls, "Meta"):
                continue  # a base for model serializers, not one itself
            serializer = cls(context={"actor": actor, "request": request})
            for name, queryset in _related_querysets(serializer.fields):
                checked += 1
                outside += [
                    (cls.__name__, name, str(row))
                    for row in _offered(queryset)
                    if _outside(row, cast, user)
                ]
    assert checked >= 15, f"only {checked} related fields found: is the enumeration broken?"
    assert not outside, f"{user} is offered rows outside the scope: {outside}"


def _form_kwargs(form: type, kit: dict[str, Any]) -> dict[str, Any] | None:
    """The keyword arguments a form's constructor needs, from the kit; None if it needs
    something the kit lacks."""
    kwargs = {}
    for name, parameter in inspect.signature(form.__init__).parameters.items():
        if parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        if name in kit:
            kwargs[name] = kit[name]
        elif parameter.default is inspect.Parameter.empty:
            return None
    return kwargs


@pytest.mark.parametrize("user", ["assessor", "admin_b"])
def test_form_choices_offer_only_rows_in_scope(cast, user: str) -> None:
    from assessments.selectors import cycle_list_for_actor
    from organizations.selectors import unit_list_for_actor

    rows = _world(cast)
    person = getattr(cast, user)
    checked, outside, unbuilt = 0, [], []
    with tenant_context(person.tenant_id):
        actor = actor_for_user(person, tenant_is_set=True)
        own = user != "admin_b"
        kit = {
            "actor": actor,
            "scheme": rows["scheme"] if own else None,
            "assessment": rows["assessment"] if own else None,
            "cycle": rows["cycle"] if own else None,
            "campaign": rows["campaign"] if own else None,
            "community_id": cast.community_a11.pk if own else cast.community_b11.pk,
            "cycles": cycle_list_for_actor(actor=actor),
            "communities": unit_list_for_actor(actor=actor).filter(kind="community"),
            "indicators": [],
            "current": {},
        }
        for cls in _project_classes(forms.BaseForm):
            kwargs = _form_kwargs(cls, kit)
            choice_fields = [
                (name, field)
                for name, field in getattr(cls, "base_fields", {}).items()
                if isinstance(field, forms.ModelChoiceField)
            ]
            if not choice_fields:
                continue
            if kwargs is None or any(value is None for value in kwargs.values()):
                unbuilt.append(cls.__name__)
                continue
            form = cls(**kwargs)
            for name, _field in choice_fields:
                checked += 1
                outside += [
                    (cls.__name__, name, str(row))
                    for row in _offered(form.fields[name].queryset)
                    if _outside(row, cast, user)
                ]
    assert checked >= 15, f"only {checked} choice fields checked; not built: {unbuilt}"
    assert not outside, f"{user} is offered rows outside the scope: {outside}"
