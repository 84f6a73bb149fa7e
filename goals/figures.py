"""What a requirement's figure means over the year, with no database access.

A requirement measured by a number runs through the year in one of three ways
(`Requirement.FigureKind`):

- **a level**, measured each quarter (a share on time, an average number of days, a score):
  the quarter's figure is held against the target, the quarter's own where the plan prints
  one per quarter. The year's figure is the latest, or the year to date the institution
  reports with it;
- **a running total** (hours freed, mia. kr. collected, letters rewritten): the quarters'
  amounts add up, and the total so far is held against the quarter's printed target, or,
  where the plan prints only the year's, against the year's target pro rata over the
  requirement's reporting quarters: an expectation, never shown as a target the plan set.
  The year's figure is the total;
- **a single measurement** (a survey): one figure in the year, which is the year's.

Every page, report, workbook and the year end read figures through here, so that a figure
means the same everywhere.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from goals.models import Comparator, FigureKind, Measure, Status, Unit
from goals.numbers import format_number

HUNDRED = Decimal(100)


def takes_number(requirement):
    """Whether the quarter's result of a requirement is a number (else it is a text)."""
    return requirement.measure in (Measure.THRESHOLD, Measure.CUMULATIVE)


def is_running_total(requirement):
    return requirement.over_year == FigureKind.RUNNING_TOTAL


def is_met(comparator, value, target):
    if comparator == Comparator.AT_MOST:
        return value <= target
    if comparator == Comparator.WITHIN:
        return abs(value) <= target
    return value >= target


# --- targets -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """What a figure is held against: the plan's target, or an expectation derived from it."""

    comparator: str
    value: Decimal
    # The year's target pro rata: what is expected by `quarter`, not a target the plan set.
    expected: bool = False
    quarter: int | None = None


def quarter_target(requirement, quarter):
    """What the requirement's figure of the quarter is held against, or None.

    Quarter targets are read from `requirement.quarter_targets.all()`, so prefetch them.
    """
    comparator = requirement.comparator
    if not comparator or not takes_number(requirement):
        return None
    if requirement.measure == Measure.CUMULATIVE:
        for target in requirement.quarter_targets.all():
            if target.quarter == quarter:
                return Target(comparator, target.target_value, quarter=quarter)
        return None
    if requirement.target_value is None:
        return None
    if is_running_total(requirement):
        quarters = requirement.quarters
        if quarter in quarters and quarter != quarters[-1]:
            share = Decimal(quarters.index(quarter) + 1) / Decimal(len(quarters))
            return Target(comparator, requirement.target_value * share, True, quarter)
    return Target(comparator, requirement.target_value, quarter=quarter)


def year_target(requirement):
    """The target the year's figure is held against: the year's, or the last quarter's."""
    if not requirement.comparator or not takes_number(requirement):
        return None
    if requirement.measure == Measure.CUMULATIVE:
        targets = sorted(requirement.quarter_targets.all(), key=lambda t: t.quarter)
        if not targets:
            return None
        return Target(requirement.comparator, targets[-1].target_value, quarter=targets[-1].quarter)
    if requirement.target_value is None:
        return None
    return Target(requirement.comparator, requirement.target_value)


# --- writing figures ---------------------------------------------------------------------


def figure_text(requirement, value, short=False):
    """A figure as the plans write it, with the plan's precision and its unit: "95,5 pct.",
    "4,0 point på en skala fra 1-5", "12.500 timer"; "" for no figure. `short` leaves out
    the unit's own words where the unit says enough ("4,2 point"), for reports' columns."""
    if value is None:
        return ""
    unit = requirement.unit_word if short else requirement.unit_phrase
    return f"{format_number(value, places=requirement.decimals)} {unit}".strip()


def target_text(requirement, target):
    """A target in words: "mindst 95 pct.", "højst 9,8 dage"; an expectation says what it is:
    "forventet efter 2. kvartal: mindst 14,5 mia. kr."."""
    if target is None:
        return ""
    words = f"{Comparator(target.comparator).label} {figure_text(requirement, target.value)}"
    if target.expected:
        return _("forventet efter %(quarter)d. kvartal: %(target)s") % {
            "quarter": target.quarter,
            "target": words,
        }
    return words


SYMBOLS = {Comparator.AT_LEAST: "≥", Comparator.AT_MOST: "≤", Comparator.WITHIN: "±"}


