"""What the editor page shows: a card for each part of the plan, built in a fixed number of
queries whatever the size of the plan."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from goals import planning
from goals.editing.fields import (
    GOAL,
    LEVELS,
    PART,
    PLAN,
    REQUIREMENT,
    SECTION,
    SERIES,
    SIGNATORY,
    field_labels,
    reader_values,
)
from goals.editing.writes import read_only_reason
from goals.models import Goal, Measure, PlanComment, Requirement, SeriesPoint

# -- what the page holds ---------------------------------------------------------------

# Keys a card shows in its heading rather than in its list of values.
HEADING_KEYS = {"number", "title", "label", "year", "name", "section"}


@dataclass(slots=True)
class Card:
    """One part of the plan as the editor shows it: its values and what may be done."""

    level: str
    obj: object
    heading: str
    shown: list
    base: str  # the editor's address
    editable: bool
    first: bool = True
    last: bool = True
    refused: str = ""  # why it cannot be deleted
    warning: str = ""  # what the row still lacks to make a whole plan

    @property
    def id(self):
        return f"edit-{self.level}-{self.obj.pk}"

    @property
    def url(self):
        return f"{self.base}{self.level}/{self.obj.pk}/"

    @property
    def edit_url(self):
        return f"{self.url}ret/"

    @property
    def delete_url(self):
        return f"{self.url}slet/"

    @property
    def move_url(self):
        return f"{self.url}flyt/"

    @property
    def movable(self):
        return LEVELS[self.level].movable

    @property
    def label(self):
        return LEVELS[self.level].label

    @property
    def deletable(self):
        return self.level != PLAN


@dataclass(slots=True)
class RequirementRow:
    card: Card
    parts: list = field(default_factory=list)
    series: list = field(default_factory=list)

    @property
    def has_parts(self):
        return self.card.obj.measure == Measure.PARTS

    @property
    def has_series(self):
        return self.card.obj.measure == Measure.SERIES


@dataclass(slots=True)
class GoalRow:
    card: Card
    requirements: list = field(default_factory=list)


@dataclass(slots=True)
class SectionRow:
    card: Card | None  # None: the goals under no beacon or section
    goals: list = field(default_factory=list)


@dataclass(slots=True)
class EditorPage:
    plan: object
    rights: object
    mode: str | None
    amendment: object
    read_only: str
    base: str
    plan_card: Card
    sections: list
    loose: SectionRow
    signatories: list
    comments_by_goal: dict

    @property
    def editable(self):
        return self.mode is not None


def editor_base(plan):
    return reverse("goals:plan_edit", args=[plan.institution.short_name, plan.year])


def _heading(level, obj):
    if level == PLAN:
        return obj.title
    if level == SECTION:
        return f"{obj.number} {obj.title}".strip()
    if level == GOAL:
        return f"{obj.number} {obj.title}"
    if level == REQUIREMENT:
        return obj.number or _("Krav uden nummer")
    if level == PART:
        return obj.label
    if level == SERIES:
        return str(obj.year)
    if level == SIGNATORY:
        return obj.name
    return str(obj)


def lacks(requirement, parts, points):
    """What a requirement still lacks for the plan file to hold it, or ""."""
    if requirement.measure == Measure.PARTS and len(parts) < 2:
        return _("Et krav med delkrav skal have mindst to delkrav.")
    if requirement.measure == Measure.SERIES and not points:
        return _("En flerårig serie skal have mindst ét serieår.")
    return ""


def card_for(level, obj, base, editable, *, first=True, last=True, refused="", warning=""):
    shown = reader_values(level, obj)
    labels = field_labels(level)
    rows = [(labels[key], text) for key, text in shown.items() if text and key not in HEADING_KEYS]
    if level in (REQUIREMENT, PART):
        # Only the fields of its measure (and those of every measure).
        relevant = {
            f.key for f in LEVELS[level].fields if not f.measures or obj.measure in f.measures
        }
        rows = [
            (labels[key], text)
            for key, text in shown.items()
            if text and key in relevant and key not in HEADING_KEYS
        ]
    return Card(
        level,
        obj,
        _heading(level, obj),
        rows,
        base,
        editable,
        first,
        last,
        refused=refused,
        warning=warning,
    )


def _edges(rows):
    """(first, last) per row of a list of siblings."""
    return [(i == 0, i == len(rows) - 1) for i in range(len(rows))]


def build_page(plan, rights) -> EditorPage:
    """Everything the editor page shows, in a fixed number of queries."""
    amendment = planning.open_amendment(plan)
    mode = planning.edit_mode(plan, rights, amendment)
    read_only = "" if mode else read_only_reason(plan, rights)
    base = editor_base(plan)
    editable = mode is not None

    sections = list(plan.sections.select_related("ministry_beacon").order_by("order", "pk"))
    goals = list(
        Goal.objects.filter(plan=plan)
        .select_related("group_goal", "section")
        .order_by("order", "pk")
    )
    requirements = list(
        Requirement.objects.filter(goal__plan=plan)
        .prefetch_related("quarter_targets")
        .order_by("order", "pk")
    )
    # Their goals and whole requirements are the rows just read, not read again as copies.
    goals_by_id = {g.pk: g for g in goals}
    requirements_by_id = {r.pk: r for r in requirements}
    for r in requirements:
        r.goal = goals_by_id[r.goal_id]
        if r.part_of_id:
            r.part_of = requirements_by_id[r.part_of_id]
    series = list(
        SeriesPoint.objects.filter(requirement__goal__plan=plan).order_by("requirement", "year")
    )
    reported_goals = set(Goal.objects.filter(plan=plan).reported_on().values_list("pk", flat=True))
    reported_requirements = set(
        Requirement.objects.filter(goal__plan=plan).reported_on().values_list("pk", flat=True)
    )
    comments = {}
    for comment in PlanComment.objects.filter(plan=plan, goal__isnull=False).select_related(
        "author"
    ):
        comments.setdefault(comment.goal_id, []).append(comment)

    def refused(level, obj):
        if level == GOAL and obj.pk in reported_goals:
            return _("Der er indberettet på målet; det kan ikke slettes.")
        if level in (REQUIREMENT, PART) and obj.pk in reported_requirements:
            return _("Der er indberettet på kravet; det kan ikke slettes.")
        return ""

    series_by = {}
    for point in series:
        series_by.setdefault(point.requirement_id, []).append(point)
    parts_by, top_by_goal = {}, {}
    for r in requirements:
        if r.part_of_id:
            parts_by.setdefault(r.part_of_id, []).append(r)
        else:
            top_by_goal.setdefault(r.goal_id, []).append(r)

    def requirement_rows(goal):
        rows = []
        tops = top_by_goal.get(goal.pk, [])
        for r, (first, last) in zip(tops, _edges(tops), strict=True):
            parts = parts_by.get(r.pk, [])
            points = series_by.get(r.pk, [])
            rows.append(
                RequirementRow(
                    card_for(
                        REQUIREMENT,
                        r,
                        base,
                        editable,
                        first=first,
                        last=last,
                        refused=refused(REQUIREMENT, r),
                        warning=lacks(r, parts, points),
                    ),
                    parts=[
                        card_for(
                            PART, p, base, editable, first=f, last=la, refused=refused(PART, p)
                        )
                        for p, (f, la) in zip(parts, _edges(parts), strict=True)
                    ],
                    series=[card_for(SERIES, s, base, editable) for s in points],
                )
            )
        return rows

    def goal_rows(section_id):
        group = [g for g in goals if g.section_id == section_id]
        return [
            GoalRow(
                card_for(GOAL, g, base, editable, first=f, last=la, refused=refused(GOAL, g)),
                requirement_rows(g),
            )
            for g, (f, la) in zip(group, _edges(group), strict=True)
        ]

    section_rows = [
        SectionRow(
            card_for(
                SECTION,
                s,
                base,
                editable,
                first=f,
                last=la,
                refused=_("Pejlemærket/afsnittet har mål.")
                if any(g.section_id == s.pk for g in goals)
                else "",
            ),
            goal_rows(s.pk),
        )
        for s, (f, la) in zip(sections, _edges(sections), strict=True)
    ]
    signatories = list(plan.signatories.order_by("order", "pk"))
    return EditorPage(
        plan=plan,
        rights=rights,
        mode=mode,
        amendment=amendment,
        read_only=read_only,
        base=base,
        plan_card=card_for(PLAN, plan, base, editable),
        sections=section_rows,
        loose=SectionRow(None, goal_rows(None)),
        signatories=[
            card_for(SIGNATORY, s, base, editable, first=f, last=la)
            for s, (f, la) in zip(signatories, _edges(signatories), strict=True)
        ],
        comments_by_goal=comments,
    )
