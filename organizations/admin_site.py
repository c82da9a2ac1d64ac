from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import Role


class KaopingAdminSite(admin.AdminSite):
    """Django admin for platform superusers (tenants, users) and for tenant administrators
    (their own tenant's rows only, through TenantScopedAdmin)."""

    site_header = _("Kaoping administration")
    site_title = _("Kaoping")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_active:
            return False
        actor = getattr(request, "actor", None)
        return bool(user.is_superuser or (actor is not None and actor.has_role(Role.TENANT_ADMIN)))
