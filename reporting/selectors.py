"""Reads for the dashboards: where a ministry's institutions stand.

Every function here runs a fixed number of queries, whatever the number of institutions,
goals and quarters (tests/test_dashboard_queries.py holds them to it). A ministry's year is
read as plain rows (`YearStatuses`): its reports and goals, its statuses counted by the
database and each goal's latest looked up; rows that are shown in full are read with their
plan and institution in the same query.

The department sees what was handed in: a goal's status in a quarter counts only when that
quarter's report is submitted or approved (`goals.models.HANDED_IN_STATES`). A draft, or a
quarter sent back and not yet resubmitted, shows as its state ("Kladde", "Sendt retur")
without its statuses, in every count, chart and degree; the department may still open it
read-only from its link.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Paginator
from django.db.models import CharField, Count, IntegerField, Value, prefetch_related_objects
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goals.models import (
    HANDED_IN_STATES,
    QUARTERS,
    Goal,
    GroupGoal,
    MinistryBeacon,
    Plan,
    PlanState,
    QuarterReport,
    ReportState,
    Status,
    StatusEntry,
    quarter_end,
)
from goals.scoring import Degree, plan_degree
from goals.selectors import (
    entries_by_quarter,
    quarter_cells,
    requirements_prefetch,
    waiting_for_department,
)

STATUSES = (Status.GREEN, Status.YELLOW, Status.RED)

# A quarter without a report: "missing" once the quarter has ended, "not started" before.
MISSING = "missing"
NOT_STARTED = "not_started"
STATE_LABELS = {
    MISSING: _("Mangler"),
    NOT_STARTED: _("Ikke påbegyndt"),
    **{s.value: s.label for s in ReportState},
}


@dataclass(frozen=True)
class Filters:
    """What the department narrows a dashboard to; blank means everything."""

    year: int
    quarter: int | None = None
    kind: str = ""
    beacon: int | None = None  # a MinistryBeacon's pk
    status: str = ""  # needs attention only: "red" or "yellow"


def plan_years(ministry):
    """The years the ministry has plans for, newest first."""
    return list(
        Plan.objects.filter(ministry=ministry)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def default_year(years, today=None):
    """This year if the ministry has plans for it, else the newest year before it, else any."""
    if not years:
        return (today or timezone.localdate()).year
    this_year = (today or timezone.localdate()).year
    return next((year for year in years if year <= this_year), years[-1])


def beacons_of(ministry):
    return list(MinistryBeacon.objects.filter(ministry=ministry).order_by("order", "number"))


# --- the ministry overview -------------------------------------------------------------


@dataclass(slots=True)
class QuarterCell:
    """One institution's quarter on the overview: its report's state and its goals' statuses."""

    quarter: int
    due: bool
    state: str  # a ReportState value, or MISSING / NOT_STARTED when there is no report
    overdue: bool
    goals_due: int = 0
    counts: dict = field(default_factory=dict)  # status -> number of goals

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def reported(self):
        return sum(self.counts.values())

    @property
    def without_status(self):
        return max(0, self.goals_due - self.reported)

    @property
    def shown(self):
        """Whether there is anything to show: a quarter the plan reports, or a report anyway."""
        return self.due or self.state not in (MISSING, NOT_STARTED)

    def count(self, status):
        return self.counts.get(status, 0)

    @property
    def severity(self):
        """Worst first: more red goals, then more yellow, then an overdue report."""
        return (self.count(Status.RED), self.count(Status.YELLOW), self.overdue)


@dataclass(slots=True)
class InstitutionRow:
    plan: Plan
    cells: list
    degree: Degree  # goals.scoring.Degree

    def cell(self, quarter):
        return self.cells[quarter - 1]


class GoalFacts(NamedTuple):
    """What the dashboards need of a goal, read as a plain row."""

    pk: int
    plan_id: int
    kind: str
    beacon_id: int | None
    quarters: str
    weight: Decimal
    verdict: str | None

    def kept_by(self, filters):
        return (not filters.kind or self.kind == filters.kind) and (
            not filters.beacon or self.beacon_id == filters.beacon
        )


