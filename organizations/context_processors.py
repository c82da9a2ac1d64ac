from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import Role

# The navigation: each entry shows only for the roles that may use it.
# (label, url name, icon, roles)
NAV: list[tuple[Any, str, str, frozenset[Role]]] = [
    (_("Home"), "home", "house", frozenset(Role)),
    (
        _("Organisation"),
        "organizations:tree",
        "diagram-3",
        frozenset({Role.TENANT_ADMIN, Role.DISTRICT_LEADER, Role.STREET_ASSESSOR}),
    ),
    (_("Assessments"), "assessments:list", "clipboard-data", frozenset(Role)),
    (
        _("Talks"),
        "interviews:list",
        "chat-square-text",
        frozenset({Role.TENANT_ADMIN, Role.DISTRICT_LEADER, Role.STREET_ASSESSOR}),
    ),
    (_("My talks"), "interviews:mine", "chat-square-text", frozenset({Role.SECRETARY})),
    (_("Rectifications"), "assessments:rectification_list", "wrench-adjustable", frozenset(Role)),
    (
        _("Cycles"),
        "assessments:cycle_list",
        "calendar3",
        frozenset({Role.TENANT_ADMIN, Role.DISTRICT_LEADER, Role.STREET_ASSESSOR}),
    ),
    (_("Indicator schemes"), "indicators:list", "list-check", frozenset(Role)),
    (_("Warnings"), "alerts:heat_map", "exclamation-triangle", frozenset(Role)),
    (_("Resident ratings"), "residents:list", "qr-code", frozenset(Role) - {Role.EXPERT}),
    (_("Reports"), "reports:index", "file-earmark-pdf", frozenset(Role)),
    (_("Users and roles"), "organizations:users", "people", frozenset({Role.TENANT_ADMIN})),
]


def actor(request: HttpRequest) -> dict[str, Any]:
    current = getattr(request, "actor", None)
    if current is None:
        return {"actor": None, "nav_items": []}
    items = [
        {"label": label, "url": reverse(url_name), "icon": icon, "active": False}
        for label, url_name, icon, roles in NAV
        if current.has_role(*roles)
    ]
    # The entry whose URL is the longest prefix of the current path is the active one.
    matches = [item for item in items if request.path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return {"actor": current, "nav_items": items}
