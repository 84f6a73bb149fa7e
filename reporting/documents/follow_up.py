"""The follow-up template (Skabelon for opfølgning og afrapportering) filled in for a
quarter: one row per goal with each quarter's results up to it, beside their targets."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from goals.figures import (
    figure_lines,
    parts_of,
    year_to_date,
)
from goals.models import (
    QUARTERS,
    Goal,
    Plan,
    QuarterReport,
    ReportState,
    Status,
    StatusEntry,
)
from goals.selectors import (
    entries_by_quarter,
    entries_of,
    goals_with_requirements,
)
from reporting.documents.common import ReportHeader, Told, file_name, grouped
from reporting.selectors import status_totals


@dataclass
class QuarterColumn:
    """A goal's quarter in the follow-up: its status and words, each requirement's figure."""

    quarter: int
    status: str = ""
    text: str = ""  # the goal's own result for the quarter
    lines: list = field(default_factory=list)  # FigureLine per requirement (and part)

    @property
    def status_label(self):
        return Status(self.status).label if self.status else ""


@dataclass
class FollowUpRow:
    goal: Goal
    requirements: list  # the goal's requirements (parts are reached through theirs)
    quarters: list  # QuarterColumn per quarter up to the report's quarter
    status: Told | None  # the latest status so far ("Status sidst"), its text the status
    ytd: list  # YearToDate of each requirement (and part) with one
    ytd_text: Told | None  # the goal's own year to date
    cause: Told | None
    consequence: Told | None
    action: Told | None

    @property
    def status_label(self):
        return Status(self.status.text).label if self.status else ""

    @property
    def measured(self):
        """What carries the goal's figures: each requirement, or each part of one."""
        return [part for requirement in self.requirements for part in parts_of(requirement)]

    @property
    def single_number(self):
        """Per quarter, the goal's one number when it is measured by one number, else None.

        The Excel file writes these as numbers; a goal with several figures keeps its text.
        """
        measured = self.measured
        numbers = []
        for column in self.quarters:
            figures = [line for line in column.lines if line.value is not None]
            single = len(measured) == 1 and len(figures) == 1 and len(column.lines) == 1
            numbers.append(figures[0].value if single else None)
        return numbers


def quarter_columns(goal, requirements, entries, up_to):
    """A goal's QuarterColumn of each quarter up to `up_to`: its own status and result, and
    each requirement's (and part's) figure line, worked out once per requirement."""
    lines = {quarter: [] for quarter in QUARTERS[:up_to]}
    for requirement in requirements:
        for part in parts_of(requirement):
            for line in figure_lines(part, entries_of(part, entries, up_to)):
                lines[line.quarter].append(line)
    columns = []
    for quarter in QUARTERS[:up_to]:
        own = entries.get((goal.pk, None, quarter))
        columns.append(
            QuarterColumn(
                quarter, own.status if own else "", own.result_text if own else "", lines[quarter]
            )
        )
    return columns


def told_in(entries, goal, quarter, name):
    """The goal's words of `name` in the report's quarter; where the goal has no report in
    that quarter, its latest earlier words, labelled with their quarter."""
    own = entries.get((goal.pk, None, quarter))
    if own is not None:
        text = getattr(own, name)
        return Told(text, quarter, True) if text else None
    for earlier in range(quarter - 1, 0, -1):
        entry = entries.get((goal.pk, None, earlier))
        if entry is not None and getattr(entry, name):
            return Told(getattr(entry, name), earlier, False)
    return None


def _year_to_date(requirements, entries, quarter):
    found = []
    for requirement in requirements:
        for part in parts_of(requirement):
            figure = year_to_date(part, entries_of(part, entries, quarter), quarter)
            if figure is not None:
                found.append(figure)
    return found


@dataclass
class FollowUp:
    header: ReportHeader
    plan: Plan
    quarter: int
    report: QuarterReport | None
    sections: list  # [(section or None, [FollowUpRow, ...])]
    totals: list  # statuses per quarter for the chart

    @property
    def rows(self):
        return [row for _section, rows in self.sections for row in rows]

    @property
    def state_label(self):
        if self.report is None:
            return _("Ikke påbegyndt")
        return ReportState(self.report.state).label

    @property
    def is_final(self):
        return self.report is not None and self.report.state == ReportState.APPROVED

    def file_name(self, extension):
        return file_name(
            self.plan.institution,
            self.plan.year,
            _("opfoelgning"),
            _("%(quarter)d-kvartal") % {"quarter": self.quarter},
            extension=extension,
        )


def follow_up(plan, quarter):
    """The follow-up template filled in for a quarter: each goal's results so far."""
    goals = list(goals_with_requirements(plan))
    entries = entries_by_quarter(
        StatusEntry.objects.filter(report__plan=plan, report__quarter__lte=quarter)
    )
    report = QuarterReport.objects.filter(plan=plan, quarter=quarter).first()
    rows = []
    for goal in goals:
        requirements = list(goal.requirements.all())
        rows.append(
            FollowUpRow(
                goal=goal,
                requirements=requirements,
                quarters=quarter_columns(goal, requirements, entries, quarter),
                status=_latest_status(entries, goal, quarter),
                ytd=_year_to_date(requirements, entries, quarter),
                ytd_text=told_in(entries, goal, quarter, "ytd_text"),
                cause=told_in(entries, goal, quarter, "cause"),
                consequence=told_in(entries, goal, quarter, "consequence"),
                action=told_in(entries, goal, quarter, "action"),
            )
        )
    header = ReportHeader(
        plan=plan,
        title=_("Opfølgning og afrapportering %(year)d") % {"year": plan.year},
        subtitle=_("%(quarter)d. kvartal") % {"quarter": quarter},
    )
    return FollowUp(
        header=header,
        plan=plan,
        quarter=quarter,
        report=report,
        sections=grouped(rows),
        totals=chart_totals(rows, quarter),
    )


def _latest_status(entries, goal, quarter):
    for q in range(quarter, 0, -1):
        entry = entries.get((goal.pk, None, q))
        if entry is not None and entry.status:
            return Told(entry.status, q, q == quarter)
    return None


def chart_totals(rows, quarter):
    """Goals by status per quarter up to the report's, in the charts' shape."""
    per_quarter = []
    for q in QUARTERS[:quarter]:
        counts = Counter(row.quarters[q - 1].status for row in rows if row.quarters[q - 1].status)
        due = sum(1 for row in rows if row.goal.is_due_in(q))
        per_quarter.append((q, counts, due - sum(counts.values())))
    return status_totals(per_quarter)
