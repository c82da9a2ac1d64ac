"""Building reports: render, cache against the inputs' fingerprint, and batch into a ZIP.

Reports are in Chinese whatever the requester's language: they are printed, signed and
filed. Every build runs in a Celery job with a time limit (see reports/tasks.py).
"""

from __future__ import annotations

import logging
import tempfile
import zipfile
from functools import partial
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.models import Assessment, Cycle
from organizations.models import OrgUnit, User
from organizations.tenancy import Actor, Role
from reports import selectors
from reports.models import ReportArtifact, ReportBatch, ReportBatchItem, ReportKind
from reports.rendering import render_pdf

logger = logging.getLogger(__name__)

REPORT_LANGUAGE = "zh-hans"
BATCH_ROLES = (Role.TENANT_ADMIN, Role.DISTRICT_LEADER, Role.STREET_ASSESSOR)


# Single reports -------------------------------------------------------------------------------


def scorecard_key(assessment: Assessment) -> str:
    return f"scorecard:{assessment.pk}"


def summary_key(cycle: Cycle, street: OrgUnit | None) -> str:
    return f"street:{cycle.pk}:{street.pk}" if street else f"tenant:{cycle.pk}"


def fresh_artifact(key: str, tenant_id: int, fingerprint: str) -> ReportArtifact | None:
    """The cached report for ``key`` if it was built from the same inputs."""
    return (
        ReportArtifact.objects.filter(tenant_id=tenant_id, key=key, fingerprint=fingerprint)
        .exclude(file="")
        .first()
    )


def _store(
    *, key: str, fingerprint: str, content: bytes, pages: int, name: str, **about: Any
) -> ReportArtifact:
    artifact, _created = ReportArtifact.objects.update_or_create(
        tenant_id=about["cycle"].tenant_id,
        key=key,
        defaults={**about, "fingerprint": fingerprint, "pages": pages, "built_at": timezone.now()},
    )
    old = artifact.file.name if artifact.file else None
    # One directory per set of inputs: a rebuild never writes over the file that the
    # committed row still serves, and a retry of the same build writes the same path.
    write_file(artifact.file, f"{fingerprint[:16]}/{name}", content)
    artifact.save(update_fields=["file"])
    if old and old != artifact.file.name:
        # Only once the new row is committed: were the job killed before, the old row (and
        # its file) would still be the one in the database.
        transaction.on_commit(partial(artifact.file.storage.delete, old))
    return artifact


def write_file(file: FieldFile, name: str, content: bytes | File) -> None:  # type: ignore[type-arg]
    """Store ``content`` as ``file`` under exactly ``name`` (below the field's directory).

    Files are written before the job's transaction commits. A job killed in between leaves
    a file that no row names, and runs again (acknowledged late): under the same inputs it
    comes to the same name and must replace that file (perhaps cut short), not put a
    second copy beside it under a suffixed name. No committed row names that path: a row
    with the same inputs would have been served from the cache instead of rebuilt."""
    target = file.field.generate_filename(file.instance, name)
    file.storage.delete(target)
    file.save(name, ContentFile(content) if isinstance(content, bytes) else content, save=False)


def scorecard_html(assessment: Assessment) -> str:
    with translation.override(REPORT_LANGUAGE):
        context = selectors.scorecard_context(assessment)
        context["header_right"] = f"{assessment.community.name} · {assessment.cycle.name}"
        return render_to_string("reports/pdf/scorecard.html", context)


def scorecard_build(*, assessment: Assessment) -> ReportArtifact:
    """The assessment's scorecard PDF: the cached one while its inputs are unchanged,
    otherwise rendered and stored again."""
    fingerprint = selectors.scorecard_fingerprint(assessment)
    key = scorecard_key(assessment)
    cached = fresh_artifact(key, assessment.tenant_id, fingerprint)
    if cached is not None:
        return cached
    pdf = render_pdf(scorecard_html(assessment))
    return _store(
        key=key, fingerprint=fingerprint, content=pdf.content, pages=pdf.pages,
        name=scorecard_filename(assessment), kind=ReportKind.SCORECARD,
        cycle=assessment.cycle, assessment=assessment, street=assessment.street,
    )  # fmt: skip


def scorecard_filename(assessment: Assessment) -> str:
    return f"{assessment.cycle.name}-{assessment.street.name}-{assessment.community.name}.pdf"


def summary_build(*, cycle: Cycle, street: OrgUnit | None) -> ReportArtifact:
    """A street's (or, with no street, the tenant's) summary PDF for a cycle, cached likewise."""
    fingerprint = selectors.summary_fingerprint(cycle, street)
    key = summary_key(cycle, street)
    cached = fresh_artifact(key, cycle.tenant_id, fingerprint)
    if cached is not None:
        return cached
    with translation.override(REPORT_LANGUAGE):
        context = selectors.summary_context(cycle, street)
        context["header_right"] = f"{street.name if street else ''} {cycle.name}".strip()
        pdf = render_pdf(render_to_string("reports/pdf/summary.html", context))
        label = street.name if street else _("District assessment summary")
    return _store(
        key=key, fingerprint=fingerprint, content=pdf.content, pages=pdf.pages,
        name=f"{cycle.name}-{label}.pdf",
        kind=ReportKind.STREET_SUMMARY if street else ReportKind.TENANT_SUMMARY,
        cycle=cycle, assessment=None, street=street,
    )  # fmt: skip


