import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from organizations import services
from organizations.models import CareerStage, Membership, OrgUnit, career_stage_on
from organizations.selectors import actor_for_user
from organizations.tenancy import Role
from tests import factories as f


@pytest.fixture
def admin_actor(cast):
    return actor_for_user(cast.admin)


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def test_community_directly_under_a_district_is_rejected_and_nothing_saved(
    cast, admin_actor, as_tenant
):
    with as_tenant(cast.tenant_a):
        before = OrgUnit.objects.count()
        with pytest.raises(ValidationError) as exc:
            services.unit_create(
                actor=admin_actor,
                kind=OrgUnit.Kind.COMMUNITY,
                name="错位社区",
                code="misplaced",
                parent=cast.district_a,
                community_type=OrgUnit.CommunityType.URBAN,
            )
        assert "parent" in exc.value.message_dict
        assert OrgUnit.objects.count() == before


def test_community_needs_a_type_and_a_street_none(cast, admin_actor, as_tenant):
    with as_tenant(cast.tenant_a), pytest.raises(ValidationError) as exc:
        services.unit_create(
            actor=admin_actor,
            kind=OrgUnit.Kind.STREET,
            name="街",
            code="s9",
            parent=cast.district_a,
            community_type=OrgUnit.CommunityType.RURAL,
        )
    assert "community_type" in exc.value.message_dict


def test_parent_from_another_tenant_is_rejected(cast, admin_actor, as_tenant):
    with as_tenant(cast.tenant_a), pytest.raises(ValidationError) as exc:
        services.unit_create(
            actor=admin_actor,
            kind=OrgUnit.Kind.STREET,
            name="越界街道",
            code="x",
            parent=cast.district_b,
        )
    assert "parent" in exc.value.message_dict


def test_membership_scope_unit_of_another_tenant_is_rejected_and_nothing_saved(
    cast, admin_actor, as_tenant, english
):
    with as_tenant(cast.tenant_a):
        before = Membership.objects.count()
        with pytest.raises(ValidationError) as exc:
            services.membership_grant(
                actor=admin_actor, user=cast.expert, role=Role.STREET_ASSESSOR, unit=cast.street_b1
            )
        assert "unit" in exc.value.message_dict
        assert "another tenant" in " ".join(exc.value.message_dict["unit"])
        assert Membership.objects.count() == before


def test_user_given_roles_in_two_tenants_is_rejected_and_nothing_saved(
    cast, admin_actor, as_tenant, english
):
    # cast.admin_b belongs to tenant B; tenant A's admin cannot make them an assessor in A.
    with as_tenant(cast.tenant_a):
        before = Membership.objects.count()
        with pytest.raises(ValidationError) as exc:
            services.membership_grant(
                actor=admin_actor, user=cast.admin_b, role=Role.STREET_ASSESSOR, unit=cast.street_a1
            )
        assert "one tenant only" in " ".join(exc.value.message_dict["user"])
        assert Membership.objects.count() == before


@pytest.mark.parametrize(
    ("role", "unit_name", "ok"),
    [
        (Role.STREET_ASSESSOR, "street_a1", True),
        (Role.STREET_ASSESSOR, "community_a11", False),
        (Role.STREET_ASSESSOR, None, False),
        (Role.SECRETARY, "street_a1", False),
        (Role.TENANT_ADMIN, "district_a", False),
        (Role.DISTRICT_LEADER, "district_a", True),
        (Role.DISTRICT_LEADER, None, True),
        (Role.EXPERT, None, True),
    ],
)
def test_role_must_match_its_scope_unit_kind(cast, admin_actor, as_tenant, role, unit_name, ok):
    unit = getattr(cast, unit_name) if unit_name else None
    newcomer = f.UserFactory(tenant=cast.tenant_a)
    with as_tenant(cast.tenant_a):
        if ok:
            membership = services.membership_grant(
                actor=admin_actor, user=newcomer, role=role, unit=unit
            )
            assert membership.pk
        else:
            with pytest.raises(ValidationError) as exc:
                services.membership_grant(actor=admin_actor, user=newcomer, role=role, unit=unit)
            assert "unit" in exc.value.message_dict


def test_the_same_role_twice_is_refused_with_a_clear_message(cast, admin_actor, as_tenant, english):
    with as_tenant(cast.tenant_a), pytest.raises(ValidationError) as exc:
        services.membership_grant(actor=admin_actor, user=cast.expert, role=Role.EXPERT, unit=None)
    assert "already holds this role" in " ".join(exc.value.messages)


def test_only_tenant_admins_may_write(cast, as_tenant):
    from django.core.exceptions import PermissionDenied

    with as_tenant(cast.tenant_a), pytest.raises(PermissionDenied):
        services.unit_create(
            actor=actor_for_user(cast.assessor),
            kind=OrgUnit.Kind.STREET,
            name="x",
            code="x",
            parent=cast.district_a,
        )


def test_error_messages_are_translated(cast, admin_actor, as_tenant):
    from django.utils import translation

    with (
        translation.override("zh-hans"),
        as_tenant(cast.tenant_a),
        pytest.raises(ValidationError) as exc,
    ):
        services.unit_create(
            actor=admin_actor,
            kind=OrgUnit.Kind.COMMUNITY,
            name="错位",
            code="m2",
            parent=cast.district_a,
            community_type="urban",
        )
    assert "街道" in " ".join(exc.value.message_dict["parent"])


@pytest.mark.parametrize(
    ("took_office", "on", "stage"),
    [
        (dt.date(2024, 3, 1), dt.date(2024, 3, 1), CareerStage.ADAPTATION),
        (dt.date(2024, 3, 1), dt.date(2026, 2, 28), CareerStage.ADAPTATION),  # 1 full year
        (dt.date(2024, 3, 1), dt.date(2026, 3, 1), CareerStage.GROWTH),  # 2 full years: 3rd year
        (dt.date(2021, 3, 1), dt.date(2026, 2, 28), CareerStage.GROWTH),  # 4 full years: 5th year
        (dt.date(2021, 3, 1), dt.date(2026, 3, 1), CareerStage.BREAKTHROUGH),  # 6th year
        (dt.date(2020, 2, 29), dt.date(2025, 2, 28), CareerStage.GROWTH),  # leap day not yet passed
    ],
)
def test_career_stage_boundaries(took_office, on, stage):
    assert career_stage_on(took_office, on) == stage
