"""What the printed reports say, built once for the HTML page, the PDF and the Excel file.

- `follow_up(plan, quarter)`: the follow-up template (Skabelon for opfølgning og
  afrapportering), one row per goal with each quarter's results up to the quarter;
- `annual(plan)`: the annual fulfilment report, the year's results, verdicts and scores,
  and an analysis of each goal not fully met;
- `plan_document(plan)`: the plan itself in the published plans' structure;
- `ministry_summary(ministry, year)`: every institution's degree and verdict counts.

Each returns a plain object the templates and the Excel writer read; none renders anything.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from goals.models import (
    QUARTERS,
    Fulfilment,
    Goal,
    GoalVerdict,
    Plan,
    QuarterReport,
    ReportState,
    Requirement,
    RequirementVerdict,
    ScoringMethod,
    Status,
    StatusEntry,
)
from goals.numbers import format_number
from goals.scoring import fulfilment_degree, goal_scores
from goals.selectors import entries_by_quarter, goals_with_requirements, group_by_section

TROUBLE = (Status.YELLOW, Status.RED)


def unit_label(requirement):
    return requirement.unit_label


def with_unit(value, requirement):
    """A number as the plans write it: "95,5 pct."; None stays None."""
    if value is None:
        return None
    return f"{format_number(value)} {unit_label(requirement)}".strip()


def file_name(plan_or_ministry, year, *parts, extension):
    """A download's name: institution (or ministry), year, report and quarter, ASCII only."""
    words = [plan_or_ministry.short_name, str(year), *parts]
    return "-".join(slugify(word) for word in words if word) + f".{extension}"


@dataclass
class Result:
    """One figure reported in a quarter: a requirement's number or text, or the goal's text."""

    label: str  # the requirement's number, e.g. "1)"; blank for the goal's own result
    value: Decimal | None  # the number, when the result is one
    text: str  # as shown: "95,5 pct." or the text reported
    status: str = ""

    @property
    def status_label(self):
        return Status(self.status).label if self.status else ""


@dataclass
class QuarterColumn:
    quarter: int
    status: str = ""
    results: list = field(default_factory=list)

    @property
    def status_label(self):
        return Status(self.status).label if self.status else ""


@dataclass
class FollowUpRow:
    goal: Goal
    requirements: list
    quarters: list  # QuarterColumn per quarter up to the report's quarter
    status: str  # the latest status so far ("Status sidst")
    ytd: list  # Result per year-to-date figure
    cause: str
    consequence: str
    action: str

    @property
    def status_label(self):
        return Status(self.status).label if self.status else ""

    @property
    def single_number(self):
        """Per quarter, the goal's one number when it is measured by one number, else None.

        The Excel file writes these as numbers; a goal with several figures keeps its text.
        """
        numbers = []
        for column in self.quarters:
            figures = [r for r in column.results if r.label or r.value is not None]
            own = [r for r in column.results if r not in figures]
            single = len(self.requirements) == 1 and len(figures) == 1 and len(own) <= 1
            numbers.append(figures[0].value if single else None)
        return numbers


def _quarter_results(goal, requirements, entries, quarter):
    results = []
    own = entries.get((goal.pk, None, quarter))
    if own and own.result_text:
        results.append(Result("", None, own.result_text, ""))
    for requirement in requirements:
        entry = entries.get((goal.pk, requirement.pk, quarter))
        if entry is None:
            continue
        if entry.result_value is not None:
            text = with_unit(entry.result_value, requirement)
        else:
            text = entry.result_text
        if not text and not entry.status:
            continue
        results.append(Result(requirement.number, entry.result_value, text or "–", entry.status))
    return QuarterColumn(quarter, own.status if own else "", results)


def _ytd(goal, requirements, entries, quarter):
    """The latest year-to-date figures up to the quarter: the goal's text, each number."""
    figures = []
    own = _latest(entries, goal.pk, None, quarter, lambda e: e.ytd_text)
    if own:
        figures.append(Result("", None, own.ytd_text))
    for requirement in requirements:
        entry = _latest(
            entries, goal.pk, requirement.pk, quarter, lambda e: e.ytd_value is not None
        )
        if entry:
            figures.append(
                Result(
                    requirement.number,
                    entry.ytd_value,
                    with_unit(entry.ytd_value, requirement),
                )
            )
    return figures


