"""Reads of the plan register, scoped to the user asking."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.db.models import Count, F, Prefetch
from django.utils.translation import gettext as _

from goals import notifications
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
    year_to_date,
)
from goals.models import (
    QUARTERS,
    FigureKind,
    Fulfilment,
    GoalVerdict,
    HistoryRecord,
    Plan,
    QuarterReport,
    ReportState,
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


def plan_overview(plan):
    """The plan's goals in plan order, grouped under their headings, with every quarter.

    Returns (rows, reports): rows is [(section or None, [PlanGoalRow, ...]), ...]; reports
    lists the plan's four quarterly reports (None where there is none).
    """
    goals = list(goals_with_requirements(plan))
    entries = entries_by_quarter(StatusEntry.objects.filter(report__plan=plan))
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


# --- the review document ------------------------------------------------------------------


@dataclass(slots=True)
class QuarterTab:
    """A quarter's tab on the quarter page: its number and its report's state in words."""

    quarter: int
    state: str  # the report's state, "" before anything is saved
    label: str


def quarter_tabs(plan) -> list[QuarterTab]:
    """The plan's four quarters with their reports' states, read in one query."""
    states = dict(QuarterReport.objects.filter(plan=plan).values_list("quarter", "state"))
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
