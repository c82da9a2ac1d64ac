"""The engine's two feeds agree: the bulk one (values only, for totals) and the full one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from assessments.models import Assessment, Cycle, ScoreEntry
from assessments.selectors import (
    _read_ahead,
    approved_special_codes,
    indicators_for_assessment,
    subject_inputs,
    subject_inputs_for_totals,
)
from indicators import engine, services
from indicators import services as scheme_services
from indicators.engine import CareerStage, CommunityType, compile_scheme
from indicators.models import Indicator
from indicators.selectors import scheme_spec
from indicators.templates import template_document
from organizations.selectors import actor_for_user
from tests import factories as f
from tests.indicators.documents import small_document


def test_bulk_and_full_inputs_score_the_same(cast, as_tenant) -> None:
    actor = actor_for_user(cast.admin)
    raters = [f.UserFactory(tenant=cast.tenant_a) for _ in range(5)]
    with as_tenant(cast.tenant_a):
        scheme = services.scheme_create_from_document(actor=actor, document=small_document())
        scheme = services.scheme_publish(actor=actor, scheme=scheme)
        cycle = Cycle.objects.create(
            tenant=cast.tenant_a, kind="quarterly", year=2026, quarter=2, name="Q2", scheme=scheme,
            starts_on=dt.date(2026, 4, 1), ends_on=dt.date(2026, 6, 30),
        )  # fmt: skip
        assessments = []
        for n, secretary in enumerate([cast.secretary_record, *_more_secretaries(cast)]):
            assessment = Assessment.objects.create(
                tenant=cast.tenant_a, cycle=cycle, scheme=scheme, secretary=secretary,
                community=secretary.community, street=secretary.community.parent,
                community_type=secretary.community.community_type, career_stage=secretary.career_stage,
            )  # fmt: skip
            assessments.append(assessment)
            for indicator in Indicator.objects.filter(scheme=scheme):
                for group in indicator.rater_groups.all():
                    # Five raters on one pair (a trimmed mean), one missing pair on the
                    # second assessment, values that vary by rater.
                    count = 5 if indicator.code == "laji" and group.code == "zuzhi" else 2
                    if n == 1 and indicator.code == "dangjian":
                        continue
                    for r, rater in enumerate(raters[:count]):
                        value = (
                            Decimal(1) if indicator.method == "yes_no" else Decimal(55 + 9 * r + n)
                        )
                        ScoreEntry.objects.create(
                            tenant=cast.tenant_a, assessment=assessment, indicator=indicator,
                            rater_group=group, rater=rater, value=value,
                        )  # fmt: skip
        compiled = engine.compile_scheme(scheme_spec(scheme=scheme))
        full = {s.subject_id: engine.score(compiled, s) for s in subject_inputs(assessments)}
        bulk = {
            s.subject_id: engine.score(compiled, s, explain=False)
            for s in subject_inputs_for_totals(assessments)
        }
    assert full.keys() == bulk.keys() == {a.pk for a in assessments}
    for pk in full:
        assert (full[pk].total, full[pk].complete, full[pk].missing) == (
            bulk[pk].total,
            bulk[pk].complete,
            bulk[pk].missing,
        )
    assert not full[assessments[1].pk].complete


def _more_secretaries(cast):
    from organizations.models import Secretary

    other = f.CommunityFactory(
        tenant=cast.tenant_a, parent=cast.street_a1, code="a19", community_type="rural"
    )
    user = f.UserFactory(tenant=cast.tenant_a)
    return [
        f.SecretaryFactory(
            tenant=cast.tenant_a, user=user, community=other, took_office=dt.date(2025, 1, 1)
        )
    ] and [Secretary.objects.get(community=other)]


class _Cursor:
    """Hands out numbered rows in batches; fails after ``fail_after`` batches if given."""

    def __init__(self, rows: int, fail_after: int | None = None) -> None:
        self.rows, self.fail_after, self.fetched = list(range(rows)), fail_after, 0

    def fetchmany(self, size: int) -> list[int]:
        if self.fail_after is not None and self.fetched >= self.fail_after:
            raise RuntimeError("connection lost")
        batch, self.rows = self.rows[:size], self.rows[size:]
        self.fetched += 1
        return batch


def test_read_ahead_yields_every_row_in_order() -> None:
    assert list(_read_ahead(_Cursor(1005), batch_size=10)) == list(range(1005))
    assert list(_read_ahead(_Cursor(0))) == []


def test_read_ahead_raises_the_readers_error_in_the_caller() -> None:
    rows = _read_ahead(_Cursor(100, fail_after=2), batch_size=10)
    assert [next(rows) for _ in range(20)] == list(range(20))
    with pytest.raises(RuntimeError, match="connection lost"):
        next(rows)


def test_read_ahead_stops_its_reader_when_the_caller_stops_early() -> None:
    cursor = _Cursor(100_000)
    rows = _read_ahead(cursor, batch_size=10)
    assert next(rows) == 0
    rows.close()  # joins the reader; it must not run on to the end of the cursor
    assert cursor.fetched < 100


@pytest.mark.parametrize(
    "template", ["jichu-fazhan-tese", "chengxiao-dangjian-manyi", "sige-weidu"]
)
def test_the_indicators_an_assessment_lists_are_the_ones_the_engine_scores(
    cast, as_tenant, template
) -> None:
    actor = actor_for_user(cast.admin)
    with as_tenant(cast.tenant_a):
        document = template_document(template, scheme_code=f"t-{template}", year=2026)
        scheme = scheme_services.scheme_create_from_document(actor=actor, document=document)
        scheme = scheme_services.scheme_publish(actor=actor, scheme=scheme)
        pool = list(Indicator.objects.filter(scheme=scheme, in_special_pool=True).order_by("pk"))
        if pool:
            scheme_services.special_choice_pick(
                actor=actor_for_user(cast.secretary), scheme=scheme,
                community=cast.community_a11, indicator=pool[0],
            )  # fmt: skip
        chosen = approved_special_codes(scheme_id=scheme.pk, community_ids=[cast.community_a11.pk])
        compiled = compile_scheme(
            scheme_spec(scheme=scheme, special_codes=chosen.get(cast.community_a11.pk))
        )
        for community_type in CommunityType:
            for stage in CareerStage:
                assessment = Assessment(
                    scheme=scheme, community=cast.community_a11,
                    community_type=community_type, career_stage=stage,
                )  # fmt: skip
                listed = [i.code for i in indicators_for_assessment(assessment)]
                plan = compiled.contexts[(community_type, stage)]
                scored = [i.spec.code for c in plan.categories for i in c.indicators]
                assert sorted(listed) == sorted(scored), (community_type, stage)
                if pool:
                    assert pool[0].code in listed
                    assert not {p.code for p in pool[1:]} & set(listed)
