"""The tenant evaluation on the real database: idempotent, resolving, all-or-nothing, the
circuit breaker, and the warning lifecycle."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alerts import services
from alerts.models import Alert, Escalation, Incident
from alerts.tasks import evaluate_tenant_alerts
from assessments.models import Rectification
from notifications.models import Notification
from organizations.rls import tenant_context
from organizations.selectors import actor_for_user
from tests.alerts.conftest import TODAY

pytestmark = pytest.mark.django_db


def _evaluate(cast: Any, today: dt.date = TODAY) -> services.EvaluationSummary:
    with tenant_context(cast.tenant_a.pk):
        return services.evaluate_tenant(tenant_id=cast.tenant_a.pk, today=today)


def _alerts(cast: Any, **filters: Any) -> list[Alert]:
    with tenant_context(cast.tenant_a.pk):
        return list(
            Alert.objects.filter(tenant=cast.tenant_a, **filters).order_by("rule", "community_id")
        )


def test_results_raise_red_and_yellow_warnings_in_their_quarter(cast, quarters) -> None:
    quarters.publish(
        2026,
        3,
        {cast.community_a11: "55.00", cast.community_a12: "75.00"},
        vetoed=(cast.community_a12,),
    )
    summary = _evaluate(cast)
    found = {(a.rule, a.community_id, a.level, a.period) for a in _alerts(cast)}
    assert found == {
        ("low_total", cast.community_a11.pk, "red", "2026Q3"),
        ("category_below", cast.community_a11.pk, "yellow", "2026Q3"),
        ("veto", cast.community_a12.pk, "red", "2026Q3"),
    }
    assert summary.created == 3
    low = _alerts(cast, rule="low_total")[0]
    assert low.assessment_id is not None and low.facts == {"total": "55.00", "pass_mark": "60"}


def test_unpublished_results_raise_nothing(cast, quarters) -> None:
    quarters.publish(2026, 3, {cast.community_a11: "55.00"}, state="review")
    _evaluate(cast)
    assert _alerts(cast, rule="low_total") == []


def test_running_twice_creates_no_duplicate(cast, quarters) -> None:
    quarters.publish(2026, 2, {cast.community_a11: "90.00"})
    quarters.publish(2026, 3, {cast.community_a11: "55.00", cast.community_a21: "70.00"})
    first = _evaluate(cast)
    second = _evaluate(cast)
    rows = _alerts(cast)
    assert first.created == len(rows) and (second.created, second.updated, second.resolved) == (
        0,
        0,
        0,
    )
    assert len({(a.rule, a.community_id, a.subject, a.period) for a in rows}) == len(rows)
    assert {a.rule for a in rows} >= {"low_total", "quarter_drop"}


def test_a_warning_whose_condition_is_gone_is_resolved_with_the_date(cast, quarters) -> None:
    quarters.publish(2026, 3, {cast.community_a11: "55.00"})
    _evaluate(cast)
    quarters.publish(2026, 3, {cast.community_a11: "85.00"})  # an upheld appeal corrected it
    summary = _evaluate(cast, TODAY + dt.timedelta(days=1))
    low = _alerts(cast, rule="low_total")[0]
    assert summary.resolved == 2
    assert (low.status, low.resolved_on) == ("resolved", TODAY + dt.timedelta(days=1))
    quarters.publish(2026, 3, {cast.community_a11: "50.00"})
    _evaluate(cast)
    reopened = _alerts(cast, rule="low_total")
    assert [(a.status, a.resolved_on) for a in reopened] == [("open", None)]


def test_a_job_killed_half_way_leaves_nothing_and_the_retry_completes(
    cast, quarters, monkeypatch
) -> None:
    quarters.publish(2026, 3, {cast.community_a11: "55.00"})

    def killed(**kwargs: Any) -> int:
        # Warnings are written by now; the worker dies before the circuit breaker.
        assert Alert.objects.filter(tenant=cast.tenant_a).exists()
        raise RuntimeError("worker lost")

    monkeypatch.setattr(services, "_trip_circuit_breaker", killed)
    with pytest.raises(RuntimeError):
        evaluate_tenant_alerts.apply(args=[cast.tenant_a.pk], throw=True)
    assert _alerts(cast) == []
    monkeypatch.undo()
    evaluate_tenant_alerts.apply(args=[cast.tenant_a.pk], throw=True)
    evaluate_tenant_alerts.apply(args=[cast.tenant_a.pk], throw=True)
    assert len(_alerts(cast)) == 2


def test_a_lost_talk_planning_job_is_asked_for_again(cast, quarters, monkeypatch) -> None:
    """The planning job is enqueued once the escalation commits: a worker killed in between
    loses it. The next evaluation (the redelivered job, or the nightly one) asks again."""
    from alerts.tasks import schedule_special_talks

    asked: list[int] = []
    monkeypatch.setattr(schedule_special_talks, "delay_on_commit", asked.append)
    for quarter in (1, 2):
        quarters.publish(2026, quarter, {cast.community_a11: "50.00"})
        _evaluate(cast, dt.date(2026, 3 * quarter + 1, 15))
    quarters.publish(2026, 3, {cast.community_a11: "50.00"})
    assert _evaluate(cast).escalated == 1
    assert asked == [cast.tenant_a.pk]  # and lost
    assert _evaluate(cast).escalated == 0
    assert asked == [cast.tenant_a.pk] * 2
    with tenant_context(cast.tenant_a.pk):
        services.escalations_schedule_talks(tenant_id=cast.tenant_a.pk, today=TODAY)
        assert Escalation.objects.get().talk_id is not None
    _evaluate(cast)
    assert asked == [cast.tenant_a.pk] * 2  # planned: nothing more to ask for


def test_rectification_overdue_and_due_soon(cast, quarters) -> None:
    with tenant_context(cast.tenant_a.pk):
        common = {
            "tenant": cast.tenant_a,
            "street": cast.street_a1,
            "community": cast.community_a11,
            "owner": cast.secretary,
        }
        overdue = Rectification.objects.create(
            **common, title="台账", deadline=TODAY - dt.timedelta(days=1)
        )
        Rectification.objects.create(**common, title="消防", deadline=TODAY + dt.timedelta(days=7))
        Rectification.objects.create(**common, title="远期", deadline=TODAY + dt.timedelta(days=8))
    _evaluate(cast)
    assert [(a.rule, a.level) for a in _alerts(cast)] == [
        ("rectification_due", "blue"),
        ("rectification_overdue", "yellow"),
    ]
    assert _alerts(cast, rule="rectification_overdue")[0].rectification_id == overdue.pk
    with tenant_context(cast.tenant_a.pk):
        Rectification.objects.filter(pk=overdue.pk).update(status=Rectification.Status.ACCEPTED)
    _evaluate(cast)
    assert _alerts(cast, rule="rectification_overdue")[0].status == "resolved"


def test_serious_incident_is_red_until_closed(cast) -> None:
    actor = actor_for_user(cast.assessor)
    with tenant_context(cast.tenant_a.pk):
        incident = services.incident_report(
            actor=actor, community=cast.community_a11, kind=Incident.Kind.MASS_PETITION,
            title="群体上访", occurred_on=dt.date(2026, 9, 1),
        )  # fmt: skip
    _evaluate(cast)
    (alert,) = _alerts(cast)
    assert (alert.rule, alert.level, alert.period, alert.incident_id) == (
        "serious_incident",
        "red",
        "2026Q3",
        incident.pk,
    )
    with tenant_context(cast.tenant_a.pk):
        services.incident_close(actor=actor, incident=incident, closed_on=TODAY)
    _evaluate(cast)
    assert _alerts(cast)[0].status == "resolved"


def test_incident_bad_input_is_refused_and_nothing_saved(cast) -> None:
    with tenant_context(cast.tenant_a.pk):
        with pytest.raises(ValidationError) as error:
            services.incident_report(
                actor=actor_for_user(cast.assessor), community=cast.community_a11, kind="food_safety",
                title="", occurred_on=dt.date(2099, 1, 1),
            )  # fmt: skip
        assert "occurred_on" in error.value.message_dict
        with pytest.raises(PermissionDenied):
            services.incident_report(
                actor=actor_for_user(cast.assessor), community=cast.community_a21, kind="food_safety",
                title="越界", occurred_on=dt.date(2026, 1, 1),
            )  # fmt: skip
        assert not Incident.objects.exists()


def test_circuit_breaker_escalates_once_after_three_quarters(cast, quarters) -> None:
    for quarter in (1, 2):
        quarters.publish(2026, quarter, {cast.community_a11: "50.00"})
        _evaluate(cast, dt.date(2026, 3 * quarter + 1, 15))
    with tenant_context(cast.tenant_a.pk):
        assert not Escalation.objects.exists()
    quarters.publish(2026, 3, {cast.community_a11: "50.00"})
    summary = _evaluate(cast)
    assert summary.escalated == 1
    with tenant_context(cast.tenant_a.pk):
        escalation = Escalation.objects.get()
        notified = set(
            Notification.objects.filter(verb="alerts.circuit_breaker").values_list(
                "recipient__username", flat=True
            )
        )
    assert (escalation.community_id, escalation.period, escalation.status) == (
        cast.community_a11.pk,
        "2026Q3",
        "to_schedule",
    )
    assert notified == {"a-admin", "a-leader"}
    assert _evaluate(cast).escalated == 0
    with tenant_context(cast.tenant_a.pk):
        assert Escalation.objects.count() == 1
        assert Notification.objects.filter(verb="alerts.circuit_breaker").count() == 2


def test_lifecycle_open_acknowledged_handled_resolved(cast, quarters) -> None:
    quarters.publish(2026, 3, {cast.community_a11: "55.00"})
    _evaluate(cast)
    alert = _alerts(cast, rule="low_total")[0]
    actor = actor_for_user(cast.assessor)
    with tenant_context(cast.tenant_a.pk):
        with pytest.raises(ValidationError):
            services.alert_resolve(actor=actor, alert=alert)
        services.alert_acknowledge(actor=actor, alert=alert)
        with pytest.raises(ValidationError) as error:
            services.alert_handle(actor=actor, alert=alert, note="  ")
        assert "note" in error.value.message_dict
        alert.refresh_from_db()
        assert alert.status == "acknowledged" and alert.handling_note == ""
        services.alert_handle(actor=actor, alert=alert, note="已约谈并制定整改方案")
        services.alert_resolve(actor=actor, alert=alert)
        with pytest.raises(PermissionDenied):
            services.alert_acknowledge(actor=actor_for_user(cast.assessor_a2), alert=alert)
    # A person resolved it: the job leaves it resolved although the total is still low.
    _evaluate(cast)
    alert = _alerts(cast, rule="low_total")[0]
    assert (alert.status, alert.resolved_on is not None) == ("resolved", True)


def test_raising_a_rectification_for_a_warning_links_it(cast, quarters) -> None:
    quarters.publish(2026, 3, {cast.community_a11: "55.00"})
    _evaluate(cast)
    alert = _alerts(cast, rule="low_total")[0]
    with tenant_context(cast.tenant_a.pk):
        item = services.alert_raise_rectification(
            actor=actor_for_user(cast.assessor), alert=alert, title="补齐党建台账",
            deadline=timezone.localdate() + dt.timedelta(days=30), owner=cast.secretary,
        )  # fmt: skip
        alert.refresh_from_db()
        assert (item.source, item.assessment_id, alert.raised_rectification_id) == (
            "warning",
            alert.assessment_id,
            item.pk,
        )
        with pytest.raises(ValidationError):
            services.alert_raise_rectification(
                actor=actor_for_user(cast.assessor), alert=alert, title="再次",
                deadline=timezone.localdate() + dt.timedelta(days=30), owner=cast.secretary,
            )  # fmt: skip


def test_thresholds_are_validated_audited_and_used(cast, quarters) -> None:
    quarters.publish(2026, 3, {cast.community_a11: "65.00"})
    admin = actor_for_user(cast.admin)
    with tenant_context(cast.tenant_a.pk):
        with pytest.raises(ValidationError) as error:
            services.thresholds_update(actor=admin, pass_mark=120)
        assert "pass_mark" in error.value.message_dict
        with pytest.raises(PermissionDenied):
            services.thresholds_update(actor=actor_for_user(cast.assessor), pass_mark=70)
        services.thresholds_update(actor=admin, pass_mark=70)
    _evaluate(cast)
    assert [a.rule for a in _alerts(cast)] == ["low_total"]


def test_evaluation_reads_a_constant_number_of_queries(
    cast, quarters, django_assert_max_num_queries
) -> None:
    """The same run over one community and over four costs the same queries."""
    quarters.publish(2026, 3, {cast.community_a11: "55.00"})
    _evaluate(cast)
    with django_assert_max_num_queries(25) as few:
        _evaluate(cast)
    everyone = (cast.community_a11, cast.community_a12, cast.community_a21, cast.community_a22)
    quarters.publish(2026, 2, {c: "95.00" for c in everyone})
    quarters.publish(2026, 3, {c: "50.00" for c in everyone})
    _evaluate(cast)
    with django_assert_max_num_queries(25) as many:
        _evaluate(cast)
    assert len(_alerts(cast)) == 12
    assert len(many.captured_queries) == len(few.captured_queries)
