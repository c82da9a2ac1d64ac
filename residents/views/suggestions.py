"""Suggestions: screened by an assessor (released, or hidden with a reason) before the
community sees them; the community answers released ones. And the paradox check: hotline
complaints imported per community and quarter, set against satisfaction."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.models import Cycle
from organizations.decorators import role_required
from organizations.selectors import get_scoped_or_404
from residents import selectors, services
from residents.forms import ComplaintsForm, ReplyForm, ScreenForm
from residents.models import Response
from residents.views.campaigns import MANAGERS, PAGE_SIZE, READERS, _actor, _campaign, _message


def _suggestion(request: HttpRequest, pk: int, response_pk: UUID) -> Response:
    campaign = _campaign(request, pk)
    return selectors.suggestion_get_for_actor(
        actor=_actor(request), campaign=campaign, pk=response_pk
    )


@role_required(*READERS)
def suggestion_list(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    rows = selectors.suggestion_list_for_actor(actor=_actor(request), campaign=campaign)
    context = {
        "campaign": campaign,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "manages": selectors.may_screen(_actor(request), campaign),
    }
    return render(request, "residents/suggestions.html", context)


@require_POST
@role_required(*MANAGERS)
def suggestion_screen(request: HttpRequest, pk: int, response_pk: UUID) -> HttpResponse:
    response = _suggestion(request, pk, response_pk)
    form = ScreenForm(request.POST)
    form.is_valid()
    try:
        services.suggestion_screen(
            actor=_actor(request), response=response,
            release=form.cleaned_data.get("release", False), reason=form.cleaned_data.get("reason", ""),
        )  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    return redirect("residents:suggestions", pk)


@require_POST
@role_required(*READERS)
def suggestion_reply(request: HttpRequest, pk: int, response_pk: UUID) -> HttpResponse:
    response = _suggestion(request, pk, response_pk)
    form = ReplyForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Write the answer."))
        services.suggestion_reply(
            actor=_actor(request), response=response, text=form.cleaned_data["text"]
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("Your answer is saved."))
    return redirect("residents:suggestions", pk)


@role_required(*READERS)
def paradox(request: HttpRequest) -> HttpResponse:
    """Import complaints (managers) and list communities by satisfaction and complaints."""
    actor = _actor(request)
    form = ComplaintsForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not selectors.may_import(actor):
            raise PermissionDenied(_("Your role does not allow this action."))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                count = services.complaints_import(
                    actor=actor, name=upload.name, content=upload.read()
                )
            except ValidationError as exc:
                form.add_error("file", list(exc.messages))
            else:
                messages.success(request, _("%(n)s complaint counts imported.") % {"n": count})
                return redirect("residents:paradox")
    cycles = Cycle.objects.for_actor(actor)
    chosen = request.GET.get("cycle")
    cycle = get_scoped_or_404(cycles, pk=chosen) if chosen else cycles.first()
    rows = selectors.paradox_rows(actor=actor, cycle=cycle) if cycle is not None else []
    context = {
        "form": form, "cycles": cycles, "cycle": cycle, "rows": rows,
        "settings": selectors.settings_for(actor.tenant_id), "manages": selectors.may_import(actor),
    }  # fmt: skip
    return render(request, "residents/paradox.html", context, status=400 if form.errors else 200)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/suggestions/", suggestion_list, name="suggestions"),
    path("<int:pk>/suggestions/<uuid:response_pk>/screen/", suggestion_screen, name="screen"),
    path("<int:pk>/suggestions/<uuid:response_pk>/answer/", suggestion_reply, name="answer"),
    path("paradox/", paradox, name="paradox"),
]
