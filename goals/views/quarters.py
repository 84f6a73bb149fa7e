"""The quarter page: the institution enters and submits, the department reviews."""

import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from goals import services
from goals.forms import FiguresUploadForm, ReviewForm, unread_fields
from goals.models import QuarterReport, Status
from goals.permissions import REPORT, REVIEW, plan_access, take_unsaved_input
from goals.selectors import build_quarter, quarter_document, quarter_tabs
from goals.workbook import FiguresFileError, figures_workbook, file_name, import_figures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SAVE, SUBMIT = "save", "submit"


def _check_quarter(quarter):
    if quarter not in (1, 2, 3, 4):
        raise Http404


@plan_access(post_right=REPORT, keep_input=True)
def quarter_page(request, plan, quarter):
    _check_quarter(quarter)
    if not plan.is_agreed:
        # Follow-up opens once the plan is agreed; no one may report on it before (Rights).
        return render(
            request,
            "goals/agreement/not_open.html",
            {
                "plan": plan,
                "quarter": quarter,
                "heading": _("%(quarter)d. kvartal") % {"quarter": quarter},
            },
        )
    # All four: the tabs show each one's state.
    reports = list(QuarterReport.objects.filter(plan=plan))
    report = next((r for r in reports if r.quarter == quarter), None)
    editable = request.plan_rights.report and (report is None or report.is_editable)
    version = report.version if report else 0
    conflict = None

    data = request.POST if request.method == "POST" else take_unsaved_input(request)
    if data is not None and request.method == "GET":
        messages.info(
            request,
            _(
                "Det, du skrev, før din session udløb, er sat ind igen. "
                "Tryk Gem kladde for at gemme det."
            ),
        )
    if data is None and not editable:
        # Read as a document: the forms would only be built to be left unused.
        return _render(request, plan, quarter, report, None, version, reports=reports)
    action = (data or {}).get("action", SAVE)
    page = build_quarter(plan, quarter, data, submitting=action == SUBMIT, draft=action != SUBMIT)
    forms = page.forms
    if data is not None:
        try:
            sent_version = int(data.get("version", ""))
        except ValueError:
            sent_version = 0
        # Until a save goes through, the page stays at the version the user started from:
        # a save after fixing a refused field is still checked against what they saw.
        version = sent_version

    if request.method == "POST":
        if not editable:
            messages.error(request, _("Kvartalet kan ikke ændres nu."))
            return redirect(request.path)
        # Every form is read, so each says what it could not read.
        valid = all([form.is_valid() for form in forms])
        if action == SUBMIT and not valid:
            messages.error(
                request,
                _("Intet er gemt: ret de markerede felter. Alt, hvad du skrev, står stadig her."),
            )
            return _render(request, plan, quarter, report, page, version)
        # A draft keeps what could be read; the fields that could not are left as they were,
        # and stay on the page as typed with their messages.
        save_rows = [
            services.Row(goal=form.goal, requirement=form.requirement, values=form.cleaned_data)
            for form in forms
        ]
        unsaved = unread_fields(forms)
        try:
            report, changed = services.save_quarter(
                plan=plan,
                quarter=quarter,
                user=request.user,
                rows=save_rows,
                version=sent_version,
                submit=action == SUBMIT,
            )
        except services.ConcurrentEdit as exc:
            conflict = exc
            report, version = exc.report, exc.report.version
        except services.ServiceError as exc:
            messages.error(request, exc.message)
        else:
            if not unsaved:
                if action == SUBMIT:
                    messages.success(request, _("Kvartalet er indsendt til departementet."))
                elif changed:
                    messages.success(request, _("Kladden er gemt."))
                else:
                    messages.info(request, _("Der var ingen ændringer at gemme."))
                return redirect(request.path)
            # The page as typed, at the version the save reached, so the next save goes on.
            version = report.version
            return _render(
                request, plan, quarter, report, page, version, unsaved=unsaved, saved=changed
            )

    # After a POST the quarter's report may have changed: the tabs read it again.
    read = reports if request.method == "GET" else None
    return _render(request, plan, quarter, report, page, version, conflict=conflict, reports=read)


def _render(
    request, plan, quarter, report, page, version, conflict=None, problems=(), reports=None, **extra
):
    editable = request.plan_rights.report and (report is None or report.is_editable)
    # A quarter the user cannot change is read as a document, not as a disabled form.
    document = None if editable else quarter_document(plan, quarter, report)
    forms = page.forms if page else []
    return render(
        request,
        "goals/quarter.html",
        {
            "plan": plan,
            "rights": request.plan_rights,
            "quarter": quarter,
            "report": report,
            "page": page,
            "rows": page.sections if page else document.sections,
            "forms": forms,
            "editable": editable,
            "document": document,
            "tabs": quarter_tabs(plan, reports),
            "version": version,
            "conflict": conflict,
            "workbook_problems": problems,
            "deadline": plan.deadline_for(quarter),
            "overdue": plan.is_overdue(quarter, report),
            # After a draft save the unread fields are listed by the form (`unsaved`).
            "invalid_forms": []
            if "unsaved" in extra
            else [form for form in forms if form.is_bound and form.errors],
            "status_labels_json": json.dumps({s.value: str(s.label) for s in Status}),
            **extra,
        },
    )


