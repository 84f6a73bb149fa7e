"""Reads of the plan register, scoped to the user asking."""

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import groupby
from typing import NamedTuple

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from goals import notifications
from goals.figures import (
    figure_lines,
    figure_text,
    is_filled,
    is_running_total,
    parts_of,
    quarter_progress,
    takes_number,
    target_text,
    total_before,
    year_figure,
    year_met,
    year_target,
    year_to_date,
)
from goals.forms import EntryForm, YearEndForm
from goals.models import (
    HANDED_IN_STATES,
    QUARTERS,
    FigureKind,
    Fulfilment,
    Goal,
    GoalVerdict,
    HistoryRecord,
    Membership,
    Ministry,
    Plan,
    PlanState,
    QuarterReport,
    ReportState,
    Requirement,
    RequirementVerdict,
    StatusEntry,
    quarter_end,
)
from goals.scoring import goal_scores, plan_degree, rule_verdict, worst_status


def plans_for(user):
    """The plans the user may see, newest first, with their goal counts."""
    return (
        Plan.objects.visible_to(user)
        .select_related("institution", "ministry")
        .annotate(goal_count=Count("goals", distinct=True))
        .order_by("-year", "institution__name")
    )


# --- the home page -------------------------------------------------------------------------

# A quarter of a plan without a report yet.
NOT_STARTED = "not_started"


def quarter_state_label(state):
    """A quarter's state in words: "Ikke påbegyndt" without a report, else the report's."""
    return _("Ikke påbegyndt") if state == NOT_STARTED else ReportState(state).label


def waiting_for_department(reports):
    """Of `reports`, the quarters that wait for the department: submitted, neither approved
    nor returned yet, oldest submission first. The reviewer's home page, the header's count
    and "Kræver opmærksomhed" all take them from here.

    `reports` is a queryset (a queryset is returned) or QuarterReports already read (a list).
    """
    if isinstance(reports, QuerySet):
        return reports.filter(state=ReportState.SUBMITTED).order_by("submitted_at", "pk")
    return sorted(
        (r for r in reports if r.state == ReportState.SUBMITTED),
        key=lambda r: (r.submitted_at is None, r.submitted_at or 0, r.pk),
    )


def returned_to_institution(reports):
    """Of `reports`, the quarters returned to their institution and not resubmitted yet."""
    return reports.filter(state=ReportState.RETURNED).order_by("reviewed_at", "pk")


@dataclass(slots=True)
class HomeQuarter:
    """A quarter of a plan on the home page: its state, its deadline and, while it is open,
    how far it is filled in."""

    plan: Plan
    quarter: int
    state: str  # a ReportState value, or NOT_STARTED
    report: QuarterReport | None
    deadline: object  # a date, or None when the plan sets no deadline
    days_left: int | None  # to the deadline; negative once it has passed
    overdue: bool
    progress: object = None  # goals.figures.Progress of an open quarter, else None
    waits: bool = False  # it waits for the institution (`waits_for_reporter`)

    @property
    def state_label(self):
        return quarter_state_label(self.state)

    @property
    def is_open(self):
        return self.state not in HANDED_IN_STATES

    @property
    def days_overdue(self):
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def days_text(self):
        """The deadline as the days left to it, or past it: "om 5 dage", "3 dage over fristen"."""
        if self.days_left is None:
            return ""
        if self.days_left == 0:
            return _("fristen er i dag")
        if self.days_left > 0:
            return ngettext("om %(days)d dag", "om %(days)d dage", self.days_left) % {
                "days": self.days_left
            }
        return ngettext(
            "%(days)d dag over fristen", "%(days)d dage over fristen", self.days_overdue
        ) % {"days": self.days_overdue}

    @property
    def url(self):
        return reverse(
            "goals:quarter", args=[self.plan.institution.short_name, self.plan.year, self.quarter]
        )


@dataclass(slots=True)
class HomePlan:
    """One of a reporter's plans with each of its quarters."""

    plan: Plan
    quarters: list  # HomeQuarter, in quarter order

    @property
    def is_open(self):
        return any(q.is_open for q in self.quarters)


@dataclass(slots=True)
class ReporterTodo:
    """What waits for an institution's reporter: returned quarters first, then each current
    plan's quarters; plans of earlier years with nothing left to do as links only."""

    returned: list  # HomeQuarter sent back by the department, oldest deadline first
    plans: list  # HomePlan of this year's plans and of any still open
    older: list  # Plan of earlier years, every quarter handed in
    count: int  # the quarters waiting for the reporter (`waits_for_reporter`)


@dataclass(slots=True)
class ReviewerTodo:
    """What waits for a ministry's department: quarters to approve, and those it waits for."""

    # Each list holds its oldest `limit` quarters; its count says how many there are in all.
    waiting: list  # HomeQuarter submitted, oldest submission first
    returned: list  # HomeQuarter returned, awaiting resubmission, oldest return first
    overdue: list  # HomeQuarter past its deadline and not handed in, oldest deadline first
    ministries: list  # the Ministry rows the lists cover
    waiting_count: int = 0
    returned_count: int = 0
    overdue_count: int = 0

    @property
    def count(self):
        return self.waiting_count


@dataclass(slots=True)
class TodoCounts:
    """The page header's counts: what waits for the user as a reporter and as a reviewer."""

    reporter: int = 0
    reviewer: int = 0

    @property
    def total(self):
        return self.reporter + self.reviewer


