"""The annual fulfilment report: the year's results beside their targets, verdicts and
scores, and an analysis of each goal not fully met."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from goals.agreement import amendments_of
from goals.figures import (
    figure_text,
    parts_of,
    target_text,
    year_figure,
    year_target,
)
from goals.models import (
    QUARTERS,
    FigureKind,
    Fulfilment,
    Goal,
    GoalVerdict,
    Plan,
    Requirement,
    RequirementVerdict,
    ScoringMethod,
    Status,
    StatusEntry,
)
from goals.numbers import format_number
from goals.scoring import Degree, goal_scores, plan_degree
from goals.selectors import (
    entries_by_quarter,
    entries_of,
    goals_with_requirements,
    latest_statuses,
)
from reporting.documents.common import TROUBLE, ReportHeader, Told, file_name, grouped
from reporting.documents.follow_up import FollowUpRow, chart_totals, quarter_columns, told_in


@dataclass
class RequirementLine:
    """A requirement in the annual report: its target, the year's figure and the verdict."""

    requirement: Requirement
    target_text: str  # the year's target ("mindst 29 mia. kr."; per part, joined)
    figures: list  # (part or requirement, YearFigure) for each with a figure for the year
    text: str  # for a requirement without a number: its latest text result
    quarter: int | None  # the quarter that text is from
    met: bool | None

    @property
    def result(self):
        """The year's result in words, "" while there is none."""
        if self.figures:
            return "; ".join(
                (f"{part.label}: " if part.part_of_id else "")
                + figure_text(part, figure.value, short=True)
                for part, figure in self.figures
            )
        return self.text

    @property
    def so_far(self):
        """Where the year's figure does not cover the whole year yet: up to which quarter."""
        early = [
            figure.quarter
            for part, figure in self.figures
            if part.over_year != FigureKind.SINGLE and figure.quarter != part.quarters[-1]
        ]
        if not early:
            return ""
        return _("til og med %(quarter)d. kvt.") % {"quarter": max(early)}

    @property
    def met_label(self):
        if self.met is None:
            return _("Ikke afgjort")
        return _("Opfyldt") if self.met else _("Ikke opfyldt")


@dataclass
class AnnualRow:
    goal: Goal
    lines: list  # RequirementLine per requirement
    own_result: Told | None  # the goal's own latest year-to-date or result text
    verdict: str | None
    reason: str
    weight: Decimal
    score: Decimal | None
    # Last year's result and the series' every year (reporting/documents/last_year.py).
    years: object = None

    @property
    def last_year(self):
        return self.years.last_year if self.years else None

    @property
    def verdict_label(self):
        return Fulfilment(self.verdict).label if self.verdict else _("Ikke afgjort")


@dataclass
class QuarterNote:
    """One quarter's account of a goal in trouble: its status, cause, consequence, action."""

    quarter: int
    status: str
    cause: str
    consequence: str
    action: str
    reasons: list  # (requirement name, status, reason) for requirements off target

    @property
    def status_label(self):
        return Status(self.status).label if self.status else ""


@dataclass
class Annual:
    header: ReportHeader
    plan: Plan
    sections: list  # [(section or None, [AnnualRow, ...])]
    degree: Degree
    analysis: list  # [(AnnualRow, [QuarterNote, ...])] for goals not fully met
    totals: list
    # "Ændringer i planen i årets løb": the plan's amendments, oldest first, with changes.
    amendments: list = field(default_factory=list)

    @property
    def tells_amendments(self):
        """Whether the report has the part on amendments: where the plan was agreed here (so
        "not changed" is known) or was amended."""
        return bool(self.amendments) or self.plan.agreed_at is not None

    @property
    def rows(self):
        return [row for _section, rows in self.sections for row in rows]

    @property
    def total(self):
        return len(self.rows)

    @property
    def series(self):
        """Every series requirement's table of years (SeriesTable), in plan order."""
        return [table for row in self.rows if row.years for table in row.years.series]

    @property
    def decided(self):
        return self.degree.decided

    @property
    def is_final(self):
        return self.degree.final

    @property
    def counts(self):
        """How many goals have each verdict, and how many none yet."""
        found = Counter(row.verdict for row in self.rows)
        return [(Fulfilment(v).label, found[v]) for v in Fulfilment] + [
            (_("Ikke afgjort"), found[None])
        ]

    @property
    def method_text(self):
        plan = self.plan
        if plan.scoring_note:
            return plan.scoring_note
        if plan.scoring_method == ScoringMethod.PARTIAL:
            return _(
                "Hvert mål vægter sin andel af 100 point. Et opfyldt mål giver fuld score, et "
                "delvist opfyldt mål %(partial)s pct. af sin vægt, et ikke opfyldt mål 0."
            ) % {"partial": format_number(plan.partial_score)}
        return _(
            "Hvert mål vægter sin andel af 100 point. Et mål giver fuld score, når det er "
            "opfyldt, og ellers 0 (binær opgørelse)."
        )

    def file_name(self, extension):
        return file_name(
            self.plan.institution, self.plan.year, _("aarsrapport"), extension=extension
        )