class EntryFacts(NamedTuple):
    """A goal's handed-in status in one quarter, read as a plain row (cheap to make)."""

    pk: int
    goal_id: int
    quarter: int
    status: str
    changed: str = ""  # when it was last changed, as text that sorts as the time does


def _fields(times):
    """The columns of EntryFacts rows; with `times`, when each was last changed."""
    return ("pk", "goal_id", "report_id", "status") + (("changed",) if times else ())


def _changed_as_text(statuses):
    # As the database writes the time: ISO text in UTC, which sorts as the times do (a time
    # without fractions sorts before the same second with them), without making a datetime
    # of each of a few thousand rows.
    return statuses.annotate(changed=Cast("updated_at", CharField()))


@dataclass
class YearStatuses:
    """A ministry's year: its reports and its goals as plain rows, and their handed-in
    statuses counted or looked up in as few rows as each page needs.

    The dashboards count, filter and find each goal's latest status in Python from rows read
    in one pass each, where the same in SQL needs correlated subqueries whose plans depend on
    the database's statistics. Reading every goal-level status of a large ministry (ten
    thousand rows) was half the overview's time, so the counts come grouped from the database
    (from its index of statuses, without reading the entries) and a goal's latest status from
    its plan's latest handed-in report, reading further back only for the goals it lacks.
    """

    states: dict  # (plan id, quarter) -> report state, of every report whatever its state
    handed_in: dict  # report id -> (plan id, quarter), of the handed-in reports
    goals: dict  # goal id -> GoalFacts
    # The handed-in reports as a subquery: a list of hundreds of ids costs more to put into
    # the SQL than the database takes to run it.
    reports: object = None
    # With `report_facts`: every report as _ReportFacts, for `attention_reports`.
    report_facts: list = field(default_factory=list)

    @classmethod
    def read(cls, ministry, year, *, verdicts=True, beacons=True, report_facts=False, plans=None):
        """The year's reports and goals; without `verdicts`, every GoalFacts.verdict is None,
        without `beacons` every GoalFacts.beacon_id. With `report_facts`, each report's
        submission time and comment are read too. `plans`: the year's plans' ids if known."""
        states, handed_in, facts = {}, {}, []
        columns = _ReportFacts._fields if report_facts else _ReportFacts._fields[:4]
        # Unordered: the reports' default order joins their institutions to sort by name.
        for pk, plan_id, quarter, state, *rest in (
            QuarterReport.objects.filter(plan__ministry=ministry, plan__year=year)
            .order_by()
            .values_list(*columns)
        ):
            if report_facts:
                facts.append(_ReportFacts(pk, plan_id, quarter, state, *rest))
            states[plan_id, quarter] = state
            if state in HANDED_IN_STATES:
                handed_in[pk] = (plan_id, quarter)
        # Joining the verdicts makes PostgreSQL read every year's, a millisecond and a half
        # on a large ministry: only the degrees need them.
        verdict_field = "verdict__verdict" if verdicts else Value(None, CharField())
        # Likewise the goals' headings, a millisecond: only a beacon filter needs them.
        beacon_field = "section__ministry_beacon" if beacons else Value(None, IntegerField())
        # By the plans' ids where known: PostgreSQL then scans the goals without joining the
        # plans, most of a millisecond.
        of_year = (
            {"plan__in": plans}
            if plans is not None
            else {"plan__ministry": ministry, "plan__year": year}
        )
        goals = {
            pk: GoalFacts(pk, plan_id, kind, beacon_id, quarters, weight or ONE, verdict)
            for pk, plan_id, kind, beacon_id, quarters, weight, verdict in (
                Goal.objects.filter(**of_year)
                .order_by()
                .values_list(
                    "pk",
                    "plan_id",
                    "kind",
                    beacon_field,
                    "reporting_quarters",
                    "weight",
                    verdict_field,
                )  # fmt: skip
            )
        }
        reports = QuarterReport.objects.filter(
            plan__ministry=ministry, plan__year=year, state__in=HANDED_IN_STATES
        ).values("pk")
        return cls(states, handed_in, goals, reports, facts)

    def _statuses(self, reports):
        """The goal-level statuses of these reports (ids of handed-in ones)."""
        # By report id: the database reaches them by the (requirement, report, status) index.
        return (
            StatusEntry.objects.filter(report__in=reports, requirement__isnull=True)
            .exclude(status="")
            .order_by()
        )

    def counts(self, filters=None):
        """Goals per status in each plan's quarter: (plan id, quarter, status) -> number,
        of the goals `filters` keep (their kind and beacon)."""
        statuses = self._statuses(self.reports)
        if filters is not None and filters.kind:
            statuses = statuses.filter(goal__kind=filters.kind)
        if filters is not None and filters.beacon:
            statuses = statuses.filter(goal__section__ministry_beacon=filters.beacon)
        # A report handed in or taken back since the reports were read is left out.
        return {
            (*self.handed_in[report], status): number
            for report, status, number in statuses.values("report_id", "status")
            # COUNT(*), not of the id: the rows are counted in the index, not fetched.
            .annotate(number=Count("*"))
            .values_list("report_id", "status", "number")
            if report in self.handed_in
        }

    def entries(self, quarter, times=False):
        """EntryFacts of every goal-level status handed in for a quarter."""
        statuses = self._statuses(self.reports.filter(quarter=quarter))
        if times:
            statuses = _changed_as_text(statuses)
        return [
            EntryFacts(pk, goal, quarter, status, *changed)
            for pk, goal, report, status, *changed in statuses.values_list(*_fields(times))
            if report in self.handed_in
        ]

    def latest(self, times=False):
        """Each goal's latest status: goal id -> EntryFacts of its last quarter with one.

        Two reads: the statuses of each plan's latest handed-in report, which hold most
        goals' latest, then the earlier handed-in statuses of the goals not among them.
        """
        last = {}  # plan id -> (quarter, report id) of its latest handed-in report
        for report, (plan, quarter) in self.handed_in.items():
            if last.get(plan, (0,))[0] < quarter:
                last[plan] = (quarter, report)
        quarter_of = {report: quarter for report, (_plan, quarter) in self.handed_in.items()}
        latest = {}
        statuses = self._statuses([report for _quarter, report in last.values()])
        if times:
            statuses = _changed_as_text(statuses)
        for pk, goal, report, status, *changed in statuses.values_list(*_fields(times)):
            if goal in self.goals:
                latest[goal] = EntryFacts(pk, goal, quarter_of[report], status, *changed)
        # By goal: a few goals' every entry, the requirements' and drafts' ones left out here.
        # An id no goal has keeps it a query when nothing is missing, so that a page costs the
        # same number of queries whatever the data.
        missing = [goal for goal in self.goals if goal not in latest] or [0]
        earlier = StatusEntry.objects.filter(goal__in=missing).exclude(status="").order_by()
        if times:
            earlier = _changed_as_text(earlier)
        for pk, goal, report, status, *changed, requirement in earlier.values_list(
            *_fields(times), "requirement_id"
        ):
            quarter = quarter_of.get(report)
            found = latest.get(goal)
            if requirement is None and quarter and (found is None or found.quarter < quarter):
                latest[goal] = EntryFacts(pk, goal, quarter, status, *changed)
        return latest


