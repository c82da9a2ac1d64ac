"""Who may reach the warning pages and endpoints. The probed warning, incident and
escalation are tenant A's, in community a11 (street a1, the cast's assessor and secretary)."""

from __future__ import annotations

from django.urls import reverse

from tests.organizations.test_access_matrix import Probe

EVERYONE = {"anon": 302, "*": 200}
STAFF = {"anon": 302, "admin": 200, "leader": 200, "assessor": 200, "admin_b": 200, "*": 403}
ADMINS = {"anon": 302, "admin": 200, "admin_b": 200, "*": 403}
ASSESSORS = {"anon": 302, "admin": 200, "assessor": 200, "admin_b": 200, "*": 403}
# The object's page: everyone whose scope holds a11 (the unscoped expert does not).
IN_SCOPE = {"anon": 302, "expert": 404, "admin_b": 404, "*": 200}


def _write(ok: int) -> dict[str, int]:
    """A write to a11's object: its assessors and admins; another tenant's admin gets 404."""
    return {"anon": 302, "admin": ok, "assessor": ok, "admin_b": 404, "*": 403}


def _api_write(ok: int) -> dict[str, int]:
    return {"anon": 403, "admin": ok, "assessor": ok, "admin_b": 404, "*": 403}


def _alert(w):
    return w.a["alert"].pk


def _incident(w):
    return w.a["incident"].pk


API_IN_SCOPE = {"anon": 403, "expert": 404, "admin_b": 404, "*": 200}

ROWS: dict[str, Probe] = {
    "alerts:list": Probe("get", lambda w: reverse("alerts:list"), EVERYONE),
    "alerts:detail": Probe("get", lambda w: reverse("alerts:detail", args=[_alert(w)]), IN_SCOPE),
    "alerts:evidence": Probe("get", lambda w: reverse("alerts:evidence", args=[_alert(w)]), IN_SCOPE),
    "alerts:acknowledge": Probe("post", lambda w: reverse("alerts:acknowledge", args=[_alert(w)]), _write(302)),
    "alerts:handle": Probe("post", lambda w: reverse("alerts:handle", args=[_alert(w)]), _write(400)),
    "alerts:resolve": Probe("post", lambda w: reverse("alerts:resolve", args=[_alert(w)]), _write(302)),
    "alerts:rectify": Probe("get", lambda w: reverse("alerts:rectify", args=[_alert(w)]), _write(200)),
    "alerts:heat_map": Probe("get", lambda w: reverse("alerts:heat_map"), EVERYONE),
    "alerts:dashboard": Probe("get", lambda w: reverse("alerts:dashboard"), STAFF),
    "alerts:thresholds": Probe("get", lambda w: reverse("alerts:thresholds"), ADMINS),
    "alerts:incidents": Probe("get", lambda w: reverse("alerts:incidents"), EVERYONE),
    "alerts:incident_report": Probe("get", lambda w: reverse("alerts:incident_report"), ASSESSORS),
    "alerts:incident_close": Probe(
        "post", lambda w: reverse("alerts:incident_close", args=[_incident(w)]), _write(302)
    ),
    "alerts:escalations": Probe("get", lambda w: reverse("alerts:escalations"), STAFF),
    "warning-list": Probe("get", lambda w: reverse("warning-list"), {"anon": 403, "*": 200}),
    "warning-detail": Probe("get", lambda w: reverse("warning-detail", args=[_alert(w)]), API_IN_SCOPE),
    "warning-acknowledge": Probe("post", lambda w: reverse("warning-acknowledge", args=[_alert(w)]), _api_write(200)),
    "warning-handle": Probe(
        "post", lambda w: reverse("warning-handle", args=[_alert(w)]), _api_write(200), {"note": "已约谈整改"}, "json"
    ),
    # The probed warning is open: resolving it before it is handled is refused.
    "warning-resolve": Probe("post", lambda w: reverse("warning-resolve", args=[_alert(w)]), _api_write(400)),
    "warning-raise-rectification": Probe(
        "post", lambda w: reverse("warning-raise-rectification", args=[_alert(w)]), _api_write(400), {}, "json"
    ),
    "warning-threshold-list": Probe("get", lambda w: reverse("warning-threshold-list"), {"anon": 403, "*": 200}),
    "incident-list": Probe("get", lambda w: reverse("incident-list"), {"anon": 403, "*": 200}),
    "incident-detail": Probe("get", lambda w: reverse("incident-detail", args=[_incident(w)]), API_IN_SCOPE),
    "incident-close": Probe("post", lambda w: reverse("incident-close", args=[_incident(w)]), _api_write(200)),
    "escalation-list": Probe(
        "get", lambda w: reverse("escalation-list"),
        {"anon": 403, "admin": 200, "leader": 200, "assessor": 200, "admin_b": 200, "*": 403},
    ),
    "escalation-detail": Probe(
        "get", lambda w: reverse("escalation-detail", args=[w.a["escalation"].pk]),
        {"anon": 403, "admin": 200, "leader": 200, "assessor": 200, "admin_b": 404, "*": 403},
    ),
}  # fmt: skip
