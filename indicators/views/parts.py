"""Indicators, bonus/deduction items and veto items of a draft scheme version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from indicators import forms, services
from indicators.models import AdjustmentItem, Indicator, VetoItem
from indicators.views.common import ADMIN, _actor, _form_errors, _part, _scheme, _to_detail
from organizations.decorators import role_required

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
