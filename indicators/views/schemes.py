"""Scheme versions: the list, new schemes, imports, one version's page and its lifecycle, weights and the live preview."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators import forms, selectors, services
from indicators.excel import SheetErrors, export_scheme, import_scheme
from indicators.models import Scheme, SchemeLockedError
from indicators.preview import preview_score
from indicators.templates import template_document
from indicators.validation import validate_scheme
from indicators.views.common import (
    ADMIN,
    ALL_ROLES,
    PAGE_SIZE,
    XLSX,
    _actor,
    _detail_context,
    _form_errors,
    _problem_rows,
    _scheme,
    _to_detail,
)
from organizations.decorators import role_required
from organizations.tenancy import Actor

# The list, new schemes and imports ---------------------------------------------------------


@role_required(*ALL_ROLES)
@require_GET
def scheme_list(request: HttpRequest) -> HttpResponse:
    filters = forms.SchemeFilterForm(request.GET)
    filters.is_valid()
    q, state = filters.cleaned_data.get("q", ""), filters.cleaned_data.get("state", "")
    schemes = selectors.scheme_list_for_actor(actor=_actor(request), search=q, state=state)
    page = Paginator(schemes, PAGE_SIZE).get_page(request.GET.get("page"))
    is_admin = _actor(request).has_role(ADMIN)
    context = {"page": page, "filters": filters, "q": q, "state": state, "is_admin": is_admin}
    if is_admin:
        context.update(create_form=forms.SchemeCreateForm(), import_form=forms.SchemeImportForm())
    return render(request, "indicators/scheme_list.html", context)


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def scheme_create(request: HttpRequest) -> HttpResponse:
    form = forms.SchemeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document = template_document(
            data["template"], scheme_code=data["code"], year=data["year"], name=data["name"]
        )
        try:
            scheme = services.scheme_create_from_document(actor=_actor(request), document=document)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was created as a draft.") % {"name": scheme})
            return _to_detail(scheme)
    return render(request, "indicators/scheme_create.html", {"form": form})


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def scheme_import(request: HttpRequest) -> HttpResponse:
    form = forms.SchemeImportForm(request.POST or None, request.FILES or None)
    sheet_errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            scheme = import_scheme(actor=_actor(request), data=form.cleaned_data["file"].read())
        except SheetErrors as exc:
            sheet_errors = list(exc.errors)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was imported as a draft.") % {"name": scheme})
            return _to_detail(scheme)
    context = {"form": form, "sheet_errors": sheet_errors}
    return render(request, "indicators/scheme_import.html", context)


# One scheme version --------------------------------------------------------------------------


@role_required(*ALL_ROLES)
@require_GET
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    return render(request, "indicators/scheme_detail.html", _detail_context(request, scheme))


@role_required(*ALL_ROLES)
@require_GET
def scheme_validate(request: HttpRequest, pk: int) -> HttpResponse:
    """Checking writes nothing, so every reader may see why a draft cannot be published."""
    scheme = _scheme(request, pk)
    detail = selectors.scheme_detail(scheme=scheme)
    editable = _actor(request).has_role(ADMIN) and not scheme.is_locked
    problems = _problem_rows(validate_scheme(scheme), scheme, detail, editable)
    context = {"scheme": scheme, "problems": problems}
    return render(request, "indicators/scheme_validate.html", context)


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def scheme_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (or lists what stops publishing); POST publishes."""
    scheme = _scheme(request, pk)
    if scheme.is_locked:
        messages.error(request, SchemeLockedError().messages[0])
        return _to_detail(scheme)
    if request.method == "POST":
        try:
            services.scheme_publish(actor=_actor(request), scheme=scheme)
        except ValidationError:
            messages.error(request, _("The scheme was not published: fix the problems below."))
        else:
            messages.success(request, _("%(name)s is published.") % {"name": scheme})
            return _to_detail(scheme)
    detail = selectors.scheme_detail(scheme=scheme)
    problems = _problem_rows(validate_scheme(scheme), scheme, detail, editable=True)
    context = {"scheme": scheme, "problems": problems}
    return render(request, "indicators/scheme_confirm_publish.html", context)


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def scheme_retire(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    if request.method == "POST":
        try:
            services.scheme_retire(actor=_actor(request), scheme=scheme)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(name)s is retired.") % {"name": scheme})
        return _to_detail(scheme)
    return render(request, "indicators/scheme_confirm_retire.html", {"scheme": scheme})


@role_required(ADMIN)
@require_POST
def scheme_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    try:
        draft = services.scheme_new_version(actor=_actor(request), scheme=scheme)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _to_detail(scheme)
    messages.success(request, _("Version %(version)s is a new draft.") % {"version": draft.version})
    return _to_detail(draft)


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def scheme_delete(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    if request.method == "POST":
        try:
            services.scheme_delete_draft(actor=_actor(request), scheme=scheme)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return _to_detail(scheme)
        messages.success(request, _("The draft %(name)s was deleted.") % {"name": scheme})
        return redirect("indicators:list")
    return render(request, "indicators/scheme_confirm_delete.html", {"scheme": scheme})


@role_required(*ALL_ROLES)
@require_GET
def scheme_export(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    response = HttpResponse(export_scheme(scheme), content_type=XLSX)
    filename = f"{scheme.code}-v{scheme.version}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@transaction.atomic
def _save_weights(actor: Actor, scheme: Scheme, form: forms.WeightsForm) -> None:
    # All or nothing: one refused weight undoes the ones saved before it.
    categories, groups = form.changes()
    for category, weight in categories:
        services.category_save(actor=actor, scheme=scheme, category=category, weight=weight)
    for group, weight in groups:
        services.rater_group_save(actor=actor, scheme=scheme, group=group, weight=weight)


@role_required(ADMIN)
@require_POST
def scheme_weights(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    detail = selectors.scheme_detail(scheme=scheme)
    form = forms.WeightsForm(
        request.POST, categories=detail["categories"], groups=detail["rater_groups"]
    )
    if form.is_valid():
        try:
            _save_weights(_actor(request), scheme, form)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The weights were saved."))
            return _to_detail(scheme, "weights")
    context = _detail_context(request, scheme, detail, weights_form=form)
    return render(request, "indicators/scheme_detail.html", context)


def _named(result: dict[str, Any] | None, detail: dict[str, Any]) -> dict[str, Any]:
    """The preview's category subtotals and missing entries with names instead of codes."""
    if not result or "error" in result:
        return {}
    names = {c.code: c.name for c in detail["categories"]}
    names |= {i.code: i.name for c in detail["categories"] for i in c.indicators.all()}
    groups = {g.code: g.name for g in detail["rater_groups"]}
    return {
        "preview_categories": [
            {**c, "name": names.get(c["code"], c["code"])} for c in result["categories"]
        ],
        "preview_missing": [
            {
                **m,
                "indicator": names.get(m["indicator"], m["indicator"]),
                "group": groups.get(m["group"], m["group"]),
            }
            for m in result["missing"]
        ],
    }


@role_required(*ALL_ROLES)
@require_POST
def scheme_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Score a made-up community; nothing is saved. htmx gets the partial, others a page."""
    scheme = _scheme(request, pk)
    detail = selectors.scheme_detail(scheme=scheme)
    form = forms.PreviewForm(request.POST, detail=detail)
    result = preview_score(scheme=scheme, **form.preview_kwargs()) if form.is_valid() else None
    context = {"scheme": scheme, "form": form, "result": result, **_named(result, detail)}
    partial = request.headers.get("HX-Request") == "true"
    template = "indicators/_preview_result.html" if partial else "indicators/scheme_preview.html"
    return render(request, template, context)
