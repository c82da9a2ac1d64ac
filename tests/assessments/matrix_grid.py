"""Access rows for the street assessor's pages (assessments/views/grid.py).

The probed assessment is a draft in a11 (street a1) of the cast's secretary; the cast's
expert is not assigned to it, and its veto was proposed by the street's assessor. Write
probes carry bodies the services refuse where the caller is allowed, so the status shows
the role and scope layers: a refused step redirects to the grid with a message, a refused
form shows the grid again with its errors (400)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.organizations.test_access_matrix import Probe


def _a(w: Any) -> int:
    return w.a["assessment"].pk


# Admins, the street's assessor and the assessed secretary (self group); a leader has no
# rater role (403); the unassigned expert and the other tenant's admin do not find it (404).
GRID = {"anon": 302, "admin": 200, "assessor": 200, "secretary": 200, "leader": 403, "*": 404}
# Writes reserved to assessors: other roles are refused before the scope is looked at.
ASSESSOR_WRITE = {"anon": 302, "admin": 302, "assessor": 302, "admin_b": 404, "*": 403}
# Bonus/deduction and veto forms: an empty body comes back as the grid with the errors
# next to the fields (400).
ASSESSOR_FORM = {**ASSESSOR_WRITE, "admin": 400, "assessor": 400}

ROWS: dict[str, Probe] = {
    "assessments:list": Probe(
        "get", lambda w: reverse("assessments:list"), {"anon": 302, "*": 200}
    ),
    "assessments:grid": Probe("get", lambda w: reverse("assessments:grid", args=[_a(w)]), GRID),
    # An empty body: refused by the form (400) once role and scope have let the caller in.
    "assessments:grid_save": Probe(
        "post",
        lambda w: reverse("assessments:grid_save", args=[_a(w)]),
        {"anon": 302, "admin": 400, "assessor": 400, "secretary": 400, "leader": 403, "*": 404},
        {},
    ),
    # The populated entry is the street assessor's, with evidence: its rater and those who
    # may see raters' entries download it; the assessed secretary never does (404).
    "assessments:entry_evidence": Probe(
        "get",
        lambda w: reverse("assessments:entry_evidence", args=[_a(w), w.a["entry"].pk]),
        {"anon": 302, "admin": 200, "assessor": 200, "leader": 403, "*": 404},
    ),
    # draft → scoring is not a legal step: refused with a message, state unchanged.
    "assessments:transition": Probe(
        "post",
        lambda w: reverse("assessments:transition", args=[_a(w)]),
        {"anon": 302, "admin": 302, "assessor": 302, "secretary": 302, "admin_b": 404, "*": 403},
        {"to_state": "scoring"},
    ),
    "assessments:adjustment_add": Probe(
        "post", lambda w: reverse("assessments:adjustment_add", args=[_a(w)]), ASSESSOR_FORM, {}
    ),
    "assessments:veto_propose": Probe(
        "post", lambda w: reverse("assessments:veto_propose", args=[_a(w)]), ASSESSOR_FORM, {}
    ),
    "assessments:veto_decide": Probe(
        "post",
        lambda w: reverse("assessments:veto_decide", args=[_a(w), w.a["veto"].pk]),
        ASSESSOR_WRITE,
        {"approve": "0"},
    ),
}
