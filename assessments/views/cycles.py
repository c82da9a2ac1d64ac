"""Cycle pages: the list of cycles (the way to each cycle's leniency report, carrying its
rectifications and its opening job), opening a cycle, and the progress bar of a big
opening, which polls the job with htmx.

Cycles are readable by every member of the tenant; these pages are for its staff."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from assessments import services
from assessments.models import Cycle, JobProgress
from assessments.selectors import (
    cycle_list_for_actor,
    cycle_open_job_key,
    job_progress_get_for_actor,
    job_state,
)
from assessments.views.scorecard import form_errors
from indicators.models import Scheme
from indicators.selectors import scheme_list_for_actor
from organizations.decorators import role_required
from organizations.selectors import get_scoped_or_404
from organizations.tenancy import Actor, Role

PAGE_SIZE = 25
STAFF = (Role.TENANT_ADMIN, Role.DISTRICT_LEADER, Role.STREET_ASSESSOR)


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class CycleOpenForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=Cycle.Kind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    quarter = forms.IntegerField(
        label=gettext_lazy("Quarter (quarterly cycles only)"),
        required=False,
        min_value=1,
        max_value=4,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    scheme = forms.ModelChoiceField(
        label=gettext_lazy("Indicator scheme (a published version)"),
        queryset=Scheme.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=_date())
    ends_on = forms.DateField(label=gettext_lazy("Ends on"), widget=_date())
    name = forms.CharField(
        label=gettext_lazy("Name (optional)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    quarters_share = forms.IntegerField(
        label=gettext_lazy("Share of the quarters (%), annual cycles only"),
        help_text=gettext_lazy(
            "The annual total folds in the mean of the year's published quarterly results at this share; 0 leaves them out."
        ),
        required=False,
        initial=0,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )

    def clean_quarters_share(self) -> int:
        return self.cleaned_data.get("quarters_share") or 0

    def __init__(self, *args: Any, actor: Actor, **kw: Any):
        super().__init__(*args, **kw)
        published = scheme_list_for_actor(actor=actor).filter(state=Scheme.State.PUBLISHED)
        self.fields["scheme"].queryset = published  # type: ignore[attr-defined]


@role_required(*STAFF)
@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    page = Paginator(cycle_list_for_actor(actor=actor), PAGE_SIZE).get_page(request.GET.get("page"))
    keys = {cycle_open_job_key(c.pk): c.pk for c in page.object_list}
    jobs = {
        keys[job.key]: job_state(job)
        for job in JobProgress.objects.for_actor(actor).filter(key__in=list(keys))
    }
    context = {
        "page": page,
        "rows": [(c, jobs.get(c.pk)) for c in page.object_list],
        "is_admin": actor.has_role(Role.TENANT_ADMIN),
        "may_carry": actor.has_role(Role.TENANT_ADMIN, Role.STREET_ASSESSOR),
    }
    return render(request, "assessments/cycle_list.html", context)


@role_required(Role.TENANT_ADMIN)
@require_http_methods(["GET", "POST"])
def cycle_open(request: HttpRequest) -> HttpResponse:
    """Open a cycle; a big one is created by a background job, whose progress bar follows."""
    actor = _actor(request)
    form = CycleOpenForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_open(actor=actor, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form_errors(
                form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc))
            )
        else:
            if (
                JobProgress.objects.for_actor(actor)
                .filter(key=cycle_open_job_key(cycle.pk))
                .exists()
            ):
                return redirect("assessments:cycle_opening", pk=cycle.pk)
            messages.success(request, _("%(cycle)s is open.") % {"cycle": cycle.name})
            return redirect(f"{reverse('assessments:list')}?cycle={cycle.pk}")
    return render(request, "assessments/cycle_open.html", {"form": form})


def _opening(request: HttpRequest, pk: int) -> dict[str, Any]:
    actor = _actor(request)
    cycle = get_scoped_or_404(cycle_list_for_actor(actor=actor), pk=pk)
    job = job_progress_get_for_actor(actor=actor, key=cycle_open_job_key(cycle.pk))
    return {"cycle": cycle, "job": job, "state": job_state(job)}


@role_required(*STAFF)
@require_GET
def cycle_opening(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "assessments/cycle_opening.html", _opening(request, pk))


@role_required(*STAFF)
@require_GET
def cycle_opening_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar alone, polled by the page every second until the job ends."""
    return render(request, "assessments/_cycle_opening_status.html", _opening(request, pk))


urlpatterns: list[URLPattern] = [
    path("cycles/", cycle_list, name="cycle_list"),
    path("cycles/open/", cycle_open, name="cycle_open"),
    path("cycles/<int:pk>/opening/", cycle_opening, name="cycle_opening"),
    path("cycles/<int:pk>/opening/status/", cycle_opening_status, name="cycle_opening_status"),
]