def _first_request(tenant_id: int, key: str, fingerprint: str) -> bool:
    """True once per report and inputs for a while: the waiting page asks every two seconds,
    and each ask must not queue another build of the same file."""
    return cache.add(f"reports:building:{tenant_id}:{key}:{fingerprint}", 1, timeout=120)


def scorecard_request(*, assessment: Assessment) -> ReportArtifact | None:
    """The scorecard if a fresh one is cached; otherwise None, and a job builds it."""
    from reports import tasks

    key, fingerprint = scorecard_key(assessment), selectors.scorecard_fingerprint(assessment)
    cached = fresh_artifact(key, assessment.tenant_id, fingerprint)
    if cached is None and _first_request(assessment.tenant_id, key, fingerprint):
        tasks.build_scorecard.delay_on_commit(assessment.tenant_id, assessment.pk)
    return cached


def summary_request(*, cycle: Cycle, street: OrgUnit | None) -> ReportArtifact | None:
    from reports import tasks

    key, fingerprint = summary_key(cycle, street), selectors.summary_fingerprint(cycle, street)
    cached = fresh_artifact(key, cycle.tenant_id, fingerprint)
    if cached is None and _first_request(cycle.tenant_id, key, fingerprint):
        street_id = street.pk if street else None
        tasks.build_summary.delay_on_commit(cycle.tenant_id, cycle.pk, street_id)
    return cached


# Batches --------------------------------------------------------------------------------------


def _progress_key(batch_id: int) -> str:
    # The job runs in one transaction (tenant_task): its row updates are invisible until it
    # ends, so progress on the way is published through the cache.
    return f"reports:batch-progress:{batch_id}"


def batch_progress(batch: ReportBatch) -> int:
    """Reports done so far: the cache while the job runs, the row once it has ended."""
    if batch.finished:
        return batch.done
    return max(batch.done, int(cache.get(_progress_key(batch.pk)) or 0))


@transaction.atomic
def batch_start(*, actor: Actor, cycle: Cycle, street: OrgUnit | None) -> ReportBatch:
    """Queue every scorecard of ``street`` (or of the whole tenant) for ``cycle``, zipped."""
    actor.require(*BATCH_ROLES)
    if street is None and not actor.whole_tenant:
        raise ValidationError({"street": _("Choose a street: you do not see the whole district.")})
    if street is not None and street.kind != OrgUnit.Kind.STREET:
        raise ValidationError({"street": _("Choose a street.")})
    if cycle.tenant_id != actor.tenant_id or (street and street.tenant_id != actor.tenant_id):
        raise PermissionDenied
    assessments = Assessment.objects.filter(tenant_id=cycle.tenant_id, cycle=cycle)
    if street is not None:
        assessments = assessments.filter(street=street)
    total = assessments.count()
    if not total:
        raise ValidationError({"cycle": _("This cycle has no assessments to report on.")})
    batch: ReportBatch = ReportBatch.objects.create(
        tenant_id=actor.tenant_id, cycle=cycle, street=street, total=total,
        requested_by=User.objects.get(pk=actor.user_id),
    )  # fmt: skip
    from reports import tasks

    tasks.build_batch.delay_on_commit(batch.tenant_id, batch.pk)
    return batch


def _batch_assessments(batch: ReportBatch) -> QuerySet[Assessment]:
    rows = Assessment.objects.filter(tenant_id=batch.tenant_id, cycle_id=batch.cycle_id)
    return rows.filter(street_id=batch.street_id) if batch.street_id is not None else rows


def batch_run(*, batch_id: int) -> ReportBatch:
    """Start the batch: one job per scorecard (``build_batch_item``), so that every worker
    takes a share; the job that completes the set queues the ZIP (``finish_batch``).
    Idempotent: a finished batch is left alone, and running it again queues only the
    scorecards not yet recorded."""
    from reports import tasks

    batch: ReportBatch = ReportBatch.objects.select_for_update().get(pk=batch_id)
    if batch.finished:
        return batch
    ids = list(
        _batch_assessments(batch)
        .order_by("street__code", "community__code", "pk")
        .values_list("pk", flat=True)
    )
    recorded = set(batch.items.values_list("assessment_id", flat=True))
    batch.status, batch.total, batch.done = ReportBatch.Status.RUNNING, len(ids), len(recorded)
    batch.save(update_fields=["status", "total", "done"])
    for assessment_id in ids:
        if assessment_id not in recorded:
            tasks.build_batch_item.delay_on_commit(batch.tenant_id, batch.pk, assessment_id)
    if recorded.issuperset(ids):
        tasks.finish_batch.delay_on_commit(batch.tenant_id, batch.pk)
    return batch


