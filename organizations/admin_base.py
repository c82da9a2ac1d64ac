from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest


class TenantScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Django admin for a tenant-owned model: rows of the acting user's scope only.

    Platform superusers have no tenant and therefore see no tenant-owned rows here (the RLS
    wall would hide them anyway); they manage tenants and users.
    """

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.model.objects.for_actor(getattr(request, "actor", None))  # type: ignore[attr-defined,no-any-return]