ONE = Decimal(1)
OVERVIEW_PLAN_FIELDS = (
    "institution__name", "institution__short_name", "ministry", "year", "reporting_quarters",
    "deadline_days", "scoring_method", "partial_score",
)  # fmt: skip


def ministry_overview(ministry, filters, today=None):
    """One row per institution with a plan in the year: its four quarters and its degree.

    Quarter cells count the goals the filters keep; the degree is always the whole plan's.
    """
    today = today or timezone.localdate()
    plans = list(
        # A plan not yet agreed has no follow-up: it is listed apart (`plans_not_agreed`).
        Plan.objects.filter(ministry=ministry, year=filters.year, state=PlanState.AGREED)
        .select_related("institution")
        # What the rows, their states and their degrees read of a plan: a plan's texts are
        # long, and two hundred of them were a tenth of the page's time.
        .only(*OVERVIEW_PLAN_FIELDS)
        .order_by("institution__name")
    )
    year = YearStatuses.read(
        ministry, filters.year, beacons=bool(filters.beacon), plans=[plan.pk for plan in plans]
    )
    kept = [goal for goal in year.goals.values() if goal.kept_by(filters)]
    counts = year.counts(filters)
    due = Counter()
    for (plan_id, quarters), number in Counter((g.plan_id, g.quarters) for g in kept).items():
        for quarter in quarters:
            due[plan_id, int(quarter)] += number
    degrees = _degrees(plans, year)

    states = year.states
    ended = {quarter: quarter_end(filters.year, quarter) < today for quarter in QUARTERS}
    rows = []
    for plan in plans:
        cells = []
        for quarter in QUARTERS:
            state = states.get((plan.pk, quarter)) or (MISSING if ended[quarter] else NOT_STARTED)
            cells.append(
                QuarterCell(
                    quarter,
                    str(quarter) in plan.reporting_quarters,
                    state,
                    # A quarter handed in is never overdue; otherwise the plan's rule decides.
                    state not in HANDED_IN_STATES and plan.is_overdue(quarter, None, today),
                    due[plan.pk, quarter],
                    {s: counts.get((plan.pk, quarter, s), 0) for s in STATUSES},
                )
            )
        rows.append(InstitutionRow(plan, cells, degrees[plan.pk]))
    return rows