def batch_item_build(*, batch_id: int, assessment_id: int) -> ReportBatchItem | None:
    """Build one scorecard of a batch and record it, or record why it failed (a failure is
    this report's alone: the others go on). Then count the batch's recorded reports under
    its row lock; the job that brings the count to the total queues the ZIP."""
    from reports import tasks

    batch: ReportBatch = ReportBatch.objects.get(pk=batch_id)
    if batch.finished:
        return None
    item = ReportBatchItem.objects.filter(batch=batch, assessment_id=assessment_id).first()
    if item is None:
        assessment = (
            _batch_assessments(batch)
            .select_related("cycle", "scheme", "street", "community", "secretary__user")
            .get(pk=assessment_id)
        )
        item = ReportBatchItem(tenant_id=batch.tenant_id, batch=batch, assessment=assessment)
        try:
            with transaction.atomic():  # a failed report must not poison the others' writes
                item.artifact = scorecard_build(assessment=assessment)
        except SoftTimeLimitExceeded:
            item.error = _("The report ran out of time.")
        except Exception as exc:  # any failure is this one report's: recorded, not raised
            logger.exception("Report for assessment %s failed", assessment.pk)
            item.error = f"{type(exc).__name__}: {exc}"[:300]
        # A job delivered twice records the report once.
        ReportBatchItem.objects.bulk_create([item], ignore_conflicts=True)
    # Serialised on the batch row: of two jobs ending together, the second counts both.
    batch = ReportBatch.objects.select_for_update().get(pk=batch_id)
    batch.done = batch.items.count()
    batch.save(update_fields=["done"])
    cache.set(_progress_key(batch.pk), batch.done, 3600)
    if batch.done >= batch.total and not batch.finished:
        tasks.finish_batch.delay_on_commit(batch.tenant_id, batch.pk)
    return item


def batch_finish(*, batch_id: int) -> ReportBatch:
    """Zip the batch's reports (those that failed are listed on the batch and left out) and
    tell the requester. Idempotent: a finished batch is left alone."""
    batch: ReportBatch = (
        ReportBatch.objects.select_for_update().select_related("cycle").get(pk=batch_id)
    )
    if batch.finished:
        return batch
    items = batch.items.select_related(
        "artifact", "assessment__cycle", "assessment__street", "assessment__community"
    ).order_by("assessment__street__code", "assessment__community__code", "assessment_id")
    failures: list[dict[str, Any]] = []
    done = 0
    # On disk, not in memory: a district's batch is thousands of PDFs.
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for item in items:
                done += 1
                if item.artifact is None or not item.artifact.file:
                    failures.append(
                        {"assessment": item.assessment_id, "community": item.assessment.community.name,
                         "error": item.error or _("The report was not stored.")}
                    )  # fmt: skip
                    continue
                with item.artifact.file.open("rb") as handle:
                    archive.writestr(scorecard_filename(item.assessment), handle.read())
        spool.seek(0)
        write_file(batch.file, f"{batch.cycle.name}-{batch.pk}.zip", File(spool))
    batch.done, batch.failures = done, failures
    batch.status = ReportBatch.Status.DONE
    batch.finished_at = timezone.now()
    batch.save()
    _batch_finished(batch)
    return batch


def batch_fail(*, batch_id: int, message: str) -> None:
    """Mark a batch failed (its job ran out of time or broke as a whole)."""
    batch = ReportBatch.objects.get(pk=batch_id)
    batch.status, batch.message, batch.finished_at = (
        ReportBatch.Status.FAILED, message, timezone.now(),
    )  # fmt: skip
    batch.save(update_fields=["status", "message", "finished_at"])
    _batch_finished(batch)


def _batch_finished(batch: ReportBatch) -> None:
    """Tell the requester the batch has ended: the bell (and email, as they chose) links to
    the batch page, which shows the ZIP or what failed."""
    from notifications.services import notify

    cache.delete(_progress_key(batch.pk))
    if batch.status == ReportBatch.Status.FAILED:
        title = _("The report batch failed: %(message)s") % {"message": batch.message}
    elif batch.failures:
        title = _("The report batch is ready: %(done)s reports, %(failed)s failed") % {
            "done": batch.done,
            "failed": len(batch.failures),
        }
    else:
        title = _("The report batch is ready: %(done)s reports") % {"done": batch.done}
    notify(
        tenant_id=batch.tenant_id, recipients=[batch.requested_by], verb=f"reports.batch:{batch.pk}",
        title=title, url=reverse("reports:batch_detail", args=[batch.pk]), email=True,
    )  # fmt: skip