def waits_for_reporter(plan, quarter, state, today):
    """Whether a quarter waits for its institution: returned by the department, or a quarter
    the plan is followed up in that has ended and is not handed in."""
    if state == ReportState.RETURNED:
        return True
    if state in HANDED_IN_STATES or str(quarter) not in plan.reporting_quarters:
        return False
    return plan.quarter_end(quarter) < today


def _home_quarter(plan, quarter, report, today, *, state=None, overdue=None):
    """A HomeQuarter; `state` and `overdue` when they are known already, without the report."""
    deadline = plan.deadline_for(quarter)
    return HomeQuarter(
        plan=plan,
        quarter=quarter,
        state=state or (report.state if report else NOT_STARTED),
        report=report,
        deadline=deadline,
        days_left=(deadline - today).days if deadline else None,
        overdue=plan.is_overdue(quarter, report, today) if overdue is None else overdue,
    )


def _reported_quarters(plan, reported):
    """The quarters a plan is followed up in, and any other that has a report all the same
    (`reported` maps a plan id to the quarters with a report)."""
    return sorted(set(plan.quarters) | reported.get(plan.pk, set()))


def _by_plan(keys):
    """(plan id, quarter) keys as plan id -> the set of its quarters."""
    found = {}
    for plan_id, quarter in keys:
        found.setdefault(plan_id, set()).add(quarter)
    return found


def _reporter_plans(user):
    institutions = Membership.objects.filter(user=user, role=Membership.Role.REPORTER).values(
        "institution"
    )
    # Only an agreed plan is followed up: a draft's quarters wait for no one.
    return list(
        Plan.objects.filter(institution__in=institutions, state=PlanState.AGREED)
        .select_related("institution")
        .order_by("-year", "institution__name")
    )


def reporter_todo(user, today=None) -> ReporterTodo:
    """The reporter's home page: every plan of the user's institutions, in a fixed number of
    queries whatever their number."""
    today = today or timezone.localdate()
    plans = _reporter_plans(user)
    reports = {
        (r.plan_id, r.quarter): r
        for r in QuarterReport.objects.filter(plan__in=[p.pk for p in plans]).select_related(
            "reviewed_by"
        )
    }
    reported = _by_plan(reports)
    current, older = [], []
    for plan in plans:
        quarters = [
            _home_quarter(plan, q, reports.get((plan.pk, q)), today)
            for q in _reported_quarters(plan, reported)
        ]
        row = HomePlan(plan, quarters)
        (current if plan.year >= today.year or row.is_open else older).append(row)
    _add_progress([q for row in current for q in row.quarters if q.is_open])
    returned = [q for row in current for q in row.quarters if q.state == ReportState.RETURNED]
    returned.sort(key=lambda q: (q.deadline is None, q.deadline or today, q.plan.pk))
    for row in current:
        for item in row.quarters:
            item.waits = waits_for_reporter(item.plan, item.quarter, item.state, today)
    count = sum(1 for row in current for item in row.quarters if item.waits)
    return ReporterTodo(returned, current, [row.plan for row in older], count)


class _Entry(NamedTuple):
    result_value: object
    ytd_value: object
    result_text: str
    status: str


class _Requirement(NamedTuple):
    pk: int
    goal_id: int
    part_of_id: int | None
    measure: str
    reporting_quarters: str


def _add_progress(items):
    """Set each open HomeQuarter's Progress, for all of them in three queries.

    What is due follows the quarter page (`build_quarter`): a requirement by its own quarters
    or its goal's, a requirement measured in parts by its parts, a goal when it or one of its
    requirements is due.
    """
    if not items:
        return
    plan_ids = {item.plan.pk for item in items}
    goals = {}
    for pk, plan_id, quarters in (
        Goal.objects.filter(plan__in=plan_ids)
        .order_by("order", "pk")
        .values_list("pk", "plan_id", "reporting_quarters")
    ):
        goals[pk] = (plan_id, quarters)
    top, parts = {}, {}
    for row in (
        Requirement.objects.filter(goal__plan__in=plan_ids)
        .order_by("order", "pk")
        .values_list("pk", "goal_id", "part_of_id", "measure", "reporting_quarters")
    ):
        requirement = _Requirement(*row)
        if requirement.part_of_id is None:
            top.setdefault(requirement.goal_id, []).append(requirement)
        else:
            parts.setdefault(requirement.part_of_id, []).append(requirement)
    report_ids = [item.report.pk for item in items if item.report is not None]
    entries = {
        (report_id, goal_id, requirement_id): _Entry(*values)
        for report_id, goal_id, requirement_id, *values in StatusEntry.objects.filter(
            report__in=report_ids
        ).values_list(
            "report_id",
            "goal_id",
            "requirement_id",
            "result_value",
            "ytd_value",
            "result_text",
            "status",
        )  # fmt: skip
    }
    goals_by_plan = {}
    for pk, (plan_id, quarters) in goals.items():
        goals_by_plan.setdefault(plan_id, []).append((pk, quarters))

    def pieces_of(requirement):
        if requirement.measure == Requirement.Measure.PARTS:
            return parts.get(requirement.pk, [])
        return [requirement]

    for item in items:
        report_id = item.report.pk if item.report else None
        quarter = str(item.quarter)
        due_requirements, due_goals = [], []
        for goal_id, goal_quarters in goals_by_plan.get(item.plan.pk, []):
            due = [
                r
                for r in top.get(goal_id, [])
                if quarter in (r.reporting_quarters or goal_quarters)
            ]
            if not (quarter in goal_quarters or due):
                continue
            due_goals.append(entries.get((report_id, goal_id, None)))
            due_requirements += due

        def entry_of(piece, report_id=report_id):
            return entries.get((report_id, piece.goal_id, piece.pk))

        item.progress = quarter_progress(due_requirements, entry_of, due_goals, pieces_of)


