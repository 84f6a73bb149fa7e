"""The year end: the department's verdicts per requirement and goal, and the plan's score."""

import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from goals import services
from goals.models import Fulfilment
from goals.permissions import REVIEW, plan_access
from goals.selectors import year_end


@plan_access(REVIEW)
def year_end_page(request, plan):
    if not plan.is_agreed:
        # Nothing is judged on a plan before it is agreed and followed up.
        if request.method == "POST":
            messages.error(request, _("Planen er ikke aftalt endnu; intet er gemt."))
        return render(
            request,
            "goals/agreement/not_open.html",
            {"plan": plan, "quarter": None, "heading": _("Årsafslutning")},
        )
    page = year_end(plan, request.POST if request.method == "POST" else None)
    version, conflict = services.year_end_version(plan), None
    if request.method == "POST":
        if page.form.is_valid():
            # Until a save goes through, the page stays at the version the reviewer saw.
            version = page.form.cleaned_data["version"]
            try:
                changed = _save(request, plan, page, version)
            except services.YearEndConflict as exc:
                conflict, version = exc, exc.version
                # The page as the other reviewer left it, with this reviewer's input on top.
                page = year_end(plan, request.POST)
            except services.ServiceError as exc:
                messages.error(request, exc.message)
            else:
                if changed:
                    messages.success(request, _("Vurderingerne er gemt."))
                else:
                    messages.info(request, _("Der var ingen ændringer at gemme."))
                return redirect("goals:year_end", plan.institution.short_name, plan.year)
        else:
            messages.error(request, _("Intet er gemt: ret de markerede felter."))
            version = _posted_version(request)
    return render(
        request,
        "goals/year_end.html",
        {
            "plan": plan,
            "form": page.form,
            "page": page,
            "version": version,
            "conflict": conflict,
            "verdict_labels_json": json.dumps(
                {"": _("afventer vurdering af alle krav")}
                | {value: str(label) for value, label in Fulfilment.choices}
            ),
        },
    )


def _save(request, plan, page, version):
    form = page.form
    return services.save_year_end(
        plan=plan,
        user=request.user,
        version=version,
        requirement_verdicts={
            item.requirement: (form.met(item.requirement), "")
            for row in page.rows
            for item in row.requirements
        },
        goal_verdicts={
            row.goal: (form.cleaned_data[row.verdict_field], form.cleaned_data[row.reason_field])
            for row in page.rows
        },
    )


def _posted_version(request):
    """The version a refused form was built from, kept so the next save is checked against it
    (0, before any verdict, when it is unreadable: then any saved verdict refuses the save)."""
    try:
        return max(int(request.POST.get("version") or 0), 0)
    except ValueError:
        return 0
