"""Publishing a result enqueues the tenant's evaluation once the transaction commits."""

from __future__ import annotations

from alerts import tasks
from tests.assessments.test_workflow import _score_everything, quarter  # noqa: F401 (fixture)


def test_publishing_enqueues_an_evaluation(cast, as_tenant, quarter, monkeypatch) -> None:  # noqa: F811
    scheme, _cycle, assessments, secretaries = quarter
    enqueued: list[int] = []
    monkeypatch.setattr(tasks.evaluate_tenant_alerts, "delay_on_commit", enqueued.append)
    with as_tenant(cast.tenant_a):
        _score_everything(cast, scheme, assessments, secretaries)
    assert enqueued == [cast.tenant_a.pk] * len(assessments)
