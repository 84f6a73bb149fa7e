"""What the printed reports say, built once for the HTML page, the PDF and the Excel file.

- `follow_up(plan, quarter)`: the follow-up template (Skabelon for opfølgning og
  afrapportering), one row per goal with each quarter's results up to the quarter;
- `annual(plan)`: the annual fulfilment report, the year's results, verdicts and scores,
  and an analysis of each goal not fully met;
- `plan_document(plan)`: the plan itself, with the chapters its contents call for;
- `ministry_summary(ministry, year)`: every institution's degree and verdict counts.

Each returns a plain object the templates and the Excel writer read; none renders anything.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from goals.figures import (
    figure_lines,
    figure_text,
    parts_of,
    quarter_target,
    target_text,
    year_figure,
    year_target,
    year_to_date,
)
from goals.models import (
    QUARTERS,
    Fulfilment,
    Goal,
    GoalKind,
    GoalVerdict,
    Plan,
    QuarterReport,
    ReportState,
    Requirement,
    RequirementVerdict,
    ResultType,
    ScoringMethod,
    Section,
    Status,
    StatusEntry,
)
from goals.numbers import format_number
from goals.scoring import Degree, goal_scores, plan_degree
from goals.selectors import (
    entries_by_quarter,
    entries_of,
    goals_with_requirements,
    group_by_section,
    latest_statuses,
    sections_with_goals,
)
from reporting.selectors import status_totals

TROUBLE = (Status.YELLOW, Status.RED)


def file_name(plan_or_ministry, year, *parts, extension):
    """A download's name: institution (or ministry), year, report and quarter, ASCII only."""
    words = [plan_or_ministry.short_name, str(year), *parts]
    return "-".join(slugify(word) for word in words if word) + f".{extension}"


@dataclass
class Told:
    """Something a goal's report says (cause, consequence, action, year to date), and the
    quarter it was said in: an earlier quarter's words are always shown with their quarter."""

    text: str
    quarter: int
    current: bool  # said in the report's own quarter

    @property
    def label(self):
        if self.current:
            return ""
        return _("fra %(quarter)d. kvt.") % {"quarter": self.quarter}


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


def _column(goal, requirements, entries, quarter):
    own = entries.get((goal.pk, None, quarter))
    lines = []
    for requirement in requirements:
        for part in parts_of(requirement):
            lines += [
                line
                for line in figure_lines(part, entries_of(part, entries, quarter))
                if line.quarter == quarter
            ]
    return QuarterColumn(quarter, own.status if own else "", own.result_text if own else "", lines)


def _told(entries, goal, quarter, name):
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
        rows.append(
            FollowUpRow(
                goal=goal,
                requirements=requirements,
                quarters=[_column(goal, requirements, entries, q) for q in QUARTERS[:quarter]],
                status=_latest_status(entries, goal, quarter),
                ytd=_year_to_date(requirements, entries, quarter),
                ytd_text=_told(entries, goal, quarter, "ytd_text"),
                cause=_told(entries, goal, quarter, "cause"),
                consequence=_told(entries, goal, quarter, "consequence"),
                action=_told(entries, goal, quarter, "action"),
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


def _latest_status(entries, goal, quarter):
    for q in range(quarter, 0, -1):
        entry = entries.get((goal.pk, None, q))
        if entry is not None and entry.status:
            return Told(entry.status, q, q == quarter)
    return None


def _grouped(rows):
    """Rows under their goals' headings, in plan order."""
    return group_by_section(rows, section_of=lambda row: row.goal.section)


def _status_totals(rows, quarter):
    """Goals by status per quarter up to the report's, in the charts' shape."""
    per_quarter = []
    for q in QUARTERS[:quarter]:
        counts = Counter(row.quarters[q - 1].status for row in rows if row.quarters[q - 1].status)
        due = sum(1 for row in rows if row.goal.is_due_in(q))
        per_quarter.append((q, counts, due - sum(counts.values())))
    return status_totals(per_quarter)


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

    @property
    def rows(self):
        return [row for _section, rows in self.sections for row in rows]

    @property
    def total(self):
        return len(self.rows)

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
            own_result=_told(entries, goal, 4, "ytd_text")
            or _told(entries, goal, 4, "result_text"),
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
                quarters=[_column(goal, requirements, entries, q) for q in QUARTERS],
                status=None,
                ytd=[],
                ytd_text=None,
                cause=None,
                consequence=None,
                action=None,
            )
        )
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
        sections=_grouped(rows),
        degree=degree,
        analysis=analysis,
        totals=_status_totals(follow_rows, 4),
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


