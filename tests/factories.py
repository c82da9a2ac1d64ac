"""factory_boy factories. Rows of a tenant-owned model are created under that tenant's RLS
setting, so the factories work the same on SQLite and on PostgreSQL with RLS forced."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from organizations.models import Membership, OrgUnit, Secretary, Tenant, User
from organizations.rls import tenant_context
from organizations.tenancy import Role


class TenantOwnedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        tenant = kwargs.get("tenant")
        with tenant_context(tenant.pk if tenant is not None else None):
            return super()._create(model_class, *args, **kwargs)


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"测试区{n}")
    code = factory.Sequence(lambda n: f"tenant-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    tenant = factory.SubFactory(TenantFactory)
    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-Kaoping-2026")

    @factory.post_generation
    def _save(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()


class DistrictFactory(TenantOwnedFactory):
    class Meta:
        model = OrgUnit

    tenant = factory.SubFactory(TenantFactory)
    kind = OrgUnit.Kind.DISTRICT
    name = factory.Sequence(lambda n: f"区{n}")
    code = factory.Sequence(lambda n: f"district-{n}")
    parent = None


class StreetFactory(DistrictFactory):
    kind = OrgUnit.Kind.STREET
    parent = factory.SubFactory(DistrictFactory, tenant=factory.SelfAttribute("..tenant"))
    name = factory.Sequence(lambda n: f"街道{n}")
    code = factory.Sequence(lambda n: f"street-{n}")


class CommunityFactory(DistrictFactory):
    kind = OrgUnit.Kind.COMMUNITY
    parent = factory.SubFactory(StreetFactory, tenant=factory.SelfAttribute("..tenant"))
    name = factory.Sequence(lambda n: f"社区{n}")
    code = factory.Sequence(lambda n: f"community-{n}")
    community_type = OrgUnit.CommunityType.URBAN


class MembershipFactory(TenantOwnedFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory, tenant=factory.SelfAttribute("..tenant"))
    role = Role.TENANT_ADMIN
    unit = None


class SecretaryFactory(TenantOwnedFactory):
    class Meta:
        model = Secretary

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory, tenant=factory.SelfAttribute("..tenant"))
    community = factory.SubFactory(CommunityFactory, tenant=factory.SelfAttribute("..tenant"))
    took_office = dt.date(2022, 3, 1)