def plans_not_agreed(ministry, year):
    """The ministry's plans of the year that are not agreed yet (a draft, or put forward),
    by institution: the overview lists them by their state, without counts."""
    return list(
        Plan.objects.filter(ministry=ministry, year=year)
        .exclude(state=PlanState.AGREED)
        .select_related("institution")
        .only("institution__name", "institution__short_name", "year", "state", "title")
        .order_by("institution__name")
    )


def _degrees(plans, year):
    """Each plan's fulfilment degree so far, by the one computation (goals.scoring.plan_degree):
    the department's final verdicts where given, otherwise each goal's latest handed-in
    status."""
    latest = {pk: entry.status for pk, entry in year.latest().items()}
    by_plan = {}
    for goal in year.goals.values():
        by_plan.setdefault(goal.plan_id, []).append(goal)
    degrees = {}
    for plan in plans:
        goals = by_plan.get(plan.pk, [])
        verdicts = {goal.pk: goal.verdict for goal in goals if goal.verdict}
        degrees[plan.pk] = plan_degree(
            goals, verdicts, latest, plan.scoring_method, plan.partial_score
        )
    return degrees


def _worst_first(quarter):
    return lambda row: tuple(-n for n in row.cell(quarter).severity)


SORTS = {
    "institution": lambda row: row.plan.institution.name.lower(),
    "grad": lambda row: (row.degree.value is None, row.degree.value or 0),
    **{f"k{quarter}": _worst_first(quarter) for quarter in QUARTERS},
}


def sort_rows(rows, sort):
    """Rows in the order asked for: "institution" A-Z, "kN" worst first, "grad" lowest first.

    A leading "-" reverses the order.
    """
    key = SORTS[sort.lstrip("-")]
    return sorted(rows, key=key, reverse=sort.startswith("-"))


