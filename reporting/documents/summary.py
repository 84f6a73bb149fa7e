"""Every institution of a ministry side by side: verdict counts and fulfilment degree."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from goals.models import (
    HANDED_IN_STATES,
    Fulfilment,
    Goal,
    GoalVerdict,
    Plan,
    StatusEntry,
)
from goals.scoring import Degree, plan_degree
from goals.selectors import (
    entries_by_quarter,
    latest_statuses,
)
from reporting.documents.common import file_name


@dataclass
class SummaryRow:
    plan: Plan
    goals: int
    counts: dict  # verdict -> number of goals
    degree: Degree

    @property
    def undecided(self):
        return self.goals - sum(self.counts.values())

    @property
    def count_list(self):
        return [self.counts.get(v, 0) for v in Fulfilment]

    @property
    def is_final(self):
        return self.degree.final


@dataclass
class MinistrySummary:
    ministry: object
    year: int
    rows: list
    generated: object = field(default_factory=timezone.localdate)

    @property
    def running(self):
        return " · ".join((self.ministry.name, _("Målopfyldelse %(year)d") % {"year": self.year}))

    @property
    def header(self):
        return self  # what the print template's running header reads

    @property
    def verdict_labels(self):
        return [v.label for v in Fulfilment]

    def file_name(self, extension):
        return file_name(self.ministry, self.year, _("maalopfyldelse"), extension=extension)


def summary_plans(ministry, year):
    return list(
        Plan.objects.filter(ministry=ministry, year=year)
        .select_related("institution", "ministry")
        .order_by("institution__name")
    )


def ministry_summary(ministry, year, plans=None, progress=None, chunk=None):
    """Every institution's final verdicts and fulfilment degree for a year, side by side.

    The degree so far counts the department's verdicts and, where there is none, each goal's
    latest handed-in status (a draft's statuses are the institution's own until handed in).

    Reads all plans in two queries, or `chunk` plans at a time, calling `progress(done,
    total)` after each chunk, so a background job can show how far it has come.
    """
    plans = summary_plans(ministry, year) if plans is None else plans
    chunk = chunk or max(1, len(plans))
    rows = []
    for start in range(0, len(plans), chunk):
        part = plans[start : start + chunk]
        goals = {}
        for goal in Goal.objects.filter(plan__in=part).only("id", "plan", "weight", "order"):
            goals.setdefault(goal.plan_id, []).append(goal)
        verdicts = dict(
            GoalVerdict.objects.filter(goal__plan__in=part).values_list("goal_id", "verdict")
        )
        statuses = latest_statuses(
            entries_by_quarter(
                StatusEntry.objects.filter(
                    report__plan__in=part,
                    report__state__in=HANDED_IN_STATES,
                    requirement__isnull=True,
                )
                .exclude(status="")
                .only("goal_id", "requirement_id", "status")
            )
        )
        for plan in part:
            plan_goals = sorted(goals.get(plan.pk, []), key=lambda g: g.order)
            final = {g.pk: verdicts[g.pk] for g in plan_goals if g.pk in verdicts}
            rows.append(
                SummaryRow(
                    plan=plan,
                    goals=len(plan_goals),
                    counts=Counter(final.values()),
                    degree=plan_degree(
                        plan_goals, final, statuses, plan.scoring_method, plan.partial_score
                    ),
                )
            )
        if progress:
            progress(start + len(part), len(plans))
    return MinistrySummary(ministry=ministry, year=year, rows=rows)
