"""Making plans: a blank draft, and next year's plan from this year's (docs/next-year.md).

A copy carries the plan's texts, settings, headings, goals, requirements with their targets
and the signatories' names over to the new year, each row pointing back at the one it came
from (`predecessor`), so that last year's result can be shown beside this year's. What was
reported on the old plan (quarters, figures, verdicts, history) stays with it.

Who may make a plan is decided here too, once (`plannable_institutions`): an institution's
planners for it, a ministry's reviewers for its institutions, administrators for all.
"""

import datetime
import re

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from goals.models import (
    Goal,
    Institution,
    Membership,
    Plan,
    PlanState,
    QuarterTarget,
    Requirement,
    Section,
    SeriesPoint,
    Signatory,
)
from goals.services import ServiceError

# The plan's own fields a copy takes as they are; year, dates, title and state are set anew.
PLAN_FIELDS = [
    "introduction",
    "strategic_context",
    "vision",
    "narrative",
    "reporting_schedule",
    "reporting_quarters",
    "deadline_days",
    "scoring_method",
    "status_tolerance",
    "partial_score",
    "scoring_note",
    "agreement",
    "follow_up_template",
]
SECTION_FIELDS = ["kind", "number", "order", "title", "text"]
GOAL_FIELDS = [
    "number",
    "order",
    "title",
    "description",
    "success_text",
    "kind",
    "result_type",
    "reporting_quarters",
    "reporting_text",
    "fulfilment_rule",
    "required_count",
    "weight",
    "remarks",
]
REQUIREMENT_FIELDS = [
    "label",
    "number",
    "order",
    "text",
    "measure",
    "comparator",
    "target_value",
    "unit",
    "unit_text",
    "figure_kind",
    "decimals",
    "scale_min",
    "scale_max",
    "deadline_text",
    "reference",
    "reference_value",
    "reporting_quarters",
    "precondition",
]


# The years a plan may have (the plan_year_range constraint).
FIRST_YEAR, LAST_YEAR = 1990, 2200


class PlanExists(ServiceError):
    """The institution has a plan for the year already."""


def plannable_institutions(user):
    """The institutions the user may make plans for: as a planner of the institution, as a
    reviewer of its ministry, or all as an administrator."""
    if not user.is_authenticated:
        return Institution.objects.none()
    if user.is_superuser:
        return Institution.objects.all()
    memberships = Membership.objects.filter(user=user)
    return Institution.objects.filter(
        Q(pk__in=memberships.filter(role=Membership.Role.PLANNER).values("institution"))
        | Q(ministry__in=memberships.filter(role=Membership.Role.REVIEWER).values("ministry"))
    )


def may_plan_for(user, institution, roles=None) -> bool:
    """Whether the user may make plans for the institution; `roles` as
    `goals.permissions.roles_of` reads them, to decide without a query."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if roles is None:
        return plannable_institutions(user).filter(pk=institution.pk).exists()
    return any(
        (r.role == Membership.Role.PLANNER and r.institution_id == institution.pk)
        or (r.role == Membership.Role.REVIEWER and r.ministry_id == institution.ministry_id)
        for r in roles
    )


def exists_refused(institution, year):
    return _("%(inst)s har allerede en plan for %(year)d.") % {
        "inst": institution.short_name,
        "year": year,
    }


def shift_year(date, years):
    """`date` moved by `years` whole years; 29 February becomes 28 February in a common year."""
    if date is None:
        return None
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


def retitled(title, old_year, new_year):
    """The title with the old year written as the new wherever it stands as a year."""
    return re.sub(rf"(?<!\d){old_year}(?!\d)", str(new_year), title)


def refuse_existing(institution, year):
    """Within a transaction: hold the institution's row until it ends, so that plans for it
    are made one at a time, and raise PlanExists if it has a plan for the year."""
    Institution.objects.select_for_update().filter(pk=institution.pk).first()
    if Plan.objects.filter(institution=institution, year=year).exists():
        raise PlanExists(exists_refused(institution, year))


def _created(plan_fields):
    """Create the plan, or raise PlanExists when the institution has one for the year (also
    when another user made it a moment ago)."""
    institution, year = plan_fields["institution"], plan_fields["year"]
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ServiceError(
            _("Året skal ligge mellem %(first)d og %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    refuse_existing(institution, year)
    try:
        with transaction.atomic():
            return Plan.objects.create(**plan_fields)
    except IntegrityError:
        if Plan.objects.filter(institution=institution, year=year).exists():
            raise PlanExists(exists_refused(institution, year)) from None
        raise


@transaction.atomic
def create_blank_plan(
    *,
    institution: Institution,
    year: int,
    title: str,
    valid_from: datetime.date,
    valid_to: datetime.date,
    reporting_quarters: str = "1234",
    deadline_days: int | None = None,
) -> Plan:
    """A new, empty draft plan for the institution's year, with its ministry of today."""
    return _created(
        {
            "institution": institution,
            "ministry": institution.ministry,
            "year": year,
            "title": title,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "reporting_quarters": reporting_quarters,
            "deadline_days": deadline_days,
            "state": PlanState.DRAFT,
        }
    )


