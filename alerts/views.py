"""Warning pages: the list, a warning with its lifecycle, the heat map (社区治理热力图), the
leaders' dashboard, thresholds, the incident register and the circuit breaker's list.

Every object is fetched through the scoped selectors: another tenant's or street's warning
answers 404 exactly as a missing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alerts import selectors, services
from alerts.forms import (
    AlertFilterForm,
    HandleForm,
    HeatMapFilterForm,
    IncidentForm,
    RectifyForm,
    ThresholdForm,
)
from alerts.models import Alert, Level
from assessments.services.common import is_street_assessor
from organizations.decorators import role_required
from organizations.fragments import cached_fragment
from organizations.selectors import get_scoped_or_404
from organizations.tenancy import Actor, Role
from organizations.uploads import download_response

ALL_ROLES = tuple(Role)
STAFF = (Role.TENANT_ADMIN, Role.DISTRICT_LEADER, Role.STREET_ASSESSOR)
ASSESSORS = (Role.TENANT_ADMIN, Role.STREET_ASSESSOR)
PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@role_required(*ALL_ROLES)
def alert_list(request: HttpRequest) -> HttpResponse:
    form = AlertFilterForm(request.GET or None)
    alerts = selectors.alert_list_for_actor(actor=_actor(request))
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or ""
    if status != "all":
        alerts = (
            alerts.filter(status=status) if status else alerts.exclude(status=Alert.Status.RESOLVED)
        )
    for name in ("level", "rule", "period"):
        if data.get(name):
            alerts = alerts.filter(**{name: data[name]})
    if data.get("community"):
        alerts = alerts.filter(community_id=data["community"])
    page = Paginator(alerts.order_by("-period", "level", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "alerts/list.html", {"form": form, "page": page})


@role_required(*ALL_ROLES)
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get_for_actor(actor=_actor(request), pk=pk)
    may_act = is_street_assessor(_actor(request), alert.street_id)
    return render(
        request, "alerts/detail.html",
        {"alert": alert, "may_act": may_act, "handle_form": HandleForm()},
    )  # fmt: skip


@role_required(*ALL_ROLES)
@require_GET
def alert_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence of how a warning was handled, to whoever may read the warning."""
    alert = selectors.alert_get_for_actor(actor=_actor(request), pk=pk)
    return download_response(alert.evidence)


@require_POST
@role_required(*ASSESSORS)
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get_for_actor(actor=_actor(request), pk=pk)
    try:
        services.alert_acknowledge(actor=_actor(request), alert=alert)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("alerts:detail", pk=pk)


