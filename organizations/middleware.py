from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from organizations.rls import set_db_tenant
from organizations.selectors import actor_for_user


class TenantMiddleware:
    """Run each request in one transaction with the acting user's tenant set for RLS.

    This replaces ATOMIC_REQUESTS: the tenant must be SET LOCAL inside the very transaction
    the view runs in. ``request.actor`` is the resolved Actor (None when anonymous or
    without a role). API requests authenticated by token set their tenant again in the API
    base viewset, once DRF has authenticated them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with transaction.atomic():
            user = request.user
            tenant_id = getattr(user, "tenant_id", None) if user.is_authenticated else None
            set_db_tenant(tenant_id)
            request.actor = actor_for_user(user, tenant_is_set=True) if tenant_id else None  # type: ignore[attr-defined]
            response = self.get_response(request)
            if response.status_code >= 500:
                # Exceptions have become responses by now; a server error must not commit.
                transaction.set_rollback(True)
            return response