def _latest(entries, goal_id, requirement_id, quarter, test):
    for q in range(quarter, 0, -1):
        entry = entries.get((goal_id, requirement_id, q))
        if entry is not None and test(entry):
            return entry
    return None


@dataclass
class ReportHeader:
    """What every page's running header and the file name need."""

    plan: Plan
    title: str
    subtitle: str
    generated: object = field(default_factory=timezone.localdate)

    @property
    def running(self):
        return " · ".join(
            part for part in (self.plan.institution.name, self.title, self.subtitle) if part
        )


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
        columns = [_quarter_results(goal, requirements, entries, q) for q in QUARTERS[:quarter]]
        latest = _latest(entries, goal.pk, None, quarter, lambda e: e.status)
        # Cause and action belong to the latest report that gave a yellow or red status.
        told = _latest(
            entries, goal.pk, None, quarter, lambda e: e.cause or e.consequence or e.action
        )
        rows.append(
            FollowUpRow(
                goal=goal,
                requirements=requirements,
                quarters=columns,
                status=latest.status if latest else "",
                ytd=_ytd(goal, requirements, entries, quarter),
                cause=told.cause if told else "",
                consequence=told.consequence if told else "",
                action=told.action if told else "",
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
        sections=_grouped(rows),
        totals=_status_totals(rows, quarter),
    )


def _grouped(rows):
    """Rows under their goals' headings, in plan order."""
    return group_by_section(rows, section_of=lambda row: row.goal.section)


def _status_totals(rows, quarter):
    """Goals by status per quarter up to the report's, in the charts' shape."""
    totals = []
    for q in QUARTERS[:quarter]:
        counts = Counter(row.quarters[q - 1].status for row in rows if row.quarters[q - 1].status)
        due = sum(1 for row in rows if row.goal.is_due_in(q))
        totals.append(
            {
                "quarter": q,
                **{s.value: counts[s] for s in Status},
                "none": max(0, due - sum(counts.values())),
            }
        )
    return totals


@dataclass
class RequirementLine:
    requirement: Requirement
    result: Result | None  # the year's result: the latest year to date, else the latest result
    quarter: int | None  # the quarter that result is from
    met: bool | None

    @property
    def met_label(self):
        if self.met is None:
            return _("Ikke afgjort")
        return _("Opfyldt") if self.met else _("Ikke opfyldt")


@dataclass
class AnnualRow:
    goal: Goal
    lines: list  # RequirementLine per requirement
    own_result: str  # the goal's own latest year-to-date or result text
    verdict: str | None
    reason: str
    weight: Decimal
    score: Decimal | None

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
    reasons: list  # (requirement number, status, reason) for requirements off target

    @property
    def status_label(self):
        return Status(self.status).label if self.status else ""


@dataclass
class Annual:
    header: ReportHeader
    plan: Plan
    sections: list  # [(section or None, [AnnualRow, ...])]
    degree: Decimal | None
    decided: int
    analysis: list  # [(AnnualRow, [QuarterNote, ...])] for goals not fully met
    totals: list

    @property
    def rows(self):
        return [row for _section, rows in self.sections for row in rows]

    @property
    def total(self):
        return len(self.rows)

    @property
    def is_final(self):
        return self.total > 0 and self.decided == self.total

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
        lines = [_year_line(goal, r, entries, met.get(r.pk)) for r in requirements]
        own = _latest(entries, goal.pk, None, 4, lambda e: e.ytd_text or e.result_text)
        verdict = goal_verdicts.get(goal.pk)
        row = AnnualRow(
            goal=goal,
            lines=lines,
            own_result=(own.ytd_text or own.result_text) if own else "",
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
                quarters=[_quarter_results(goal, requirements, entries, q) for q in QUARTERS],
                status="",
                ytd=[],
                cause="",
                consequence="",
                action="",
            )
        )
    header = ReportHeader(
        plan=plan,
        title=_("Målopfyldelse %(year)d") % {"year": plan.year},
        subtitle=_("Årsrapport"),
    )
    return Annual(
        header=header,
        plan=plan,
        sections=_grouped(rows),
        degree=fulfilment_degree(scores),
        decided=len(final),
        analysis=analysis,
        totals=_status_totals(follow_rows, 4),
    )


