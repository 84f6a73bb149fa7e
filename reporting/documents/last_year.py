"""Last year beside this year: a carried-over goal's verdict and figures in last year's plan,
and a multi-year series requirement's every year.

A goal or requirement copied to next year points back at the one it came from
(`predecessor`, goals/copying.py). Last year's figure is computed as the annual report
computes the year's figure (`reporting.documents.annual._year_line`, from handed-in quarters
only), so both say the same. Every builder here reads a fixed number of queries whatever the
number of goals; a series reads one more per year its predecessors go back.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from goals.figures import figure_text, parts_of, takes_number
from goals.models import (
    HANDED_IN_STATES,
    Fulfilment,
    Goal,
    GoalVerdict,
    Requirement,
    SeriesPoint,
    StatusEntry,
)
from goals.numbers import format_number
from goals.selectors import entries_by_quarter, requirements_prefetch
from reporting.documents.annual import RequirementLine, _year_line

# How far back a series follows its predecessors: more years than any plan prints.
SERIES_YEARS_BACK = 10


@dataclass(frozen=True, slots=True)
class LastYearFigure:
    """A requirement's result last year, beside the target it had then."""

    requirement: Requirement  # this year's
    line: RequirementLine  # last year's requirement, its target and year's figure

    @property
    def result(self):
        return self.line.result

    @property
    def target(self):
        return self.line.target_text


@dataclass(frozen=True, slots=True)
class LastYear:
    """A goal's result in last year's plan: the department's final verdict and the year's
    figure of each requirement carried over."""

    year: int
    verdict: str | None
    figures: list  # LastYearFigure of each carried-over requirement with a number

    @property
    def verdict_label(self):
        return Fulfilment(self.verdict).label if self.verdict else _("Ikke afgjort")

    @property
    def text(self):
        """One line for a cell or a workbook: "Opfyldt; 1) 96 pct. (mål: mindst 95 pct.)"."""
        parts = [str(self.verdict_label)]
        for figure in self.figures:
            parts.append(
                f"{figure.requirement.name} {figure.result or '–'}"
                + (f" ({_('mål')}: {figure.target})" if figure.target else "")
            )
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class SeriesYear:
    """One year of a series: its target and result, from the plan's own table or, where it
    has none, from what the plan of that year reported."""

    year: int
    target: str
    result: str
    reported: bool  # the result is the year's figure reported in that year's plan


@dataclass(slots=True)
class SeriesTable:
    requirement: Requirement
    years: list = field(default_factory=list)  # SeriesYear, oldest first


@dataclass(slots=True)
class GoalYears:
    """What a goal shows of other years: last year's result and its series' tables."""

    last_year: LastYear | None = None
    series: list = field(default_factory=list)  # SeriesTable per series requirement


def goal_years(goals) -> dict:
    """GoalYears of each of `goals` (with their requirements prefetched, as
    `goals_with_requirements` reads them) that has a last year or a series, by goal id."""
    goals = list(goals)
    found = {}
    for goal_id, last in last_years(goals).items():
        found.setdefault(goal_id, GoalYears()).last_year = last
    requirements = [r for goal in goals for r in goal.requirements.all()]
    for table in series_tables(requirements):
        found.setdefault(table.requirement.goal_id, GoalYears()).series.append(table)
    return found


def last_years(goals) -> dict:
    """LastYear of each goal with a predecessor, by goal id."""
    previous_ids = {goal.predecessor_id for goal in goals if goal.predecessor_id}
    if not previous_ids:
        return {}
    previous = {
        goal.pk: goal
        for goal in Goal.objects.filter(pk__in=previous_ids)
        .select_related("plan")
        .prefetch_related(requirements_prefetch())
    }
    verdicts = dict(
        GoalVerdict.objects.filter(goal__in=previous_ids).values_list("goal_id", "verdict")
    )
    entries = _handed_in(goal__in=previous_ids)
    found = {}
    for goal in goals:
        before = previous.get(goal.predecessor_id)
        if before is None:
            continue
        earlier = {r.pk: r for r in before.requirements.all()}
        figures = []
        for requirement in goal.requirements.all():
            old = earlier.get(requirement.predecessor_id)
            if old is None or not any(takes_number(part) for part in parts_of(old)):
                continue
            figures.append(LastYearFigure(requirement, _year_line(old, entries, None)))
        found[goal.pk] = LastYear(before.plan.year, verdicts.get(before.pk), figures)
    return found


def series_tables(requirements) -> list:
    """A SeriesTable of each requirement with a multi-year series: its own rows, and for a
    year it has no result for, what its predecessor in that year's plan reported. This
    year's figures are the page's own (the quarters beside it)."""
    requirements = list(requirements)
    by_pk = {r.pk: r for r in requirements}
    rows = {}
    for point in SeriesPoint.objects.filter(requirement__in=by_pk).order_by("year"):
        rows.setdefault(point.requirement_id, []).append(point)
    series = [r for r in requirements if r.pk in rows or r.measure == Requirement.Measure.SERIES]
    if not series:
        return []
    # Each series requirement's line of predecessors, a generation per query.
    chains = {r.pk: [] for r in series}
    heads = {r.pk: r.predecessor_id for r in series if r.predecessor_id}
    for _generation in range(SERIES_YEARS_BACK):
        if not heads:
            break
        found = {
            r.pk: r
            for r in Requirement.objects.filter(pk__in=set(heads.values()))
            .select_related("goal__plan")
            .prefetch_related("quarter_targets", "parts__quarter_targets")
        }
        nxt = {}
        for pk, head in heads.items():
            if head in found:
                chains[pk].append(found[head])
                if found[head].predecessor_id:
                    nxt[pk] = found[head].predecessor_id
        heads = nxt
    earlier = [r for chain in chains.values() for r in chain]
    entries = (
        _handed_in(requirement__in=[p.pk for r in earlier for p in parts_of(r)]) if earlier else {}
    )
    tables = []
    for requirement in series:
        years = {}
        for before in chains[requirement.pk]:
            line = _year_line(before, entries, None)
            if line.figures:
                year = before.goal.plan.year
                years.setdefault(year, SeriesYear(year, line.target_text, line.result, True))
        for point in rows.get(requirement.pk, []):
            own = _point_text(requirement, point.result_value, point.result_text)
            reported = years.get(point.year)
            years[point.year] = SeriesYear(
                point.year,
                _point_text(requirement, point.target_value, point.target_text),
                own or (reported.result if reported else ""),
                reported=not own and reported is not None,
            )
        tables.append(SeriesTable(requirement, [years[y] for y in sorted(years)]))
    return tables


def _point_text(requirement, value, text):
    """A series row's target or result as written: its text, else its number with the unit."""
    if text and text.strip() not in ("-", "–"):
        return text
    if value is not None:
        return figure_text(requirement, value, short=True) or format_number(value)
    return ""


def _handed_in(**scope):
    return entries_by_quarter(
        StatusEntry.objects.filter(report__state__in=HANDED_IN_STATES, **scope)
    )