@require_POST
@role_required(*ASSESSORS)
def alert_handle(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get_for_actor(actor=_actor(request), pk=pk)
    form = HandleForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.alert_handle(actor=_actor(request), alert=alert, **form.cleaned_data)
            return redirect("alerts:detail", pk=pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(
        request,
        "alerts/detail.html",
        {"alert": alert, "may_act": True, "handle_form": form},
        status=400,
    )


@require_POST
@role_required(*ASSESSORS)
def alert_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get_for_actor(actor=_actor(request), pk=pk)
    try:
        services.alert_resolve(actor=_actor(request), alert=alert)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("alerts:detail", pk=pk)


@require_http_methods(["GET", "POST"])
@role_required(*ASSESSORS)
def alert_rectify(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    alert = selectors.alert_get_for_actor(actor=actor, pk=pk)
    form = RectifyForm(request.POST or None, actor=actor, community_id=alert.community_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.alert_raise_rectification(actor=actor, alert=alert, **form.cleaned_data)
            messages.success(request, _("The rectification was raised."))
            return redirect("alerts:detail", pk=pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    status = 400 if request.method == "POST" else 200
    return render(request, "alerts/rectify.html", {"alert": alert, "form": form}, status=status)


HEAT_MAP_FILTERS = ("period", "rule", "street")
HEAT_CSS = {"red": "text-bg-danger", "yellow": "text-bg-warning", "blue": "text-bg-primary"}


def _heat_cells(cells: list[dict[str, Any]], href: str) -> SafeString:
    """A street's cells as HTML, built here: a page of a city's heat map has hundreds of
    cells, and the template language took a third of a millisecond for each (every value
    is escaped, as the template would)."""
    html = []
    for cell in cells:
        unit, worst = cell["community"], cell["worst"]
        title = " · ".join([unit.name, *(f"{label} {n}" for label, n in cell["summary"])])
        level = (
            f'<span class="visually-hidden"> · {escape(cell["worst_label"])}</span>'
            if worst
            else ""
        )
        html.append(
            f'<a class="kp-heat-cell text-decoration-none small p-2 rounded border '
            f'{HEAT_CSS.get(worst, "text-bg-light")}" data-community="{unit.pk}" '
            f'data-level="{escape(worst or "none")}" href="{escape(href.format(unit.pk))}" '
            f'title="{escape(title)}">{escape(unit.name)}{level}</a>'
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped


@role_required(*ALL_ROLES)
def heat_map(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = HeatMapFilterForm(request.GET or None, actor=actor)
    data = form.cleaned_data if form.is_valid() else {}
    street = data.get("street")
    rows = selectors.heat_map_rows(
        actor=actor, period=data.get("period"), rule=data.get("rule"),
        street_id=street.pk if street else None, page=request.GET.get("page"),
    )  # fmt: skip

    def context() -> dict[str, Any]:
        kept = {k: data[k] for k in ("period", "rule") if data.get(k)}
        href = (
            reverse("alerts:list") + "?community={}" + "".join(f"&{k}={v}" for k, v in kept.items())
        )
        streets = selectors.heat_map_streets(rows)
        for row in streets:
            row["cells_html"] = _heat_cells(row["cells"], href)
        query = QueryDict(mutable=True)
        query.update({k: v for k in HEAT_MAP_FILTERS if (v := request.GET.get(k))})
        return {
            "form": form, "page": rows.page, "streets": streets, "levels": Level,
            "filters": data, "street_choices": rows.street_choices, "query": query,
        }  # fmt: skip

    # Drawn from exactly these rows; the filters are the query, in every fragment's key.
    page = rows.page
    inputs = (page.number, page.paginator.count, page.object_list, rows[1:])
    body = cached_fragment(
        request, "alerts/_heat_map_body.html", inputs=inputs, context=context,
        params=(*HEAT_MAP_FILTERS, "page"),
    )  # fmt: skip
    return render(request, "alerts/heat_map.html", {"body": body})


@role_required(*STAFF)
def dashboard(request: HttpRequest) -> HttpResponse:
    figures = selectors.dashboard(actor=_actor(request))
    labels = {str(level.value): str(level.label) for level in Level}
    chart = {"trend": figures["trend"], "labels": labels}
    return render(
        request, "alerts/dashboard.html", {"figures": figures, "chart": chart, "levels": Level}
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.TENANT_ADMIN)
def thresholds(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    current = selectors.threshold_set_for_tenant(tenant_id=actor.tenant_id)
    form = ThresholdForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.thresholds_update(actor=actor, **form.cleaned_data)
        messages.success(request, _("The thresholds were saved; the next evaluation uses them."))
        return redirect("alerts:thresholds")
    status = 400 if request.method == "POST" else 200
    return render(request, "alerts/thresholds.html", {"form": form}, status=status)


@role_required(*ALL_ROLES)
def incident_list(request: HttpRequest) -> HttpResponse:
    incidents = selectors.incident_list_for_actor(actor=_actor(request))
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "alerts/incident_list.html",
        {"page": page, "may_report": _actor(request).has_role(*ASSESSORS)},
    )


@require_http_methods(["GET", "POST"])
@role_required(*ASSESSORS)
def incident_report(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = IncidentForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_report(actor=actor, **form.cleaned_data)
            messages.success(request, _("The incident was registered."))
            return redirect("alerts:incidents")
        except ValidationError as exc:
            form.add_error(None, exc)
    status = 400 if request.method == "POST" else 200
    return render(request, "alerts/incident_form.html", {"form": form}, status=status)


@require_POST
@role_required(*ASSESSORS)
def incident_close(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    incident = get_scoped_or_404(selectors.incident_list_for_actor(actor=actor), pk=pk)
    try:
        services.incident_close(actor=actor, incident=incident)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("alerts:incidents")


@role_required(*STAFF)
def escalations(request: HttpRequest) -> HttpResponse:
    rows = selectors.escalation_list_for_actor(actor=_actor(request))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "alerts/escalations.html", {"page": page})
