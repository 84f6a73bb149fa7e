"""The plan document: the institution's plan with the chapters its contents call for."""

import re
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from goals.agreement import amendments_of
from goals.figures import (
    figure_text,
    parts_of,
    quarter_target,
    target_text,
)
from goals.models import (
    QUARTERS,
    AmendmentState,
    Goal,
    GoalKind,
    Plan,
    PlanEvent,
    PlanEventKind,
    Requirement,
    ResultType,
    Section,
)
from goals.selectors import (
    goals_with_requirements,
    sections_with_goals,
)
from reporting.documents.common import ReportHeader, file_name

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
    "versioner": _lazy("Versionshistorik"),
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
    # a plan not yet agreed is marked as a draft, on its title page and every page
    _lazy("UDKAST"),
    _lazy("Planen er et udkast og endnu ikke aftalt."),
    # the version history: "Aftalt 15. december 2023 af Karen Hansen", "Ændring 1"
    _lazy("Aftalt"),
    _lazy("af"),
    _lazy("Ændring"),
    _lazy("Begrundelse"),
    _lazy("Hvad"),
    _lazy("Felt"),
    _lazy("Før"),
    _lazy("Efter"),
)


def plan_document_labels():
    """Every word of the plan document's own, in the active language: the chapter titles,
    the labels, and the words for goals' kinds and result types (also lower case, as the
    appendix writes "Driftsaktivitet, kvalitetsmål")."""
    words = [*CHAPTER_TITLES.values(), *PLAN_DOCUMENT_LABELS, *KIND_ACTIVITY.values()]
    words += [*GoalKind.labels, *ResultType.labels, *AmendmentState.labels]
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


@dataclass(slots=True)
class VersionHistory:
    """The plan's versions: when it was agreed and by whom, then each amendment (oldest
    first) with its date, reason and changes."""

    agreed: PlanEvent | None  # the last step that agreed it, where it was agreed here
    amendments: list  # Amendment with its changes, oldest first

    def __bool__(self):
        return self.agreed is not None or bool(self.amendments)


@dataclass
class PlanDocument:
    header: ReportHeader
    plan: Plan
    headings: list  # DocumentHeading: goals under no heading first, then every heading in order
    signatories: list
    beacons: list  # the ministry's group-wide beacons
    agenda: list  # QuarterAgenda per quarter with something followed up, in order
    chapters: list  # Chapter: only those the plan has content for, numbered
    history: VersionHistory = None

    @property
    def draft(self):
        """A plan not yet agreed is printed as a draft, for the meeting that agrees it."""
        return not self.plan.is_agreed

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
            _("udkast") if self.draft else "",
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
    history = version_history(plan)
    return PlanDocument(
        header=ReportHeader(
            plan=plan, title=plan.title, subtitle="" if plan.is_agreed else _("UDKAST")
        ),
        plan=plan,
        headings=headings,
        signatories=signatories,
        beacons=beacons,
        agenda=agenda,
        chapters=_chapters(plan, headings, beacons, signatories, agenda, history),
        history=history,
    )


def version_history(plan: Plan) -> VersionHistory:
    """When the plan was agreed here and by whom, and its amendments, in three queries."""
    agreed = (
        plan.events.filter(kind=PlanEventKind.AGREED)
        .select_related("actor")
        .order_by("-at")
        .first()
    )
    return VersionHistory(agreed=agreed, amendments=amendments_of(plan)[::-1])


def _chapters(plan, headings, beacons, signatories, agenda, history=None):
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
    if history:
        found.append(chapter("versioner"))
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
