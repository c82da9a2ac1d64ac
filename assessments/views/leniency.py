"""Rater leniency (人情分): per cycle, the raters whose scores sit far from their group's,
and each assessment's total with and without them. Nothing here changes a score.

For street assessors (their streets' assessments), tenant admins and district leaders. A
secretary never reaches this page: it names individual raters."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from assessments import leniency
from assessments.selectors import cycle_list_for_actor
from organizations.decorators import role_required
from organizations.selectors import get_scoped_or_404
from organizations.tenancy import Actor, Role

PAGE_SIZE = 25
READERS = (Role.TENANT_ADMIN, Role.DISTRICT_LEADER, Role.STREET_ASSESSOR)


class ThresholdForm(forms.Form):
    threshold = forms.DecimalField(
        label=gettext_lazy("Flag raters who deviate by more than (points of 100)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        max_digits=5,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}),
    )

    def threshold_or_default(self) -> Decimal:
        if self.is_valid() and self.cleaned_data["threshold"] is not None:
            return Decimal(self.cleaned_data["threshold"])
        return leniency.DEFAULT_THRESHOLD


@role_required(*READERS)
@require_GET
def cycle_leniency(request: HttpRequest, pk: int) -> HttpResponse:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    cycle = get_scoped_or_404(cycle_list_for_actor(actor=actor), pk=pk)
    form = ThresholdForm(request.GET or None, initial={"threshold": leniency.DEFAULT_THRESHOLD})
    threshold = form.threshold_or_default()
    within = leniency.assessments_for_leniency(actor=actor, cycle=cycle)
    raters = leniency.rater_leniency(cycle=cycle, threshold=threshold, within=within)
    flagged = [r for r in raters if r.flagged]
    page = Paginator(within, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "cycle": cycle, "form": form, "threshold": threshold, "compared": len(raters),
        "flagged": leniency.described(cycle=cycle, raters=flagged),
        "page": page, "query": query,
        "rows": leniency.totals_rows(list(page.object_list), {r.rater_id for r in flagged}),
    }  # fmt: skip
    return render(request, "assessments/cycle_leniency.html", context)


urlpatterns: list[URLPattern] = [
    path("cycles/<int:pk>/leniency/", cycle_leniency, name="cycle_leniency"),
]