def _year_line(goal, requirement, entries, met):
    with_ytd = _latest(entries, goal.pk, requirement.pk, 4, lambda e: e.ytd_value is not None)
    if with_ytd is not None:
        value = with_ytd.ytd_value
        return RequirementLine(
            requirement,
            Result(requirement.number, value, with_unit(value, requirement), with_ytd.status),
            None,
            met,
        )
    for quarter in reversed(QUARTERS):
        entry = entries.get((goal.pk, requirement.pk, quarter))
        if entry is None or (entry.result_value is None and not entry.result_text):
            continue
        value = entry.result_value
        text = with_unit(value, requirement) if value is not None else entry.result_text
        return RequirementLine(
            requirement, Result(requirement.number, value, text, entry.status), quarter, met
        )
    return RequirementLine(requirement, None, None, met)


def _trouble_notes(goal, requirements, entries):
    """The quarters in which the goal or one of its requirements was yellow or red."""
    notes = []
    for quarter in QUARTERS:
        own = entries.get((goal.pk, None, quarter))
        reasons = []
        for requirement in requirements:
            entry = entries.get((goal.pk, requirement.pk, quarter))
            if entry and entry.status in TROUBLE:
                reasons.append((requirement.number, entry.status, entry.status_reason))
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


@dataclass
class PlanDocument:
    header: ReportHeader
    plan: Plan
    sections: list  # [(section or None, [goal, ...])]
    signatories: list
    beacons: list  # the ministry's group-wide beacons

    @property
    def ministry_genitive(self):
        return genitive(self.plan.ministry.name)

    @property
    def institution_genitive(self):
        return genitive(self.plan.institution.name)

    def file_name(self, extension):
        return file_name(
            self.plan.institution,
            self.plan.year,
            _("maal-og-resultatplan"),
            extension=extension,
        )


def genitive(name):
    """Danish genitive of a name: "Skatteministeriet" -> "Skatteministeriets"."""
    return name if name.endswith(("s", "x", "z")) else f"{name}s"


def plan_document(plan):
    """The plan as signed: frame, vision, goals per heading, template, agreement, appendix."""
    goals = list(goals_with_requirements(plan))
    header = ReportHeader(plan=plan, title=plan.title, subtitle="")
    return PlanDocument(
        header=header,
        plan=plan,
        sections=group_by_section(goals),
        signatories=list(plan.signatories.order_by("order")),
        beacons=list(plan.ministry.beacons.order_by("order")),
    )


@dataclass
class SummaryRow:
    plan: Plan
    goals: int
    counts: dict  # verdict -> number of goals
    degree: Decimal | None

    @property
    def undecided(self):
        return self.goals - sum(self.counts.values())

    @property
    def count_list(self):
        return [self.counts.get(v, 0) for v in Fulfilment]

    @property
    def is_final(self):
        return self.goals > 0 and self.undecided == 0


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
        for plan in part:
            plan_goals = sorted(goals.get(plan.pk, []), key=lambda g: g.order)
            final = {g.pk: verdicts[g.pk] for g in plan_goals if g.pk in verdicts}
            scores = goal_scores(plan_goals, final, plan.scoring_method, plan.partial_score)
            rows.append(
                SummaryRow(
                    plan=plan,
                    goals=len(plan_goals),
                    counts=Counter(final.values()),
                    degree=fulfilment_degree(scores),
                )
            )
        if progress:
            progress(start + len(part), len(plans))
    return MinistrySummary(ministry=ministry, year=year, rows=rows)