@transaction.atomic
def copy_plan(plan: Plan, *, year: int, user) -> Plan:
    """A draft plan for `year` made from `plan`: everything it says, nothing it reported.

    Dates move by the difference in years (validity, milestone deadlines); texts stay as
    written except the title, whose year is replaced. A series requirement keeps its years
    and gains a row for the new year (the last row's target) if it has none. A constant
    number of queries whatever the plan's size. `user` is who asked; access is the caller's.
    """
    years = year - plan.year
    institution = plan.institution
    ministry = institution.ministry
    # An institution that has moved to another ministry takes no links to the old one's
    # group-wide beacons and goals with it.
    same_ministry = ministry.pk == plan.ministry_id
    new = _created(
        {
            "institution": institution,
            "ministry": ministry,
            "year": year,
            "title": retitled(plan.title, plan.year, year),
            "valid_from": shift_year(plan.valid_from, years),
            "valid_to": shift_year(plan.valid_to, years),
            "state": PlanState.DRAFT,
            "predecessor": plan,
            **{name: getattr(plan, name) for name in PLAN_FIELDS},
        }
    )
    Signatory.objects.bulk_create(
        Signatory(
            plan=new,
            order=s.order,
            name=s.name,
            title=s.title,
            organisation=s.organisation,
            place=s.place,
            date=None,
        )
        for s in plan.signatories.all()
    )

    old_sections = list(plan.sections.all())
    new_sections = Section.objects.bulk_create(
        Section(
            plan=new,
            ministry_beacon_id=s.ministry_beacon_id if same_ministry else None,
            **{name: getattr(s, name) for name in SECTION_FIELDS},
        )
        for s in old_sections
    )
    section_of = {old.pk: copy for old, copy in zip(old_sections, new_sections, strict=True)}

    old_goals = list(plan.goals.all())
    new_goals = Goal.objects.bulk_create(
        Goal(
            plan=new,
            section=section_of.get(g.section_id),
            group_goal_id=g.group_goal_id if same_ministry else None,
            predecessor=g,
            **{name: getattr(g, name) for name in GOAL_FIELDS},
        )
        for g in old_goals
    )
    goal_of = {old.pk: copy for old, copy in zip(old_goals, new_goals, strict=True)}

    old_requirements = list(
        Requirement.objects.filter(goal__plan=plan)
        .order_by("part_of_id", "goal_id", "order", "pk")
        .prefetch_related("quarter_targets", "series")
    )
    # Whole requirements first, so that their parts can point at their copies.
    wholes = [r for r in old_requirements if r.part_of_id is None]
    parts = [r for r in old_requirements if r.part_of_id is not None]
    copies = {}
    for batch in (wholes, parts):
        made = Requirement.objects.bulk_create(
            Requirement(
                goal=goal_of[r.goal_id],
                part_of=copies.get(r.part_of_id),
                predecessor=r,
                deadline=shift_year(r.deadline, years),
                **{name: getattr(r, name) for name in REQUIREMENT_FIELDS},
            )
            for r in batch
        )
        copies.update({old.pk: copy for old, copy in zip(batch, made, strict=True)})

    QuarterTarget.objects.bulk_create(
        QuarterTarget(requirement=copies[r.pk], quarter=t.quarter, target_value=t.target_value)
        for r in old_requirements
        for t in r.quarter_targets.all()
    )
    SeriesPoint.objects.bulk_create(
        point for r in old_requirements for point in _series_copy(r, copies[r.pk], year)
    )
    return new


