"""Writing checked plan data to the database, in one transaction."""

from django.db import transaction
from django.utils.translation import gettext as _

from goals.models import (
    Goal,
    GroupGoal,
    Institution,
    Ministry,
    MinistryBeacon,
    Plan,
    QuarterTarget,
    Requirement,
    Section,
    SeriesPoint,
    Signatory,
)
from goals.planfile.problems import PlanFileError, Problem


def replace_refused(short_name, year):
    """Why a plan with reported data is not replaced by a file."""
    return _(
        "Planen for %(inst)s %(year)d har allerede kvartalsopfølgning, årsvurderinger eller "
        "historik og kan ikke erstattes med en fil. Ret planen i administrationen i stedet."
    ) % {"inst": short_name, "year": year}


@transaction.atomic
def import_plan(checked):
    """Write checked plan data (from `read_plan_file`) to the database; return the Plan."""
    m = checked["ministry"]
    ministry, _created = Ministry.objects.get_or_create(
        short_name=m["short_name"],
        defaults={"name": m["name"], "vision": m["vision"], "values": m["values"]},
    )
    for beacon in m["beacons"]:
        MinistryBeacon.objects.update_or_create(
            ministry=ministry,
            number=beacon["number"],
            defaults={"order": beacon["order"], "title": beacon["title"], "text": beacon["text"]},
        )
    for group_goal in m["group_goals"]:
        GroupGoal.objects.update_or_create(
            ministry=ministry,
            code=group_goal["code"],
            defaults={"title": group_goal["title"], "description": group_goal["description"]},
        )
    i = checked["institution"]
    institution, _created = Institution.objects.get_or_create(
        short_name=i["short_name"], defaults={"name": i["name"], "ministry": ministry}
    )

    p = dict(checked["plan"])
    signatories = p.pop("signatories")
    existing = Plan.objects.filter(institution=institution, year=p["year"]).first()
    if existing is not None:
        # The check refuses this already; reported since then, it is still never deleted.
        if existing.has_reported_data():
            raise PlanFileError([Problem("plan", replace_refused(i["short_name"], p["year"]))])
        existing.delete()
    plan = Plan.objects.create(institution=institution, ministry=ministry, **p)
    Signatory.objects.bulk_create(Signatory(plan=plan, **s) for s in signatories)

    beacons = {b.number: b for b in ministry.beacons.all()}
    group_goals = {g.code: g for g in ministry.group_goals.all()}
    order = 0
    parts = [(None, checked["goals"])]
    for s in checked["sections"]:
        section = Section.objects.create(
            plan=plan,
            kind=s["kind"],
            number=s["number"],
            order=s["order"],
            title=s["title"],
            text=s["text"],
            ministry_beacon=beacons.get(s["ministry_beacon"]),
        )
        parts.append((section, s["goals"]))
    for section, goals in parts:
        for g in goals:
            order += 1
            _create_goal(plan, section, g, order, group_goals)
    return plan


def _create_goal(plan, section, g, order, group_goals):
    fields = {k: v for k, v in g.items() if k not in {"where", "requirements", "group_goal"}}
    goal = Goal.objects.create(
        plan=plan,
        section=section,
        order=order,
        group_goal=group_goals.get(g["group_goal"]),
        **fields,
    )
    for r in g["requirements"]:
        requirement = _create_requirement(goal, r)
        for part in r["parts"]:
            _create_requirement(goal, part, part_of=requirement)


def _create_requirement(goal, r, part_of=None):
    fields = {k: v for k, v in r.items() if k not in {"quarter_targets", "series", "parts"}}
    requirement = Requirement.objects.create(goal=goal, part_of=part_of, **fields)
    QuarterTarget.objects.bulk_create(
        QuarterTarget(requirement=requirement, **t) for t in r["quarter_targets"]
    )
    SeriesPoint.objects.bulk_create(
        SeriesPoint(requirement=requirement, **s) for s in r.get("series", [])
    )
    return requirement