@require_GET
@plan_access()
def quarter_workbook(request, plan, quarter):
    """The quarter's figures as a workbook to fill in (see docs/figures-format.md)."""
    _check_quarter(quarter)
    response = HttpResponse(figures_workbook(plan, quarter), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name(plan, quarter)}"'
    return response


@require_POST
@plan_access(REPORT)
def quarter_upload(request, plan, quarter):
    """A filled-in figures workbook, saved as the quarter's draft, or its problems shown."""
    _check_quarter(quarter)
    form = FiguresUploadForm(request.POST, request.FILES)
    problems, conflict = [], None
    if not form.is_valid():
        problems = [error for errors in form.errors.values() for error in errors]
    else:
        try:
            result = import_figures(
                form.cleaned_data["file"].read(), user=request.user, plan=plan, quarter=quarter
            )
        except FiguresFileError as exc:
            problems = [str(problem) for problem in exc.problems]
        except services.ConcurrentEdit as exc:
            conflict = exc
        except services.ServiceError as exc:
            problems = [exc.message]
        else:
            messages.success(
                request,
                ngettext(
                    "Tallene fra filen er gemt som kladde (%(count)d værdi ændret).",
                    "Tallene fra filen er gemt som kladde (%(count)d værdier ændret).",
                    result.changed,
                )
                % {"count": result.changed},
            )
            return redirect("goals:quarter", plan.institution.short_name, plan.year, quarter)
    messages.error(request, _("Intet fra filen er gemt."))
    report = QuarterReport.objects.filter(plan=plan, quarter=quarter).first()
    version = report.version if report else 0
    page = build_quarter(plan, quarter)
    return _render(request, plan, quarter, report, page, version, conflict, problems)


@require_POST
@plan_access(REVIEW)
def review(request, plan, quarter, action):
    """Approve, return or reopen the quarter as the reviewer saw it (the posted version)."""
    _check_quarter(quarter)
    report = get_object_or_404(QuarterReport, plan=plan, quarter=quarter)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        if "comment" in form.errors:
            # Too long, or a control character: said, and the comment put back to be corrected.
            messages.error(request, " ".join(form.errors["comment"]))
            return _review_refused(request, plan, quarter, report, request.POST.get("comment", ""))
        messages.error(
            request,
            _("Siden sagde ikke, hvilken udgave af kvartalet du så, så intet er gjort."),
        )
        return _review_refused(request, plan, quarter, report, request.POST.get("comment", ""))
    comment, version = form.cleaned_data["comment"], form.cleaned_data["version"]
    try:
        if action == "approve":
            services.approve_quarter(report=report, user=request.user, version=version)
            messages.success(request, _("Kvartalet er godkendt."))
        elif action == "return":
            services.return_quarter(
                report=report, user=request.user, comment=comment, version=version
            )
            messages.success(request, _("Kvartalet er sendt retur til institutionen."))
        else:
            services.reopen_quarter(
                report=report, user=request.user, comment=comment, version=version
            )
            messages.success(request, _("Kvartalet er genåbnet, så institutionen kan rette det."))
    except services.StaleReview as exc:
        messages.error(request, exc.message)
        return _review_refused(request, plan, quarter, exc.report, comment, exc.changes)
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("goals:quarter", plan.institution.short_name, plan.year, quarter)


def _review_refused(request, plan, quarter, report, comment, changes=()):
    """The quarter page as it is now, with what changed since the reviewer's page and the
    comment they typed, so they can look again and act on what they see."""
    return _render(
        request,
        plan,
        quarter,
        report,
        build_quarter(plan, quarter),
        report.version,
        review_changes=changes,
        review_refused=True,
        review_comment=comment,
    )


@require_POST
@plan_access(REPORT)
def withdraw(request, plan, quarter):
    """The institution takes back its submitted quarter, as it was when the page was opened."""
    _check_quarter(quarter)
    report = get_object_or_404(QuarterReport, plan=plan, quarter=quarter)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Siden sagde ikke, hvilken udgave af kvartalet du så, så intet er gjort."),
        )
        return redirect("goals:quarter", plan.institution.short_name, plan.year, quarter)
    try:
        services.withdraw_quarter(
            report=report, user=request.user, version=form.cleaned_data["version"]
        )
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Kvartalet er trukket tilbage. Ret det, og indsend det igen, når det er klar."),
        )
    return redirect("goals:quarter", plan.institution.short_name, plan.year, quarter)
