"""A published scheme version is immutable through every path; editing makes a new version."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from indicators import services
from indicators.documents import scheme_to_document
from indicators.models import Category, Indicator, Scheme, SchemeLockedError
from organizations.selectors import actor_for_user
from tests.indicators.documents import small_document


@pytest.fixture
def admin_actor(cast):
    return actor_for_user(cast.admin)


@pytest.fixture
def published(cast, admin_actor, as_tenant) -> Scheme:
    with as_tenant(cast.tenant_a):
        scheme = services.scheme_create_from_document(actor=admin_actor, document=small_document())
        return services.scheme_publish(actor=admin_actor, scheme=scheme)


def _snapshot(scheme: Scheme, as_tenant, tenant) -> dict:
    with as_tenant(tenant):
        scheme.refresh_from_db()
        return {"state": scheme.state, "name": scheme.name, "document": scheme_to_document(scheme)}


def test_service_refuses_every_edit_of_a_published_version(cast, admin_actor, as_tenant, published):
    before = _snapshot(published, as_tenant, cast.tenant_a)
    with as_tenant(cast.tenant_a):
        category = Category.objects.get(scheme=published, code="jichu")
        indicator = Indicator.objects.get(scheme=published, code="laji")
        attempts = [
            lambda: services.scheme_update(actor=admin_actor, scheme=published, name="改"),
            lambda: services.category_save(
                actor=admin_actor, scheme=published, category=category, weight=Decimal(50)
            ),
            lambda: services.indicator_save(
                actor=admin_actor, scheme=published, indicator=indicator, max_points=Decimal(5)
            ),
            lambda: services.indicator_delete(actor=admin_actor, indicator=indicator),
            lambda: services.veto_item_save(
                actor=admin_actor, scheme=published, code="x", name="x", description="x"
            ),
            lambda: services.scheme_delete_draft(actor=admin_actor, scheme=published),
            lambda: services.scheme_publish(actor=admin_actor, scheme=published),
        ]
        for attempt in attempts:
            with pytest.raises(SchemeLockedError) as exc:
                attempt()
            assert "cannot be changed" in str(exc.value.messages) or "不能" in str(
                exc.value.messages
            )
    assert _snapshot(published, as_tenant, cast.tenant_a) == before


def test_model_and_queryset_paths_are_refused(cast, as_tenant, published):
    before = _snapshot(published, as_tenant, cast.tenant_a)
    with as_tenant(cast.tenant_a):
        published.name = "改名"
        with pytest.raises(SchemeLockedError):
            published.save()
        published.refresh_from_db()
        category = Category.objects.get(scheme=published, code="jichu")
        category.weight = Decimal(1)
        with pytest.raises(SchemeLockedError):
            category.save()
        with pytest.raises(SchemeLockedError):
            Category.objects.filter(scheme=published).update(weight=Decimal(1))
        with pytest.raises(SchemeLockedError):
            Indicator.objects.filter(scheme=published).delete()
        with pytest.raises(SchemeLockedError):
            Category.objects.bulk_create(
                [Category(tenant=cast.tenant_a, scheme=published, code="x", name="x", weight=1)]
            )
    assert _snapshot(published, as_tenant, cast.tenant_a) == before


@pytest.mark.postgres
def test_the_database_refuses_raw_sql_on_a_published_version(cast, as_tenant, published):
    with as_tenant(cast.tenant_a):
        for sql in [
            "UPDATE indicators_scheme SET name = 'x' WHERE id = %s",
            "UPDATE indicators_category SET weight = 1 WHERE scheme_id = %s",
            "DELETE FROM indicators_indicator WHERE scheme_id = %s",
            "DELETE FROM indicators_scheme WHERE id = %s",
        ]:
            with (
                pytest.raises(DatabaseError, match="published"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [published.pk])


def test_api_edit_of_a_published_version_fails_clearly_and_changes_nothing(
    cast, as_tenant, published
):
    before = _snapshot(published, as_tenant, cast.tenant_a)
    client = cast.client_for("admin")
    with as_tenant(cast.tenant_a):
        category = Category.objects.get(scheme=published, code="jichu")
    responses = [
        client.patch(reverse("scheme-detail", args=[published.pk]), {"name": "改"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"),
        client.patch(reverse("scheme-category-detail", args=[category.pk]), {"weight": "50"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"),
        client.delete(reverse("scheme-category-detail", args=[category.pk]), HTTP_ACCEPT_LANGUAGE="en"),
        client.post(reverse("scheme-veto-list"), {"scheme": published.pk, "code": "v2", "name": "v", "description": "v"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"),
    ]  # fmt: skip
    for response in responses:
        assert response.status_code == 409, response.content
        assert "published and cannot be changed" in response.content.decode()
    assert _snapshot(published, as_tenant, cast.tenant_a) == before


def test_admin_edit_of_a_published_version_fails_clearly_and_changes_nothing(
    cast, as_tenant, published
):
    before = _snapshot(published, as_tenant, cast.tenant_a)
    client = cast.client_for("admin")
    url = reverse("admin:indicators_scheme_change", args=[published.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: (value if value is not None else "")
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update({"name": "管理后台改名", "pay_tier_shares": "[]"})
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for field in management.fields:
            data[f"{management.prefix}-{field}"] = management.initial.get(field, 0)
        for index, inline_form in enumerate(inline.formset.forms):
            for name in inline_form.fields:
                value = inline_form.initial.get(name)
                data[f"{inline.formset.prefix}-{index}-{name}"] = "" if value is None else value
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "published and cannot be changed" in response.content.decode()
    assert _snapshot(published, as_tenant, cast.tenant_a) == before


def test_new_version_copies_everything_into_a_draft(cast, admin_actor, as_tenant, published):
    with as_tenant(cast.tenant_a):
        draft = services.scheme_new_version(actor=admin_actor, scheme=published)
        assert (draft.version, draft.state, draft.based_on_id) == (2, "draft", published.pk)
        old, new = scheme_to_document(published), scheme_to_document(draft)
        assert old == new
        services.scheme_update(actor=admin_actor, scheme=draft, name="第二版")
        category = Category.objects.get(scheme=draft, code="jichu")
        services.category_save(
            actor=admin_actor, scheme=draft, category=category, weight=Decimal(55)
        )
        published.refresh_from_db()
        assert published.name == "测试方案"
        assert Category.objects.get(scheme=published, code="jichu").weight == Decimal(60)
        with pytest.raises(ValidationError, match="draft"):
            services.scheme_new_version(actor=admin_actor, scheme=published)


def test_retire_is_the_only_change_a_published_version_takes(
    cast, admin_actor, as_tenant, published
):
    with as_tenant(cast.tenant_a):
        services.scheme_retire(actor=admin_actor, scheme=published)
        published.refresh_from_db()
        assert published.state == "retired"
        with pytest.raises(ValidationError):
            services.scheme_retire(actor=admin_actor, scheme=published)


def test_an_invalid_draft_cannot_be_published(cast, admin_actor, as_tenant):
    document = small_document("broken")
    document["categories"][0]["weight"] = Decimal(55)  # 55 + 40 = 95
    document["indicators"][2].pop("target")
    with as_tenant(cast.tenant_a):
        draft = services.scheme_create_from_document(actor=admin_actor, document=document)
        with pytest.raises(ValidationError) as exc:
            services.scheme_publish(actor=admin_actor, scheme=draft)
        draft.refresh_from_db()
        assert draft.state == "draft"
    errors = exc.value.message_dict
    assert "categories.weight" in errors
    assert "indicators.laji.target" in errors


def test_changes_to_weights_are_audited(cast, admin_actor, as_tenant):
    from audit.models import AuditRecord

    with as_tenant(cast.tenant_a):
        draft = services.scheme_create_from_document(
            actor=admin_actor, document=small_document("audited")
        )
        category = Category.objects.get(scheme=draft, code="jichu")
        services.category_save(
            actor=admin_actor, scheme=draft, category=category, weight=Decimal(50)
        )
        record = AuditRecord.objects.filter(
            tenant=cast.tenant_a, action="scheme.category.save"
        ).latest("seq")
    assert record.before["weight"] == "60.00" and record.after["weight"] == "50"
