from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from indicators.models import (
    AdjustmentItem,
    Category,
    Indicator,
    Level,
    RaterGroup,
    Scheme,
    SpecialIndicatorChoice,
    TargetOverride,
    VetoItem,
)
from indicators.selectors import pool_indicator_list_for_actor
from organizations.api.base import ScopedRelatedField
from organizations.models import OrgUnit
from organizations.selectors import unit_list_for_actor


class SchemeSerializer(serializers.ModelSerializer[Scheme]):
    indicator_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Scheme
        fields = [
            "id", "code", "version", "name", "year", "description", "state", "based_on", "template_code",
            "bonus_cap", "deduction_cap", "grade_excellent_min", "grade_good_min", "grade_pass_min",
            "excellent_quota_percent", "pay_tier_shares", "special_indicator_limit", "created_at",
            "published_at", "indicator_count",
        ]  # fmt: skip
        read_only_fields = [
            "id",
            "code",
            "version",
            "state",
            "based_on",
            "template_code",
            "created_at",
            "published_at",
        ]


class SchemeCreateSerializer(serializers.Serializer[Any]):
    template = serializers.CharField(help_text=_("Built-in template to start from."))
    code = serializers.SlugField(max_length=50)
    name = serializers.CharField(max_length=200)
    year = serializers.IntegerField(min_value=2000, max_value=2100)

    def validate_template(self, value: str) -> str:
        from indicators.templates import TEMPLATES

        if value not in TEMPLATES:
            choices = ", ".join(sorted(TEMPLATES))
            raise serializers.ValidationError(
                _("Unknown template; choose one of: %(choices)s") % {"choices": choices}
            )
        return value


class ProblemSerializer(serializers.Serializer[Any]):
    field = serializers.CharField()
    message = serializers.CharField()


class ValidationReportSerializer(serializers.Serializer[Any]):
    valid = serializers.BooleanField()
    problems = ProblemSerializer(many=True)


class PreviewSerializer(serializers.Serializer[Any]):
    community_type = serializers.ChoiceField(
        choices=["urban", "rural", "mountain"], default="urban"
    )
    career_stage = serializers.ChoiceField(
        choices=["adaptation", "growth", "breakthrough"], default="growth"
    )
    values = serializers.DictField(
        child=serializers.DecimalField(max_digits=14, decimal_places=4),
        help_text=_("Indicator code → value, given by every rater group that scores it."),
    )
    adjustments = serializers.DictField(
        child=serializers.IntegerField(min_value=0), required=False, default=dict
    )
    vetoes = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class SchemePartSerializer(serializers.ModelSerializer[Any]):
    """Parts name their scheme by id; only schemes in the caller's tenant are accepted."""

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        actor = self.context.get("actor")
        if "scheme" in fields:
            fields["scheme"].queryset = Scheme.objects.for_actor(actor)
        return fields


class CategorySerializer(SchemePartSerializer):
    class Meta:
        model = Category
        fields = ["id", "scheme", "code", "name", "weight", "is_special", "order"]


class RaterGroupSerializer(SchemePartSerializer):
    class Meta:
        model = RaterGroup
        fields = ["id", "scheme", "code", "name", "kind", "weight", "order"]


class LevelSerializer(serializers.ModelSerializer[Level]):
    class Meta:
        model = Level
        fields = ["code", "label", "min_percent", "max_percent", "description"]


class TargetOverrideSerializer(serializers.ModelSerializer[TargetOverride]):
    class Meta:
        model = TargetOverride
        fields = ["community_type", "career_stage", "target", "floor"]


class IndicatorSerializer(SchemePartSerializer):
    levels = LevelSerializer(many=True, required=False)
    overrides = TargetOverrideSerializer(many=True, required=False, source="target_overrides")
    rater_groups = serializers.PrimaryKeyRelatedField(many=True, queryset=RaterGroup.objects.none())
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.none())

    class Meta:
        model = Indicator
        fields = [
            "id", "scheme", "category", "code", "name", "description", "max_points", "method", "direction",
            "target", "floor", "unit", "rater_groups", "community_types", "career_stages", "in_special_pool",
            "order", "levels", "overrides",
        ]  # fmt: skip

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        actor = self.context.get("actor")
        fields["rater_groups"].child_relation.queryset = RaterGroup.objects.for_actor(actor)
        fields["category"].queryset = Category.objects.for_actor(actor)
        return fields


class AdjustmentItemSerializer(SchemePartSerializer):
    indicator = serializers.PrimaryKeyRelatedField(
        queryset=Indicator.objects.none(), allow_null=True, required=False
    )

    class Meta:
        model = AdjustmentItem
        fields = [
            "id",
            "scheme",
            "kind",
            "code",
            "name",
            "description",
            "points_per_occurrence",
            "cap",
            "indicator",
        ]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["indicator"].queryset = Indicator.objects.for_actor(self.context.get("actor"))
        return fields


class VetoItemSerializer(SchemePartSerializer):
    class Meta:
        model = VetoItem
        fields = ["id", "scheme", "code", "name", "description"]


class SpecialChoiceSerializer(serializers.ModelSerializer[Any]):
    """A pick from the pool (give `indicator`) or a proposal (give `proposed_name` and
    `proposed_max_points`)."""

    scheme = serializers.PrimaryKeyRelatedField(queryset=Scheme.objects.none())
    community = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.none())
    indicator = serializers.PrimaryKeyRelatedField(
        queryset=Indicator.objects.none(), allow_null=True, required=False
    )

    class Meta:
        model = SpecialIndicatorChoice
        fields = [
            "id", "scheme", "community", "indicator", "proposed_name", "proposed_description",
            "proposed_max_points", "status", "decided_at", "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "status", "decided_at", "created_at"]
        # DRF would turn the conditional unique constraint into "indicator is required",
        # which forbids proposals; the service checks for a repeated pick instead.
        validators: list[Any] = []

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        actor = self.context.get("actor")
        fields["scheme"].queryset = Scheme.objects.for_actor(actor)
        fields["community"].queryset = unit_list_for_actor(actor=actor, kind=OrgUnit.Kind.COMMUNITY)
        fields["indicator"].queryset = Indicator.objects.for_actor(actor)
        return fields


class DecisionSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    # On approval: the pool indicator of the same version that carries the proposal's score.
    scored_as = ScopedRelatedField(
        selector=pool_indicator_list_for_actor, required=False, allow_null=True
    )
