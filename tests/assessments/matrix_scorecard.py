"""Who may reach the scorecard pages. The probed assessment is tenant A's draft in a11, of
the cast's secretary; the cast's expert is not assigned to it."""

from __future__ import annotations

from django.urls import reverse

from tests.organizations.test_access_matrix import Probe

# Everyone who can see the assessment: its street's assessor, its secretary, admins, leaders.
PAGE_ASSESSMENT = {"anon": 302, "expert": 404, "admin_b": 404, "*": 200}
# Its numbers: the draft's secretary sees none of them before publication (as if missing).
PAGE_NUMBERS = {**PAGE_ASSESSMENT, "secretary": 404}
# The assessed secretary's own pages: other roles are refused by role, before the scope.
SECRETARY_PAGE = {"anon": 302, "secretary": 200, "*": 403}


def _pk(w):
    return w.a["assessment"].pk


ROWS: dict[str, Probe] = {
    "assessments:scorecard": Probe(
        "get", lambda w: reverse("assessments:scorecard", args=[_pk(w)]), PAGE_ASSESSMENT
    ),
    "assessments:what_if": Probe(
        "post", lambda w: reverse("assessments:what_if", args=[_pk(w)]), PAGE_NUMBERS
    ),
    "assessments:evidence": Probe(
        "get",
        lambda w: reverse(
            "assessments:evidence", args=[_pk(w), "adjustment", w.a["adjustment"].pk]
        ),
        PAGE_NUMBERS,
    ),
    "assessments:appeal": Probe(
        "get", lambda w: reverse("assessments:appeal", args=[_pk(w)]), SECRETARY_PAGE
    ),
    "assessments:self_evaluation": Probe(
        "get", lambda w: reverse("assessments:self_evaluation", args=[_pk(w)]), SECRETARY_PAGE
    ),
}
