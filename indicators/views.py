"""The browser scheme editor (考核方案). Every member of the tenant reads schemes and
previews a score; tenant admins edit drafts, publish, retire and make new versions. The
views fetch through ``indicators.selectors`` and write through ``indicators.services``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators import forms, selectors, services
from indicators.excel import SheetErrors, export_scheme, import_scheme
from indicators.models import AdjustmentItem, Indicator, Scheme, SchemeLockedError, VetoItem
from indicators.preview import preview_score
from indicators.templates import template_document
from indicators.validation import Problem, validate_scheme
from organizations.decorators import role_required
from organizations.models import CareerStage, OrgUnit
from organizations.selectors import get_scoped_or_404
from organizations.tenancy import Actor, Role

ALL_ROLES = tuple(Role)
ADMIN = Role.TENANT_ADMIN
PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _scheme(request: HttpRequest, pk: int) -> Scheme:
    return selectors.scheme_get_for_actor(actor=_actor(request), pk=pk)


def _part(request: HttpRequest, model: type[Model], scheme: Scheme, pk: int) -> Any:
    """A row inside ``scheme``: 404 for another scheme's row exactly as for a missing one."""
    rows = model.objects.for_actor(_actor(request)).filter(scheme=scheme)  # type: ignore[attr-defined]
    if model is Indicator:
        rows = rows.prefetch_related("levels", "target_overrides", "rater_groups")
    return get_scoped_or_404(rows, pk=pk)


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where it names fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _to_detail(scheme: Scheme, anchor: str = "") -> HttpResponse:
    url = reverse("indicators:detail", args=[scheme.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


# Lazy: these labels are read per request, in the user's language.
SECTIONS = {
    "scheme": (gettext_lazy("Scheme settings"), "scheme"),
    "categories": (gettext_lazy("Categories"), "weights"),
    "rater_groups": (gettext_lazy("Rater groups"), "weights"),
    "indicators": (gettext_lazy("Indicator"), "indicators"),
    "adjustments": (gettext_lazy("Bonus or deduction item"), "adjustments"),
    "vetoes": (gettext_lazy("Veto item"), "vetoes"),
}


def _problem_rows(
    problems: list[Problem], scheme: Scheme, detail: dict[str, Any], editable: bool
) -> list[dict[str, Any]]:
    """Each problem with the place it names: a section, the row by name, the field, a link."""
    indicators = {i.code: i for c in detail["categories"] for i in c.indicators.all()}
    names = {
        "categories": {c.code: c.name for c in detail["categories"]},
        "rater_groups": {g.code: g.name for g in detail["rater_groups"]},
        "indicators": {code: i.name for code, i in indicators.items()},
        "adjustments": {a.code: a.name for a in detail["adjustments"]},
        "vetoes": {v.code: v.name for v in detail["vetoes"]},
    }
    rows = []
    for problem in problems:
        section, _dot, rest = problem.field.partition(".")
        label, anchor = SECTIONS.get(section, (section, ""))
        code = rest.split(".", 1)[0]
        row_name = names.get(section, {}).get(code)
        url = reverse("indicators:detail", args=[scheme.pk]) + f"#{anchor}"
        if section == "indicators" and editable and code in indicators:
            url = reverse("indicators:indicator_edit", args=[scheme.pk, indicators[code].pk])
        place = f"{label} · {row_name}" if row_name else str(label)
        rows.append(
            {"place": place, "field": problem.field, "message": problem.message, "url": url}
        )
    return rows


def _detail_context(
    request: HttpRequest, scheme: Scheme, detail: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    detail = detail or selectors.scheme_detail(scheme=scheme)
    is_admin = _actor(request).has_role(ADMIN)
    can_edit = is_admin and not scheme.is_locked
    versions = list(selectors.scheme_versions(scheme=scheme))
    context = {
        "scheme": scheme,
        "versions": versions,
        "family_draft": next((v for v in versions if v.state == Scheme.State.DRAFT), None),
        "community_type_choices": OrgUnit.CommunityType.choices,
        "career_stage_choices": CareerStage.choices,
        "is_admin": is_admin,
        "can_edit": can_edit,
        "preview_form": forms.PreviewForm(detail=detail),
        **detail,
    }
    if can_edit:
        context["weights_form"] = forms.WeightsForm(
            categories=detail["categories"], groups=detail["rater_groups"]
        )
    return {**context, **extra}


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


# Indicators, bonus/deduction and veto items of a draft -------------------------------------


def _indicator_form(request: HttpRequest, pk: int, item: int | None) -> HttpResponse:
    actor, scheme = _actor(request), _scheme(request, pk)
    indicator = _part(request, Indicator, scheme, item) if item else None
    data = request.POST if request.method == "POST" else None
    initial = forms.IndicatorForm.initial_for(indicator) if indicator else request.GET.dict()
    form = forms.IndicatorForm(data, actor=actor, scheme=scheme, initial=initial)
    levels, overrides = (
        forms.level_formset(data, indicator),
        forms.override_formset(data, indicator),
    )
    valid = all([form.is_valid(), levels.is_valid(), overrides.is_valid()])
    if valid and forms.check_levels(form, levels):
        fields = {**form.cleaned_data, "rater_groups": list(form.cleaned_data["rater_groups"])}
        try:
            saved = services.indicator_save(
                actor=actor, scheme=scheme, indicator=indicator,
                levels=levels.rows(), overrides=overrides.rows(), **fields,
            )  # fmt: skip
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": saved.name})
            return _to_detail(scheme, f"indicator-{saved.pk}")
    context = {"scheme": scheme, "indicator": indicator, "form": form}
    context |= {"levels": levels, "overrides": overrides}
    return render(request, "indicators/indicator_form.html", context)


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _indicator_form(request, pk, None)


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    return _indicator_form(request, pk, item)


def _part_form(
    request: HttpRequest, pk: int, form_class: type[Any], save: Callable[..., Any], title: str
) -> HttpResponse:
    actor, scheme = _actor(request), _scheme(request, pk)
    form = form_class(request.POST or None, actor=actor, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(actor=actor, scheme=scheme, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": saved.name})
            return _to_detail(scheme, form_class.anchor)
    context = {"scheme": scheme, "form": form, "title": title}
    return render(request, "indicators/part_form.html", context)


def _part_delete(
    request: HttpRequest,
    pk: int,
    item: int,
    model: type[Model],
    delete: Callable[..., Any],
    *,
    kwarg: str,
    anchor: str,
) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    scheme = _scheme(request, pk)
    part = _part(request, model, scheme, item)
    if request.method == "POST":
        try:
            delete(actor=_actor(request), **{kwarg: part})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(name)s was deleted.") % {"name": part})
        return _to_detail(scheme, anchor)
    context = {"scheme": scheme, "part": part, "kind": model._meta.verbose_name, "anchor": anchor}
    return render(request, "indicators/part_confirm_delete.html", context)


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def indicator_delete(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    return _part_delete(
        request, pk, item, Indicator, services.indicator_delete,
        kwarg="indicator", anchor="indicators",
    )  # fmt: skip


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def adjustment_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _part_form(
        request, pk, forms.AdjustmentItemForm, services.adjustment_item_save,
        _("Add a bonus or deduction item"),
    )  # fmt: skip


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def adjustment_delete(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    return _part_delete(
        request, pk, item, AdjustmentItem, services.adjustment_item_delete,
        kwarg="item", anchor="adjustments",
    )  # fmt: skip


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def veto_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _part_form(
        request, pk, forms.VetoItemForm, services.veto_item_save, _("Add a veto item")
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def veto_delete(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    return _part_delete(
        request, pk, item, VetoItem, services.veto_item_delete, kwarg="item", anchor="vetoes"
    )