def target_short(requirement, target):
    """A target as a narrow column shows it beside a figure in the same unit: "≥ 95",
    "≤ 9,8", "forventet ≥ 14,5" for an expectation."""
    if target is None:
        return ""
    words = (
        f"{SYMBOLS[target.comparator]} {format_number(target.value, places=requirement.decimals)}"
    )
    if target.expected:
        return _("forventet %(target)s") % {"target": words}
    return words


def quarter_target_line(requirement, quarter):
    """The line under a requirement on the quarter page and in the reports: what its figure
    of the quarter is held against, and how it runs through the year."""
    target = quarter_target(requirement, quarter)
    if requirement.measure == Measure.CUMULATIVE and target is None:
        return _("Intet kvartalsmål for %(quarter)d. kvartal") % {"quarter": quarter}
    if target is None:
        return ""
    if requirement.measure == Measure.CUMULATIVE:
        line = _("Kvartalsmål: %(target)s") % {"target": target_text(requirement, target)}
    elif target.expected:
        yearly = target_text(requirement, year_target(requirement))
        line = _("Årsmål: %(target)s; %(expected)s") % {
            "target": yearly,
            "expected": target_text(requirement, target),
        }
    else:
        line = target_text(requirement, target)
    if is_running_total(requirement):
        return _("%(line)s (summen år til dato)") % {"line": line}
    return line


# --- proposing a status --------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    status: str
    reason: str

    @property
    def status_label(self):
        return Status(self.status).label


def propose(requirement, target, value, tolerance):
    """The status a figure implies against a target, and why; or None.

    Met is green; short of the target by no more than `tolerance` percent of it is yellow;
    further off is red.
    """
    if value is None or target is None:
        return None
    comparator = target.comparator
    what = figure_text(requirement, value, short=True)
    if is_running_total(requirement):
        what = _("%(figure)s år til dato") % {"figure": what}
    words = {
        "value": what,
        "target": target_text(requirement, target),
        "tolerance": format_number(tolerance),
    }
    if is_met(comparator, value, target.value):
        return Proposal(Status.GREEN, _("%(value)s når målet: %(target)s") % words)
    margin = abs(target.value) * tolerance / HUNDRED
    if comparator == Comparator.AT_LEAST:
        close = value >= target.value - margin
    elif comparator == Comparator.AT_MOST:
        close = value <= target.value + margin
    else:
        close = abs(value) <= target.value + margin
    if close:
        return Proposal(
            Status.YELLOW,
            _(
                "%(value)s når ikke målet (%(target)s), men er inden for planens tolerance på "
                "%(tolerance)s pct."
            )
            % words,
        )
    return Proposal(
        Status.RED,
        _("%(value)s er længere fra målet (%(target)s) end planens tolerance på %(tolerance)s pct.")
        % words,
    )


# --- a requirement's figures through the year ------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuarterFigure:
    """A requirement's figures in one quarter."""

    quarter: int
    amount: Decimal | None  # the quarter's own figure, as entered
    total: Decimal | None  # year to date: the sum for a running total, else as entered
    target: Target | None
    status: str = ""


def quarter_figures(requirement, entries):
    """The requirement's figures in each quarter it has an entry for, in quarter order.

    `entries` maps a quarter to the requirement's status entry in that quarter's report.
    A running total's year to date is summed from the quarters' amounts, so a corrected
    earlier quarter carries through; where only a total was entered it is taken as it is.
    """
    adds_up = is_running_total(requirement)
    figures, running = [], None
    for quarter in sorted(entries):
        entry = entries[quarter]
        amount = entry.result_value
        if adds_up:
            if amount is not None:
                running = (running or Decimal(0)) + amount
                total = running
            elif entry.ytd_value is not None:
                running = total = entry.ytd_value
            else:
                total = None
        else:
            total = entry.ytd_value
        figures.append(
            QuarterFigure(
                quarter=quarter,
                amount=amount,
                total=total,
                target=quarter_target(requirement, quarter),
                status=entry.status,
            )
        )
    return figures


def total_before(requirement, entries, quarter):
    """A running total's sum up to (not including) the quarter; 0 before any figure."""
    found = [f.total for f in quarter_figures(requirement, entries) if f.quarter < quarter]
    found = [total for total in found if total is not None]
    return found[-1] if found else Decimal(0)


