from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from organizations.api.base import ScopedRelatedField
from organizations.auth import lockout_remaining_minutes
from organizations.models import Membership, OrgUnit, User
from organizations.selectors import unit_list_for_actor, user_list_for_actor


class OrgUnitSerializer(serializers.ModelSerializer[OrgUnit]):
    parent = ScopedRelatedField(selector=unit_list_for_actor, allow_null=True, required=False)

    class Meta:
        model = OrgUnit
        fields = ["id", "kind", "name", "code", "parent", "community_type", "is_active"]
        # A new unit is active; deactivating one is an update (OrgUnitUpdateSerializer).
        read_only_fields = ["id", "is_active"]


class OrgUnitUpdateSerializer(serializers.ModelSerializer[OrgUnit]):
    """Kind and parent are fixed once a unit exists; the rest may change."""

    class Meta:
        model = OrgUnit
        fields = ["id", "kind", "name", "code", "parent", "community_type", "is_active"]
        read_only_fields = ["id", "kind", "parent"]


class MembershipBriefSerializer(serializers.ModelSerializer[Membership]):
    """A user's roles, shown with the user; never written through this serializer."""

    class Meta:
        model = Membership
        fields = ["id", "role", "unit"]
        read_only_fields = fields


class UserSerializer(serializers.ModelSerializer[User]):
    memberships = MembershipBriefSerializer(many=True, read_only=True)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "phone",
            "email",
            "is_active",
            "password",
            "memberships",
        ]
        read_only_fields = ["id", "is_active", "memberships"]

    def validate_password(self, value: str) -> str:
        password_validation.validate_password(value)
        return value


class UserActiveSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "username", "is_active"]
        read_only_fields = ["id", "username"]


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    user = ScopedRelatedField(selector=user_list_for_actor)
    unit = ScopedRelatedField(selector=unit_list_for_actor, allow_null=True, required=False)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "unit", "created_at"]
        read_only_fields = ["id", "created_at"]


@extend_schema_serializer(many=False)  # the list action answers one object, not a page
class MeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    tenant = serializers.IntegerField()
    roles = serializers.ListField(child=serializers.CharField())
    whole_tenant = serializers.BooleanField()
    street_ids = serializers.ListField(child=serializers.IntegerField())
    community_ids = serializers.ListField(child=serializers.IntegerField())


class LockoutAuthTokenSerializer(AuthTokenSerializer):
    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        minutes = lockout_remaining_minutes(attrs.get("username", ""))
        if minutes:
            raise serializers.ValidationError(
                _("Too many failed logins. Try again in %(minutes)d minutes.")
                % {"minutes": minutes},
                code="authorization",
            )
        return super().validate(attrs)