# --- the plan document ----------------------------------------------------------------------

# The chapters the plan document can have, in their order, by anchor. A chapter is printed
# only when the plan holds its content, and numbered in the order printed.
CHAPTER_TITLES = {
    "ramme": _lazy("Strategisk ramme"),
    "vision": _lazy("Vision"),
    "grundfortaelling": _lazy("Grundfortælling"),
    "maal": _lazy("Mål"),
    "opfoelgning": _lazy("Opfølgning"),
    "opgoerelse": _lazy("Opgørelse"),
    "aftale": _lazy("Aftale"),
    "bilag": _lazy("Bilag"),
    "maalbeskrivelser": _lazy("Målbeskrivelser"),
    "kvartaler": _lazy("Opfølgning pr. kvartal"),
}

# The appendix's "Type af mål" names a goal's kind as an activity: "Driftsaktivitet".
KIND_ACTIVITY = {
    GoalKind.OPERATIONS: _lazy("Driftsaktivitet"),
    GoalKind.DEVELOPMENT: _lazy("Udviklingsaktivitet"),
    GoalKind.GROUP: _lazy("Koncernfælles mål"),
}

# Every word the plan document prints that is not the plan's own, besides the chapter titles
# and the words for a goal's kind and result type: labels of headings, columns and rows, and
# the follow-up template's placeholders. Whatever else it prints comes from the plan
# (its texts, names, numbers and dates); tests/test_plan_document.py holds it to this list.
PLAN_DOCUMENT_LABELS = (
    _lazy("Indholdsfortegnelse"),
    # the ministry's frame
    _lazy("Vision"),
    _lazy("Værdier"),
    _lazy("Pejlemærker"),
    # the goal tables
    _lazy("Nr."),
    _lazy("Type"),
    _lazy("Mål"),
    _lazy("Målet er nået, når:"),
    # the follow-up template (templates/reports/_follow_up_headers.html), where the plan has it
    _lazy("Skabelon for opfølgning og afrapportering"),
    _lazy("Resultatkrav"),
    _lazy("1.-4. kvartal"),
    _lazy("Status sidst"),
    _lazy("År til dato"),
    _lazy("Årsag/konsekvens"),
    _lazy("Handling"),
    _lazy("Beskrivelse af målet"),
    _lazy("Beskrivelse af resultatkrav"),
    _lazy("Resultat for kvartalet afrapporteres"),
    _lazy("rød / gul / grøn"),
    _lazy("Det samlede resultat år til dato afrapporteres"),
    _lazy("Beskrivelse af årsag, hvis status er gul/rød samt konsekvens heraf"),
    _lazy("Beskrivelse af evt. korrigerende handlinger og prioriteringer"),
    # the signatures: "København, den 15. december 2023"
    _lazy("den"),
    # the goal descriptions
    _lazy("Beskrivelse"),
    _lazy("Type af mål"),
    _lazy("Afrapportering"),
    _lazy("Bemærkninger"),
    _lazy("Forudsætning"),
    # the quarters' follow-up
    _lazy("Frist for afrapportering"),
    _lazy("Frist"),
    _lazy("Kvartalsmål"),
    _lazy("Øvrige frister"),
)


def plan_document_labels():
    """Every word of the plan document's own, in the active language: the chapter titles,
    the labels, and the words for goals' kinds and result types (also lower case, as the
    appendix writes "Driftsaktivitet, kvalitetsmål")."""
    words = [*CHAPTER_TITLES.values(), *PLAN_DOCUMENT_LABELS, *KIND_ACTIVITY.values()]
    words += [*GoalKind.labels, *ResultType.labels]
    words += [str(label).lower() for label in ResultType.labels]
    return [str(word) for word in words]


