"""Report pages: the reports index, scorecard and summary downloads (built in a job when
not cached, with a page that waits for them), Excel exports and batch ZIPs with progress.

Everything is fetched through the reports selectors with the acting user: another tenant's,
street's or secretary's report answers 404 exactly as a missing one.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from assessments.models import Assessment, Cycle
from organizations.decorators import role_required
from organizations.models import OrgUnit
from organizations.tenancy import Actor, Role
from organizations.uploads import download_response
from reports import excel, selectors, services
from reports.models import ReportArtifact, ReportBatch

ALL_ROLES = tuple(Role)
STAFF = services.BATCH_ROLES
PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


class BatchForm(forms.Form):
    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.none(), label=_("Cycle"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    street = forms.ModelChoiceField(
        queryset=OrgUnit.objects.none(), label=_("Street"), required=False,
        empty_label=_("Whole district"), widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = Cycle.objects.for_actor(actor)  # type: ignore[attr-defined]
        self.fields["street"].queryset = selectors.report_streets_for_actor(actor=actor)  # type: ignore[attr-defined]


def _street_param(request: HttpRequest, actor: Actor) -> OrgUnit | None:
    """The ``?street=`` of an export; without one, the whole tenant, if the actor sees it."""
    raw = request.GET.get("street", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        return selectors.report_street_for_actor(actor=actor, pk=int(raw))
    if not actor.whole_tenant:
        raise Http404
    return None


def _file(artifact: ReportArtifact | ReportBatch) -> HttpResponse:
    # role_required types views as returning HttpResponse; a FileResponse streams instead.
    return cast(HttpResponse, download_response(artifact.file))


def _serve_or_wait(
    request: HttpRequest, artifact: ReportArtifact | None, title: str
) -> HttpResponse:
    """The PDF once built; until then a page that asks again every two seconds."""
    polling = request.headers.get("HX-Request") == "true"
    if artifact is not None:
        if polling:  # tell htmx to load the file itself
            return HttpResponse(headers={"HX-Redirect": request.path})
        return _file(artifact)
    template = "reports/_waiting.html" if polling else "reports/waiting.html"
    return render(request, template, {"title": title}, status=202 if polling else 200)


# Pages ------------------------------------------------------------------------------------------


@role_required(*ALL_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    """Cycles with their downloads, the actor's scorecards and their batches."""
    actor = _actor(request)
    # Opens on the newest cycle with published results: the newest of all is usually the
    # one still being scored, with nothing to download yet.
    published = Assessment.objects.filter(
        cycle=OuterRef("pk"), state__in=Assessment.SHOWN_TO_SECRETARY
    )
    cycles = list(
        Cycle.objects.for_actor(actor)
        .annotate(published=Exists(published))
        .order_by("-year", "-quarter", "pk")
    )
    default = next((c for c in cycles if c.published), cycles[0] if cycles else None)
    cycle = next((c for c in cycles if str(c.pk) == request.GET.get("cycle")), default)
    rows = selectors.report_assessments(actor=actor, cycle=cycle)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    staff = actor.has_role(*STAFF)
    context = {
        "cycles": cycles, "cycle": cycle, "page": page, "staff": staff,
        "whole_tenant": actor.whole_tenant,
        "streets": list(selectors.report_streets_for_actor(actor=actor)) if staff else [],
        "batches": list(selectors.report_batch_list_for_actor(actor=actor)[:10]) if staff else [],
        "form": BatchForm(actor=actor, initial={"cycle": cycle}) if staff else None,
    }  # fmt: skip
    return render(request, "reports/index.html", context)


@role_required(*ALL_ROLES)
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.report_assessment_for_actor(actor=_actor(request), pk=pk)
    artifact = services.scorecard_request(assessment=assessment)
    return _serve_or_wait(
        request, artifact, f"{assessment.community.name} · {assessment.cycle.name}"
    )


@role_required(*STAFF)
def street_summary(request: HttpRequest, cycle: int, street: int) -> HttpResponse:
    actor = _actor(request)
    the_cycle = selectors.report_cycle_for_actor(actor=actor, pk=cycle)
    the_street = selectors.report_street_for_actor(actor=actor, pk=street)
    artifact = services.summary_request(cycle=the_cycle, street=the_street)
    return _serve_or_wait(request, artifact, f"{the_street.name} · {the_cycle.name}")


@role_required(Role.TENANT_ADMIN, Role.DISTRICT_LEADER)
def tenant_summary(request: HttpRequest, cycle: int) -> HttpResponse:
    actor = _actor(request)
    if not actor.whole_tenant:
        raise Http404
    the_cycle = selectors.report_cycle_for_actor(actor=actor, pk=cycle)
    artifact = services.summary_request(cycle=the_cycle, street=None)
    return _serve_or_wait(request, artifact, the_cycle.name)


@role_required(*STAFF)
def excel_export(request: HttpRequest, cycle: int, table: str) -> HttpResponse:
    """``ranking`` or ``scores`` of a cycle, for ``?street=`` or the whole tenant."""
    actor = _actor(request)
    builders = {"ranking": excel.ranking_workbook, "scores": excel.scores_workbook}
    if table not in builders:
        raise Http404
    the_cycle = selectors.report_cycle_for_actor(actor=actor, pk=cycle)
    street = _street_param(request, actor)
    content = builders[table](the_cycle, street)
    name = f"{the_cycle.name}-{street.name if street else ''}-{'排名' if table == 'ranking' else '得分明细'}.xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def batch_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = BatchForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_start(actor=actor, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("Your role does not allow this action."))
        else:
            return redirect("reports:batch_detail", pk=batch.pk)
    return render(
        request, "reports/batch_create.html", {"form": form}, status=400 if form.errors else 200
    )


@role_required(*STAFF)
def batch_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.report_batch_list_for_actor(actor=_actor(request))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/batch_list.html", {"page": page})


@role_required(*STAFF)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.report_batch_for_actor(actor=_actor(request), pk=pk)
    template = (
        "reports/_batch_progress.html"
        if request.headers.get("HX-Request")
        else "reports/batch_detail.html"
    )
    return render(request, template, {"batch": batch, "done": services.batch_progress(batch)})


@role_required(*STAFF)
def batch_download(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.report_batch_for_actor(actor=_actor(request), pk=pk)
    if not batch.file:
        raise Http404
    return _file(batch)


urlpatterns = [
    path("", index, name="index"),
    path("scorecards/<int:pk>/", scorecard, name="scorecard"),
    path("cycles/<int:cycle>/streets/<int:street>/summary/", street_summary, name="street_summary"),
    path("cycles/<int:cycle>/summary/", tenant_summary, name="tenant_summary"),
    path("cycles/<int:cycle>/excel/<str:table>/", excel_export, name="excel"),
    path("batches/", batch_list, name="batch_list"),
    path("batches/new/", batch_create, name="batch_create"),
    path("batches/<int:pk>/", batch_detail, name="batch_detail"),
    path("batches/<int:pk>/download/", batch_download, name="batch_download"),
]
