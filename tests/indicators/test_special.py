"""Special indicators: picks from the pool up to the scheme's limit, proposals decided by an
assessor of the community's street, everything scoped and audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments.selectors import approved_special_codes
from indicators import services
from indicators.models import Indicator, SpecialIndicatorChoice
from indicators.templates import template_document
from organizations.selectors import actor_for_user


@pytest.fixture
def scheme(cast, as_tenant):
    actor = actor_for_user(cast.admin)
    document = template_document("jichu-fazhan-tese", scheme_code="tese", year=2026)
    document["scheme"]["special_indicator_limit"] = 2
    with as_tenant(cast.tenant_a):
        draft = services.scheme_create_from_document(actor=actor, document=document)
        return services.scheme_publish(actor=actor, scheme=draft)


def _pool(scheme, as_tenant, tenant) -> list[Indicator]:
    with as_tenant(tenant):
        return list(Indicator.objects.filter(scheme=scheme, in_special_pool=True).order_by("pk"))


def test_a_secretary_picks_up_to_the_limit_for_their_own_community(cast, as_tenant, scheme):
    pool = _pool(scheme, as_tenant, cast.tenant_a)
    actor = actor_for_user(cast.secretary)
    with as_tenant(cast.tenant_a):
        for indicator in pool[:2]:
            services.special_choice_pick(
                actor=actor, scheme=scheme, community=cast.community_a11, indicator=indicator
            )
        with pytest.raises(ValidationError, match=r"most the scheme allows|上限"):
            services.special_choice_pick(
                actor=actor, scheme=scheme, community=cast.community_a11, indicator=pool[2]
            )
        with pytest.raises(PermissionDenied):
            services.special_choice_pick(
                actor=actor, scheme=scheme, community=cast.community_a12, indicator=pool[2]
            )
        assert SpecialIndicatorChoice.objects.filter(community=cast.community_a11).count() == 2


def test_a_proposal_counts_once_approved_by_the_streets_assessor(cast, as_tenant, scheme):
    secretary = actor_for_user(cast.secretary)
    with as_tenant(cast.tenant_a):
        choice = services.special_choice_propose(
            actor=secretary, scheme=scheme, community=cast.community_a11,
            name="老旧小区加装电梯", description="加装电梯完成户数", max_points=Decimal(6),
        )  # fmt: skip
        assert choice.status == "proposed"
        with pytest.raises(PermissionDenied):  # an assessor of another street
            services.special_choice_decide(
                actor=actor_for_user(cast.assessor_a2), choice=choice, approve=True
            )
        with pytest.raises(ValidationError, match=r"scored_as|pool indicator"):
            # A published version cannot grow an indicator: the approver names the pool
            # indicator that carries the proposal.
            services.special_choice_decide(
                actor=actor_for_user(cast.assessor), choice=choice, approve=True
            )
        pool = list(Indicator.objects.filter(scheme=scheme, in_special_pool=True).order_by("pk"))
        not_pool = Indicator.objects.filter(scheme=scheme, in_special_pool=False).first()
        with pytest.raises(ValidationError):
            services.special_choice_decide(
                actor=actor_for_user(cast.assessor), choice=choice, approve=True,
                scored_as=not_pool,
            )  # fmt: skip
        choice.refresh_from_db()
        assert (choice.status, choice.indicator_id) == ("proposed", None)
        services.special_choice_decide(
            actor=actor_for_user(cast.assessor), choice=choice, approve=True, scored_as=pool[0]
        )
        choice.refresh_from_db()
        assert (choice.status, choice.decided_by_id) == ("approved", cast.assessor.pk)
        assert choice.indicator_id == pool[0].pk
        # It now counts where scores are computed: the community is scored on that indicator.
        assert approved_special_codes(
            scheme_id=scheme.pk, community_ids=[cast.community_a11.pk]
        ) == {cast.community_a11.pk: frozenset({pool[0].code})}
        with pytest.raises(ValidationError):
            services.special_choice_decide(
                actor=actor_for_user(cast.assessor), choice=choice, approve=False
            )


def test_bad_proposals_are_refused_and_nothing_saved(cast, as_tenant, scheme):
    secretary = actor_for_user(cast.secretary)
    with as_tenant(cast.tenant_a):
        for name, points in (("", Decimal(5)), ("电梯", Decimal(0))):
            with pytest.raises(ValidationError):
                services.special_choice_propose(
                    actor=secretary,
                    scheme=scheme,
                    community=cast.community_a11,
                    name=name,
                    description="",
                    max_points=points,
                )
        assert not SpecialIndicatorChoice.objects.exists()


def test_a_pick_from_another_scheme_or_outside_the_pool_is_refused(cast, as_tenant, scheme):
    with as_tenant(cast.tenant_a):
        not_pool = Indicator.objects.filter(scheme=scheme, in_special_pool=False).first()
        with pytest.raises(ValidationError):
            services.special_choice_pick(
                actor=actor_for_user(cast.secretary),
                scheme=scheme,
                community=cast.community_a11,
                indicator=not_pool,
            )


def test_the_api_picks_proposes_and_decides(cast, as_tenant, scheme):
    pool = _pool(scheme, as_tenant, cast.tenant_a)
    secretary = cast.client_for("secretary")
    url = reverse("special-indicator-list")
    pick = secretary.post(
        url,
        {"scheme": scheme.pk, "community": cast.community_a11.pk, "indicator": pool[0].pk},
        content_type="application/json",
    )
    assert pick.status_code == 201, pick.content
    foreign = secretary.post(
        url,
        {"scheme": scheme.pk, "community": cast.community_b11.pk, "indicator": pool[1].pk},
        content_type="application/json",
    )
    assert foreign.status_code == 400 and "community" in foreign.json()
    proposal = secretary.post(
        url, {"scheme": scheme.pk, "community": cast.community_a11.pk, "proposed_name": "电梯", "proposed_max_points": "5"},
        content_type="application/json",
    )  # fmt: skip
    assert proposal.status_code == 201, proposal.content.decode()
    decide = reverse("special-indicator-decide", args=[proposal.json()["id"]])
    assert (
        secretary.post(decide, {"approve": True}, content_type="application/json").status_code
        == 403
    )
    assessor = cast.client_for("assessor")
    missing = assessor.post(decide, {"approve": True}, content_type="application/json")
    assert missing.status_code == 400 and "scored_as" in missing.json()
    with as_tenant(cast.tenant_b):
        document = template_document("jichu-fazhan-tese", scheme_code="tese", year=2026)
        other = services.scheme_create_from_document(
            actor=actor_for_user(cast.admin_b), document=document
        )
        foreign_indicator = Indicator.objects.filter(scheme=other, in_special_pool=True).first()
    foreign_pool = assessor.post(
        decide,
        {"approve": True, "scored_as": foreign_indicator.pk},
        content_type="application/json",
    )
    assert foreign_pool.status_code == 400 and "scored_as" in foreign_pool.json()
    approved = assessor.post(
        decide, {"approve": True, "scored_as": pool[1].pk}, content_type="application/json"
    )
    assert approved.json()["status"] == "approved"
    assert approved.json()["indicator"] == pool[1].pk
    listed = cast.client_for("assessor_a2").get(url).json()
    assert listed["count"] == 0  # another street sees none of street 1's choices


def test_the_page_shows_the_pool_and_takes_a_pick(cast, as_tenant, scheme):
    pool = _pool(scheme, as_tenant, cast.tenant_a)
    client = cast.client_for("secretary")
    page_url = reverse("indicators:special", args=[scheme.pk])
    html = client.get(page_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert pool[0].name in html and "0 of 2 chosen" in html
    response = client.post(
        page_url + f"?community={cast.community_a11.pk}",
        {"action": "pick", "indicator": pool[0].pk},
    )
    assert response.status_code == 302
    html = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 of 2 chosen" in html
    # A proposal with no name shows the error in place and saves nothing.
    bad = client.post(
        page_url,
        {"action": "propose", "name": "", "description": "x", "max_points": "5"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 200 and "This field is required." in bad.content.decode()
    with as_tenant(cast.tenant_a):
        assert SpecialIndicatorChoice.objects.count() == 1


def test_withdraw_asks_first(cast, as_tenant, scheme):
    pool = _pool(scheme, as_tenant, cast.tenant_a)
    with as_tenant(cast.tenant_a):
        choice = services.special_choice_pick(
            actor=actor_for_user(cast.secretary),
            scheme=scheme,
            community=cast.community_a11,
            indicator=pool[0],
        )
    url = reverse("indicators:special_withdraw", args=[scheme.pk, choice.pk])
    client = cast.client_for("secretary")
    assert client.get(url).status_code == 200
    with as_tenant(cast.tenant_a):
        assert SpecialIndicatorChoice.objects.filter(pk=choice.pk).exists()
    assert client.post(url).status_code == 302
    with as_tenant(cast.tenant_a):
        assert not SpecialIndicatorChoice.objects.filter(pk=choice.pk).exists()
    assert cast.client_for("secretary_b").get(url).status_code == 404


def test_the_page_approves_a_proposal_on_the_pool_indicator_named(cast, as_tenant, scheme):
    pool = _pool(scheme, as_tenant, cast.tenant_a)
    with as_tenant(cast.tenant_a):
        choice = services.special_choice_propose(
            actor=actor_for_user(cast.secretary), scheme=scheme, community=cast.community_a11,
            name="垃圾分类示范", description="示范小区数", max_points=Decimal(5),
        )  # fmt: skip
    client = cast.client_for("assessor")
    page_url = (
        reverse("indicators:special", args=[scheme.pk]) + f"?community={cast.community_a11.pk}"
    )
    unnamed = client.post(
        page_url, {"action": "approve", "choice": choice.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert unnamed.status_code == 200
    assert "Name the pool indicator on which this proposal is scored." in unnamed.content.decode()
    with as_tenant(cast.tenant_a):
        choice.refresh_from_db()
        assert choice.status == "proposed"
    named = client.post(
        page_url, {"action": "approve", "choice": choice.pk, "scored_as": pool[2].pk}
    )
    assert named.status_code == 302
    html = client.get(named["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"scored as {pool[2].name}" in html
