from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from audit.services import audit_record
from organizations.models import User
from organizations.tenancy import Role


def _is_tenant_admin(request: HttpRequest) -> bool:
    actor = getattr(request, "actor", None)
    return actor is not None and actor.has_role(Role.TENANT_ADMIN)


class TenantScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Django admin for a tenant-owned model: the acting tenant admin's rows only.

    Platform superusers have no tenant and therefore see no tenant-owned rows here (the RLS
    wall would hide them anyway); they manage tenants and users. Saves set the tenant and are
    audited.
    """

    exclude = ("tenant",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.model.objects.for_actor(getattr(request, "actor", None))  # type: ignore[attr-defined,no-any-return]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_tenant_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_tenant_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _is_tenant_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_tenant_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_tenant_admin(request)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        actor = request.actor  # type: ignore[attr-defined]
        obj.tenant_id = actor.tenant_id  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)
        audit_record(
            tenant_id=actor.tenant_id,
            actor=User.objects.get(pk=actor.user_id),
            action=f"admin.{'change' if change else 'add'}",
            obj=obj,
            after={"changed": form.changed_data},
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            if hasattr(inline_form.instance, "tenant_id"):
                inline_form.instance.tenant_id = request.actor.tenant_id  # type: ignore[attr-defined]
        super().save_formset(request, form, formset, change)


class TenantScopedInline(admin.TabularInline):  # type: ignore[type-arg]
    exclude = ("tenant",)
    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_tenant_admin(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_tenant_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_tenant_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_tenant_admin(request)
