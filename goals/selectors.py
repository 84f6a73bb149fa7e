"""Reads of the plan register, scoped to the user asking."""

from django.db.models import Count, Prefetch

from goals.models import Plan, QuarterReport, Requirement, StatusEntry


def plans_for(user):
    """The plans the user may see, newest first, with their goal counts."""
    return (
        Plan.objects.visible_to(user)
        .select_related("institution", "ministry")
        .annotate(goal_count=Count("goals", distinct=True))
        .order_by("-year", "institution__name")
    )


def plan_overview(plan):
    """The plan's goals in plan order, grouped under their headings, with quarter statuses.

    Returns (rows, quarters): rows is a list of (section or None, [goal, ...]) where each
    goal carries `.statuses`, a list of four goal-level status entries or None.
    """
    goals = list(
        plan.goals.select_related("section")
        .prefetch_related(
            Prefetch("requirements", queryset=Requirement.objects.order_by("order")),
            Prefetch(
                "entries",
                queryset=StatusEntry.objects.filter(requirement__isnull=True).select_related(
                    "report"
                ),
                to_attr="goal_entries",
            ),
        )
        .order_by("section__order", "order")
    )
    reports = {r.quarter: r for r in QuarterReport.objects.filter(plan=plan)}
    rows = []
    for goal in goals:
        by_quarter = {entry.report.quarter: entry for entry in goal.goal_entries}
        goal.statuses = [by_quarter.get(q) for q in (1, 2, 3, 4)]
        if rows and rows[-1][0] == goal.section:
            rows[-1][1].append(goal)
        else:
            rows.append((goal.section, [goal]))
    return rows, [reports.get(q) for q in (1, 2, 3, 4)]
