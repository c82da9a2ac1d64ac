"""Two assessors save the same entry at the same moment, on two real database connections:
one wins, the other is told so, and nothing is lost silently."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from assessments import services
from assessments.models import ScoreEntry
from organizations.rls import tenant_context
from organizations.selectors import actor_for_user
from tests.assessments.workflow import open_quarter, pair, published_scheme

pytestmark = pytest.mark.postgres


@pytest.fixture
def cast_committed(transactional_db, request):
    # The cast, committed, so that other connections see it.
    return request.getfixturevalue("cast")


def test_two_assessors_save_the_same_entry_at_once(cast_committed):
    cast = cast_committed
    with tenant_context(cast.tenant_a.pk):
        scheme = published_scheme(cast)
        _cycle, assessments = open_quarter(cast, scheme)
        assessment = assessments["a11"]
        assessor = actor_for_user(cast.assessor)
        for state in ("self_evaluation", "scoring"):
            services.assessment_transition(actor=assessor, assessment=assessment, to_state=state)
        i1, zuzhi = pair(scheme, "i1", "zuzhi")
        loaded = services.entry_save(
            actor=assessor,
            assessment=assessment,
            indicator=i1,
            rater_group=zuzhi,
            value=Decimal(70),
        )

    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(name: str, user, value: Decimal) -> None:
        try:
            actor = actor_for_user(user)
            barrier.wait(timeout=10)
            with tenant_context(cast.tenant_a.pk):
                services.entry_save(
                    actor=actor, assessment=assessment, indicator=i1, rater_group=zuzhi, value=value,
                    expected_version=loaded.version,
                )  # fmt: skip
            outcomes[name] = "saved"
        except services.EntryConflict as exc:
            outcomes[name] = "conflict: " + " ".join(exc.messages)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=("assessor", cast.assessor, Decimal(80))),
        threading.Thread(target=save, args=("admin", cast.admin, Decimal(90))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(o.split(":")[0] for o in outcomes.values()) == ["conflict", "saved"], outcomes
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    with tenant_context(cast.tenant_a.pk):
        entry = ScoreEntry.objects.get(assessment=assessment, indicator=i1, rater_group=zuzhi)
    assert entry.version == 2
    assert entry.value == {"assessor": Decimal(80), "admin": Decimal(90)}[winner]
    loser = next(o for o in outcomes.values() if o.startswith("conflict"))
    assert "80" in loser or "90" in loser  # the message says what the score is now
