"""Reads of the plan register, scoped to the user asking."""

from django.db.models import Count, F, Prefetch

from goals.models import QUARTERS, Plan, QuarterReport, Requirement, StatusEntry


def plans_for(user):
    """The plans the user may see, newest first, with their goal counts."""
    return (
        Plan.objects.visible_to(user)
        .select_related("institution", "ministry")
        .annotate(goal_count=Count("goals", distinct=True))
        .order_by("-year", "institution__name")
    )


def group_by_section(items, section_of=lambda goal: goal.section):
    """Goals (or rows about goals) in plan order as [(section or None, [item, ...]), ...],
    one entry per heading."""
    groups = []
    for item in items:
        section = section_of(item)
        if groups and groups[-1][0] == section:
            groups[-1][1].append(item)
        else:
            groups.append((section, [item]))
    return groups


def goals_with_requirements(plan):
    """The plan's goals in plan order with their headings, requirements and quarter targets."""
    return (
        plan.goals.select_related("section")
        .prefetch_related(
            Prefetch(
                "requirements",
                queryset=Requirement.objects.order_by("order").prefetch_related("quarter_targets"),
            )
        )
        .order_by("section__order", "order")
    )


def plan_overview(plan):
    """The plan's goals in plan order, grouped under their headings, with every quarter's results.

    Returns (rows, reports): rows is a list of (section or None, [goal, ...]) where each goal
    carries `.cells` (see `quarter_cells`) and `.latest`, its latest goal-level entry with a
    status (or None); reports lists the plan's four quarterly reports (None where there is none).
    """
    goals = list(
        plan.goals.select_related("section")
        .prefetch_related(Prefetch("requirements", queryset=Requirement.objects.order_by("order")))
        .order_by("section__order", "order")
    )
    entries = entries_by_quarter(StatusEntry.objects.filter(report__plan=plan))
    for goal in goals:
        goal.cells = quarter_cells(goal, goal.requirements.all(), entries)
        goal.latest = next(
            (c["entry"] for c in reversed(goal.cells) if c["entry"] and c["entry"].status),
            None,
        )
    reports = {r.quarter: r for r in QuarterReport.objects.filter(plan=plan)}
    return group_by_section(goals), [reports.get(q) for q in QUARTERS]


def entries_by_quarter(entries):
    """Status entries keyed by (goal id, requirement id or None, quarter), in one query."""
    return {
        (e.goal_id, e.requirement_id, e.quarter): e
        for e in entries.annotate(quarter=F("report__quarter"))
    }


def quarter_cells(goal, requirements, entries):
    """A goal's four quarters: {"quarter", "entry" (the goal's own), "results" [(req, entry)]}."""
    return [
        {
            "quarter": quarter,
            "entry": entries.get((goal.pk, None, quarter)),
            "results": [
                (requirement, entries[goal.pk, requirement.pk, quarter])
                for requirement in requirements
                if (goal.pk, requirement.pk, quarter) in entries
            ],
        }
        for quarter in QUARTERS
    ]


def quarter_rows(plan, quarter, report):
    """What the quarter page lists: every goal due in the quarter, with its due requirements.

    A goal is due when its own quarters or one of its requirements' quarters include the
    quarter. Returns [(section or None, [goal, ...]), ...] in plan order; each goal carries
    `.due_requirements`, and it and its requirements carry `.entry` (the report's status
    entry or None).
    """
    goals = goals_with_requirements(plan)
    entries = {}
    if report is not None:
        entries = {(e.goal_id, e.requirement_id): e for e in report.entries.all()}
    due = []
    for goal in goals:
        goal.due_requirements = [r for r in goal.requirements.all() if r.is_due_in(quarter)]
        if not (goal.is_due_in(quarter) or goal.due_requirements):
            continue
        goal.entry = entries.get((goal.pk, None))
        for requirement in goal.due_requirements:
            requirement.goal = goal
            requirement.entry = entries.get((goal.pk, requirement.pk))
        due.append(goal)
    return group_by_section(due)


def goal_history(goal):
    """Every recorded change to a goal's follow-up and verdicts, newest first."""
    return goal.history.select_related("changed_by", "requirement", "report")