class _PlanDates(NamedTuple):
    """What `Plan.is_overdue` needs of a plan, read as a plain row: a ministry has
    a thousand plans, and the home page needs only the few that are overdue in full."""

    pk: int
    year: int
    reporting_quarters: str
    deadline_days: int | None

    quarters = Plan.quarters
    quarter_end = Plan.quarter_end
    deadline_for = Plan.deadline_for
    is_overdue = Plan.is_overdue


class _StateOnly(NamedTuple):
    state: str


def _not_handed_in(quarter, ministries):
    handed_in = QuarterReport.objects.filter(
        plan__ministry__in=ministries, quarter=quarter, state__in=HANDED_IN_STATES
    )
    return ~Q(pk__in=handed_in.values("plan_id"))


def _overdue(ministries, today, limit):
    """The ministries' overdue quarters, oldest deadline first: (the first `limit` as
    HomeQuarters, how many there are). A returned quarter is left to the returned list."""
    # Only a plan with a quarter it is followed up in, that has ended and is not handed in
    # can be overdue: the database leaves out the others, which are most of the years.
    unfinished = Q()
    for quarter in QUARTERS:
        ended = Q(year__lt=today.year)
        if quarter_end(today.year, quarter) < today:
            ended |= Q(year=today.year)
        due = Q(reporting_quarters__contains=str(quarter))
        unfinished |= ended & due & _not_handed_in(quarter, ministries)
    plans = [
        _PlanDates(*row)
        for row in Plan.objects.filter(
            unfinished,
            ministry__in=ministries,
            state=PlanState.AGREED,
            deadline_days__isnull=False,
        ).values_list("pk", "year", "reporting_quarters", "deadline_days")
    ]
    states = {
        (plan_id, quarter): state
        for plan_id, quarter, state in QuarterReport.objects.filter(
            plan__in=[p.pk for p in plans]
        ).values_list("plan_id", "quarter", "state")
    }
    found = []
    for plan in plans:
        for quarter in plan.quarters:
            state = states.get((plan.pk, quarter))
            if state != ReportState.RETURNED and plan.is_overdue(
                quarter, state and _StateOnly(state), today
            ):
                found.append((plan.deadline_for(quarter), plan.pk, quarter, state))
    found.sort(key=lambda row: row[:3])
    shown = found[:limit]
    full = Plan.objects.select_related("institution").in_bulk({row[1] for row in shown})
    items = [
        _home_quarter(full[pk], quarter, None, today, state=state, overdue=True)
        for _deadline, pk, quarter, state in shown
    ]
    items.sort(key=lambda item: (item.deadline, item.plan.institution.name))
    return items, len(found)


def reviewer_todo(user, today=None, limit=None) -> ReviewerTodo:
    """The reviewer's home page over every ministry the user reviews (all for an
    administrator), each list its oldest `limit` quarters (all when None) and its count, in
    a fixed number of queries whatever the number of institutions."""
    today = today or timezone.localdate()
    ministries = list(Ministry.objects.reviewed_by(user).order_by("name"))
    if not ministries:
        return ReviewerTodo([], [], [], [])
    reports = QuarterReport.objects.filter(plan__ministry__in=ministries)
    lists = {}
    for name, pick, people in (
        ("waiting", waiting_for_department, "submitted_by"),
        ("returned", returned_to_institution, "reviewed_by"),
    ):
        picked = pick(reports)
        shown = picked.select_related("plan__institution", people)[:limit]
        lists[name] = [_home_quarter(r.plan, r.quarter, r, today) for r in shown]
        lists[f"{name}_count"] = len(lists[name]) if limit is None else picked.count()
    overdue, overdue_count = _overdue(ministries, today, limit)
    return ReviewerTodo(
        overdue=overdue, overdue_count=overdue_count, ministries=ministries, **lists
    )


def todo_counts(user, today=None, memberships=None) -> TodoCounts:
    """What the page header counts for the user, in at most four queries: the quarters
    waiting for them as a reporter (as `ReporterTodo.count`) and as a reviewer.
    `memberships`: the user's (role, ministry id) pairs, when the request has read them."""
    if not user.is_authenticated:
        return TodoCounts()
    today = today or timezone.localdate()
    # With each membership's ministry, the reviewer's count needs no query of the ministries
    # they review: the header runs on every page, and that subquery was a third of its time.
    if memberships is None:
        memberships = list(Membership.objects.filter(user=user).values_list("role", "ministry_id"))
    roles = {role for role, _ministry in memberships}
    counts = TodoCounts()
    if Membership.Role.REPORTER in roles:
        plans = _reporter_plans(user)
        states = {
            (plan_id, quarter): state
            for plan_id, quarter, state in QuarterReport.objects.filter(
                plan__in=[p.pk for p in plans]
            ).values_list("plan_id", "quarter", "state")
        }
        reported = _by_plan(states)
        counts.reporter = sum(
            1
            for plan in plans
            for quarter in _reported_quarters(plan, reported)
            if waits_for_reporter(plan, quarter, states.get((plan.pk, quarter)), today)
        )
    if Membership.Role.REVIEWER in roles or user.is_superuser:
        # The reports of the ministries the user reviews (`Ministry.objects.reviewed_by`).
        reports = QuarterReport.objects.all()
        if not user.is_superuser:
            reviewed = [m for role, m in memberships if role == Membership.Role.REVIEWER]
            reports = reports.filter(plan__ministry__in=reviewed)
        counts.reviewer = waiting_for_department(reports).count()
    return counts


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