def _series_copy(old, new, year):
    """A series requirement's rows for its copy: every year it had, results kept, and the new
    year's row with the last row's target if it had none."""
    rows = list(old.series.all())
    points = [
        SeriesPoint(
            requirement=new,
            year=p.year,
            target_value=p.target_value,
            target_text=p.target_text,
            result_value=p.result_value,
            result_text=p.result_text,
        )
        for p in rows
    ]
    if rows and all(p.year != year for p in rows):
        last = max(rows, key=lambda p: p.year)
        points.append(
            SeriesPoint(
                requirement=new,
                year=year,
                target_value=last.target_value,
                target_text=last.target_text,
            )
        )
    return points


def latest_agreed(institution, before_year=None):
    """The institution's latest agreed plan (before `before_year` if given), or None."""
    plans = Plan.objects.filter(institution=institution, state=PlanState.AGREED)
    if before_year is not None:
        plans = plans.filter(year__lt=before_year)
    return plans.order_by("-year").first()


def next_year_offer(user, plan, roles=None) -> int | None:
    """The year the plan page offers to make a plan for from this one: next year, when the
    plan is agreed, the institution has no plan for it yet and the user may make plans."""
    year = plan.year + 1
    if not plan.is_agreed or not may_plan_for(user, plan.institution, roles):
        return None
    if Plan.objects.filter(institution_id=plan.institution_id, year=year).exists():
        return None
    return year


@transaction.atomic
def link_predecessors(plan: Plan, earlier: Plan) -> int:
    """Point `plan`, its goals and requirements at `earlier`'s where they match, for plans
    made apart (a plan file, generated data) rather than copied: a goal by its heading's
    number or title and its own number, a requirement by its goal, number, order and label.
    Links already set are kept. Returns how many rows were linked."""

    def heading(goal):
        return (goal.section.number or goal.section.title) if goal.section_id else None

    def requirement_key(r):
        return (r.goal_id, r.part_of.number if r.part_of_id else None, r.number, r.order, r.label)

    old_goals = {(heading(g), g.number): g for g in earlier.goals.select_related("section")}
    goals = [
        g
        for g in plan.goals.select_related("section")
        if g.predecessor_id is None and (heading(g), g.number) in old_goals
    ]
    for goal in goals:
        goal.predecessor = old_goals[heading(goal), goal.number]
    Goal.objects.bulk_update(goals, ["predecessor"])
    goal_of = {g.pk: g.predecessor_id for g in plan.goals.exclude(predecessor=None)}
    old_requirements = {
        requirement_key(r): r
        for r in Requirement.objects.filter(goal__plan=earlier).select_related("part_of")
    }
    requirements = []
    for r in Requirement.objects.filter(goal__plan=plan, predecessor=None).select_related(
        "part_of"
    ):
        if r.goal_id not in goal_of:
            continue
        key = (goal_of[r.goal_id], *requirement_key(r)[1:])
        if key in old_requirements:
            r.predecessor = old_requirements[key]
            requirements.append(r)
    Requirement.objects.bulk_update(requirements, ["predecessor"])
    linked = len(goals) + len(requirements)
    if plan.predecessor_id is None:
        plan.predecessor = earlier
        plan.save(update_fields=["predecessor"])
        linked += 1
    return linked
