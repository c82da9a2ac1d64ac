"""Rectification pages (整改 / 问题清单): the list (a street's for its assessors, the own
community's for a secretary), raising one from an assessment, the detail with marking done
and accepting or returning, the evidence download, and carrying a cycle's open ones into
the next cycle.

Every rectification is fetched through ``rectification_list_for_actor``: outside the actor's
scope it answers 404 exactly as a missing one. The services decide who may do what."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import services
from assessments.models import Assessment, Cycle, Rectification
from assessments.selectors import (
    assessment_list_for_actor,
    cycle_list_for_actor,
    rectification_list_for_actor,
    rectification_owners_for,
    rectifications_to_carry,
)
from assessments.services.common import is_street_assessor
from assessments.views.scorecard import form_errors
from audit.selectors import records_for_object
from organizations.decorators import role_required
from organizations.models import User
from organizations.selectors import get_scoped_or_404
from organizations.tenancy import Actor, Role
from organizations.uploads import UploadField, download_response

PAGE_SIZE = 25
ASSESSORS = (Role.TENANT_ADMIN, Role.STREET_ASSESSOR)
Status = Rectification.Status
# What the history on the detail page calls each audited step.
STEPS = {
    "rectification.raise": gettext_lazy("Raised"),
    "rectification.done": gettext_lazy("Marked done"),
    "rectification.accept": gettext_lazy("Accepted"),
    "rectification.return": gettext_lazy("Returned"),
    "rectification.carry": gettext_lazy("Carried into the next cycle"),
}


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _item(request: HttpRequest, pk: int) -> Rectification:
    return get_scoped_or_404(rectification_list_for_actor(actor=_actor(request)), pk=pk)


def _refused(exc: ValidationError | PermissionDenied) -> ValidationError:
    return exc if isinstance(exc, ValidationError) else ValidationError(str(exc))


# Forms ------------------------------------------------------------------------------------


def _text(rows: int = 0) -> forms.Widget:
    if rows:
        return forms.Textarea(attrs={"rows": rows, "class": "form-control"})
    return forms.TextInput(attrs={"class": "form-control"})


class ListFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All statuses")), *Status.choices],
    )
    overdue = forms.ChoiceField(
        label=gettext_lazy("Deadline"),
        required=False,
        choices=[
            ("", gettext_lazy("Any deadline")),
            ("1", gettext_lazy("Overdue only")),
            ("0", gettext_lazy("Not overdue")),
        ],
    )
    cycle = forms.IntegerField(label=gettext_lazy("Cycle"), required=False, min_value=1)


class RaiseForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Problem"), max_length=200, widget=_text())
    description = forms.CharField(label=gettext_lazy("Details"), required=False, widget=_text(4))
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner"),
        queryset=User.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    deadline = forms.DateField(
        label=gettext_lazy("Deadline"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, actor: Actor, assessment: Assessment, **kw: Any):
        super().__init__(*args, **kw)
        owners = rectification_owners_for(actor=actor, assessment=assessment)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class DoneForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("What was done"), widget=_text(4))
    evidence = UploadField(
        label=gettext_lazy("Evidence (a photo or a document)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("accept", gettext_lazy("Accept the work")),
            ("return", gettext_lazy("Return it to the owner")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note (required when returning: say why)"),
        required=False,
        widget=_text(3),
    )


class CarryForm(forms.Form):
    to_cycle = forms.ModelChoiceField(
        label=gettext_lazy("Carry into"),
        queryset=Cycle.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, actor: Actor, cycle: Cycle, **kw: Any):
        super().__init__(*args, **kw)
        later = cycle_list_for_actor(actor=actor).filter(starts_on__gt=cycle.starts_on)
        self.fields["to_cycle"].queryset = later.order_by("starts_on", "pk")  # type: ignore[attr-defined]


# The list ---------------------------------------------------------------------------------


@role_required(*Role)
@require_GET
def rectification_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters = ListFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    rows = rectification_list_for_actor(
        actor=actor, search=data.get("q", ""), status=data.get("status", ""),
        overdue={"1": True, "0": False}.get(data.get("overdue", "")), cycle_id=data.get("cycle"),
    )  # fmt: skip
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "cycles": list(cycle_list_for_actor(actor=actor)),
        "filtered": any(request.GET.get(k) for k in ("q", "status", "overdue", "cycle")),
        "query": query,
    }
    return render(request, "assessments/rectification_list.html", context)


# Raising ----------------------------------------------------------------------------------


@role_required(*ASSESSORS)
@require_http_methods(["GET", "POST"])
def rectification_raise(request: HttpRequest, pk: int) -> HttpResponse:
    """Raise a rectification from an assessment, owned by default by its secretary."""
    actor = _actor(request)
    assessment = get_scoped_or_404(assessment_list_for_actor(actor=actor), pk=pk)
    initial = {"owner": assessment.secretary.user_id}
    form = RaiseForm(request.POST or None, actor=actor, assessment=assessment, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.rectification_raise(
                actor=actor, community=assessment.community, assessment=assessment,
                **form.cleaned_data,
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            form_errors(form, _refused(exc))
        else:
            messages.success(request, _("The rectification was raised."))
            return redirect("assessments:rectification_detail", pk=item.pk)
    context = {"assessment": assessment, "form": form}
    return render(request, "assessments/rectification_raise.html", context)


# One rectification ------------------------------------------------------------------------


def _detail_context(
    request: HttpRequest, item: Rectification, **forms_: forms.Form
) -> dict[str, Any]:
    actor = _actor(request)
    assessor = is_street_assessor(actor, item.street_id)
    history = records_for_object(
        tenant_id=item.tenant_id, object_type="assessments.rectification", object_id=str(item.pk)
    )
    return {
        "item": item,
        "history": [(STEPS.get(r.action, r.action), r) for r in history],
        "may_mark_done": item.status == Status.OPEN
        and (assessor or item.owner_id == actor.user_id),
        "may_review": item.status == Status.DONE and assessor,
        "done_form": forms_.get("done_form") or DoneForm(),
        "review_form": forms_.get("review_form") or ReviewForm(),
    }


@role_required(*Role)
@require_GET
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    return render(request, "assessments/rectification_detail.html", _detail_context(request, item))


@role_required(Role.SECRETARY, *ASSESSORS)
@require_POST
def rectification_done(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = DoneForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.rectification_mark_done(actor=_actor(request), item=item, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form_errors(form, _refused(exc))
        else:
            messages.success(request, _("Marked done; the street's assessor will review it."))
            return redirect("assessments:rectification_detail", pk=item.pk)
    context = _detail_context(request, item, done_form=form)
    return render(request, "assessments/rectification_detail.html", context, status=400)


@role_required(*ASSESSORS)
@require_POST
def rectification_review(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.rectification_review(
                actor=_actor(request), item=item, accept=accept, note=form.cleaned_data["note"]
            )
        except (ValidationError, PermissionDenied) as exc:
            form_errors(form, _refused(exc))
        else:
            messages.success(request, _("Accepted.") if accept else _("Returned to the owner."))
            return redirect("assessments:rectification_detail", pk=item.pk)
    context = _detail_context(request, item, review_form=form)
    return render(request, "assessments/rectification_detail.html", context, status=400)


@role_required(*Role)
@require_GET
def rectification_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence of a rectification, fetched through the scoped rectification."""
    return download_response(_item(request, pk).evidence)


