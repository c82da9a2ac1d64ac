"""Recording talks through the services: due dates, participants, links, feedback, themes in
the background, rectifications, planning; refusals that change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments.models import Rectification
from audit.models import AuditRecord
from interviews import services
from interviews.models import DemandTheme, Talk, TalkParticipant, TalkRectification, TalkTheme
from organizations.selectors import actor_for_user
from tests.interviews.talks import D, record
from tests.interviews.test_text import ELDERLY_AND_LIFT, NO_THEME, TRADITIONAL

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def test_a_recorded_talk_has_its_steps_participants_and_a_due_date(cast, as_tenant) -> None:
    with as_tenant(cast.tenant_a):
        talk = record(
            cast, cast.community_a11, D(2026, 3, 2), place="社区党群服务中心",
            participants=[cast.assessor, cast.secretary],
            steps={"step_background": "走访32户", "step_institution": "建立月度谈心制度"},
        )  # fmt: skip
        talk.refresh_from_db()
        assert talk.status == Talk.Status.HELD
        assert talk.secretary == cast.secretary_record
        assert talk.street == cast.street_a1
        assert talk.feedback_due == D(2026, 3, 9)  # the default: 7 days
        assert talk.step_background == "走访32户"
        assert set(talk.participants.all()) == {cast.assessor, cast.secretary}
        assert AuditRecord.objects.filter(action="talk.record").count() == 1


def test_the_tenant_sets_the_feedback_due_days(cast, as_tenant) -> None:
    with as_tenant(cast.tenant_a):
        services.policy_update(
            actor=actor_for_user(cast.admin), feedback_due_days=14, routine_per_quarter=2
        )
        talk = record(cast, cast.community_a11, D(2026, 3, 2))
        assert talk.feedback_due == D(2026, 3, 16)
        with pytest.raises(ValidationError) as error:
            services.policy_update(
                actor=actor_for_user(cast.admin), feedback_due_days=0, routine_per_quarter=1
            )
        assert "feedback_due_days" in error.value.message_dict
        with pytest.raises(PermissionDenied):
            services.policy_update(
                actor=actor_for_user(cast.assessor), feedback_due_days=5, routine_per_quarter=1
            )


def test_saving_a_talk_returns_before_extraction_runs(
    cast, as_tenant, django_capture_on_commit_callbacks
) -> None:
    with as_tenant(cast.tenant_a):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            talk = record(cast, cast.community_a11, D(2026, 3, 2), notes=ELDERLY_AND_LIFT)
        # Saved, and nothing extracted yet: the job waits for the commit.
        assert Talk.objects.filter(pk=talk.pk).exists()
        assert not TalkTheme.objects.filter(talk=talk).exists()
        assert len(callbacks) == 1
        callbacks[0]()  # the commit: the (eager) job runs now
        names = set(TalkTheme.objects.filter(talk=talk).values_list("theme__name", flat=True))
        assert names == {"养老服务", "老旧小区加装电梯"}
        talk.refresh_from_db()
        assert talk.extracted_at is not None
        assert "空巢老人" in [word for word, _count in talk.keywords]


def test_extracting_the_same_talk_twice_does_not_duplicate_themes(
    cast, as_tenant, django_capture_on_commit_callbacks
) -> None:
    with as_tenant(cast.tenant_a):
        with django_capture_on_commit_callbacks(execute=True):
            talk = record(cast, cast.community_a11, D(2026, 3, 2), notes=TRADITIONAL)
        first = list(TalkTheme.objects.filter(talk=talk).values_list("theme__name", "hits"))
        assert len(first) == 4
        assert services.talk_extract_themes(talk_id=talk.pk) == 4
        assert services.talk_extract_themes(talk_id=talk.pk) == 4
        again = list(TalkTheme.objects.filter(talk=talk).values_list("theme__name", "hits"))
        assert sorted(again) == sorted(first)
        # Editing the notes replaces the themes rather than adding to them.
        with django_capture_on_commit_callbacks(execute=True):
            services.talk_record(
                actor=actor_for_user(cast.assessor), talk=talk, community=cast.community_a11,
                kind=talk.kind, held_on=talk.held_on, notes=NO_THEME,
            )  # fmt: skip
        assert not TalkTheme.objects.filter(talk=talk).exists()
        assert DemandTheme.objects.filter(tenant=cast.tenant_a).count() == len(
            services.DEFAULT_THEMES
        )


def test_bad_input_feedback_before_the_talk_date_changes_nothing(cast, as_tenant) -> None:
    with as_tenant(cast.tenant_a):
        talk = record(cast, cast.community_a11, D(2026, 3, 2))
        with pytest.raises(ValidationError) as error:
            services.talk_record_feedback(
                actor=actor_for_user(cast.assessor), talk=talk, feedback="反馈",
                given_on=D(2026, 3, 1),
            )  # fmt: skip
        assert error.value.message_dict["feedback_on"] == [
            "Feedback cannot be given before the talk (held on 2026-03-02)."
        ]
        talk.refresh_from_db()
        assert talk.feedback_on is None and talk.feedback == ""
        assert not AuditRecord.objects.filter(action="talk.feedback").exists()


def test_bad_input_a_participant_from_another_tenant_changes_nothing(cast, as_tenant) -> None:
    with as_tenant(cast.tenant_a):
        with pytest.raises(ValidationError) as error:
            record(cast, cast.community_a11, D(2026, 3, 2), participants=[cast.assessor_b])
        assert error.value.message_dict["participants"] == [
            "A participant belongs to another tenant."
        ]
        assert not Talk.objects.exists()
        assert not TalkParticipant.objects.exists()


def test_bad_input_a_future_date_or_another_communitys_assessment(cast, as_tenant) -> None:
    from assessments.models import Assessment
    from tests.populate import populate_tenant

    rows = populate_tenant(admin=cast.admin, secretary=cast.secretary, rater=cast.assessor)
    with as_tenant(cast.tenant_a):
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        with pytest.raises(ValidationError) as error:
            record(cast, cast.community_a11, tomorrow)
        assert "held_on" in error.value.message_dict
        assessment = Assessment.objects.get(pk=rows["assessment"].pk)
        with pytest.raises(ValidationError) as error:
            record(cast, cast.community_a12, D(2026, 3, 2), assessment=assessment)
        assert "assessment" in error.value.message_dict
        talk = record(cast, cast.community_a11, D(2026, 3, 2), assessment=assessment)
        assert talk.cycle == rows["cycle"]  # taken from the assessment
        assert Talk.objects.exclude(pk=rows["talk"].pk).count() == 1


def test_an_assessor_of_another_street_may_not_hold_its_talks(cast, as_tenant) -> None:
    with as_tenant(cast.tenant_a), pytest.raises(PermissionDenied):
        record(cast, cast.community_a11, D(2026, 3, 2), user=cast.assessor_a2)


def test_a_rectification_raised_in_a_talk_joins_the_list(cast, as_tenant) -> None:
    with as_tenant(cast.tenant_a):
        talk = record(cast, cast.community_a11, D(2026, 3, 2))
        item = services.talk_raise_rectification(
            actor=actor_for_user(cast.assessor), talk=talk, title="楼道堆物清理",
            deadline=timezone.localdate() + dt.timedelta(days=30), owner=cast.secretary,
        )  # fmt: skip
        assert Rectification.objects.get(pk=item.pk).source == "talk"
        assert item.community == cast.community_a11
        assert TalkRectification.objects.get(talk=talk).rectification == item


def test_a_special_talk_planned_by_the_system_is_audited(cast, as_tenant) -> None:
    with as_tenant(cast.tenant_a):
        talk = services.talk_plan_special(
            tenant_id=cast.tenant_a.pk, community_id=cast.community_a21.pk,
            reason="连续三个季度黄色预警", planned_for=D(2026, 12, 1),
        )  # fmt: skip
        assert (talk.kind, talk.status, talk.reason) == (
            "special",
            "planned",
            "连续三个季度黄色预警",
        )
        assert talk.street == cast.street_a2
        record_ = AuditRecord.objects.get(action="talk.plan")
        assert record_.actor_id is None
        assert record_.after["kind"] == "special"
    with as_tenant(cast.tenant_b), pytest.raises(ValidationError):
        # Another tenant's community does not exist for this tenant.
        services.talk_plan_special(
            tenant_id=cast.tenant_b.pk, community_id=cast.community_a21.pk, reason="",
            planned_for=D(2026, 12, 1),
        )  # fmt: skip


def test_a_planned_talk_is_recorded_when_held(cast, as_tenant) -> None:
    with as_tenant(cast.tenant_a):
        actor = actor_for_user(cast.assessor)
        planned = services.talk_plan(
            actor=actor, community=cast.community_a12, kind="routine", planned_for=D(2026, 3, 5)
        )
        assert planned.feedback_due is None
        held = services.talk_record(
            actor=actor, talk=planned, community=cast.community_a12, kind="routine",
            held_on=D(2026, 3, 6),
        )  # fmt: skip
        assert held.pk == planned.pk and held.status == "held"
        assert held.feedback_due == D(2026, 3, 13)


def test_themes_are_configured_per_tenant(
    cast, as_tenant, django_capture_on_commit_callbacks
) -> None:
    with as_tenant(cast.tenant_a):
        actor = actor_for_user(cast.admin)
        with django_capture_on_commit_callbacks(execute=True):
            talk = record(cast, cast.community_a11, D(2026, 3, 2), notes="居民想建社区食堂。")
        assert not TalkTheme.objects.filter(talk=talk).exists()
        with django_capture_on_commit_callbacks(execute=True):
            services.theme_save(actor=actor, name="社区食堂", keywords=["社区食堂", "食堂"])
        # Changing the themes reads the tenant's talks again.
        assert list(TalkTheme.objects.filter(talk=talk).values_list("theme__name", flat=True)) == [
            "社区食堂"
        ]
        with pytest.raises(ValidationError) as error:
            services.theme_save(actor=actor, name="社区食堂", keywords=["饭堂"])
        assert "name" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            services.theme_save(actor=actor, name="空", keywords=[" "])
        assert "keywords" in error.value.message_dict
    with as_tenant(cast.tenant_b):
        assert not DemandTheme.objects.filter(tenant=cast.tenant_b, name="社区食堂").exists()


def test_the_database_refuses_a_theme_twice_for_one_talk(
    cast, as_tenant, django_capture_on_commit_callbacks
) -> None:
    from django.db import IntegrityError, transaction

    with as_tenant(cast.tenant_a):
        with django_capture_on_commit_callbacks(execute=True):
            talk = record(cast, cast.community_a11, D(2026, 3, 2), notes=ELDERLY_AND_LIFT)
        found = TalkTheme.objects.filter(talk=talk).first()
        assert found is not None
        with pytest.raises(IntegrityError), transaction.atomic():
            TalkTheme.objects.create(
                tenant=cast.tenant_a, talk=talk, theme=found.theme, street=talk.street,
                community=talk.community, held_on=talk.held_on,
            )  # fmt: skip


def test_a_later_policy_does_not_move_the_due_date_of_an_edited_talk(cast, as_tenant) -> None:
    with as_tenant(cast.tenant_a):
        talk = record(cast, cast.community_a11, D(2026, 3, 2))
        services.policy_update(
            actor=actor_for_user(cast.admin), feedback_due_days=3, routine_per_quarter=1
        )
        kwargs = {"actor": actor_for_user(cast.assessor), "talk": talk, "community": cast.community_a11, "kind": "routine"}  # fmt: skip
        assert services.talk_record(**kwargs, held_on=D(2026, 3, 2), notes="补记").feedback_due == D(2026, 3, 9)  # fmt: skip
        # A new date is due under the policy of today.
        assert services.talk_record(**kwargs, held_on=D(2026, 3, 3)).feedback_due == D(2026, 3, 6)