@dataclass(slots=True)
class Chapter:
    """A numbered chapter (or sub-chapter) of the plan document, as the contents list it."""

    key: str  # its anchor
    title: str
    chapters: list = field(default_factory=list)  # its sub-chapters
    number: str = ""  # "3", "3.1": set once the chapters the plan has are known

    @property
    def level(self):
        """Its heading's level: 2 for a chapter, 3 for a sub-chapter."""
        return 2 + self.number.count(".")

    @property
    def numbered(self):
        """Its heading as printed: "3. Mål", "3.1 Pejlemærke 1"."""
        if self.level == 2:
            return f"{self.number}. {self.title}"
        return f"{self.number} {self.title}"


@dataclass(slots=True)
class DocumentHeading:
    """A beacon or section of the plan with its goals (perhaps none), or the goals under no
    heading (section None); a heading is a sub-chapter of the goals chapter."""

    section: Section | None
    goals: list
    chapter: Chapter | None


@dataclass(slots=True)
class AgendaItem:
    """Something followed up in a quarter: a requirement's deadline or its quarter target."""

    goal: Goal
    requirement: Requirement
    deadline: str = ""  # as printed, or the date
    target: str = ""  # "mindst 3.000 timer"; a part's with its label: "telefon: mindst 4,0 point"


@dataclass(slots=True)
class QuarterAgenda:
    """What is followed up in a quarter: the plan's reporting deadline, the deadlines that fall
    due and the quarter targets. Quarter None holds deadlines that name no quarter."""

    quarter: int | None
    deadline: object  # the reporting deadline (a date), or None where the plan sets none
    items: list


@dataclass
class PlanDocument:
    header: ReportHeader
    plan: Plan
    headings: list  # DocumentHeading: goals under no heading first, then every heading in order
    signatories: list
    beacons: list  # the ministry's group-wide beacons
    agenda: list  # QuarterAgenda per quarter with something followed up, in order
    chapters: list  # Chapter: only those the plan has content for, numbered

    @property
    def chapter(self):
        """Every chapter and sub-chapter the document has, by key: `report.chapter.maal`."""
        found = {}
        for chapter in self.chapters:
            found[chapter.key] = chapter
            found.update((sub.key, sub) for sub in chapter.chapters)
        return found

    @property
    def goals(self):
        return [goal for heading in self.headings for goal in heading.goals]

    @property
    def agenda_columns(self):
        """Which of "Frist" and "Kvartalsmål" the quarters' tables need: (deadline, target)."""
        items = [item for quarter in self.agenda for item in quarter.items]
        return any(i.deadline for i in items), any(i.target for i in items)

    @property
    def shows_kind(self):
        """Whether the goal tables have a "Type" column: only where the plan gives kinds."""
        return any(goal.kind for goal in self.goals)

    def file_name(self, extension):
        return file_name(
            self.plan.institution,
            self.plan.year,
            _("maal-og-resultatplan"),
            extension=extension,
        )


def plan_document(plan: Plan) -> PlanDocument:
    """The plan as the institution agreed it, with the chapters its contents call for: the
    ministry's frame, vision and narrative, the goals under every beacon or section, the
    follow-up (with the template where the plan prints it), the scoring, the agreement, and
    an appendix of goal descriptions and of what is followed up each quarter."""
    goals = list(goals_with_requirements(plan))
    headings = [
        DocumentHeading(section, items, None) for section, items in sections_with_goals(plan, goals)
    ]
    signatories = list(plan.signatories.order_by("order"))
    beacons = list(plan.ministry.beacons.order_by("order"))
    agenda = quarter_agenda(plan, goals)
    return PlanDocument(
        header=ReportHeader(plan=plan, title=plan.title, subtitle=""),
        plan=plan,
        headings=headings,
        signatories=signatories,
        beacons=beacons,
        agenda=agenda,
        chapters=_chapters(plan, headings, beacons, signatories, agenda),
    )


