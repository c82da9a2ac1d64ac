"""Access rows for the cycle pages (assessments/views/cycles.py and leniency.py) and their
API twins. The probed cycle is tenant A's; its opening job is in tests/populate.py. These
pages are for staff: experts and secretaries are refused by role (403), and the leniency
report, which names individual raters, never reaches a secretary."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.organizations.test_access_matrix import Probe

STAFF_LIST = {"anon": 302, "admin": 200, "leader": 200, "assessor": 200, "admin_b": 200, "*": 403}
STAFF_OBJECT = {"anon": 302, "admin": 200, "leader": 200, "assessor": 200, "admin_b": 404, "*": 403}
API_STAFF_OBJECT = {"anon": 403, "admin": 200, "leader": 200, "assessor": 200, "admin_b": 404, "*": 403}  # fmt: skip


def _c(w: Any) -> int:
    return w.a["cycle"].pk


ROWS: dict[str, Probe] = {
    "assessments:cycle_list": Probe("get", lambda w: reverse("assessments:cycle_list"), STAFF_LIST),
    "assessments:cycle_open": Probe(
        "get",
        lambda w: reverse("assessments:cycle_open"),
        {"anon": 302, "admin": 200, "admin_b": 200, "*": 403},
    ),
    "assessments:cycle_opening": Probe(
        "get", lambda w: reverse("assessments:cycle_opening", args=[_c(w)]), STAFF_OBJECT
    ),
    "assessments:cycle_opening_status": Probe(
        "get", lambda w: reverse("assessments:cycle_opening_status", args=[_c(w)]), STAFF_OBJECT
    ),
    "assessments:cycle_leniency": Probe(
        "get", lambda w: reverse("assessments:cycle_leniency", args=[_c(w)]), STAFF_OBJECT
    ),
    "cycle-leniency-detail": Probe(
        "get", lambda w: reverse("cycle-leniency-detail", args=[_c(w)]), API_STAFF_OBJECT
    ),
    "job-detail": Probe(
        "get", lambda w: reverse("job-detail", args=[w.a["job"].key]), API_STAFF_OBJECT
    ),
}
