"""Reads of the plan register, scoped to the user asking."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Prefetch
from django.utils.translation import gettext as _

from goals.figures import (
    figure_lines,
    figure_text,
    is_running_total,
    parts_of,
    takes_number,
    target_text,
    total_before,
    year_figure,
    year_met,
    year_target,
)
from goals.models import (
    HANDED_IN_STATES,
    QUARTERS,
    FigureKind,
    Fulfilment,
    GoalVerdict,
    Plan,
    QuarterReport,
    Requirement,
    RequirementVerdict,
    StatusEntry,
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
        for e in entries.annotate(quarter=F("report__quarter"))
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


@dataclass(slots=True)
class QuarterRequirementRow:
    """A requirement due in the quarter, or one part of it, with what its form needs."""

    requirement: Requirement
    entry: StatusEntry | None
    # A running total's sum before this quarter, which the quarter's amount adds to.
    previous_total: Decimal | None = None
    parts: list = field(default_factory=list)  # QuarterRequirementRow per part
    form: object = None  # its EntryForm, made by the view (None for one measured in parts)


@dataclass(slots=True)
class QuarterGoalRow:
    """A goal due in the quarter: its own entry and its due requirements."""

    goal: object
    entry: StatusEntry | None
    requirements: list  # QuarterRequirementRow of each requirement due in the quarter
    # Statuses of the goal's requirements not due this quarter, from their latest quarter
    # (a survey taken in Q3 still counts in Q4): they count in the goal's proposed status.
    carried: list
    form: object = None

    @property
    def forms(self):
        """The forms of the row, its requirements' (and parts') first."""
        found = []
        for row in self.requirements:
            found += [part.form for part in row.parts] or [row.form]
        return found + [self.form]


def quarter_rows(plan, quarter):
    """What the quarter page lists: every goal due in the quarter, with its due requirements.

    A goal is due when its own quarters or one of its requirements' quarters include the
    quarter. Returns [(section or None, [QuarterGoalRow, ...]), ...] in plan order.
    """
    goals = goals_with_requirements(plan)
    entries = entries_by_quarter(
        StatusEntry.objects.filter(report__plan=plan, report__quarter__lte=quarter)
    )
    due = []
    for goal in goals:
        requirements = list(goal.requirements.all())
        rows = [
            _requirement_row(requirement, entries, quarter)
            for requirement in requirements
            if requirement.is_due_in(quarter)
        ]
        if not (goal.is_due_in(quarter) or rows):
            continue
        carried = [
            status
            for requirement in requirements
            if not requirement.is_due_in(quarter)
            and (status := _latest_status(requirement, entries, quarter))
        ]
        due.append(QuarterGoalRow(goal, entries.get((goal.pk, None, quarter)), rows, carried))
    return group_by_section(due, lambda row: row.goal.section)


def _requirement_row(requirement, entries, quarter):
    row = QuarterRequirementRow(
        requirement, entries.get((requirement.goal_id, requirement.pk, quarter))
    )
    if requirement.measure == Requirement.Measure.PARTS:
        row.parts = [_requirement_row(part, entries, quarter) for part in parts_of(requirement)]
    elif takes_number(requirement) and is_running_total(requirement):
        row.previous_total = total_before(requirement, entries_of(requirement, entries), quarter)
    return row


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


@dataclass(slots=True)
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


@dataclass(slots=True)
class YearEndGoalRow:
    goal: object
    requirements: list  # YearEndRequirementRow
    verdict: GoalVerdict | None
    score: object = None  # its GoalScore by the final verdict
    rule: str | None = None  # the verdict the rule gives from the requirements' pre-fill

    @property
    def rule_label(self):
        return Fulfilment(self.rule).label if self.rule else ""

    @property
    def verdict_field(self):
        return f"verdict_{self.goal.pk}"

    @property
    def reason_field(self):
        return f"reason_{self.goal.pk}"


@dataclass(slots=True)
class YearEnd:
    rows: list  # YearEndGoalRow per goal, in plan order
    degree: object  # the plan's Degree (goals.scoring.plan_degree)

    @property
    def sections(self):
        return group_by_section(self.rows, lambda row: row.goal.section)


def year_end(plan):
    """The plan's goals for the year end, in plan order, with every requirement's evidence,
    each goal's score and the plan's fulfilment degree."""
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
    statuses = latest_statuses(entries)
    degree = plan_degree(goals, final, statuses, plan.scoring_method, plan.partial_score)
    return YearEnd(rows, degree)


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


def goal_history(goal):
    """Every recorded change to a goal's follow-up and verdicts, newest first."""
    return goal.history.select_related("changed_by", "requirement__part_of", "report")
