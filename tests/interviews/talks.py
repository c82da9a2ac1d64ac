"""Helpers for the talks tests: recording talks through the services as an assessor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from interviews import services
from interviews.models import Talk
from organizations.selectors import actor_for_user

D = dt.date


def record(
    cast: Any, community: Any, held_on: dt.date, *, user: Any = None, notes: str = "",
    kind: str = Talk.Kind.ROUTINE, feedback_on: dt.date | None = None, **extra: Any,
) -> Talk:  # fmt: skip
    """A held talk (and its feedback, when ``feedback_on`` is given), by the street's assessor."""
    if user is None:
        user = cast.assessor if community.parent_id == cast.street_a1.pk else cast.assessor_a2
    actor = actor_for_user(user)
    talk = services.talk_record(
        actor=actor, community=community, kind=kind, held_on=held_on, notes=notes, **extra
    )
    if feedback_on is not None:
        services.talk_record_feedback(
            actor=actor, talk=talk, feedback="书面反馈：已研究，按计划推进。", given_on=feedback_on
        )
    return talk
