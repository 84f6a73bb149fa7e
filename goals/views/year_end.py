"""The year end: the department's verdicts per requirement and goal, and the plan's score."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from goals import services
from goals.forms import YearEndForm
from goals.models import Fulfilment, GoalVerdict, RequirementVerdict, StatusEntry
from goals.permissions import REVIEW, plan_access
from goals.scoring import fulfilment_degree, goal_scores, is_met, rule_verdict, target_for
from goals.selectors import goals_with_requirements, group_by_section


def _goals(plan):
    goals = list(goals_with_requirements(plan))
    verdicts = {v.goal_id: v for v in GoalVerdict.objects.filter(goal__plan=plan)}
    for goal in goals:
        goal.current_verdict = verdicts.get(goal.pk)
    return goals


def _prefilled(plan, goals):
    """Each requirement's met/not met: as decided, else from its Q4 number where it has one."""
    decided = {
        v.requirement_id: v.met
        for v in RequirementVerdict.objects.filter(requirement__goal__plan=plan)
    }
    q4 = {
        e.requirement_id: e
        for e in StatusEntry.objects.filter(
            report__plan=plan, report__quarter=4, requirement__isnull=False
        )
    }
    prefilled = {}
    for goal in goals:
        for requirement in goal.requirements.all():
            if requirement.pk in decided:
                prefilled[requirement.pk] = decided[requirement.pk]
                continue
            entry = q4.get(requirement.pk)
            value = entry.result_value if entry else None
            target = target_for(requirement, 4)
            if value is not None and target is not None and requirement.comparator:
                prefilled[requirement.pk] = is_met(requirement.comparator, value, target)
    return prefilled


@plan_access(REVIEW)
def year_end(request, plan):
    goals = _goals(plan)
    prefilled = _prefilled(plan, goals)
    form = YearEndForm(
        request.POST if request.method == "POST" else None, goals=goals, prefilled=prefilled
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = services.save_year_end(
                    plan=plan,
                    user=request.user,
                    requirement_verdicts={
                        r: (form.met(r), "") for g in goals for r in g.requirements.all()
                    },
                    goal_verdicts={
                        g: (
                            form.cleaned_data[g.verdict_field],
                            form.cleaned_data[g.reason_field],
                        )
                        for g in goals
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

    final = {g.pk: g.current_verdict.verdict for g in goals if g.current_verdict}
    scores = goal_scores(goals, final, plan.scoring_method, plan.partial_score)
    for goal, score in zip(goals, scores, strict=True):
        goal.score = score
        goal.rule_preview = form.rule_verdicts.get(goal.pk) or rule_verdict(
            goal.fulfilment_rule,
            goal.required_count,
            [prefilled.get(r.pk) for r in goal.requirements.all()],
        )
        goal.rule_preview_label = Fulfilment(goal.rule_preview).label if goal.rule_preview else ""
    return render(
        request,
        "goals/year_end.html",
        {
            "plan": plan,
            "form": form,
            "sections": group_by_section(goals),
            "degree": fulfilment_degree(scores),
            "decided": len(final),
            "total": len(goals),
        },
    )