def sections_with_goals(plan, items=(), section_of=lambda goal: goal.section, kind=None):
    """Every beacon and section of the plan in plan order, read in one query, each with the
    goals (or rows about goals) of `items` under it: [(section or None, [item, ...]), ...].

    Unlike `group_by_section`, a heading without goals is there too, with an empty list: a
    plan may cite a beacon only in its goals' prose. Items under no heading come first, under
    None, as a plan file lists them first. With `kind` ("beacon"), only headings of that kind.
    """
    sections = plan.sections.order_by("order", "pk")
    if kind is not None:
        sections = sections.filter(kind=kind)
    found = {section.pk: (section, []) for section in sections}
    loose = []
    for item in items:
        section = section_of(item)
        if section is None:
            loose.append(item)
        elif section.pk in found:
            found[section.pk][1].append(item)
    headings = list(found.values())
    return [(None, loose), *headings] if loose and kind is None else headings


def requirements_prefetch(lookup="requirements"):
    """A goal's requirements in plan order, each with its quarter targets and its parts (with
    theirs). Parts are reached through their requirement only, never as requirements of
    their own: `goal.requirements.all()` then lists what the goal's rule counts."""
    parts = Requirement.objects.order_by("order", "pk").prefetch_related("quarter_targets")
    return Prefetch(
        lookup,
        queryset=Requirement.objects.filter(part_of=None)
        .order_by("order", "pk")
        .prefetch_related("quarter_targets", Prefetch("parts", queryset=parts)),
    )


def goals_with_requirements(plan):
    """The plan's goals in plan order with their headings, requirements and quarter targets."""
    return (
        plan.goals.select_related("section")
        .prefetch_related(requirements_prefetch())
        .order_by("section__order", "order")
    )


def entries_by_quarter(entries):
    """Status entries keyed by (goal id, requirement id or None, quarter), in one query."""
    return {
        (e.goal_id, e.requirement_id, e.quarter): e
        # Unordered: a map needs no order, and the entries' default one joins five tables.
        for e in entries.annotate(quarter=F("report__quarter")).order_by()
    }


def entries_of(requirement, entries, up_to=4):
    """One requirement's entries by quarter, from `entries_by_quarter`'s map."""
    found = {}
    for quarter in QUARTERS[:up_to]:
        entry = entries.get((requirement.goal_id, requirement.pk, quarter))
        if entry is not None:
            found[quarter] = entry
    return found


# --- the plan page -------------------------------------------------------------------------


@dataclass(slots=True)
class QuarterCell:
    """A goal's quarter on the plan page: its own entry and each requirement's figure."""

    quarter: int
    entry: StatusEntry | None
    lines: list  # FigureLine of each requirement (and part) with a figure in the quarter


@dataclass(slots=True)
class PlanGoalRow:
    goal: object
    requirements: list
    cells: list  # QuarterCell per quarter
    latest: StatusEntry | None  # the latest goal-level entry with a status


def quarter_cells(goal, requirements, entries):
    """A goal's four quarters: its own entry and each requirement's FigureLine, in order."""
    lines_by_quarter = {quarter: [] for quarter in QUARTERS}
    for requirement in requirements:
        for part in parts_of(requirement):
            for line in figure_lines(part, entries_of(part, entries)):
                lines_by_quarter[line.quarter].append(line)
    return [
        QuarterCell(quarter, entries.get((goal.pk, None, quarter)), lines_by_quarter[quarter])
        for quarter in QUARTERS
    ]


def plan_overview(plan, *, handed_in_only=False):
    """The plan's goals in plan order, grouped under their headings, with every quarter.

    Returns (rows, reports): rows is [(section or None, [PlanGoalRow, ...]), ...]; reports
    lists the plan's four quarterly reports (None where there is none). `handed_in_only`
    leaves out what drafts and returned quarters hold, as the department is to see it.
    """
    goals = list(goals_with_requirements(plan))
    entries = StatusEntry.objects.filter(report__plan=plan)
    if handed_in_only:
        entries = entries.filter(report__state__in=HANDED_IN_STATES)
    entries = entries_by_quarter(entries)
    rows = []
    for goal in goals:
        requirements = list(goal.requirements.all())
        cells = quarter_cells(goal, requirements, entries)
        latest = next(
            (c.entry for c in reversed(cells) if c.entry and c.entry.status),
            None,
        )
        rows.append(PlanGoalRow(goal, requirements, cells, latest))
    reports = {r.quarter: r for r in QuarterReport.objects.filter(plan=plan)}
    return group_by_section(rows, lambda row: row.goal.section), [reports.get(q) for q in QUARTERS]


# --- the quarter page ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuarterRequirementRow:
    """A requirement due in the quarter, or one part of it, with its form."""

    requirement: Requirement
    entry: StatusEntry | None
    # A running total's sum before this quarter, which the quarter's amount adds to.
    previous_total: Decimal | None
    parts: tuple  # QuarterRequirementRow per part; empty unless measured in parts
    form: EntryForm | None  # None for a requirement measured in parts: its parts have one
    filled: bool  # as goals.figures.is_filled counts it, from what was typed if anything

    @property
    def pieces(self):
        """What has a form: its parts, or the requirement itself."""
        return self.parts or (self,)


