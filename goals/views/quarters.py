"""The quarter page: the institution enters and submits, the department reviews."""

import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from goals import services
from goals.forms import EntryForm, ReviewForm
from goals.models import QuarterReport, Status
from goals.permissions import REPORT, REVIEW, plan_access, take_unsaved_input
from goals.selectors import quarter_rows

SAVE, SUBMIT = "save", "submit"


def _check_quarter(quarter):
    if quarter not in (1, 2, 3, 4):
        raise Http404


def _forms(plan, quarter, rows, data=None, submitting=False):
    """One form per goal and per due requirement (per part, where it has parts), kept on the
    page's rows; returns them all, each goal's requirements' before the goal's own."""
    forms = []

    def form_for(goal, row, **extra):
        return EntryForm(
            data,
            goal=goal,
            plan=plan,
            quarter=quarter,
            submitting=submitting,
            entry=row.entry,
            **extra,
        )

    for _section, goal_rows in rows:
        for goal_row in goal_rows:
            goal = goal_row.goal
            requirement_forms = []
            for row in goal_row.requirements:
                pieces = row.parts or [row]
                for piece in pieces:
                    piece.form = form_for(
                        goal,
                        piece,
                        requirement=piece.requirement,
                        previous_total=piece.previous_total,
                    )
                requirement_forms.append([piece.form for piece in pieces])
            goal_row.form = form_for(
                goal, goal_row, requirement_forms=requirement_forms, carried=goal_row.carried
            )
            forms += goal_row.forms
    return forms


@plan_access(post_right=REPORT, keep_input=True)
def quarter_page(request, plan, quarter):
    _check_quarter(quarter)
    report = QuarterReport.objects.filter(plan=plan, quarter=quarter).first()
    rows = quarter_rows(plan, quarter)
    editable = plan.rights[REPORT] and (report is None or report.is_editable)
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
    action = (data or {}).get("action", SAVE)
    forms = _forms(plan, quarter, rows, data, submitting=action == SUBMIT)
    if data is not None:
        try:
            sent_version = int(data.get("version", ""))
        except ValueError:
            sent_version = 0

    if request.method == "POST":
        if not editable:
            messages.error(request, _("Kvartalet kan ikke ændres nu."))
            return redirect(request.path)
        if all(form.is_valid() for form in forms):
            save_rows = [
                services.Row(goal=form.goal, requirement=form.requirement, values=form.cleaned_data)
                for form in forms
            ]
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
                if action == SUBMIT:
                    messages.success(request, _("Kvartalet er indsendt til departementet."))
                elif changed:
                    messages.success(request, _("Kladden er gemt."))
                else:
                    messages.info(request, _("Der var ingen ændringer at gemme."))
                return redirect(request.path)
        else:
            messages.error(
                request,
                _("Intet er gemt: ret de markerede felter. Alt, hvad du skrev, står stadig her."),
            )
    elif data is not None:
        version = sent_version

    if not editable:
        for form in forms:
            form.disable()
    return render(
        request,
        "goals/quarter.html",
        {
            "plan": plan,
            "quarter": quarter,
            "report": report,
            "rows": rows,
            "forms": forms,
            "editable": editable,
            "version": version,
            "conflict": conflict,
            "deadline": plan.deadline_for(quarter),
            "overdue": plan.is_overdue(quarter, report),
            "invalid_forms": [form for form in forms if form.is_bound and form.errors],
            "status_labels_json": json.dumps({s.value: str(s.label) for s in Status}),
        },
    )


@require_POST
@plan_access(REVIEW)
def review(request, plan, quarter, action):
    _check_quarter(quarter)
    report = get_object_or_404(QuarterReport, plan=plan, quarter=quarter)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        # A character the database cannot keep (NUL) is the only way to get here.
        messages.error(request, " ".join(form.errors["comment"]))
        return redirect("goals:quarter", plan.institution.short_name, plan.year, quarter)
    comment = form.cleaned_data["comment"]
    try:
        if action == "approve":
            services.approve_quarter(report=report, user=request.user)
            messages.success(request, _("Kvartalet er godkendt."))
        elif action == "return":
            services.return_quarter(report=report, user=request.user, comment=comment)
            messages.success(request, _("Kvartalet er sendt retur til institutionen."))
        else:
            services.reopen_quarter(report=report, user=request.user, comment=comment)
            messages.success(request, _("Kvartalet er genåbnet, så institutionen kan rette det."))
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("goals:quarter", plan.institution.short_name, plan.year, quarter)
