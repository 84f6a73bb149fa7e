"""The printed reports of a plan as HTML pages, PDFs and Excel files, and the ministry's
summary, made in the background.

A report's HTML page, PDF and Excel file come from the same builder in
`reporting.documents`; the PDF is WeasyPrint's rendering of the report's print HTML, kept
by that HTML's digest (`reporting.pdf`).
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from goals.models import QUARTERS
from goals.permissions import ministry_access, plan_access
from reporting import documents, excel, selectors
from reporting.charts import distribution_chart, legend_items
from reporting.models import ReportJob
from reporting.pdf import PdfTooSlow, pdf_for
from reporting.tasks import order_summary

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content, file_name, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response


def _pdf(request, template, context, subject, file_name):
    # A printed table's long texts are printed after it, in full (reporting_extras.cell_text).
    html = render_to_string(template, {**context, "table_notes": []})
    try:
        return download(pdf_for(f"{subject}:{get_language()}", html), file_name, PDF)
    except PdfTooSlow as exc:
        # Its own page, rendered without the request: no context processor asks the database.
        page = render_to_string(
            "reports/pdf_too_slow.html",
            {"limit": exc.limit, "report_url": request.path.removesuffix("pdf/")},
        )
        return HttpResponse(page, status=503)


def _chart(totals, title):
    if not any(t["green"] + t["yellow"] + t["red"] for t in totals):
        return None
    return distribution_chart(totals, "fordeling", title)


@plan_access()
def follow_up(request, plan, quarter, format="html"):
    if quarter not in QUARTERS:
        raise Http404
    report = documents.follow_up(plan, quarter)
    if format == "xlsx":
        return download(excel.follow_up_workbook(report), report.file_name("xlsx"), XLSX)
    context = {
        "report": report,
        "plan": plan,
        "quarters": QUARTERS,
        "chart": _chart(report.totals, _("Status pr. kvartal")),
        "legend": legend_items(),
    }
    if format == "pdf":
        return _pdf(
            request,
            "reports/pdf/follow_up.html",
            context,
            f"plan:{plan.pk}:follow-up:{quarter}",
            report.file_name("pdf"),
        )
    return render(request, "reports/follow_up.html", context)


@plan_access()
def annual(request, plan, format="html"):
    report = documents.annual(plan)
    if format == "xlsx":
        return download(excel.annual_workbook(report), report.file_name("xlsx"), XLSX)
    context = {
        "report": report,
        "plan": plan,
        "chart": _chart(report.totals, _("Status pr. kvartal")),
        "legend": legend_items(),
    }
    if format == "pdf":
        return _pdf(
            request,
            "reports/pdf/annual.html",
            context,
            f"plan:{plan.pk}:annual",
            report.file_name("pdf"),
        )
    return render(request, "reports/annual.html", context)


@plan_access()
def plan_document(request, plan, format="html"):
    report = documents.plan_document(plan)
    context = {"report": report, "plan": plan}
    if format == "pdf":
        return _pdf(
            request,
            "reports/pdf/plan_document.html",
            context,
            f"plan:{plan.pk}:document",
            report.file_name("pdf"),
        )
    return render(request, "reports/plan_document.html", context)


def _summary_year(request, ministry):
    years = selectors.plan_years(ministry)
    year = request.GET.get("aar") or request.POST.get("aar")
    try:
        year = int(year)
    except (TypeError, ValueError):
        return selectors.default_year(years), years
    if year not in years:
        raise Http404
    return year, years


@ministry_access
def ministry_summary(request, ministry):
    """Every institution's verdicts and degree for a year; PDF and Excel in the background."""
    year, years = _summary_year(request, ministry)
    summary = documents.ministry_summary(ministry, year)
    jobs = ReportJob.objects.filter(ministry=ministry, year=year).defer("content")[:10]
    return render(
        request,
        "reports/ministry_summary.html",
        {
            "ministry": ministry,
            "report": summary,
            "years": years,
            "year": year,
            "jobs": jobs,
            "formats": ReportJob.Format.choices,
            "filters": selectors.Filters(year=year),
            "page": "summary",
            "ministries": request.reviewed_ministries,
        },
    )


@require_POST
@ministry_access
def start_summary(request, ministry):
    year, _years = _summary_year(request, ministry)
    file_format = request.POST.get("format")
    if file_format not in ReportJob.Format.values:
        messages.error(request, _("Vælg PDF eller Excel."))
        return redirect(f"{reverse('reporting:summary', args=[ministry.short_name])}?aar={year}")
    job, created = order_summary(
        ministry=ministry,
        year=year,
        file_format=file_format,
        language=get_language(),
        user=request.user,
    )
    if not created:
        messages.info(
            request,
            _(
                "Filen er allerede bestilt og bliver dannet nu; her kan du følge den. "
                "Der dannes kun én ad gangen."
            ),
        )
    return redirect("reporting:job", ministry.short_name, job.pk)


def _job(ministry, job_id):
    return get_object_or_404(
        ReportJob.objects.defer("content").select_related("requested_by"),
        pk=job_id,
        ministry=ministry,
    )


@ministry_access
def job(request, ministry, job_id):
    """A background report's progress; the page reloads itself until the file is ready."""
    found = _job(ministry, job_id)
    return render(
        request,
        "reports/job.html",
        {"ministry": ministry, "job": found, "refresh": not found.finished},
    )


@ministry_access
def job_download(request, ministry, job_id):
    found = _job(ministry, job_id)
    if found.state != ReportJob.State.DONE:
        return redirect("reporting:job", ministry.short_name, found.pk)
    content = ReportJob.objects.filter(pk=found.pk).values_list("content", flat=True).get()
    content_type = PDF if found.format == ReportJob.Format.PDF else XLSX
    return download(bytes(content), found.file_name, content_type)
