from __future__ import annotations

from decimal import Decimal

from assessments import services
from assessments.leniency import rater_leniency, totals_without
from assessments.models import ScoreEntry
from organizations.selectors import actor_for_user
from tests import factories as f
from tests.assessments.workflow import open_quarter, pair, published_scheme


def test_a_lenient_expert_is_flagged_and_totals_shown_without_them(cast, as_tenant):
    experts = [f.MembershipFactory(tenant=cast.tenant_a, role="expert").user for _ in range(3)]
    with as_tenant(cast.tenant_a):
        scheme = published_scheme(cast)
        cycle, assessments = open_quarter(cast, scheme)
        assessment = assessments["a11"]
        assessor = actor_for_user(cast.assessor)
        for state in ("self_evaluation", "scoring"):
            services.assessment_transition(actor=assessor, assessment=assessment, to_state=state)
        for expert in experts:
            services.expert_assign(
                actor=actor_for_user(cast.admin), assessment=assessment, expert=expert
            )
        # Two experts give 70 on i1 and i3; the third gives 100 on both (30 points above).
        for expert, value in zip(experts, (Decimal(70), Decimal(70), Decimal(100)), strict=True):
            for code in ("i1", "i3"):
                indicator, group = pair(scheme, code, "zhuanjia")
                services.entry_save(
                    actor=actor_for_user(expert),
                    assessment=assessment,
                    indicator=indicator,
                    rater_group=group,
                    value=value,
                )
        report = {r.rater_id: r for r in rater_leniency(cycle=cycle)}
        assert report[experts[2].pk].deviation == Decimal("30.00") and report[experts[2].pk].flagged
        assert (
            report[experts[0].pk].deviation == Decimal("-15.00") and report[experts[0].pk].flagged
        )
        assert not rater_leniency(cycle=cycle, threshold=Decimal(40))[0].flagged
        before = ScoreEntry.objects.filter(assessment=assessment).count()
        totals = totals_without(assessments=[assessment], rater_ids={experts[2].pk})
        with_all, without = totals[assessment.pk]
        assert without < with_all  # the lenient expert had raised the total
        assert (
            ScoreEntry.objects.filter(assessment=assessment).count() == before
        )  # nothing overwritten
