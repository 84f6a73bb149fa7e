"""Reports over many institutions, made by the background worker (`manage.py db_worker`)."""

import datetime
import logging

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from goals.models import Ministry
from reporting import documents, excel
from reporting.models import ReportJob
from reporting.pdf import render_pdf

logger = logging.getLogger(__name__)

# Plans read per step of a ministry summary: the progress shown moves after each step.
SUMMARY_CHUNK = 25


# Files are kept for a month: long enough to fetch, short enough not to pile up.
KEEP_JOBS = datetime.timedelta(days=30)
# A job queued or running longer than this is taken to be lost (its worker stopped): it no
# longer stands in the way of a new one.
STALE_JOB = datetime.timedelta(hours=2)


def order_summary(*, ministry, year, file_format, language, user):
    """The ministry's summary for a year in a format: the one being made, or a new job.

    One job per ministry, year and format is queued or running at a time, however many
    times it is ordered: the ministry's row is locked while the jobs are looked at (on
    PostgreSQL; SQLite lets one writer in at a time, and the first statement here writes).
    Returns (job, created).
    """
    now = timezone.now()
    with transaction.atomic():
        ReportJob.objects.filter(ministry=ministry, created_at__lt=now - KEEP_JOBS).delete()
        Ministry.objects.select_for_update().filter(pk=ministry.pk).values_list("pk").get()
        running = (
            ReportJob.objects.filter(
                ministry=ministry,
                year=year,
                format=file_format,
                state__in=[ReportJob.State.QUEUED, ReportJob.State.RUNNING],
                created_at__gte=now - STALE_JOB,
            )
            .defer("content")
            .order_by("created_at")
            .first()
        )
        if running:
            return running, False
        job = ReportJob.objects.create(
            ministry=ministry,
            year=year,
            format=file_format,
            language=language,
            requested_by=user,
        )
        make_ministry_summary.enqueue(str(job.pk))
    return job, True


@task()
def make_ministry_summary(job_id):
    run_job(job_id)


def run_job(job_id):
    """Make a job's file, saving its progress as it goes; a failure is kept on the job."""
    job = ReportJob.objects.select_related("ministry").get(pk=job_id)
    if job.finished:
        return
    with translation.override(job.language):
        try:
            _run(job)
        except Exception as exc:  # the job must end in a state the user can see
            logger.exception("Report job %s failed", job.pk)
            job.state = ReportJob.State.FAILED
            job.error = f"{type(exc).__name__}: {exc}"
            job.step = _("Rapporten kunne ikke dannes.")
            job.finished_at = timezone.now()
            job.save(update_fields=["state", "error", "step", "finished_at"])


def _progress(job, step, done=None, total=None):
    job.step = step
    if total is not None:
        job.done, job.total = done, total
    job.save(update_fields=["step", "done", "total", "state", "started_at"])


def _run(job):
    job.state = ReportJob.State.RUNNING
    job.started_at = timezone.now()
    plans = documents.summary_plans(job.ministry, job.year)
    _progress(job, _("Læser planerne"), 0, len(plans))
    summary = documents.ministry_summary(
        job.ministry,
        job.year,
        plans=plans,
        progress=lambda done, total: _progress(
            job,
            _("Opgør %(done)d af %(total)d institutioner") % {"done": done, "total": total},
            done,
            total,
        ),
        chunk=SUMMARY_CHUNK,
    )
    if job.format == ReportJob.Format.XLSX:
        _progress(job, _("Danner Excel-filen"))
        content = excel.summary_workbook(summary)
    else:
        _progress(job, _("Danner PDF-filen"))
        html = render_to_string("reports/pdf/ministry_summary.html", {"report": summary})
        content = render_pdf(html)
    job.content = content
    job.file_name = summary.file_name(job.format)
    job.state = ReportJob.State.DONE
    job.step = _("Færdig")
    job.finished_at = timezone.now()
    job.save()