def status_totals(quarters):
    """Goals of each status per quarter and due goals without one: what the charts draw.

    `quarters` yields (quarter, counts, without): the number of goals of each status (a
    mapping) and of due goals without a status yet. Every chart's figures come from here.
    """
    return [
        {
            "quarter": quarter,
            **{s.value: counts.get(s, 0) for s in STATUSES},
            "none": max(0, without),
        }
        for quarter, counts, without in quarters
    ]


def overview_totals(rows):
    """The overview's rows summed per quarter, for its charts."""
    per_quarter = []
    for quarter in QUARTERS:
        cells = [row.cell(quarter) for row in rows]
        counts = {s: sum(c.count(s) for c in cells) for s in STATUSES}
        per_quarter.append((quarter, counts, sum(c.without_status for c in cells if c.due)))
    return status_totals(per_quarter)


# --- needs attention -----------------------------------------------------------------


def attention_entries(ministry, filters, year=None):
    """Red and yellow goals across the ministry's institutions, newest first, as entry ids,
    from `year` (YearStatuses) when it is read already.

    Without a quarter filter a goal is listed by its latest handed-in status, so a goal that
    was red in the first quarter and green since is not; with one, by its status in that
    quarter. Ids, so that a page of them can be read in full with `attention_page`.
    """
    if year is None:
        year = YearStatuses.read(
            ministry, filters.year, verdicts=False, beacons=bool(filters.beacon)
        )
    if filters.quarter:
        candidates = year.entries(filters.quarter, times=True)
    else:
        candidates = year.latest(times=True).values()
    wanted = {filters.status} if filters.status else {Status.RED, Status.YELLOW}
    found = [e for e in candidates if e.status in wanted and year.goals[e.goal_id].kept_by(filters)]
    found.sort(key=lambda e: (e.quarter, e.changed, e.pk), reverse=True)
    return [e.pk for e in found]


ATTENTION_ENTRY_FIELDS = (
    "report", "goal", "requirement", "status", "updated_at", "cause", "consequence", "action",
    "report__plan", "report__quarter", "report__state", "report__plan__year",
    "report__plan__institution__name", "report__plan__institution__short_name",
    "goal__number", "goal__title", "goal__kind", "goal__section",
)  # fmt: skip


def attention_page(ids):
    """The status entries with these ids, in this order, with their plan, goal and heading."""
    # Unordered: they are put in the order of `ids` below, and the entries' default order
    # joins the plans' institutions and the requirements to sort by. Only what the page
    # shows: a plan's and a goal's texts are long.
    entries = (
        StatusEntry.objects.filter(pk__in=ids)
        .select_related("report__plan__institution", "goal__section")
        .only(*ATTENTION_ENTRY_FIELDS)
        .order_by()
    )
    by_pk = {entry.pk: entry for entry in entries}
    return [by_pk[pk] for pk in ids if pk in by_pk]  # one deleted meanwhile is left out


@dataclass
class ReportAlert:
    """A report the department should look at: waiting for its approval, overdue, or
    returned and not yet resubmitted."""

    plan: Plan
    quarter: int
    state: str
    overdue: bool
    deadline: object
    comment: str = ""
    submitted_at: object = None

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def waiting(self):
        """Whether it waits for the department (`goals.selectors.waiting_for_department`)."""
        return self.state == ReportState.SUBMITTED


class _ReportFacts(NamedTuple):
    """What the list of reports needing someone reads of a report."""

    pk: int
    plan_id: int
    quarter: int
    state: str
    submitted_at: object
    review_comment: str