@dataclass(frozen=True, slots=True)
class CarryOver:
    """A goal's cause, consequence and action in the latest earlier quarter that had any."""

    quarter: int
    cause: str
    consequence: str
    action: str


@dataclass(frozen=True, slots=True)
class QuarterGoalRow:
    """A goal due in the quarter: its own entry and form, and its due requirements."""

    goal: Goal
    entry: StatusEntry | None
    requirements: tuple  # QuarterRequirementRow of each requirement due in the quarter
    # Statuses of the goal's requirements not due this quarter, from their latest quarter
    # (a survey taken in Q3 still counts in Q4): they count in the goal's proposed status.
    carried: tuple
    form: EntryForm
    carry_over: CarryOver | None

    @property
    def forms(self):
        """The forms of the row, its requirements' (and parts') first."""
        return [piece.form for row in self.requirements for piece in row.pieces] + [self.form]

    @property
    def filled(self):
        return sum(row.filled for row in self.requirements)

    @property
    def has_errors(self):
        """Whether a form of the row has a message: such a goal is never folded away."""
        return any(form.is_bound and form.errors for form in self.forms)


@dataclass(frozen=True, slots=True)
class QuarterPage:
    """What the quarter page shows: the goals due under their headings, and its progress."""

    sections: list  # [(section or None, [QuarterGoalRow, ...]), ...] in plan order
    rows: list  # QuarterGoalRow of every goal due, in plan order

    @property
    def forms(self):
        """Every form of the page, each goal's requirements' before the goal's own."""
        return [form for row in self.rows for form in row.forms]

    @property
    def filled(self):
        """How many of the due requirements have their figure (goals.figures.is_filled)."""
        return sum(row.filled for row in self.rows)

    @property
    def due(self):
        return sum(len(row.requirements) for row in self.rows)


def build_quarter(plan, quarter, data=None, *, submitting=False, draft=False) -> QuarterPage:
    """The quarter page of a plan: every goal due in the quarter with its due requirements,
    each with its form, bound to `data` (what was posted) when given. `submitting` and
    `draft` say what the forms check (goals.forms.EntryForm).

    A goal is due when its own quarters or one of its requirements' quarters include the
    quarter. Read in a fixed number of queries, whatever the number of goals.
    """
    entries = entries_by_quarter(
        StatusEntry.objects.filter(report__plan=plan, report__quarter__lte=quarter)
    )

    def form_for(goal, entry, **extra):
        return EntryForm(
            data,
            goal=goal,
            plan=plan,
            quarter=quarter,
            submitting=submitting,
            draft=draft,
            entry=entry,
            **extra,
        )

    rows = []
    for goal in goals_with_requirements(plan):
        requirements = list(goal.requirements.all())
        due = [
            _requirement_row(goal, requirement, entries, quarter, form_for)
            for requirement in requirements
            if requirement.is_due_in(quarter)
        ]
        if not (goal.is_due_in(quarter) or due):
            continue
        carried = tuple(
            status
            for requirement in requirements
            if not requirement.is_due_in(quarter)
            and (status := _latest_status(requirement, entries, quarter))
        )
        form = form_for(
            goal,
            entries.get((goal.pk, None, quarter)),
            requirement_forms=[[piece.form for piece in row.pieces] for row in due],
            carried=carried,
        )
        rows.append(
            QuarterGoalRow(
                goal,
                entries.get((goal.pk, None, quarter)),
                tuple(due),
                carried,
                form,
                _carry_over(goal, entries, quarter),
            )
        )
    return QuarterPage(group_by_section(rows, lambda row: row.goal.section), rows)


def _requirement_row(goal, requirement, entries, quarter, form_for):
    entry = entries.get((requirement.goal_id, requirement.pk, quarter))
    if requirement.measure == Requirement.Measure.PARTS:
        parts = tuple(
            _requirement_row(goal, part, entries, quarter, form_for)
            for part in parts_of(requirement)
        )
        filled = all(part.filled for part in parts)
        return QuarterRequirementRow(requirement, entry, None, parts, None, filled)
    previous_total = None
    if takes_number(requirement) and is_running_total(requirement):
        previous_total = total_before(requirement, entries_of(requirement, entries), quarter)
    form = form_for(goal, entry, requirement=requirement, previous_total=previous_total)
    filled = is_filled(requirement, lambda _piece: form.typed if form.is_bound else entry)
    return QuarterRequirementRow(requirement, entry, previous_total, (), form, filled)


def _carry_over(goal, entries, quarter):
    for earlier in range(quarter - 1, 0, -1):
        entry = entries.get((goal.pk, None, earlier))
        if entry is not None and (entry.cause or entry.consequence or entry.action):
            return CarryOver(earlier, entry.cause, entry.consequence, entry.action)
    return None


def _latest_status(requirement, entries, quarter):
    """A requirement's status in its latest quarter before `quarter` that gave one."""
    for earlier in range(quarter - 1, 0, -1):
        statuses = [
            getattr(entries.get((part.goal_id, part.pk, earlier)), "status", "")
            for part in parts_of(requirement)
        ]
        if all(statuses):
            return worst_status(statuses)
    return ""