def annual(plan):
    """The annual fulfilment report of a plan."""
    goals = list(goals_with_requirements(plan))
    entries = entries_by_quarter(StatusEntry.objects.filter(report__plan=plan))
    goal_verdicts = {v.goal_id: v for v in GoalVerdict.objects.filter(goal__plan=plan)}
    met = {
        v.requirement_id: v.met
        for v in RequirementVerdict.objects.filter(requirement__goal__plan=plan)
    }
    final = {pk: v.verdict for pk, v in goal_verdicts.items()}
    scores = goal_scores(goals, final, plan.scoring_method, plan.partial_score)
    rows, analysis, follow_rows = [], [], []
    for goal, score in zip(goals, scores, strict=True):
        requirements = list(goal.requirements.all())
        lines = [_year_line(r, entries, met.get(r.pk)) for r in requirements]
        verdict = goal_verdicts.get(goal.pk)
        row = AnnualRow(
            goal=goal,
            lines=lines,
            own_result=told_in(entries, goal, 4, "ytd_text")
            or told_in(entries, goal, 4, "result_text"),
            verdict=verdict.verdict if verdict else None,
            reason=verdict.reason if verdict else "",
            weight=score.weight,
            score=score.score,
        )
        rows.append(row)
        notes = _trouble_notes(goal, requirements, entries)
        if row.verdict in (Fulfilment.PARTLY_MET, Fulfilment.NOT_MET) or (
            row.verdict is None and notes
        ):
            analysis.append((row, notes))
        follow_rows.append(
            FollowUpRow(
                goal=goal,
                requirements=requirements,
                quarters=quarter_columns(goal, requirements, entries, 4),
                status=None,
                ytd=[],
                ytd_text=None,
                cause=None,
                consequence=None,
                action=None,
            )
        )
    # Imported here: it reads each year's figure with this module's _year_line.
    from reporting.documents.last_year import goal_years

    years = goal_years(goals)
    for row in rows:
        row.years = years.get(row.goal.pk)
    header = ReportHeader(
        plan=plan,
        title=_("Målopfyldelse %(year)d") % {"year": plan.year},
        subtitle=_("Årsrapport"),
    )
    degree = plan_degree(
        goals, final, latest_statuses(entries), plan.scoring_method, plan.partial_score
    )
    return Annual(
        header=header,
        plan=plan,
        sections=grouped(rows),
        degree=degree,
        analysis=analysis,
        totals=chart_totals(follow_rows, 4),
        amendments=amendments_of(plan)[::-1],
    )


def _year_line(requirement, entries, met):
    targets, figures = [], []
    for part in parts_of(requirement):
        part_entries = entries_of(part, entries)
        target = target_text(part, year_target(part))
        if target:
            targets.append(f"{part.label}: {target}" if part.part_of_id else target)
        figure = year_figure(part, part_entries)
        if figure is not None:
            figures.append((part, figure))
    text, quarter = "", None
    if not figures:
        own = entries_of(requirement, entries)
        for q in reversed(QUARTERS):
            entry = own.get(q)
            if entry is not None and (entry.result_text or entry.ytd_text):
                text, quarter = entry.ytd_text or entry.result_text, q
                break
    return RequirementLine(requirement, "; ".join(targets), figures, text, quarter, met)


def _trouble_notes(goal, requirements, entries):
    """The quarters in which the goal or one of its requirements was yellow or red."""
    notes = []
    measured = [part for requirement in requirements for part in parts_of(requirement)]
    for quarter in QUARTERS:
        own = entries.get((goal.pk, None, quarter))
        reasons = []
        for part in measured:
            entry = entries.get((goal.pk, part.pk, quarter))
            if entry and entry.status in TROUBLE:
                reasons.append((part.name, entry.status, entry.status_reason))
        if (own and own.status in TROUBLE) or reasons:
            notes.append(
                QuarterNote(
                    quarter=quarter,
                    status=own.status if own else "",
                    cause=own.cause if own else "",
                    consequence=own.consequence if own else "",
                    action=own.action if own else "",
                    reasons=reasons,
                )
            )
    return notes
