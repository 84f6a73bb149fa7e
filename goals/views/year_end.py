"""The year end: the department's verdicts per requirement and goal, and the plan's score."""

import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from goals import services
from goals.forms import YearEndForm
from goals.models import Fulfilment
from goals.permissions import REVIEW, plan_access
from goals.selectors import year_end


@plan_access(REVIEW)
def year_end_page(request, plan):
    page = year_end(plan)
    form = YearEndForm(request.POST if request.method == "POST" else None, rows=page.rows)
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = services.save_year_end(
                    plan=plan,
                    user=request.user,
                    requirement_verdicts={
                        item.requirement: (form.met(item.requirement), "")
                        for row in page.rows
                        for item in row.requirements
                    },
                    goal_verdicts={
                        row.goal: (
                            form.cleaned_data[row.verdict_field],
                            form.cleaned_data[row.reason_field],
                        )
                        for row in page.rows
                    },
                )
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
        for row in page.rows:  # the rule as the reviewer's ticks give it
            row.rule = form.rule_verdicts.get(row.goal.pk, row.rule)
    return render(
        request,
        "goals/year_end.html",
        {
            "plan": plan,
            "form": form,
            "page": page,
            "verdict_labels_json": json.dumps(
                {"": _("afventer vurdering af alle krav")}
                | {value: str(label) for value, label in Fulfilment.choices}
            ),
        },
    )
