"""Writes of resident ratings: campaigns, card batches, anonymous submissions, screening
and answers to suggestions, feeding the assessment, and the hotline-complaint import."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment, Cycle, ScoreEntry
from assessments.selectors import indicators_for_assessment
from assessments.services.common import audit
from assessments.services.cycles import LOCKED_STATES
from indicators.models import Indicator, RaterGroup
from organizations.models import OrgUnit
from organizations.tenancy import Actor, Role
from organizations.uploads import TABLES, check_upload
from residents import rules, selectors
from residents.models import (
    Answer,
    Campaign,
    CardBatch,
    ComplaintCount,
    Response,
    UsedCard,
    question_label,
)
from residents.tokens import CardToken, TokenError

MAX_SUGGESTION = 1000


def _require_manager(actor: Actor, street_id: int | None) -> None:
    if not (
        actor.has_role(Role.TENANT_ADMIN)
        or (actor.has_role(Role.STREET_ASSESSOR) and street_id in actor.street_ids)
    ):
        raise PermissionDenied(_("Only an assessor of the community's street may do this."))


@transaction.atomic
def campaign_create(
    *, actor: Actor, cycle: Cycle, community: OrgUnit, closes_on: dt.date
) -> Campaign:
    if community.kind != OrgUnit.Kind.COMMUNITY:
        raise ValidationError({"community": _("Choose a community.")})
    _require_manager(actor, community.parent_id)
    if closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("The closing date is in the past.")})
    if Campaign.objects.filter(cycle=cycle, community=community).exists():
        raise ValidationError(
            {"community": _("This community already has a campaign in this cycle.")}
        )
    settings = selectors.settings_for(actor.tenant_id)
    campaign = Campaign(
        tenant_id=actor.tenant_id, cycle=cycle, community=community, street=community.parent,
        questions=settings.questions, min_responses=settings.min_responses, closes_on=closes_on,
    )  # fmt: skip
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def card_batch_create(
    *, actor: Actor, campaign: Campaign, count: int, expires_on: dt.date
) -> CardBatch:
    _require_manager(actor, campaign.street_id)
    if not 1 <= count <= 1000:
        raise ValidationError({"count": _("Print between 1 and 1000 cards at a time.")})
    if expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("The cards would already have expired.")})
    batch = CardBatch(
        tenant_id=campaign.tenant_id, campaign=campaign, count=count, expires_on=expires_on,
        created_by_id=actor.user_id,
    )  # fmt: skip
    batch.save()
    return batch


def clean_scores(campaign: Campaign, scores: dict[str, Any]) -> dict[str, int]:
    """Every question answered with a whole number from 1 to 5, and nothing else."""
    cleaned: dict[str, int] = {}
    for question in campaign.questions:
        raw = scores.get(question["key"])
        try:
            value = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 5 or str(raw).strip() != str(value):
            raise ValidationError(
                {question["key"]: _("Choose a score from 1 to 5 for “%(question)s”.")
                 % {"question": question_label(question)}}
            )  # fmt: skip
        cleaned[question["key"]] = value
    unknown = set(scores) - set(cleaned)
    if unknown:
        raise ValidationError(
            _("Unknown questions: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
        )
    return cleaned


def rating_submit(
    *, campaign: Campaign, card: CardToken | None, scores: dict[str, Any], suggestion: str = ""
) -> Response:
    """Store one anonymous submission. With a card, the card is claimed first; a second use
    (even a concurrent one) finds it claimed and raises TokenError("used").

    Everything is validated before the write, and the write raises nothing of its own, so it
    needs no savepoint inside the request's transaction (two round trips fewer on the
    busiest endpoint). On PostgreSQL the write also sets the campaign's tenant for the rest
    of the transaction. What is stored cannot be joined back to the card: see models.py.
    """
    if not campaign.is_open():
        raise ValidationError(_("This rating has closed. Thank you for your interest."))
    cleaned = clean_scores(campaign, scores)
    suggestion = suggestion.strip()
    if len(suggestion) > MAX_SUGGESTION:
        raise ValidationError(
            {"suggestion": _("Keep the suggestion under %(n)s characters.") % {"n": MAX_SUGGESTION}}
        )
    if card is not None and card.campaign_id != campaign.pk:
        raise TokenError("tampered")
    channel = Response.Channel.CARD if card is not None else Response.Channel.OPEN
    response = Response(
        tenant_id=campaign.tenant_id, campaign=campaign, channel=channel, suggestion=suggestion,
        substantive=rules.is_substantive(suggestion),
        screening=Response.Screening.PENDING if suggestion else Response.Screening.NONE,
    )  # fmt: skip
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            stored = _store_in_one_statement(response, card, cleaned)
        else:
            stored = card is None or _claim_card(campaign, card)
            if stored:
                response.save(force_insert=True)
                Answer.objects.bulk_create(
                    Answer(
                        tenant_id=campaign.tenant_id,
                        campaign=campaign,
                        response=response,
                        question=key,
                        score=value,
                        channel=channel,
                    )
                    for key, value in cleaned.items()
                )
    if not stored:
        raise TokenError("used")
    return response


def _store_in_one_statement(
    response: Response, card: CardToken | None, scores: dict[str, int]
) -> bool:
    """One round trip: the function of migration 0003 claims the card and, only if the
    claim succeeded, inserts the response and its answers. False when the card was used."""
    import uuid

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT residents_rating_store(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
            "%s::uuid[], %s::varchar[], %s::smallint[])",
            [
                response.tenant_id, response.campaign_id,
                card.batch_id if card else None, card.number if card else None,
                response.pk, response.channel, response.submitted_on, response.suggestion,
                response.substantive, response.screening,
                [str(uuid.uuid4()) for _ in scores], list(scores), list(scores.values()),
            ],
        )  # fmt: skip
        return bool(cursor.fetchone()[0])


def _claim_card(campaign: Campaign, card: CardToken) -> bool:
    """Record the card as used; False if it already was. ON CONFLICT DO NOTHING waits for a
    concurrent claim of the same card to commit or roll back, so exactly one claim wins."""
    table = UsedCard._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (tenant_id, campaign_id, batch_id, number) "  # noqa: S608 - table name from the model
            "VALUES (%s, %s, %s, %s) ON CONFLICT (batch_id, number) DO NOTHING",
            [campaign.tenant_id, campaign.pk, card.batch_id, card.number],
        )
        return bool(cursor.rowcount == 1)


@transaction.atomic
def suggestion_screen(
    *, actor: Actor, response: Response, release: bool, reason: str = ""
) -> Response:
    """An assessor releases a suggestion to the community or hides it, giving the reason
    (personal data, abuse). Only what is released reaches the secretary."""
    current: Response = (
        Response.objects.select_for_update().select_related("campaign").get(pk=response.pk)
    )
    _require_manager(actor, current.campaign.street_id)
    if current.screening == Response.Screening.NONE:
        raise ValidationError(_("This response has no suggestion."))
    if not release and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for hiding the suggestion.")})
    current.screening = Response.Screening.RELEASED if release else Response.Screening.HIDDEN
    current.hidden_reason = "" if release else reason.strip()[:200]
    current.screened_by_id = actor.user_id
    if release and current.released_at is None:
        current.released_at = timezone.now()
    current.save()
    return current


@transaction.atomic
def suggestion_reply(*, actor: Actor, response: Response, text: str) -> Response:
    """The community answers a released suggestion; the time from release is measured."""
    current: Response = (
        Response.objects.select_for_update().select_related("campaign").get(pk=response.pk)
    )
    if current.campaign.community_id not in actor.community_ids:
        _require_manager(actor, current.campaign.street_id)
    if current.screening != Response.Screening.RELEASED:
        raise ValidationError(_("Only a released suggestion can be answered."))
    if not text.strip():
        raise ValidationError({"text": _("Write the answer.")})
    current.reply = text.strip()
    current.replied_by_id = actor.user_id
    current.replied_at = timezone.now()
    current.save()
    return current


def _questions_for(indicator: Indicator, questions: list[dict[str, str]]) -> list[str]:
    """The questions an indicator names (by their label in its name or description); none
    named means the campaign's overall index."""
    text = f"{indicator.name} {indicator.description}"
    return [question["key"] for question in questions if question["label"] in text]


