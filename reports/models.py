"""Generated reports: a cached file per report and its inputs' fingerprint, and batch jobs.

A report is rebuilt only when its fingerprint (a hash of everything it shows) changes, so
downloading the same scorecard twice renders it once.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import ScopePaths, TenantOwned


class ReportKind(models.TextChoices):
    SCORECARD = "scorecard", _("Scorecard")
    STREET_SUMMARY = "street_summary", _("Street summary")
    TENANT_SUMMARY = "tenant_summary", _("Tenant summary")


class ReportArtifact(TenantOwned):
    """One rendered report file, valid while its inputs hash to ``fingerprint``."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    # What the report is about: "scorecard:<assessment>", "street:<cycle>:<street>", ...
    key = models.CharField(max_length=100)
    cycle = models.ForeignKey("assessments.Cycle", on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # None for a tenant-wide report: only users who see the whole tenant may read it.
    street = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fingerprint = models.CharField(max_length=64)
    file = models.FileField(upload_to="reports/%Y/%m/")
    pages = models.PositiveIntegerField(_("pages"), default=0)
    built_at = models.DateTimeField(_("built at"), default=timezone.now)

    scope_paths = ScopePaths(street="street_id", secretary="assessment__secretary_id")

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="report_artifact_key_unique")
        ]
        indexes = [models.Index(fields=["tenant", "cycle", "kind"])]

    def __str__(self) -> str:
        return self.key


class ReportBatch(TenantOwned):
    """Every scorecard of a street (or of the whole tenant) for a cycle, zipped, built in a
    background job that records its progress and the reports that failed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    cycle = models.ForeignKey(
        "assessments.Cycle", on_delete=models.CASCADE, related_name="+", verbose_name=_("cycle")
    )
    # None: the whole tenant.
    street = models.ForeignKey(
        "organizations.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("street"),
    )
    requested_by = models.ForeignKey(
        "organizations.User", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # [{"assessment": id, "community": name, "error": text}, ...]
    failures = models.JSONField(default=list, blank=True)
    file = models.FileField(upload_to="reports/batches/%Y/%m/", blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    scope_paths = ScopePaths(street="street_id")

    class Meta:
        verbose_name = _("report batch")
        verbose_name_plural = _("report batches")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["tenant", "cycle", "street"])]

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ReportBatchItem(TenantOwned):
    """One scorecard of a batch, built by a job of its own so that the batch spreads over the
    workers: the report it stored, or why it failed. One per batch and assessment, so a job
    that runs twice records its report once."""

    batch = models.ForeignKey(ReportBatch, on_delete=models.CASCADE, related_name="items")
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="+"
    )
    artifact = models.ForeignKey(
        ReportArtifact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(default=timezone.now)

    scope_paths = ScopePaths(street="batch__street_id")

    class Meta:
        verbose_name = _("report of a batch")
        verbose_name_plural = _("reports of a batch")
        constraints = [
            models.UniqueConstraint(fields=["batch", "assessment"], name="batch_item_once")
        ]
