"""What the reports keep: rendered PDFs by their content, and background report jobs."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from goals.models import Ministry


class RenderedPdf(models.Model):
    """A PDF rendered from one exact HTML document, found again by that document's digest.

    The key is a hash of the HTML (and of the print stylesheet), so any change to what the
    report shows gives a new key: a cached PDF can never be stale. Older PDFs of the same
    report (`subject`) are deleted when a new one is stored.
    """

    key = models.CharField(_("nøgle"), max_length=64, unique=True)
    subject = models.CharField(_("rapport"), max_length=100, db_index=True)
    content = models.BinaryField(_("indhold"))
    created_at = models.DateTimeField(_("dannet"), auto_now_add=True)

    class Meta:
        verbose_name = _("dannet PDF")
        verbose_name_plural = _("dannede PDF'er")

    def __str__(self):
        return self.subject


class JobState(models.TextChoices):
    QUEUED = "queued", _("I kø")
    RUNNING = "running", _("I gang")
    DONE = "done", _("Færdig")
    FAILED = "failed", _("Fejlet")


class JobFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    XLSX = "xlsx", _("Excel")


class ReportJob(models.Model):
    """A report over many institutions, made by the background worker.

    The worker updates `done`/`total` and `step` as it goes, so the page can show progress;
    the finished file is kept here until the job is deleted.
    """

    State = JobState
    Format = JobFormat

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.CASCADE,
        related_name="report_jobs",
        verbose_name=_("ministerium"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    format = models.CharField(_("format"), max_length=10, choices=JobFormat.choices)
    language = models.CharField(_("sprog"), max_length=10, default="da")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("bestilt af"),
    )
    created_at = models.DateTimeField(_("bestilt"), auto_now_add=True)
    started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    finished_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    state = models.CharField(
        _("tilstand"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    step = models.CharField(_("trin"), max_length=200, blank=True)
    done = models.PositiveIntegerField(_("færdige"), default=0)
    total = models.PositiveIntegerField(_("i alt"), default=0)
    file_name = models.CharField(_("filnavn"), max_length=200, blank=True)
    content = models.BinaryField(_("indhold"), null=True, blank=True)
    error = models.TextField(_("fejl"), blank=True)

    class Meta:
        verbose_name = _("rapportjob")
        verbose_name_plural = _("rapportjob")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")) | models.Q(total=0),
                name="job_done_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.ministry.short_name} {self.year} {self.format}"

    @property
    def percent(self):
        if self.state == JobState.DONE:
            return 100
        if not self.total:
            return 0
        # Reading the data is the first 60 pct., rendering the file the rest.
        return int(60 * self.done / self.total)

    @property
    def finished(self):
        return self.state in (JobState.DONE, JobState.FAILED)
