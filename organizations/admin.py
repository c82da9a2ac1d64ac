from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from organizations.admin_base import TenantScopedAdmin
from organizations.models import Membership, OrgUnit, Secretary, Tenant, User
from organizations.security import end_user_sessions


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "code", "is_active", "created_at"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "tenant", "is_active", "is_superuser"]
    list_filter = ["tenant", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "phone"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Kaoping"), {"fields": ("tenant", "full_name", "phone")}),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and not obj.is_active and "is_active" in form.changed_data:
            end_user_sessions(obj.pk)


@admin.register(OrgUnit)
class OrgUnitAdmin(TenantScopedAdmin):
    list_display = ["name", "kind", "code", "parent", "community_type", "is_active"]
    list_filter = ["kind", "community_type"]
    search_fields = ["name", "code"]


@admin.register(Secretary)
class SecretaryAdmin(TenantScopedAdmin):
    list_display = ["user", "community", "took_office", "left_office"]


@admin.register(Membership)
class MembershipAdmin(TenantScopedAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