@dataclass(frozen=True, slots=True)
class YearFigure:
    """The figure the year is judged on, the quarter it comes from and why it is the one."""

    value: Decimal
    quarter: int
    source: str  # "total", "ytd", "level" or "single"

    @property
    def why(self):
        texts = {
            "total": _("summen af kvartalerne til og med %(quarter)d. kvartal"),
            "ytd": _("år til dato som opgjort i %(quarter)d. kvartal"),
            "level": _("det seneste kvartals tal (%(quarter)d. kvartal)"),
            "single": _("målingen i %(quarter)d. kvartal"),
        }
        return texts[self.source] % {"quarter": self.quarter}


def year_figure(requirement, entries):
    """The year's figure of the requirement's kind: the running total, the latest level (or
    the year to date reported with it), the single measurement; None while there is none."""
    if not takes_number(requirement):
        return None
    kind = requirement.over_year
    for figure in reversed(quarter_figures(requirement, entries)):
        if kind == FigureKind.RUNNING_TOTAL:
            if figure.total is not None:
                return YearFigure(figure.total, figure.quarter, "total")
        elif kind == FigureKind.SINGLE:
            if figure.amount is not None:
                return YearFigure(figure.amount, figure.quarter, "single")
        elif figure.total is not None:
            return YearFigure(figure.total, figure.quarter, "ytd")
        elif figure.amount is not None:
            return YearFigure(figure.amount, figure.quarter, "level")
    return None


def year_met(requirement, entries):
    """Whether the year's figure meets the year's target: True, False, or None if either is
    missing."""
    figure, target = year_figure(requirement, entries), year_target(requirement)
    if figure is None or target is None:
        return None
    return is_met(target.comparator, figure.value, target.value)


def out_of_range(requirement, value):
    """Why a figure cannot be right for the requirement's unit, or "" when it can be.

    A share in pct. lies between 0 and 100; a score lies on its printed scale.
    """
    if value is None:
        return ""
    if requirement.scale_min is not None and requirement.scale_max is not None:
        low, high = requirement.scale_min, requirement.scale_max
        if not low <= value <= high:
            return _("Tallet skal ligge på skalaen fra %(low)s til %(high)s.") % {
                "low": format_number(low),
                "high": format_number(high),
            }
    if (
        requirement.unit == Unit.PERCENT
        and requirement.over_year == FigureKind.LEVEL
        and requirement.comparator != Comparator.WITHIN
        and not 0 <= value <= 100
    ):
        return _("En andel i pct. ligger mellem 0 og 100.")
    return ""


# --- a requirement's figure as every page and report shows it -----------------------------


def parts_of(requirement):
    """What carries a requirement's figures: its parts (read from `requirement.parts.all()`,
    so prefetch them) for a requirement measured in parts, else the requirement itself."""
    if requirement.measure == Measure.PARTS:
        return list(requirement.parts.all())
    return [requirement]


def is_filled(requirement, entry_of, pieces_of=parts_of) -> bool:
    """Whether a requirement has what a quarter asks of it: its number where it is measured
    by one (for a running total the quarter's amount or the total so far), else its text or
    a status; a requirement in parts when every part has. The quarter page's progress ("12 af
    21 krav udfyldt") and the home page's "7 af 21 krav mangler tal" both count by this.

    `entry_of(piece)` gives the StatusEntry (or a mapping of field name to value, such as
    what was typed) of the requirement or of one of its parts, or None; `pieces_of` its
    parts, where they were read otherwise than by `parts_of`.
    """
    return all(_piece_filled(piece, entry_of(piece)) for piece in pieces_of(requirement))


def _piece_filled(requirement, values):
    if values is None:
        return False
    if isinstance(values, Mapping):
        get = values.get
    else:

        def get(name):
            return getattr(values, name, None)

    def given(name):
        value = get(name)
        return value is not None and str(value).strip() != ""

    if takes_number(requirement):
        return given("result_value") or given("ytd_value")
    return given("result_text") or given("status")


