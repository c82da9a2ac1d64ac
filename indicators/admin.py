from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from indicators.models import (
    AdjustmentItem,
    Category,
    Indicator,
    IndicatorRaterGroup,
    Level,
    RaterGroup,
    Scheme,
    SchemeLockedError,
    TargetOverride,
    VetoItem,
)
from organizations.admin_base import TenantScopedAdmin, TenantScopedInline


class LockAwareForm(forms.ModelForm):  # type: ignore[type-arg]
    """Refuses, as a form error, any change to a published version or anything inside it."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        instance = self.instance
        scheme_id = (
            instance.pk if isinstance(instance, Scheme) else getattr(instance, "scheme_id", None)
        )
        if (
            scheme_id
            and Scheme.objects.filter(pk=scheme_id).exclude(state=Scheme.State.DRAFT).exists()
        ):
            raise SchemeLockedError()
        return cleaned


class PartInline(TenantScopedInline):
    form = LockAwareForm


class CategoryInline(PartInline):
    model = Category
    fields = ["code", "name", "weight", "is_special", "order"]


class RaterGroupInline(PartInline):
    model = RaterGroup
    fields = ["code", "name", "kind", "weight", "order"]


class AdjustmentInline(PartInline):
    model = AdjustmentItem
    fields = ["kind", "code", "name", "points_per_occurrence", "cap", "indicator"]


class VetoInline(PartInline):
    model = VetoItem
    fields = ["code", "name", "description"]


@admin.register(Scheme)
class SchemeAdmin(TenantScopedAdmin):
    form = LockAwareForm
    list_display = ["name", "code", "version", "year", "state"]
    list_filter = ["state", "year"]
    search_fields = ["name", "code"]
    readonly_fields = ["state", "version", "based_on", "published_at", "created_at"]
    inlines = [CategoryInline, RaterGroupInline, AdjustmentInline, VetoInline]


class LevelInline(PartInline):
    model = Level
    fields = ["code", "label", "min_percent", "max_percent", "description"]


class TargetOverrideInline(PartInline):
    model = TargetOverride
    fields = ["community_type", "career_stage", "target", "floor"]


class IndicatorRaterGroupInline(PartInline):
    model = IndicatorRaterGroup
    fields = ["rater_group"]


@admin.register(Indicator)
class IndicatorAdmin(TenantScopedAdmin):
    form = LockAwareForm
    list_display = ["name", "code", "scheme", "category", "method", "max_points"]
    list_filter = ["method"]
    search_fields = ["name", "code"]
    inlines = [IndicatorRaterGroupInline, LevelInline, TargetOverrideInline]

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            inline_form.instance.scheme_id = form.instance.scheme_id
        super().save_formset(request, form, formset, change)