@transaction.atomic
def campaign_feed_assessment(*, actor: Actor | None, campaign: Campaign) -> int:
    """Write the campaign's result into the resident-rating indicators of the community's
    assessment in the campaign's cycle, as system entries (no rater) of each rater group
    that scores the indicator, and recompute the cycle. Returns the entries written.

    Only household-card responses count, and only from the campaign's minimum on.
    """
    if actor is not None:
        _require_manager(actor, campaign.street_id)
    responses, by_question = selectors.question_indices_by_campaign(
        tenant_id=campaign.tenant_id, campaign_ids=[campaign.pk]
    )[campaign.pk]
    if responses < max(campaign.min_responses, 1):
        raise ValidationError(
            _("%(n)s household responses so far; results need at least %(min)s.")
            % {"n": responses, "min": campaign.min_responses}
        )
    assessments = Assessment.objects.select_for_update().filter(
        tenant_id=campaign.tenant_id, cycle_id=campaign.cycle_id, community_id=campaign.community_id
    )
    written = 0
    for assessment in assessments:
        if assessment.state in LOCKED_STATES:
            continue
        for indicator, groups in _fed_by_campaign(assessment):
            keys = _questions_for(indicator, campaign.questions) or campaign.question_keys
            value = rules.campaign_index(by_question.get(key) for key in keys)
            if value is None:
                continue
            for group in groups:
                written += _write_system_entry(actor, assessment, indicator, group, value)
    if written:
        from assessments.tasks import recompute_cycle_results

        recompute_cycle_results.delay_on_commit(campaign.tenant_id, campaign.cycle_id)
    return written