# --- the year end ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class YearEndRequirementRow:
    """A requirement at the year end: the evidence, the pre-fill and why, the verdict so far."""

    requirement: Requirement
    target_text: str  # the year's target, e.g. "mindst 29 mia. kr." (per part, joined)
    lines: list  # FigureLine of every quarter (of every part)
    figures: list  # (part or requirement, YearFigure or None): the year's figure of each
    prefill: bool | None  # met / not met as decided, else as the year's figure gives
    prefill_why: str
    verdict: RequirementVerdict | None

    @property
    def met_field(self):
        return f"met_{self.requirement.pk}"


@dataclass(frozen=True, slots=True)
class YearEndGoalRow:
    goal: Goal
    requirements: list  # YearEndRequirementRow
    verdict: GoalVerdict | None
    score: object  # its GoalScore by the final verdict
    # The verdict the rule gives: from the requirements' pre-fill, or, on a page sent back
    # to the reviewer, from what they ticked.
    rule: str | None

    @property
    def rule_label(self):
        return Fulfilment(self.rule).label if self.rule else ""

    @property
    def verdict_field(self):
        return f"verdict_{self.goal.pk}"

    @property
    def reason_field(self):
        return f"reason_{self.goal.pk}"


@dataclass(frozen=True, slots=True)
class YearEnd:
    rows: list  # YearEndGoalRow per goal, in plan order
    degree: object  # the plan's Degree (goals.scoring.plan_degree)
    form: YearEndForm  # the verdicts' form, bound to what was posted if anything

    @property
    def sections(self):
        return group_by_section(self.rows, lambda row: row.goal.section)


def year_end(plan, data=None) -> YearEnd:
    """The plan's goals for the year end, in plan order, with every requirement's evidence,
    each goal's score, the plan's fulfilment degree and the verdicts' form.

    With `data` (a posted form) the form is bound and validated, and each row's rule is the
    verdict the reviewer's ticks give.
    """
    goals = list(goals_with_requirements(plan))
    entries = entries_by_quarter(StatusEntry.objects.filter(report__plan=plan))
    decided = {
        v.requirement_id: v for v in RequirementVerdict.objects.filter(requirement__goal__plan=plan)
    }
    verdicts = {v.goal_id: v for v in GoalVerdict.objects.filter(goal__plan=plan)}
    final = {pk: v.verdict for pk, v in verdicts.items()}
    scores = goal_scores(goals, final, plan.scoring_method, plan.partial_score)
    rows = []
    for goal, score in zip(goals, scores, strict=True):
        requirements = [
            _year_end_row(r, entries, decided.get(r.pk)) for r in goal.requirements.all()
        ]
        rule = rule_verdict(
            goal.fulfilment_rule, goal.required_count, [item.prefill for item in requirements]
        )
        rows.append(YearEndGoalRow(goal, requirements, verdicts.get(goal.pk), score, rule))
    form = YearEndForm(data, rows=rows)
    if form.is_bound:
        form.is_valid()  # gives the rule of each goal as the ticks have it
        rows = [replace(row, rule=form.rule_verdicts.get(row.goal.pk, row.rule)) for row in rows]
    statuses = latest_statuses(entries)
    degree = plan_degree(goals, final, statuses, plan.scoring_method, plan.partial_score)
    return YearEnd(rows, degree, form)


def latest_statuses(entries):
    """Each goal's latest goal-level status, from `entries_by_quarter`'s map: goal id -> status."""
    latest = {}
    for (goal_id, requirement_id, quarter), entry in entries.items():
        if requirement_id is None and entry.status:
            if goal_id not in latest or quarter > latest[goal_id][0]:
                latest[goal_id] = (quarter, entry.status)
    return {goal_id: status for goal_id, (_quarter, status) in latest.items()}


def _year_end_row(requirement, entries, verdict):
    parts = parts_of(requirement)
    lines, figures, mets, targets = [], [], [], []
    for part in parts:
        part_entries = entries_of(part, entries)
        lines += figure_lines(part, part_entries)
        figure = year_figure(part, part_entries)
        figures.append((part, figure))
        mets.append(year_met(part, part_entries))
        target = target_text(part, year_target(part))
        if target:
            targets.append(f"{part.label}: {target}" if part.part_of_id else target)
    early = [(part, figure) for part, figure in figures if figure and not _final(part, figure)]
    if verdict is not None:
        prefill, why = verdict.met, _("Afgjort ved årsafslutningen.")
    elif early:
        prefill, why = None, _early_why(early)
    elif mets and all(met is not None for met in mets):
        prefill = all(mets)
        why = _prefill_why(figures, prefill)
    else:
        prefill, why = None, _not_prefilled_why(requirement, figures)
    return YearEndRequirementRow(
        requirement, "; ".join(targets), lines, figures, prefill, why, verdict
    )


def _final(requirement, figure):
    """Whether a year's figure is the year's: a single measurement whenever it was taken,
    anything else once its requirement's last reporting quarter is in."""
    return requirement.over_year == FigureKind.SINGLE or figure.quarter == requirement.quarters[-1]


def _early_why(early):
    said = "; ".join(
        _("%(figure)s til og med %(quarter)d. kvartal")
        % {"figure": figure_text(part, figure.value, short=True), "quarter": figure.quarter}
        for part, figure in early
    )
    return _("Intet forslag endnu: årets tal er kun opgjort for en del af året (%(figures)s).") % {
        "figures": said
    }


