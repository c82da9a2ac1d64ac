"""The demo data set: a district with three streets and twelve communities, and a second
tenant beside it so isolation can be seen. Used by ``seed_demo`` and by tests."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from organizations import services
from organizations.models import Membership, OrgUnit, Secretary, Tenant, User
from organizations.rls import tenant_context
from organizations.selectors import actor_for_user
from organizations.tenancy import Actor, Role

DEMO_PASSWORD = "Kaoping-demo-2026"  # noqa: S105 - printed for the demo, never used in production


@dataclass(frozen=True)
class CommunitySeed:
    code: str
    name: str
    type: str
    secretary: str  # username
    secretary_name: str
    took_office: dt.date


@dataclass(frozen=True)
class StreetSeed:
    code: str
    name: str
    communities: tuple[CommunitySeed, ...]


@dataclass(frozen=True)
class TenantSeed:
    code: str
    name: str
    district: str
    streets: tuple[StreetSeed, ...]
    # (username, full name, role, unit code or None)
    staff: tuple[tuple[str, str, Role, str | None], ...]


U, R, M = OrgUnit.CommunityType.URBAN, OrgUnit.CommunityType.RURAL, OrgUnit.CommunityType.MOUNTAIN
D = dt.date

DEMO = TenantSeed(
    code="donghu",
    name="东湖区",
    district="东湖区",
    streets=(
        StreetSeed(
            "donghu-jd",
            "东湖街道",
            (
                CommunitySeed("xingfuli", "幸福里社区", U, "sec-xingfuli", "王建国", D(2025, 9, 1)),
                CommunitySeed("cuiyuan", "翠苑社区", U, "sec-cuiyuan", "李秀英", D(2022, 3, 15)),
                CommunitySeed("chaoyang", "朝阳社区", U, "sec-chaoyang", "张伟", D(2017, 6, 1)),
                CommunitySeed("jinxiu", "锦绣社区", U, "sec-jinxiu", "刘芳", D(2024, 1, 10)),
            ),
        ),
        StreetSeed(
            "nanhu-jd",
            "南湖街道",
            (
                CommunitySeed("nanhu", "南湖社区", U, "sec-nanhu", "陈静", D(2020, 5, 20)),
                CommunitySeed("yugang", "渔港社区", R, "sec-yugang", "杨海", D(2016, 11, 1)),
                CommunitySeed("taoyuan", "桃源社区", R, "sec-taoyuan", "赵丽", D(2023, 7, 1)),
                CommunitySeed("xinhe", "新河社区", U, "sec-xinhe", "黄磊", D(2025, 3, 1)),
            ),
        ),
        StreetSeed(
            "xishan-jd",
            "西山街道",
            (
                CommunitySeed("xishan", "西山社区", M, "sec-xishan", "周强", D(2019, 4, 1)),
                CommunitySeed("yunling", "云岭社区", M, "sec-yunling", "吴敏", D(2021, 8, 16)),
                CommunitySeed("shiqiao", "石桥社区", R, "sec-shiqiao", "徐军", D(2014, 2, 1)),
                CommunitySeed("chayuan", "茶园社区", M, "sec-chayuan", "孙燕", D(2024, 10, 8)),
            ),
        ),
    ),
    staff=(
        ("demo-admin", "系统管理员", Role.TENANT_ADMIN, None),
        ("demo-leader", "区领导 马明", Role.DISTRICT_LEADER, None),
        ("demo-assessor", "考核员 郑洁", Role.STREET_ASSESSOR, "donghu-jd"),
        ("demo-assessor-nanhu", "考核员 冯涛", Role.STREET_ASSESSOR, "nanhu-jd"),
        ("demo-assessor-xishan", "考核员 何琳", Role.STREET_ASSESSOR, "xishan-jd"),
        ("demo-expert", "专家 林教授", Role.EXPERT, None),
    ),
)

NEIGHBOUR = TenantSeed(
    code="xiling",
    name="西陵区",
    district="西陵区",
    streets=(
        StreetSeed(
            "xiling-jd",
            "西陵街道",
            (
                CommunitySeed("xiling-a", "滨江社区", U, "xl-sec-binjiang", "钱进", D(2021, 1, 4)),
                CommunitySeed("xiling-b", "青山社区", M, "xl-sec-qingshan", "冯雪", D(2024, 6, 1)),
            ),
        ),
    ),
    staff=(
        ("xl-admin", "西陵 系统管理员", Role.TENANT_ADMIN, None),
        ("xl-assessor", "西陵 考核员", Role.STREET_ASSESSOR, "xiling-jd"),
    ),
)


@functools.cache
def _password_hash() -> str:
    """One hash for every demo account: a hash takes about half a second by design, the
    password is printed for all to read, and twenty-two of them made ``make run`` ten
    seconds slower."""
    return make_password(DEMO_PASSWORD)


def _user(tenant: Tenant, username: str, full_name: str) -> tuple[User, bool]:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = User(tenant=tenant, username=username, full_name=full_name)
    user.password = _password_hash()
    user.full_clean()
    user.save()
    return user, True


def _seed_tenant(seed: TenantSeed) -> Tenant:
    tenant = Tenant.objects.filter(code=seed.code).first() or services.tenant_create(
        name=seed.name, code=seed.code
    )
    with tenant_context(tenant.pk):
        # Bootstrap: the first administrator is created directly; everything after goes
        # through the services as that administrator, so the audit log tells the story.
        admin_username, admin_name, _role, _unit = seed.staff[0]
        admin, _created = _user(tenant, admin_username, admin_name)
        Membership.objects.get_or_create(
            tenant=tenant, user=admin, role=Role.TENANT_ADMIN, unit=None
        )
        actor = actor_for_user(admin)
        assert actor is not None

        units: dict[str, OrgUnit] = {u.code: u for u in OrgUnit.objects.filter(tenant=tenant)}

        def unit(code: str, **fields: object) -> OrgUnit:
            if code not in units:
                units[code] = services.unit_create(actor=actor, code=code, **fields)  # type: ignore[arg-type]
            return units[code]

        district = unit(f"{seed.code}-district", kind=OrgUnit.Kind.DISTRICT, name=seed.district)
        for street_seed in seed.streets:
            street = unit(
                street_seed.code, kind=OrgUnit.Kind.STREET, name=street_seed.name, parent=district
            )
            for c in street_seed.communities:
                community = unit(
                    c.code,
                    kind=OrgUnit.Kind.COMMUNITY,
                    name=c.name,
                    parent=street,
                    community_type=c.type,
                )
                _seed_secretary(actor, tenant, c, community)
        for username, full_name, role, unit_code in seed.staff[1:]:
            user, _created = _user(tenant, username, full_name)
            scope = units[unit_code] if unit_code else None
            if not Membership.objects.filter(user=user, role=role, unit=scope).exists():
                services.membership_grant(actor=actor, user=user, role=role, unit=scope)
    return tenant


def _seed_secretary(actor: Actor, tenant: Tenant, seed: CommunitySeed, community: OrgUnit) -> None:
    user, _created = _user(tenant, seed.secretary, seed.secretary_name)
    if not Secretary.objects.filter(user=user).exists():
        services.secretary_appoint(
            actor=actor, user=user, community=community, took_office=seed.took_office
        )


def seed_demo() -> list[Tenant]:
    return [_seed_tenant(DEMO), _seed_tenant(NEIGHBOUR)]


# Helpers for the other apps' demo modules ------------------------------------------------


def demo_actor(username: str) -> Actor:
    """The actor of a demo account (the demo modules act as the people of the demo)."""
    actor = actor_for_user(User.objects.get(username=username))
    assert actor is not None, username
    return actor


@contextmanager
def one_job_each() -> Iterator[None]:
    """Queue each background job once for a burst of writes.

    The services queue a job on commit after every write (recompute the cycle after a score,
    evaluate the warnings after a publication); the demo makes hundreds of writes in one
    transaction, and on a first ``make run`` (eager tasks) each job would run hundreds of
    times when it commits. Jobs queued in the block with the same task and arguments are
    kept once. Call inside the transaction (``tenant_context``)."""
    connection = transaction.get_connection()
    start = len(connection.run_on_commit)
    yield
    seen: set[tuple[object, ...]] = set()
    kept = []
    for entry in connection.run_on_commit[start:]:
        job = entry[1]
        if isinstance(job, functools.partial):
            key = (job.func, job.args, tuple(sorted(job.keywords.items())))
            if key in seen:
                continue
            seen.add(key)
        kept.append(entry)
    connection.run_on_commit[start:] = kept
