"""Who may reach the talk pages and endpoints. The probed talk is tenant A's routine talk in
a11 (street a1, the cast's assessor) with the cast's secretary, held 2026-07-10, its feedback
overdue; the cast's expert has no scope over it."""

from __future__ import annotations

from django.urls import reverse

from tests.organizations.test_access_matrix import Probe

STAFF_PAGE = {"anon": 302, "admin": 200, "leader": 200, "assessor": 200, "admin_b": 200, "*": 403}
ASSESSOR_PAGE = {"anon": 302, "admin": 200, "assessor": 200, "admin_b": 200, "*": 403}
ADMIN_PAGE = {"anon": 302, "admin": 200, "admin_b": 200, "*": 403}
# The talk: its street's assessor, its secretary, admins and leaders see it.
TALK_PAGE = {"anon": 302, "expert": 404, "admin_b": 404, "*": 200}
TALK_WRITE_PAGE = {"anon": 302, "admin": 200, "assessor": 200, "admin_b": 404, "*": 403}
API_STAFF = {"anon": 403, "admin": 200, "leader": 200, "assessor": 200, "admin_b": 200, "*": 403}
# Writes on the talk with a body the service refuses (feedback before the talk): 400.
API_TALK_WRITE = {"anon": 403, "admin": 400, "assessor": 400, "admin_b": 404, "*": 403}


def _talk(w):
    return w.a["talk"].pk


ROWS: dict[str, Probe] = {
    "interviews:list": Probe("get", lambda w: reverse("interviews:list"), STAFF_PAGE),
    "interviews:mine": Probe(
        "get", lambda w: reverse("interviews:mine"), {"anon": 302, "secretary": 200, "*": 403}
    ),
    "interviews:plan": Probe("get", lambda w: reverse("interviews:plan"), ASSESSOR_PAGE),
    "interviews:create": Probe("get", lambda w: reverse("interviews:create"), ASSESSOR_PAGE),
    "interviews:detail": Probe(
        "get", lambda w: reverse("interviews:detail", args=[_talk(w)]), TALK_PAGE
    ),
    "interviews:attachment": Probe(
        "get", lambda w: reverse("interviews:attachment", args=[_talk(w)]), TALK_PAGE
    ),
    "interviews:edit": Probe(
        "get", lambda w: reverse("interviews:edit", args=[_talk(w)]), TALK_WRITE_PAGE
    ),
    "interviews:feedback": Probe(
        "get", lambda w: reverse("interviews:feedback", args=[_talk(w)]), TALK_WRITE_PAGE
    ),
    "interviews:rectify": Probe(
        "get", lambda w: reverse("interviews:rectify", args=[_talk(w)]), TALK_WRITE_PAGE
    ),
    "interviews:latency": Probe("get", lambda w: reverse("interviews:latency"), STAFF_PAGE),
    "interviews:themes": Probe("get", lambda w: reverse("interviews:themes"), STAFF_PAGE),
    "interviews:settings": Probe("get", lambda w: reverse("interviews:settings"), ADMIN_PAGE),
    "interviews:theme_create": Probe(
        "get", lambda w: reverse("interviews:theme_create"), ADMIN_PAGE
    ),
    "interviews:theme_edit": Probe(
        "get",
        lambda w: reverse("interviews:theme_edit", args=[w.a["demand_theme"].pk]),
        {"anon": 302, "admin": 200, "admin_b": 404, "*": 403},
    ),
    "talk-list": Probe("get", lambda w: reverse("talk-list"), {"anon": 403, "*": 200}),
    "talk-detail": Probe(
        "get",
        lambda w: reverse("talk-detail", args=[_talk(w)]),
        {"anon": 403, "expert": 404, "admin_b": 404, "*": 200},
    ),
    "talk-feedback": Probe(
        "post",
        lambda w: reverse("talk-feedback", args=[_talk(w)]),
        API_TALK_WRITE,
        {"feedback": "书面反馈", "feedback_on": "2026-07-01"},
        "json",
    ),
    "talk-rectifications": Probe(
        "post",
        lambda w: reverse("talk-rectifications", args=[_talk(w)]),
        API_TALK_WRITE,
        {"title": ""},
        "json",
    ),
    # An empty body: refused by the serializer once the role is allowed.
    "talk-plan": Probe(
        "post",
        lambda w: reverse("talk-plan"),
        {"anon": 403, "admin": 400, "assessor": 400, "admin_b": 400, "*": 403},
        {},
        "json",
    ),
    "talk-latency": Probe("get", lambda w: reverse("talk-latency"), API_STAFF),
    "talk-themes": Probe("get", lambda w: reverse("talk-themes"), API_STAFF),
    "demand-theme-list": Probe("get", lambda w: reverse("demand-theme-list"), API_STAFF),
    "demand-theme-detail": Probe(
        "get",
        lambda w: reverse("demand-theme-detail", args=[w.a["demand_theme"].pk]),
        {**API_STAFF, "admin_b": 404},
    ),
    "talk-policy-list": Probe("get", lambda w: reverse("talk-policy-list"), API_STAFF),
}
