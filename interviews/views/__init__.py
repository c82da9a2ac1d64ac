"""Pages of the talks app: the talks themselves (``talks``), the feedback-latency and
demand-theme pages (``insights``) and the tenant's talk settings (``settings``). Each module
keeps its own ``urlpatterns``."""

from __future__ import annotations

from django.http import HttpRequest

from organizations.tenancy import Actor


def actor_of(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]
