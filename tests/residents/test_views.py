"""Staff pages: campaigns, cards, screening and answering suggestions, the paradox check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from residents import services
from residents.models import Campaign, CardBatch, ComplaintCount, Response
from residents.tokens import read_card_token
from tests.residents.conftest import SCORES
from tests.residents.test_stats import _submit_all

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_list_is_paginated_with_a_pinned_query_count(
    cast, rating, as_tenant, django_assert_max_num_queries
):
    from organizations.selectors import actor_for_user

    with as_tenant(cast.tenant_a):  # a second row must not cost more queries
        services.campaign_create(
            actor=actor_for_user(cast.assessor), cycle=rating.cycle, community=cast.community_a12,
            closes_on=rating.campaign.closes_on,
        )  # fmt: skip
    client = cast.client_for("assessor")
    # Session, user, memberships, tenant setting, count, the page, the navigation's and
    # messages' reads; the same for 1 or 25 rows.
    with django_assert_max_num_queries(11):
        page = client.get(reverse("residents:list"))
    assert page.status_code == 200 and cast.community_a11.name in page.content.decode()
    # Another street's assessor and another tenant's admin do not see it.
    assert (
        cast.community_a11.name
        not in cast.client_for("assessor_a2").get(reverse("residents:list")).content.decode()
    )
    assert (
        cast.client_for("admin_b")
        .get(reverse("residents:detail", args=[rating.campaign.pk]))
        .status_code
        == 404
    )
    assert (
        cast.client_for("assessor_a2")
        .get(reverse("residents:detail", args=[rating.campaign.pk]))
        .status_code
        == 404
    )


def test_creating_a_campaign_refuses_bad_input_and_saves_nothing(cast, rating, as_tenant):
    client = cast.client_for("assessor")
    past = timezone.localdate() - dt.timedelta(days=1)
    data = {
        "cycle": rating.cycle.pk,
        "community": cast.community_a12.pk,
        "closes_on": past.isoformat(),
    }
    page = client.post(reverse("residents:create"), data, **EN)
    assert page.status_code == 400 and "in the past" in page.content.decode()
    # A community of another street is not even a choice.
    other = client.post(
        reverse("residents:create"), {**data, "community": cast.community_a21.pk}, **EN
    )
    assert other.status_code == 400
    with as_tenant(cast.tenant_a):
        assert Campaign.objects.count() == 1
    future = timezone.localdate() + dt.timedelta(days=10)
    made = client.post(reverse("residents:create"), {**data, "closes_on": future.isoformat()})
    assert made.status_code == 302
    with as_tenant(cast.tenant_a):
        assert Campaign.objects.filter(community=cast.community_a12).exists()


def test_detail_stats_cards_and_poster(cast, rating, as_tenant):
    with as_tenant(cast.tenant_a):
        _submit_all(rating)
    client = cast.client_for("assessor")
    page = client.get(reverse("residents:detail", args=[rating.campaign.pk]), **EN)
    text = page.content.decode()
    assert page.status_code == 200 and "72.50" in text and "20.00%" in text and "<svg" in text
    bad = client.post(
        reverse("residents:batch_create", args=[rating.campaign.pk]),
        {"count": 0, "expires_on": "2099-01-01"},
    )
    assert bad.status_code == 302
    with as_tenant(cast.tenant_a):
        assert CardBatch.objects.count() == 1
    pdf = client.get(reverse("residents:cards_pdf", args=[rating.campaign.pk, rating.batch.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    poster = client.get(reverse("residents:poster_pdf", args=[rating.campaign.pk]))
    assert poster.content.startswith(b"%PDF")
    # The secretary reads the statistics but prints nothing.
    secretary = cast.client_for("secretary")
    assert secretary.get(reverse("residents:stats", args=[rating.campaign.pk])).status_code == 200
    assert (
        secretary.get(reverse("residents:poster_pdf", args=[rating.campaign.pk])).status_code == 403
    )


def test_suggestions_are_screened_before_the_secretary_sees_them_and_answers_are_timed(
    cast, rating, as_tenant
):
    with as_tenant(cast.tenant_a):
        services.rating_submit(
            campaign=rating.campaign, card=read_card_token(rating.tokens[0]), scores=SCORES,
            suggestion="3号楼王大爷电话13800000000，楼道堆物没人管",
        )  # fmt: skip
        services.rating_submit(
            campaign=rating.campaign, card=read_card_token(rating.tokens[1]), scores=SCORES,
            suggestion="垃圾清运时间太晚，建议提前到早上七点",
        )  # fmt: skip
        personal, useful = sorted(
            Response.objects.all(), key=lambda r: "王大爷" not in r.suggestion
        )
    url = reverse("residents:suggestions", args=[rating.campaign.pk])
    secretary, assessor = cast.client_for("secretary"), cast.client_for("assessor")
    assert "垃圾清运" not in secretary.get(url).content.decode()
    # Hiding needs a reason; without one nothing changes.
    assessor.post(reverse("residents:screen", args=[rating.campaign.pk, personal.pk]), {})
    with as_tenant(cast.tenant_a):
        personal.refresh_from_db()
        assert personal.screening == Response.Screening.PENDING
    assessor.post(
        reverse("residents:screen", args=[rating.campaign.pk, personal.pk]),
        {"reason": "含个人电话"},
    )
    assessor.post(
        reverse("residents:screen", args=[rating.campaign.pk, useful.pk]), {"release": "1"}
    )
    text = secretary.get(url).content.decode()
    assert "垃圾清运" in text and "王大爷" not in text
    # The secretary cannot reach the hidden one, nor screen anything.
    assert (
        secretary.post(
            reverse("residents:answer", args=[rating.campaign.pk, personal.pk]), {"text": "x"}
        ).status_code
        == 404
    )
    assert (
        secretary.post(
            reverse("residents:screen", args=[rating.campaign.pk, useful.pk]), {"release": "1"}
        ).status_code
        == 403
    )
    assert (
        secretary.post(
            reverse("residents:answer", args=[rating.campaign.pk, useful.pk]),
            {"text": "已调整到七点"},
        ).status_code
        == 302
    )
    with as_tenant(cast.tenant_a):
        useful.refresh_from_db()
        personal.refresh_from_db()
        assert useful.reply == "已调整到七点" and useful.replied_at >= useful.released_at
        assert personal.hidden_reason == "含个人电话"
        from residents.selectors import campaign_stats

        stats = campaign_stats(campaign=rating.campaign)
    assert stats.answered == 1 and stats.mean_answer_hours is not None
    assert (stats.awaiting_screening, stats.released) == (0, 1)


def test_paradox_import_flags_high_satisfaction_with_many_complaints(cast, rating, as_tenant):
    with as_tenant(cast.tenant_a):
        _submit_all(rating, [({k: 5 for k in SCORES}, "")] * 3)  # index 100
    client = cast.client_for("assessor")
    bad = SimpleUploadedFile(
        "c.csv", "社区,年度,季度,件数\na11,2026,5,3\nnowhere,2026,3,1\n".encode()
    )
    page = client.post(reverse("residents:paradox"), {"file": bad}, **EN)
    assert page.status_code == 400
    assert "Line 2" in page.content.decode() and "Line 3" in page.content.decode()
    with as_tenant(cast.tenant_a):
        assert ComplaintCount.objects.count() == 0
    good = SimpleUploadedFile(
        "c.csv",
        f"社区,年度,季度,件数\na11,2026,3,25\n{cast.community_a12.name},2026,3,2\n".encode(),
    )
    assert client.post(reverse("residents:paradox"), {"file": good}).status_code == 302
    page = client.get(reverse("residents:paradox"), {"cycle": rating.cycle.pk}, **EN)
    text = page.content.decode()
    assert "Look at this" in text and "100.00" in text and "25" in text
    # A secretary reads the page but imports nothing.
    refused = cast.client_for("secretary").post(reverse("residents:paradox"), {"file": good})
    assert refused.status_code == 403


def test_excel_import_of_complaints(cast, rating, as_tenant):
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["社区编码", "年度", "季度", "投诉件数"])
    sheet.append(["a11", 2026, 3, 7])
    buffer = io.BytesIO()
    book.save(buffer)
    from organizations.selectors import actor_for_user

    with as_tenant(cast.tenant_a):
        count = services.complaints_import(
            actor=actor_for_user(cast.assessor), name="c.xlsx", content=buffer.getvalue()
        )
        assert count == 1 and ComplaintCount.objects.get().count == 7