def _fed_by_campaign(assessment: Assessment) -> list[tuple[Indicator, list[RaterGroup]]]:
    """The indicators of the assessment that the campaign scores, each with the rater
    groups it writes: every group of a resident-rating indicator, and the residents' group
    of a qualitative indicator that residents rate beside others (基础·发展·特色's 居民议事协商
    by 组织评价 and 群众评议). The campaign is the residents' only voice (hand entry of their
    group is refused), and a qualitative value is a share of the points, 0-100, as the index
    is. Only indicators the assessment is scored on (type, stage, special picks)."""
    fed = []
    for indicator in indicators_for_assessment(assessment):
        groups = list(indicator.rater_groups.all())
        if indicator.method == Indicator.Method.QUALITATIVE:
            groups = [g for g in groups if g.kind == RaterGroup.Kind.RESIDENTS]
        elif indicator.method != Indicator.Method.RESIDENT_RATING:
            groups = []
        if groups:
            fed.append((indicator, groups))
    return fed


def _write_system_entry(
    actor: Actor | None, assessment: Assessment, indicator: Indicator, group: Any, value: Decimal
) -> int:
    entry, created = ScoreEntry.objects.get_or_create(
        tenant_id=assessment.tenant_id, assessment=assessment, indicator=indicator,
        rater_group=group, rater=None,
        defaults={"value": value, "comment": _("From the resident rating campaign.")},
    )  # fmt: skip
    if not created and entry.value == value:
        return 0
    before = None if created else {"value": entry.value, "version": entry.version}
    if not created:
        entry.value, entry.version = value, entry.version + 1
        entry.save(update_fields=["value", "version", "updated_at"])
    audit(
        actor, assessment.tenant_id, "score.residents", entry, before=before,
        after={"value": value, "indicator": indicator.code, "group": group.code},
    )  # fmt: skip
    return 1


def _rows_from_upload(name: str, content: bytes) -> list[list[str]]:
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as exc:
            raise ValidationError({"file": _("This is not a readable Excel file.")}) from exc
        if sheet is None:
            return []
        return [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("gb18030", errors="replace")
    return list(csv.reader(io.StringIO(text)))


@transaction.atomic
def complaints_import(*, actor: Actor, name: str, content: bytes) -> int:
    """Import 12345-hotline complaint counts: columns community code (or name), year,
    quarter, count; a header row is skipped. All rows or none: any bad row refuses the file
    with its line number. Re-importing a quarter replaces its count."""
    if not actor.has_role(Role.TENANT_ADMIN, Role.STREET_ASSESSOR):
        raise PermissionDenied(_("Your role does not allow this action."))
    communities = {
        key: unit
        for unit in OrgUnit.objects.for_actor(actor).filter(kind=OrgUnit.Kind.COMMUNITY)
        for key in (unit.code, unit.name)
    }
    check_upload(ContentFile(content, name=name), field="file", extensions=TABLES)
    rows = _rows_from_upload(name, content)
    first = 1
    if rows and not (len(rows[0]) > 1 and str(rows[0][1]).strip().isdigit()):
        rows, first = rows[1:], 2  # a header row
    parsed: list[tuple[OrgUnit, int, int, int]] = []
    errors: list[str] = []
    for line, row in enumerate(rows, start=first):
        if not any(str(cell).strip() for cell in row):
            continue
        cells = [str(cell).strip() for cell in row] + [""] * 4
        unit = communities.get(cells[0])
        try:
            year, quarter, count = int(cells[1]), int(cells[2]), int(cells[3])
        except ValueError:
            errors.append(
                _("Line %(line)s: year, quarter and count must be numbers.") % {"line": line}
            )
            continue
        if unit is None:
            errors.append(
                _("Line %(line)s: no community “%(name)s” in your scope.")
                % {"line": line, "name": cells[0]}
            )
        elif not 1 <= quarter <= 4 or count < 0:
            errors.append(
                _("Line %(line)s: the quarter is 1-4 and the count 0 or more.") % {"line": line}
            )
        else:
            parsed.append((unit, year, quarter, count))
    if errors:
        raise ValidationError({"file": errors[:20]})
    if not parsed:
        raise ValidationError({"file": _("The file has no rows.")})
    for unit, year, quarter, count in parsed:
        assert unit.parent_id is not None  # a community always sits under a street
        ComplaintCount.objects.update_or_create(
            tenant_id=actor.tenant_id, community=unit, year=year, quarter=quarter,
            defaults={"count": count, "street_id": unit.parent_id},
        )  # fmt: skip
    return len(parsed)