def attention_reports(ministry, year, today=None, reports=None):
    """The ministry's reports for the year that need someone: those waiting for approval
    first, oldest submission first; then every overdue or returned one, by quarter.

    `reports`: the year's reports as _ReportFacts when already read (YearStatuses)."""
    today = today or timezone.localdate()
    plans = {
        plan.pk: plan
        # Only an agreed plan is followed up: a draft's quarters are never overdue.
        for plan in Plan.objects.filter(ministry=ministry, year=year, state=PlanState.AGREED)
        .select_related("institution")
        # What an alert and its deadline read of a plan, as on the overview: not its texts.
        .only(*OVERVIEW_PLAN_FIELDS)
        .order_by("institution__name")
    }
    if reports is None:
        # Unordered: the default order joins the institutions, which `plans` already has.
        reports = map(
            _ReportFacts._make,
            QuarterReport.objects.filter(plan__ministry=ministry, plan__year=year)
            .order_by()
            .values_list(*_ReportFacts._fields),
        )
    # Plain rows: a ministry's year has some thousand reports, of which few are listed.
    reports = {(r.plan_id, r.quarter): r for r in reports}
    alerts = [
        ReportAlert(
            plan=plans[r.plan_id],
            quarter=r.quarter,
            state=r.state,
            overdue=False,
            deadline=plans[r.plan_id].deadline_for(r.quarter),
            submitted_at=r.submitted_at,
        )
        for r in waiting_for_department(reports.values())
        if r.plan_id in plans
    ]
    for quarter in QUARTERS:
        for plan in plans.values():
            report = reports.get((plan.pk, quarter))
            overdue = plan.is_overdue(quarter, report, today)
            returned = report is not None and report.state == ReportState.RETURNED
            if overdue or returned:
                alerts.append(
                    ReportAlert(
                        plan=plan,
                        quarter=quarter,
                        state=report.state if report else MISSING,
                        overdue=overdue,
                        deadline=plan.deadline_for(quarter),
                        comment=report.review_comment if returned else "",
                    )
                )
    return alerts


# --- group-wide goals ------------------------------------------------------------------


@dataclass
class GroupGoalRow:
    """One institution's goal under a group-wide goal, with its four quarters."""

    goal: Goal
    requirements: list
    cells: list  # QuarterCell per quarter (goals.selectors), from handed-in reports only
    states: list  # each quarter's report state, "" where there is no report
    last_year: object = None  # LastYear (reporting/documents/last_year.py) of a carried-over goal


# Each row shows every requirement's figure in four quarters, which costs about a hundred
# times an overview cell; a page of institutions at a time keeps the page as fast as the
# overview. The sorting and the totals above the table cover every institution.
GROUP_PAGE_SIZE = 20
GROUP_SORTS = ("institution", *(f"k{quarter}" for quarter in QUARTERS))
_SEVERITY = {Status.RED: 3, Status.YELLOW: 2, Status.GREEN: 1}


@dataclass
class GroupGoalOverview:
    """A group-wide goal across the ministry: a page of its institutions' goals in full."""

    group_goals: list  # every group-wide goal of the ministry, by title
    chosen: GroupGoal | None  # the one shown
    page: object  # a django Page of the sorted goal ids; its rows are `rows`
    rows: list  # GroupGoalRow of each goal on the page, in the sorted order
    totals: list  # per quarter, every institution's goals by handed-in status (status_totals)