@dataclass(frozen=True, slots=True)
class FigureLine:
    """A requirement's (or a part's) figure in one quarter, beside what it is held against."""

    requirement: object
    quarter: int
    value: Decimal | None  # the quarter's own number
    total: Decimal | None  # year to date: summed for a running total, else as reported
    text: str  # the quarter's figure in words: "95,5 pct.", or the text reported
    total_text: str  # year to date in words, or ""
    target_text: str  # "mindst 95 pct.", "forventet efter 2. kvartal: mindst 14,5 mia. kr."
    target_short: str  # "≥ 95", "forventet ≥ 14,5": beside a figure in the same unit
    status: str
    reason: str  # why the status differs from the one the figure gives, if it does

    @property
    def name(self):
        return self.requirement.name

    @property
    def status_label(self):
        return Status(self.status).label if self.status else ""

    @property
    def adds_up(self):
        return is_running_total(self.requirement)

    @property
    def shown(self):
        """The figure as a quarter's column shows it: a running total with its sum so far."""
        if self.adds_up and self.total_text and self.text and self.total != self.value:
            return _("%(amount)s, i alt %(total)s") % {
                "amount": self.text,
                "total": self.total_text,
            }
        return self.text or self.total_text


def figure_lines(requirement, entries):
    """A requirement's figures in each quarter it has an entry with something in, in order.

    `entries` maps a quarter to the requirement's status entry of that quarter.
    """
    if not takes_number(requirement):
        return [
            FigureLine(
                requirement=requirement,
                quarter=quarter,
                value=None,
                total=None,
                text=entry.result_text,
                total_text=entry.ytd_text,
                target_text="",
                target_short="",
                status=entry.status,
                reason=entry.status_reason,
            )
            for quarter, entry in sorted(entries.items())
            if entry.result_text or entry.ytd_text or entry.status
        ]
    lines = []
    for figure in quarter_figures(requirement, entries):
        entry = entries[figure.quarter]
        if figure.amount is None and figure.total is None and not entry.status:
            continue
        lines.append(
            FigureLine(
                requirement=requirement,
                quarter=figure.quarter,
                value=figure.amount,
                total=figure.total,
                text=figure_text(requirement, figure.amount, short=True) or entry.result_text,
                total_text=figure_text(requirement, figure.total, short=True),
                target_text=target_text(requirement, figure.target),
                target_short=target_short(requirement, figure.target),
                status=entry.status,
                reason=entry.status_reason,
            )
        )
    return lines


@dataclass(frozen=True, slots=True)
class YearToDate:
    """A requirement's year to date as of a quarter, and what it is held against."""

    requirement: object
    quarter: int  # the quarter it was reported in (may be before the one asked about)
    value: Decimal
    text: str
    target_text: str
    target_short: str

    @property
    def name(self):
        return self.requirement.name


def year_to_date(requirement, entries, quarter):
    """The requirement's year to date as of the quarter, or None: a running total's sum, a
    single measurement once taken, a level's year to date where the institution reports one.

    `entries` maps a quarter to the requirement's status entry.
    """
    if not takes_number(requirement):
        return None
    kind = requirement.over_year
    for figure in reversed(quarter_figures(requirement, entries)):
        if figure.quarter > quarter:
            continue
        value = figure.amount if kind == FigureKind.SINGLE else figure.total
        if value is not None:
            return YearToDate(
                requirement,
                figure.quarter,
                value,
                figure_text(requirement, value, short=True),
                target_text(requirement, figure.target),
                target_short(requirement, figure.target),
            )
    return None


# --- what a quarter still lacks ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a quarter's follow-up is: its due requirements (and parts) with what they
    need, and its due goals with a status ("12 af 21 krav udfyldt", "7 af 21 krav mangler
    tal"). One rule for the home page and the quarter page (`quarter_progress`)."""

    requirements: int
    requirements_filled: int
    goals: int
    goals_with_status: int

    @property
    def requirements_missing(self):
        return self.requirements - self.requirements_filled

    @property
    def goals_missing(self):
        return self.goals - self.goals_with_status

    @property
    def complete(self):
        return not (self.requirements_missing or self.goals_missing)


def quarter_progress(requirements, entry_of, goal_entries, pieces_of=parts_of) -> Progress:
    """A quarter's Progress from what is due in it.

    `requirements`: every requirement due in the quarter (a requirement in parts counts once,
    filled when all its parts are); `entry_of` and `pieces_of` as `is_filled` takes them;
    `goal_entries`: the goal-level entry (or None) of every goal due in the quarter, which
    needs a status before the quarter can be submitted.
    """
    requirements = list(requirements)
    goal_entries = list(goal_entries)
    return Progress(
        requirements=len(requirements),
        requirements_filled=sum(1 for r in requirements if is_filled(r, entry_of, pieces_of)),
        goals=len(goal_entries),
        goals_with_status=sum(1 for e in goal_entries if e is not None and e.status),
    )