def _prefill_why(figures, met):
    said = "; ".join(
        _("%(figure)s (%(why)s)")
        % {"figure": figure_text(part, figure.value, short=True), "why": figure.why}
        for part, figure in figures
    )
    if met:
        return _("Forslag: opfyldt, fordi årets tal når målet: %(figures)s.") % {"figures": said}
    return _("Forslag: ikke opfyldt, fordi årets tal ikke når målet: %(figures)s.") % {
        "figures": said
    }


def _not_prefilled_why(requirement, figures):
    if not any(takes_number(part) for part in parts_of(requirement)):
        return _("Kravet måles ikke med et tal: vurder det ud fra kvartalernes status og tekst.")
    return _("Intet forslag: der er ikke indberettet et tal for året endnu.")


# --- the review document ------------------------------------------------------------------


@dataclass(slots=True)
class QuarterTab:
    """A quarter's tab on the quarter page: its number and its report's state in words."""

    quarter: int
    state: str  # the report's state, "" before anything is saved
    label: str


def quarter_tabs(plan, reports=None) -> list[QuarterTab]:
    """The plan's four quarters with their reports' states, from `reports` (the plan's, read
    already) or read in one query."""
    if reports is None:
        states = dict(QuarterReport.objects.filter(plan=plan).values_list("quarter", "state"))
    else:
        states = {report.quarter: report.state for report in reports}
    return [
        QuarterTab(
            quarter,
            states.get(quarter, ""),
            ReportState(states[quarter]).label if quarter in states else _("Ikke påbegyndt"),
        )
        for quarter in QUARTERS
    ]


@dataclass(slots=True)
class QuarterEvent:
    """A quarter changing hands (submitted, returned, approved, ...), as the history has it."""

    kind: str  # one of the events of goals.notifications
    quarter: int
    at: datetime.datetime
    who: str
    comment: str  # the department's comment of a return or a reopening
    version: int | None  # the report version the change produced
    record_id: int

    @property
    def label(self):
        return _event_labels()[self.kind]


def _event_labels():
    # Built when asked, in the reader's language; goals.notifications may import selectors.
    return {
        notifications.SUBMITTED: _("Indsendt"),
        notifications.RESUBMITTED: _("Indsendt igen efter retur"),
        notifications.RETURNED: _("Sendt retur"),
        notifications.APPROVED: _("Godkendt"),
        notifications.REOPENED: _("Genåbnet"),
        notifications.WITHDRAWN: _("Trukket tilbage af institutionen"),
    }


def quarter_events(records) -> list[QuarterEvent]:
    """The events in report-level history records (subject report) ordered oldest first.

    One change of state records its fields under one report version; a withdrawal is told
    from a return by the submission time it clears (goals.services.withdraw_quarter).
    """
    events = []
    comments = {}  # report id -> its review comment as the records so far leave it
    for _key, group in groupby(
        records, key=lambda r: (r.report_id, r.report_version, r.changed_at)
    ):
        fields = {record.field: record for record in group}
        if "review_comment" in fields:
            comments[fields["review_comment"].report_id] = fields["review_comment"].after
        state = fields.get("state")
        if state is None:
            continue
        kind = _event_kind(state.before, state.after, withdrawn="submitted_at" in fields)
        returns = kind in (notifications.RETURNED, notifications.REOPENED)
        events.append(
            QuarterEvent(
                kind=kind,
                quarter=state.report.quarter,
                at=state.changed_at,
                who=state.changed_by_display,
                comment=comments.get(state.report_id, "") if returns else "",
                version=state.report_version,
                record_id=state.pk,
            )
        )
    return events


def _event_kind(before, after, withdrawn):
    if after == ReportState.SUBMITTED:
        if before == ReportState.RETURNED:
            return notifications.RESUBMITTED
        return notifications.SUBMITTED
    if after == ReportState.APPROVED:
        return notifications.APPROVED
    if after == ReportState.DRAFT or withdrawn:
        return notifications.WITHDRAWN
    if before == ReportState.APPROVED:
        return notifications.REOPENED
    return notifications.RETURNED


@dataclass(slots=True)
class FieldChange:
    """A field changed since the quarter was returned, with its value at the return."""

    anchor: str  # the id of its row on the page
    where: str  # "Mål 1.1, 1)"
    label: str  # the field's name: "handling"
    before: str
    after: str


@dataclass(slots=True)
class DocumentRequirementRow:
    """A requirement due in the quarter (or one part of it) as the review document shows it."""

    requirement: Requirement
    entry: StatusEntry | None
    figure: str  # the quarter's result: "95,5 pct.", or the text reported; "" for none
    year_to_date: str  # the year to date in words, "" for none
    year_to_date_quarter: int | None  # the quarter it is from, when before this one
    parts: list  # DocumentRequirementRow per part of a requirement measured in parts
    changes: list  # FieldChange of the row since the return

    @property
    def anchor(self):
        return f"doc-r{self.requirement.pk}"


@dataclass(slots=True)
class DocumentGoalRow:
    """A goal due in the quarter as the review document shows it."""

    goal: object
    entry: StatusEntry | None
    requirements: list  # DocumentRequirementRow of each requirement due in the quarter
    changes: list  # FieldChange of the goal's own fields since the return

    @property
    def anchor(self):
        return f"doc-g{self.goal.pk}"


@dataclass(slots=True)
class QuarterDocument:
    """A quarter as text for reading and review, with what changed since its latest return."""

    sections: list  # [(section or None, [DocumentGoalRow, ...]), ...] in plan order
    returned: QuarterEvent | None  # the latest return (or reopening) changes are counted from
    changes: list  # every FieldChange since that return, in page order


