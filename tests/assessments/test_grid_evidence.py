"""Per-cell evidence in the scoring grid: uploading with a cell's value, the link the grid
shows, and the download served only through the scoped assessment to those who may see
that rater's entry."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Assessment, ScoreEntry
from indicators.models import Scheme
from tests.assessments.test_grid import _cell, scoring_assessment
from tests.assessments.workflow import pair

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def scoring(cast, as_tenant) -> tuple[Scheme, Assessment]:
    return scoring_assessment(cast, as_tenant)


def _photo(name: str = "会议记录.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\xff\xd8\xff minutes", content_type="image/jpeg")


def _save(pk: int) -> str:
    return reverse("assessments:grid_save", args=[pk])


def _download(entry: ScoreEntry) -> str:
    return reverse("assessments:entry_evidence", args=[entry.assessment_id, entry.pk])


def test_a_cell_takes_evidence_and_the_grid_links_to_it(cast, as_tenant, scoring) -> None:
    scheme, assessment = scoring
    client = cast.client_for("assessor")
    grid = client.get(reverse("assessments:grid", args=[assessment.pk]), **EN).content.decode()
    # One keyboard-reachable button per rated cell, named for its indicator and group.
    assert grid.count("data-evidence-button") == 3
    assert 'aria-label="Attach evidence: 党建引领 · 组织评价"' in grid
    response = client.post(
        _save(assessment.pk),
        {**_cell(cast, as_tenant, scheme), "value": "80", "evidence": _photo()},
    )
    assert response.status_code == 200
    with as_tenant(cast.tenant_a):
        entry = ScoreEntry.objects.get(assessment=assessment)
    assert response.json() == {
        "version": 1,
        "value": "80",
        "evidence": {"name": entry.evidence.name.rsplit("/", 1)[-1], "url": _download(entry)},
    }
    assert response.json()["evidence"]["name"].endswith(".jpg")
    page = client.get(reverse("assessments:grid", args=[assessment.pk])).content.decode()
    assert f'href="{_download(entry)}"' in page
    download = client.get(_download(entry))
    assert b"".join(download.streaming_content) == b"\xff\xd8\xff minutes"
    # Saving the value again keeps the evidence.
    again = client.post(
        _save(assessment.pk),
        {**_cell(cast, as_tenant, scheme), "value": "85", "expected_version": 1},
    )
    assert again.json()["evidence"]["url"] == _download(entry)


def test_evidence_without_a_value_is_refused_and_nothing_saved(cast, as_tenant, scoring) -> None:
    scheme, assessment = scoring
    client = cast.client_for("assessor")
    response = client.post(
        _save(assessment.pk), {**_cell(cast, as_tenant, scheme), "evidence": _photo()}, **EN
    )
    assert response.status_code == 400
    assert "This field is required." in response.json()["error"]
    too_high = client.post(
        _save(assessment.pk),
        {**_cell(cast, as_tenant, scheme), "value": "150", "evidence": _photo()},
        **EN,
    )
    assert too_high.json()["error"] == "150 is above the maximum of 100%."
    with as_tenant(cast.tenant_a):
        assert not ScoreEntry.objects.filter(assessment=assessment).exists()


@pytest.mark.parametrize(
    ("user", "status"),
    [("secretary", 404), ("assessor_a2", 404), ("admin_b", 404), ("leader", 403), ("admin", 200)],
)
def test_an_entrys_evidence_is_only_for_those_who_may_see_it(
    cast, as_tenant, scoring, user, status
) -> None:
    scheme, assessment = scoring
    cast.client_for("assessor").post(
        _save(assessment.pk),
        {**_cell(cast, as_tenant, scheme), "value": "80", "evidence": _photo()},
    )
    with as_tenant(cast.tenant_a):
        entry = ScoreEntry.objects.get(assessment=assessment)
    assert cast.client_for(user).get(_download(entry)).status_code == status


def test_the_secretary_attaches_evidence_to_their_own_self_evaluation_score(
    cast, as_tenant, scoring
) -> None:
    scheme, assessment = scoring
    with as_tenant(cast.tenant_a):
        indicator, group = pair(scheme, "i1", "ziping")
    secretary = cast.client_for("secretary")
    body = {"indicator": indicator.pk, "rater_group": group.pk, "value": "90"}
    response = secretary.post(_save(assessment.pk), {**body, "evidence": _photo("自评.jpg")})
    url = response.json()["evidence"]["url"]
    assert secretary.get(url).status_code == 200
    assert cast.client_for("assessor").get(url).status_code == 200
    assert cast.client_for("secretary_a21").get(url).status_code == 404
