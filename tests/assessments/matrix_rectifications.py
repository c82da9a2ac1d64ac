"""Access rows for the rectification pages (assessments/views/rectifications.py).

The probed rectification is open, in a11 (street a1), owned by the cast's secretary, with
evidence; the cast's expert has no street or community, so it is out of their scope. Write
probes carry empty bodies: once role and scope let the caller in, the form refuses (400)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.organizations.test_access_matrix import Probe

# Everyone whose scope holds a11: admins, leaders, the street's assessor, its secretary.
READ = {"anon": 302, "expert": 404, "admin_b": 404, "*": 200}
# Assessor pages on an object of tenant A: other roles are refused before the scope.
ASSESSOR_PAGE = {"anon": 302, "admin": 200, "assessor": 200, "admin_b": 404, "*": 403}


def _r(w: Any) -> int:
    return w.a["rectification"].pk


ROWS: dict[str, Probe] = {
    "assessments:rectification_list": Probe(
        "get", lambda w: reverse("assessments:rectification_list"), {"anon": 302, "*": 200}
    ),
    "assessments:rectification_detail": Probe(
        "get", lambda w: reverse("assessments:rectification_detail", args=[_r(w)]), READ
    ),
    "assessments:rectification_evidence": Probe(
        "get", lambda w: reverse("assessments:rectification_evidence", args=[_r(w)]), READ
    ),
    # The owner (secretary) and the street's assessors mark done; an empty body is refused.
    "assessments:rectification_done": Probe(
        "post",
        lambda w: reverse("assessments:rectification_done", args=[_r(w)]),
        {"anon": 302, "admin": 400, "assessor": 400, "secretary": 400, "admin_b": 404, "*": 403},
        {},
    ),
    "assessments:rectification_review": Probe(
        "post",
        lambda w: reverse("assessments:rectification_review", args=[_r(w)]),
        {"anon": 302, "admin": 400, "assessor": 400, "admin_b": 404, "*": 403},
        {},
    ),
    "assessments:rectification_raise": Probe(
        "get",
        lambda w: reverse("assessments:rectification_raise", args=[w.a["assessment"].pk]),
        ASSESSOR_PAGE,
    ),
    "assessments:rectification_carry": Probe(
        "get",
        lambda w: reverse("assessments:rectification_carry", args=[w.a["cycle"].pk]),
        ASSESSOR_PAGE,
    ),
    # An empty body names no cycles: refused by the body once the role lets the caller in.
    "rectification-carry-list": Probe(
        "post",
        lambda w: reverse("rectification-carry-list"),
        {"anon": 403, "admin": 400, "assessor": 400, "admin_b": 400, "*": 403},
        {},
        "json",
    ),
}