def quarter_document(plan, quarter, report) -> QuarterDocument:
    """The quarter's goals and due requirements with their figures, statuses and texts, and
    what changed since the department's latest return, in a fixed number of queries.

    `report` is the quarter's QuarterReport, or None before anything is saved.
    """
    entries = entries_by_quarter(
        StatusEntry.objects.filter(report__plan=plan, report__quarter__lte=quarter)
    )
    returned, changed = None, {}
    if report is not None:
        events = quarter_events(
            report.history.filter(subject=HistoryRecord.Subject.REPORT)
            .select_related("changed_by", "report")
            .order_by("id")
        )
        returned = next(
            (
                event
                for event in reversed(events)
                if event.kind in (notifications.RETURNED, notifications.REOPENED)
            ),
            None,
        )
        if returned is not None:
            changed = _changed_since(report, returned.version or 0)
    rows = []
    for goal in goals_with_requirements(plan):
        requirements = [
            _document_requirement(goal, requirement, entries, quarter, changed)
            for requirement in goal.requirements.all()
            if requirement.is_due_in(quarter)
        ]
        if not (goal.is_due_in(quarter) or requirements):
            continue
        rows.append(
            DocumentGoalRow(
                goal,
                entries.get((goal.pk, None, quarter)),
                requirements,
                # Its own fields come after its requirements: the link goes to them.
                _field_changes(changed.get((goal.pk, None), ()), f"doc-g{goal.pk}-own", goal, None),
            )
        )
    changes = []
    for row in rows:
        for item in row.requirements:
            changes += item.changes
            for part in item.parts:
                changes += part.changes
        changes += row.changes
    return QuarterDocument(group_by_section(rows, lambda row: row.goal.section), returned, changes)


def _changed_since(report, version):
    """The entry fields changed after `version`: (goal id, requirement id) -> {field: (first
    record, last record)}, from one query."""
    changed = {}
    for record in report.history.filter(
        subject=HistoryRecord.Subject.ENTRY, report_version__gt=version
    ).order_by("id"):
        fields = changed.setdefault((record.goal_id, record.requirement_id), {})
        first = fields.get(record.field, (record, record))[0]
        fields[record.field] = (first, record)
    return changed


def _field_changes(fields, anchor, goal, requirement):
    """The FieldChange of one row's fields, leaving out a field changed and changed back."""
    where = _("Mål %(goal)s") % {"goal": goal.number}
    if requirement is not None:
        where = f"{where}, {requirement.name}"
    return [
        FieldChange(anchor, where, first.field_label, first.before_display, last.after_display)
        for first, last in dict(fields).values()
        if first.before != last.after
    ]


def _document_requirement(goal, requirement, entries, quarter, changed):
    entry = entries.get((requirement.goal_id, requirement.pk, quarter))
    figure, total, total_quarter = "", "", None
    if entry is not None:
        # Short: the target line beside it says the unit in full.
        figure = figure_text(requirement, entry.result_value, short=True) or entry.result_text
        total = entry.ytd_text
    if takes_number(requirement):
        found = year_to_date(requirement, entries_of(requirement, entries, quarter), quarter)
        if found is not None:
            total = found.text
            total_quarter = found.quarter if found.quarter != quarter else None
    parts = []
    if requirement.measure == Requirement.Measure.PARTS:
        parts = [
            _document_requirement(goal, part, entries, quarter, changed)
            for part in parts_of(requirement)
        ]
    changes = _field_changes(
        changed.get((requirement.goal_id, requirement.pk), ()),
        f"doc-r{requirement.pk}",
        goal,
        requirement,
    )
    return DocumentRequirementRow(requirement, entry, figure, total, total_quarter, parts, changes)


# --- the goal history -----------------------------------------------------------------------


@dataclass(slots=True)
class GoalHistoryRow:
    """One line of a goal's history: a changed value, or an event of one of its quarters."""

    at: datetime.datetime
    who: str
    quarter: int | None  # None for the year end
    requirement: Requirement | None
    label: str  # the field's name, or the event in words
    before: str
    after: str
    event: QuarterEvent | None = None


def goal_history(goal) -> list[GoalHistoryRow]:
    """Every recorded change to a goal's follow-up and verdicts and every event of the
    quarters it is reported in (submitted, returned with its comment, approved, ...), newest
    first."""
    rows = [
        (
            record.changed_at,
            record.pk,
            GoalHistoryRow(
                record.changed_at,
                record.changed_by_display,
                record.report.quarter if record.report_id else None,
                record.requirement,
                record.field_label,
                record.before_display,
                record.after_display,
            ),
        )
        for record in goal.history.select_related("changed_by", "requirement__part_of", "report")
    ]
    requirements = list(goal.requirements.filter(part_of=None))
    quarters = [
        quarter
        for quarter in QUARTERS
        if goal.is_due_in(quarter) or any(r.is_due_in(quarter) for r in requirements)
    ]
    records = (
        HistoryRecord.objects.filter(
            plan_id=goal.plan_id,
            subject=HistoryRecord.Subject.REPORT,
            report__quarter__in=quarters,
        )
        .select_related("changed_by", "report")
        .order_by("report_id", "id")
    )
    for event in quarter_events(records):
        rows.append(
            (
                event.at,
                event.record_id,
                GoalHistoryRow(
                    event.at, event.who, event.quarter, None, event.label, "", "", event
                ),
            )
        )
    rows.sort(key=lambda row: (row[0], row[1]), reverse=True)
    return [row for _at, _id, row in rows]