def group_goal_overview(ministry, year, code=None, *, sort="institution", page=1):
    """A group-wide goal of the ministry with every institution's goal under it, side by side.

    The group-wide goal is the one asked for by `code`, else the first by title. Its goals in
    the year's plans are sorted by institution name ("institution") or worst first by their
    handed-in status in a quarter ("k1".."k4"; a leading "-" reverses), and read in full for
    one page of GROUP_PAGE_SIZE.
    """
    group_goals = list(GroupGoal.objects.filter(ministry=ministry).order_by("title"))
    chosen = next(
        (g for g in group_goals if g.code == code), group_goals[0] if group_goals else None
    )
    if chosen is None:
        return GroupGoalOverview(group_goals, None, Paginator([], GROUP_PAGE_SIZE).page(1), [], [])
    in_year = {
        "plan__ministry": ministry,
        "plan__year": year,
        "plan__state": PlanState.AGREED,
        "group_goal": chosen,
    }
    goals = list(
        Goal.objects.filter(**in_year)
        .select_related("plan__institution")
        .only(
            "number",
            "title",
            "order",
            "reporting_quarters",
            "predecessor",
            "plan__year",
            "plan__institution__name",
            "plan__institution__short_name",
        )  # fmt: skip
        .order_by("plan__institution__name", "order")
    )
    plan_reports = QuarterReport.objects.filter(plan__in={goal.plan_id for goal in goals})
    reports = {}  # report id -> (plan id, quarter, state), of every plan with the goal
    for pk, plan_id, quarter, state in plan_reports.order_by().values_list(
        "pk", "plan_id", "quarter", "state"
    ):
        reports[pk] = (plan_id, quarter, state)
    statuses = {}  # (goal id, quarter) -> its handed-in goal-level status
    # By report as well as goal, so that SQLite reaches the entries by the reports' index
    # (by goal alone it scans every goal-level entry); the reports as a subquery, which
    # costs PostgreSQL less than a thousand ids in the SQL.
    for goal_id, report_id, status in (
        StatusEntry.objects.filter(
            report__in=plan_reports.values("pk"), goal__in=goals, requirement__isnull=True
        )
        .exclude(status="")
        .order_by()
        .values_list("goal_id", "report_id", "status")
    ):
        # A report made since `reports` was read has nothing handed in yet.
        _plan, quarter, state = reports.get(report_id, (None, None, ""))
        if state in HANDED_IN_STATES:
            statuses[goal_id, quarter] = status
    key = sort.lstrip("-")
    if key != "institution":
        quarter = int(key[1])
        goals.sort(key=lambda goal: -_SEVERITY.get(statuses.get((goal.pk, quarter)), 0))
    if sort.startswith("-"):
        goals.reverse()

    shown = Paginator(goals, GROUP_PAGE_SIZE).get_page(page)
    on_page = list(shown.object_list)
    prefetch_related_objects(on_page, requirements_prefetch())
    entries = entries_by_quarter(
        StatusEntry.objects.filter(report__state__in=HANDED_IN_STATES, goal__in=on_page)
    )
    states = {(plan_id, quarter): state for plan_id, quarter, state in reports.values()}
    # Imported here: the reports' modules import this one.
    from reporting.documents.last_year import last_years

    last = last_years(on_page)
    rows = []
    for goal in on_page:
        requirements = list(goal.requirements.all())
        rows.append(
            GroupGoalRow(
                goal,
                requirements,
                quarter_cells(goal, requirements, entries),
                [states.get((goal.plan_id, quarter), "") for quarter in QUARTERS],
                last.get(goal.pk),
            )
        )
    totals = status_totals(
        (
            quarter,
            Counter(statuses[g.pk, quarter] for g in goals if (g.pk, quarter) in statuses),
            sum(
                1
                for g in goals
                if str(quarter) in g.reporting_quarters and (g.pk, quarter) not in statuses
            ),
        )
        for quarter in QUARTERS
    )
    return GroupGoalOverview(group_goals, chosen, shown, rows, totals)


def plan_status_totals(plan, rows, reports, today=None):
    """Per quarter, a plan's goals by handed-in status, and the due goals without one once
    the quarter counts.

    `rows` are the PlanGoalRows of `goals.selectors.plan_overview`; `reports` its four reports.
    The institution's own reporters see their drafts' statuses in the grid, but the charts,
    like the department's, count handed-in quarters only.
    """
    today = today or timezone.localdate()
    per_quarter = []
    for quarter in QUARTERS:
        report = reports[quarter - 1]
        handed_in = report is not None and report.is_handed_in
        statuses = Counter(
            cell.entry.status
            for row in rows
            if handed_in and (cell := row.cells[quarter - 1]).entry and cell.entry.status
        )
        started = reports[quarter - 1] is not None or plan.quarter_end(quarter) < today
        due = sum(1 for row in rows if row.goal.is_due_in(quarter))
        per_quarter.append((quarter, statuses, due - sum(statuses.values()) if started else 0))
    return status_totals(per_quarter)
