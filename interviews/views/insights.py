"""What the talks add up to: the talk-to-feedback distribution per street and the residents'
most frequent needs, over a period (this year by default)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from interviews import selectors
from interviews.forms import STAFF_ROLES, PeriodForm
from interviews.views import actor_of
from organizations.decorators import role_required
from organizations.models import OrgUnit


def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date, dt.date, int | None]:
    today = timezone.localdate()
    form = PeriodForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    start = data.get("start") or dt.date(today.year, 1, 1)
    end = data.get("end") or today
    return form, start, end, data.get("street")


def _streets(request: HttpRequest) -> list[OrgUnit]:
    units = OrgUnit.objects.for_actor(actor_of(request)).filter(kind=OrgUnit.Kind.STREET)
    return list(units.order_by("name"))


@role_required(*STAFF_ROLES)
@require_GET
def latency(request: HttpRequest) -> HttpResponse:
    form, start, end, _street = _period(request)
    today = timezone.localdate()
    report = selectors.latency_report(actor=actor_of(request), start=start, end=end, today=today)
    chart: dict[str, Any] = {
        "buckets": [label for label, _low, _high in selectors.BUCKETS],
        "series": [
            {"name": street.name, "data": [n for _label, n in d.buckets]}
            for street, d in report.streets
        ],
    }
    return render(request, "interviews/latency.html", {
        "form": form, "start": start, "end": end, "report": report,
        "chart": chart,
        "due_days": selectors.policy_for_tenant(actor_of(request).tenant_id).feedback_due_days,
    })  # fmt: skip


@role_required(*STAFF_ROLES)
@require_GET
def themes(request: HttpRequest) -> HttpResponse:
    form, start, end, street = _period(request)
    chart = selectors.theme_chart(actor=actor_of(request), start=start, end=end, street_id=street)
    data: dict[str, Any] = {
        "names": [name for name, _t, _c in chart.totals][::-1],
        "talks": [talks for _n, talks, _c in chart.totals][::-1],
        "quarters": chart.quarters,
        "series": [{"name": n, "data": v} for n, v in chart.series.items()],
    }
    return render(request, "interviews/themes.html", {
        "form": form, "start": start, "end": end, "chart": chart, "streets": _streets(request),
        "street": street, "data": data,
    })  # fmt: skip


urlpatterns: list[URLPattern] = [
    path("latency/", latency, name="latency"),
    path("themes/", themes, name="themes"),
]
