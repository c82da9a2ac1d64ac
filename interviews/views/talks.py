"""The assessor's talk list (overdue feedback first), planning and recording talks, the
detail page with feedback and rectifications, and the secretary's own talks.

Every talk is fetched through ``talk_get_for_actor``: outside the actor's scope it answers
404 exactly as a missing one. The services decide who may write what."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments.services.common import is_street_assessor
from interviews import selectors, services
from interviews.forms import (
    ASSESSOR_ROLES,
    STAFF_ROLES,
    FeedbackForm,
    ListFilterForm,
    RectificationForm,
    TalkPlanForm,
    TalkRecordForm,
    apply_errors,
)
from interviews.models import Talk
from interviews.views import actor_of
from organizations.decorators import role_required
from organizations.models import OrgUnit
from organizations.tenancy import Role
from organizations.uploads import download_response

PAGE_SIZE = 25


@role_required(*STAFF_ROLES)
@require_GET
def talk_list(request: HttpRequest) -> HttpResponse:
    actor, today = actor_of(request), timezone.localdate()
    filters = ListFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.talk_rows_for_actor(
        actor=actor, today=today, search=data.get("q") or "", street_id=data.get("street"),
        kind=data.get("kind") or "", status=data.get("status") or "",
    )  # fmt: skip
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    start, end = selectors.quarter_bounds(today)
    minimum = selectors.policy_for_tenant(actor.tenant_id).routine_per_quarter
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "interviews/list.html", {
        "page": page, "filters": filters, "today": today, "query": query,
        "filtered": any(request.GET.get(k) for k in ("q", "street", "kind", "status")),
        "streets": OrgUnit.objects.for_actor(actor).filter(kind=OrgUnit.Kind.STREET).order_by("name"),
        "shortfall": selectors.routine_shortfall(actor=actor, start=start, end=end, minimum=minimum),
        "minimum": minimum, "quarter_start": start, "quarter_end": end,
        "can_write": actor.has_role(*ASSESSOR_ROLES),
    })  # fmt: skip


@role_required(*ASSESSOR_ROLES)
def talk_plan(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = TalkPlanForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            talk = services.talk_plan(actor=actor, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The talk is planned."))
            return redirect("interviews:detail", talk.pk)
    return render(request, "interviews/plan.html", {"form": form})


def _record(request: HttpRequest, talk: Talk | None) -> HttpResponse:
    actor = actor_of(request)
    initial = TalkRecordForm.initial_for(talk) if talk else {}
    form = TalkRecordForm(request.POST or None, request.FILES or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.talk_record(actor=actor, talk=talk, **form.service_kwargs())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The talk is saved. Its demand themes are read in the background."))  # fmt: skip
            return redirect("interviews:detail", saved.pk)
    return render(request, "interviews/form.html", {"form": form, "talk": talk})


@role_required(*ASSESSOR_ROLES)
def talk_create(request: HttpRequest) -> HttpResponse:
    return _record(request, None)


@role_required(*ASSESSOR_ROLES)
def talk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    talk = selectors.talk_get_for_actor(actor=actor_of(request), pk=pk)
    if not is_street_assessor(actor_of(request), talk.street_id):
        raise PermissionDenied(_("Only an assessor of the community's street holds its talks."))
    return _record(request, talk)


@role_required(*Role)
@require_GET
def talk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    talk = selectors.talk_get_for_actor(actor=actor, pk=pk)
    can_write = is_street_assessor(actor, talk.street_id)
    return render(request, "interviews/detail.html", {
        "talk": talk, "today": timezone.localdate(), "can_write": can_write,
        "participants": selectors.talk_participants(talk),
        "rectifications": selectors.talk_rectifications(talk),
        "themes": selectors.talk_theme_names(talk),
        "feedback_form": FeedbackForm(initial={"feedback_on": timezone.localdate()}) if can_write else None,
        "rectification_form": RectificationForm(actor=actor) if can_write else None,
    })  # fmt: skip


@role_required(*Role)
@require_GET
def talk_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """The talk's attachment, to whoever may read the talk."""
    talk = selectors.talk_get_for_actor(actor=actor_of(request), pk=pk)
    return download_response(talk.attachment)


@role_required(*ASSESSOR_ROLES)
def talk_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    talk = selectors.talk_get_for_actor(actor=actor, pk=pk)
    initial = {"feedback": talk.feedback, "feedback_on": talk.feedback_on or timezone.localdate()}
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.talk_record_feedback(
                actor=actor, talk=talk, feedback=form.cleaned_data["feedback"],
                given_on=form.cleaned_data["feedback_on"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The feedback is recorded."))
            return redirect("interviews:detail", talk.pk)
    return render(request, "interviews/feedback.html", {"form": form, "talk": talk})


@role_required(*ASSESSOR_ROLES)
def talk_rectify(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    talk = selectors.talk_get_for_actor(actor=actor, pk=pk)
    form = RectificationForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            services.talk_raise_rectification(actor=actor, talk=talk, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The rectification is raised."))
            return redirect("interviews:detail", talk.pk)
    return render(request, "interviews/rectify.html", {"form": form, "talk": talk})


@role_required(Role.SECRETARY)
@require_GET
def talk_mine(request: HttpRequest) -> HttpResponse:
    """The secretary's view: the talks about them, the feedback and the rectifications."""
    actor = actor_of(request)
    rows = selectors.talk_list_for_actor(actor=actor).filter(secretary_id__in=actor.secretary_ids)
    page = Paginator(rows.prefetch_related("rectification_links__rectification"), PAGE_SIZE).get_page(request.GET.get("page"))  # fmt: skip
    return render(request, "interviews/mine.html", {"page": page, "today": timezone.localdate()})


urlpatterns: list[URLPattern] = [
    path("", talk_list, name="list"),
    path("mine/", talk_mine, name="mine"),
    path("plan/", talk_plan, name="plan"),
    path("new/", talk_create, name="create"),
    path("<int:pk>/", talk_detail, name="detail"),
    path("<int:pk>/edit/", talk_edit, name="edit"),
    path("<int:pk>/attachment/", talk_attachment, name="attachment"),
    path("<int:pk>/feedback/", talk_feedback, name="feedback"),
    path("<int:pk>/rectify/", talk_rectify, name="rectify"),
]
