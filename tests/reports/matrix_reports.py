"""Who may reach the report pages and endpoints. The probed assessment is tenant A's in a11
(street a1) of the cast's secretary, with a stored result and no cached PDF (so a scorecard
download answers with the waiting page, or 202 in the API); the probed batch is street a1's,
finished, with its ZIP. The cast's leader sees the whole tenant; the expert is not assigned."""

from __future__ import annotations

from django.urls import reverse

from tests.organizations.test_access_matrix import Probe

PAGE_ASSESSMENT = {"anon": 302, "expert": 404, "admin_b": 404, "*": 200}
# Staff pages about tenant A's street a1: another tenant's admin passes the role, not the scope.
STAFF_OBJECT = {"anon": 302, "admin": 200, "leader": 200, "assessor": 200, "admin_b": 404, "*": 403}
STAFF_PAGE = {"anon": 302, "admin": 200, "leader": 200, "assessor": 200, "admin_b": 200, "*": 403}
WHOLE_TENANT = {"anon": 302, "admin": 200, "leader": 200, "admin_b": 404, "*": 403}
API_STAFF = {"anon": 403, "admin": 200, "leader": 200, "assessor": 200, "admin_b": 200, "*": 403}
API_STAFF_OBJECT = {
    "anon": 403,
    "admin": 200,
    "leader": 200,
    "assessor": 200,
    "admin_b": 404,
    "*": 403,
}


def _cycle(w):
    return w.a["cycle"].pk


def _batch(w):
    return w.a["report_batch"].pk


ROWS: dict[str, Probe] = {
    "reports:index": Probe("get", lambda w: reverse("reports:index"), {"anon": 302, "*": 200}),
    "reports:scorecard": Probe(
        "get",
        lambda w: reverse("reports:scorecard", args=[w.a["assessment"].pk]),
        # The probed assessment is a draft: its secretary gets no scorecard yet.
        {**PAGE_ASSESSMENT, "secretary": 404},
    ),
    "reports:street_summary": Probe(
        "get",
        lambda w: reverse("reports:street_summary", args=[_cycle(w), w.street_a1.pk]),
        STAFF_OBJECT,
    ),
    "reports:tenant_summary": Probe(
        "get", lambda w: reverse("reports:tenant_summary", args=[_cycle(w)]), WHOLE_TENANT
    ),
    "reports:excel": Probe(
        "get",
        lambda w: (
            reverse("reports:excel", args=[_cycle(w), "ranking"]) + f"?street={w.street_a1.pk}"
        ),
        STAFF_OBJECT,
    ),
    "reports:batch_list": Probe("get", lambda w: reverse("reports:batch_list"), STAFF_PAGE),
    "reports:batch_create": Probe("get", lambda w: reverse("reports:batch_create"), STAFF_PAGE),
    "reports:batch_detail": Probe(
        "get", lambda w: reverse("reports:batch_detail", args=[_batch(w)]), STAFF_OBJECT
    ),
    "reports:batch_download": Probe(
        "get", lambda w: reverse("reports:batch_download", args=[_batch(w)]), STAFF_OBJECT
    ),
    "report-scorecard-list": Probe(
        "get", lambda w: reverse("report-scorecard-list"), {"anon": 403, "*": 200}
    ),
    "report-scorecard-detail": Probe(
        "get",
        lambda w: reverse("report-scorecard-detail", args=[w.a["assessment"].pk]),
        {"anon": 403, "expert": 404, "admin_b": 404, "secretary": 404, "*": 200},
    ),
    "report-scorecard-pdf": Probe(
        "get",
        lambda w: reverse("report-scorecard-pdf", args=[w.a["assessment"].pk]),
        {"anon": 403, "expert": 404, "admin_b": 404, "secretary": 404, "*": 202},
    ),
    "report-batch-list": Probe("get", lambda w: reverse("report-batch-list"), API_STAFF),
    "report-batch-detail": Probe(
        "get", lambda w: reverse("report-batch-detail", args=[_batch(w)]), API_STAFF_OBJECT
    ),
    "report-batch-download": Probe(
        "get", lambda w: reverse("report-batch-download", args=[_batch(w)]), API_STAFF_OBJECT
    ),
}