# Carrying into the next cycle -------------------------------------------------------------


@role_required(*ASSESSORS)
@require_http_methods(["GET", "POST"])
def rectification_carry(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the next cycle, see what will be carried, confirm."""
    actor = _actor(request)
    cycle = get_scoped_or_404(cycle_list_for_actor(actor=actor), pk=pk)
    form = CarryForm(request.POST or request.GET or None, actor=actor, cycle=cycle)
    context: dict[str, Any] = {"cycle": cycle, "form": form}
    if form.is_bound and form.is_valid():
        to_cycle = form.cleaned_data["to_cycle"]
        if request.method == "POST" and request.POST.get("confirm") == "1":
            try:
                moved = services.rectifications_carry_into(
                    actor=actor, from_cycle=cycle, to_cycle=to_cycle
                )
            except (ValidationError, PermissionDenied) as exc:
                form_errors(form, _refused(exc))
            else:
                messages.success(
                    request,
                    _("%(count)s rectifications were carried into %(cycle)s.")
                    % {"count": len(moved), "cycle": to_cycle.name},
                )
                return redirect(f"{_list_url()}?cycle={to_cycle.pk}")
        pairs = rectifications_to_carry(actor=actor, from_cycle=cycle, to_cycle=to_cycle)
        context |= {"to_cycle": to_cycle, "pairs": pairs, "movable": [p for p in pairs if p[1]]}
    return render(request, "assessments/rectification_carry.html", context)


def _list_url() -> str:
    return reverse("assessments:rectification_list")


urlpatterns: list[URLPattern] = [
    path("rectifications/", rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/", rectification_detail, name="rectification_detail"),
    path("rectifications/<int:pk>/done/", rectification_done, name="rectification_done"),
    path("rectifications/<int:pk>/review/", rectification_review, name="rectification_review"),
    path(
        "rectifications/<int:pk>/evidence/",
        rectification_evidence,
        name="rectification_evidence",
    ),
    path("<int:pk>/rectifications/raise/", rectification_raise, name="rectification_raise"),
    path("cycles/<int:pk>/carry/", rectification_carry, name="rectification_carry"),
]