def _chapters(plan, headings, beacons, signatories, agenda):
    """The chapters the plan has content for, numbered in order; each heading of goals gets
    its sub-chapter of the goals chapter."""

    def chapter(key, *chapters):
        return Chapter(key, str(CHAPTER_TITLES[key]), [c for c in chapters if c])

    ministry = plan.ministry
    found = []
    if plan.strategic_context or ministry.vision or ministry.values or beacons:
        found.append(chapter("ramme"))
    if plan.vision:
        found.append(chapter("vision", plan.narrative and chapter("grundfortaelling")))
    elif plan.narrative:
        found.append(chapter("grundfortaelling"))
    if plan.introduction or headings:
        goals = chapter("maal")
        for position, heading in enumerate(headings, 1):
            if heading.section is not None:
                heading.chapter = Chapter(f"afsnit-{position}", heading.section.title)
                goals.chapters.append(heading.chapter)
        found.append(goals)
    if plan.reporting_schedule or plan.follow_up_template:
        found.append(chapter("opfoelgning"))
    if plan.scoring_note:
        found.append(chapter("opgoerelse"))
    if plan.agreement or signatories:
        found.append(chapter("aftale"))
    described = any(h.goals for h in headings)
    if described or agenda:
        found.append(
            chapter(
                "bilag",
                described and chapter("maalbeskrivelser"),
                agenda and chapter("kvartaler"),
            )
        )
    for number, top in enumerate(found, 1):
        top.number = str(number)
        for sub_number, sub in enumerate(top.chapters, 1):
            sub.number = f"{number}.{sub_number}"
    return found


MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip


def deadline_quarter(requirement: Requirement, year: int) -> int | None:
    """The quarter of the plan year a requirement's deadline falls in: by its date, else as
    its printed deadline names a quarter, half-year or month ("senest ved udgangen af
    3. kvartal", "1. halvår", "inden udgangen af november"); None when it names none."""
    if requirement.deadline is not None:
        if requirement.deadline.year != year:
            return 1 if requirement.deadline.year < year else 4
        return (requirement.deadline.month - 1) // 3 + 1
    text = requirement.deadline_text.lower()
    if found := re.search(r"([1-4])\.\s*kvartal", text):
        return int(found[1])
    if found := re.search(r"([12])\.\s*halvår", text):
        return 2 * int(found[1])
    for month, name in enumerate(MONTHS, 1):
        if re.search(rf"\b{name}\b", text):
            return (month - 1) // 3 + 1
    return None


def follow_up_quarter(requirement: Requirement, quarter: int) -> int:
    """The quarter a deadline falling in `quarter` is followed up in: the requirement's first
    reporting quarter from then on, or its last when it reports none after the deadline."""
    quarters = requirement.quarters
    return next((q for q in quarters if q >= quarter), quarters[-1])


def quarter_agenda(plan: Plan, goals: list) -> list[QuarterAgenda]:
    """What is followed up in each quarter, where the plan has anything: the reporting deadline
    (`Plan.deadline_for`), the requirements whose deadline is followed up then, and the quarter
    targets, in plan order. `goals` come from `goals_with_requirements`."""
    items = {quarter: [] for quarter in (*QUARTERS, None)}
    for goal in goals:
        for requirement in goal.requirements.all():
            if requirement.deadline or requirement.deadline_text:
                quarter = deadline_quarter(requirement, plan.year)
                if quarter is not None:
                    quarter = follow_up_quarter(requirement, quarter)
                printed = requirement.deadline_text or date_format(requirement.deadline, "j. F Y")
                items[quarter].append(AgendaItem(goal, requirement, deadline=printed))
            for part in parts_of(requirement):
                for target in part.quarter_targets.all():
                    words = target_text(part, quarter_target(part, target.quarter))
                    words = words or figure_text(part, target.target_value)
                    if part.part_of_id:
                        words = f"{part.label}: {words}"
                    items[target.quarter].append(AgendaItem(goal, requirement, target=words))
    agenda = []
    for quarter, found in items.items():
        deadline = plan.deadline_for(quarter) if quarter in plan.quarters else None
        if found or deadline:
            agenda.append(QuarterAgenda(quarter, deadline, found))
    return agenda


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
                StatusEntry.objects.filter(report__plan__in=part, requirement__isnull=True)
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
