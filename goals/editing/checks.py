"""The editor's checks: the plan-file schema's (`schema.check_values`), with what a level's
row needs to know of its plan, and the few rules only a form has (a quarter box left
unticked, a requirement with parts measured otherwise)."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from goals.editing.fields import (
    BOOL,
    GOAL,
    LEVELS,
    PART,
    PLAN,
    QUARTER_TARGET_KEYS,
    QUARTERS,
    REQUIREMENT,
    SECTION,
    SERIES,
)
from goals.models import (
    Goal,
    GroupGoal,
    Measure,
    MinistryBeacon,
    Plan,
    Requirement,
    Section,
    SeriesPoint,
)
from goals.planfile import schema

DANISH_DATE = re.compile(r"\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*")


@dataclass(slots=True)
class Context:
    """What the checks of a row need beyond its own values."""

    plan: Plan
    instance: object = None
    # The schema's context (see `schema.check_values`): siblings' numbers, the goal's
    # quarters, the ministry's beacons and group goals.
    schema: dict = field(default_factory=dict)
    # For references: key -> {value as the form sends it: the object}.
    options: dict = field(default_factory=dict)
    # A requirement's number of parts.
    parts: int = 0


def context_for(level, plan, instance, values=None):
    """What `validate` needs to check `values` for `instance` (new or saved) of `level`."""
    values = values or {}
    context = Context(plan=plan, instance=instance)
    given = context.schema
    if level == SECTION:
        beacons = {b.number: b for b in MinistryBeacon.objects.filter(ministry_id=plan.ministry_id)}
        context.options["ministry_beacon"] = beacons
        given["beacon_numbers"] = set(beacons)
        others = Section.objects.filter(plan=plan).exclude(pk=instance.pk)
        given["sibling_titles"] = set(others.values_list("title", flat=True))
        given["sibling_numbers"] = set(others.exclude(number="").values_list("kind", "number"))
    elif level == GOAL:
        sections = {str(s.pk): s for s in Section.objects.filter(plan=plan)}
        context.options["section"] = sections
        groups = {g.code: g for g in GroupGoal.objects.filter(ministry_id=plan.ministry_id)}
        context.options["group_goal"] = groups
        given["group_codes"] = set(groups)
        given["plan_quarters"] = plan.reporting_quarters
        section = sections.get(str(values.get("section", "")).strip())
        others = Goal.objects.filter(plan=plan, section=section).exclude(pk=instance.pk)
        given["sibling_numbers"] = set(others.values_list("number", flat=True))
        given["parent"] = section.title if section else _("uden pejlemærke")
        given["requirement_count"] = (
            instance.requirements.filter(part_of=None).count() if instance.pk else 0
        )
    elif level == REQUIREMENT:
        given["goal_quarters"] = instance.goal.reporting_quarters
        others = Requirement.objects.filter(goal_id=instance.goal_id, part_of=None)
        given["sibling_numbers"] = set(
            others.exclude(pk=instance.pk).exclude(number="").values_list("number", flat=True)
        )
        # A series' years are edited apart, after the requirement is made.
        given["series"] = True
        if instance.pk:
            context.parts = instance.parts.count()
    elif level == PART:
        others = Requirement.objects.filter(part_of_id=instance.part_of_id)
        given["sibling_labels"] = set(
            others.exclude(pk=instance.pk).values_list("label", flat=True)
        )
    elif level == SERIES:
        others = SeriesPoint.objects.filter(requirement_id=instance.requirement_id)
        given["sibling_years"] = set(others.exclude(pk=instance.pk).values_list("year", flat=True))
    return context


def _schema_values(level, values, context):
    """The form's values as `schema.check_values` takes them."""
    given = {}
    for f in LEVELS[level].fields:
        if f.spec is None:
            continue
        value = values.get(f.key, "")
        if f.kind == QUARTERS:
            value = [int(q) if str(q).isdigit() else q for q in value] or ""
        elif f.kind != BOOL and isinstance(value, str):
            value = value.strip()
            found = DANISH_DATE.fullmatch(value) if f.kind == "date" else None
            if found:
                value = f"{found[3]}-{int(found[2]):02d}-{int(found[1]):02d}"
        given[f.key] = value
    targets = {
        int(key[-1]): values[key].strip()
        for key in QUARTER_TARGET_KEYS
        if key in values and values[key].strip()
    }
    if any(key in values for key in QUARTER_TARGET_KEYS):
        given["quarter_targets"] = targets or ""
    if level == PLAN:
        given["year"] = context.plan.year
    return given


def validate(level, values, context):
    """Check a level's values as a plan file's are checked: (typed values, errors by key).

    `values` are as `read_form` gives them; typed values are by model field, ready for
    `apply`. Each message is the plan file's for the same mistake, on the key it concerns
    ("" for the row as a whole).
    """
    typed, errors = schema.check_values(
        LEVELS[level].schema, _schema_values(level, values, context), context=context.schema
    )
    errors = {key: list(messages) for key, messages in errors.items()}

    def add(key, message):
        errors.setdefault(key, []).append(str(message))

    if level in (PLAN, GOAL) and not values.get("reporting.quarters"):
        add("reporting.quarters", _("Vælg mindst ét kvartal."))
    if level == GOAL:
        _goal_rules(typed, values, context, add)
    if level == REQUIREMENT:
        _requirement_rules(typed, values, context, add)
    # Messages about a key the form has no field for sit where a reader finds them.
    if "parts" in errors:
        errors.setdefault("measure", []).extend(errors.pop("parts"))
    return typed, errors


def _goal_rules(typed, values, context, add):
    given = str(values.get("section", "")).strip()
    typed["section"] = context.options["section"].get(given)
    if given and typed["section"] is None:
        add("section", _("Planen har ikke dette pejlemærke/afsnit."))
    goal = context.instance
    quarters = typed.get("reporting_quarters") or ""
    if goal.pk and quarters:
        outside = {
            q for r in goal.requirements.all() for q in r.reporting_quarters if q not in quarters
        }
        if outside:
            add(
                "reporting.quarters",
                _(
                    "Et resultatkrav under målet afrapporteres i %(outside)s. kvartal; vælg det "
                    "kvartal, eller ret kravets egne kvartaler først."
                )
                % {"outside": ", ".join(sorted(outside))},
            )


def _requirement_rules(typed, values, context, add):
    if typed.get("measure") != Measure.PARTS and context.parts:
        add("measure", _("Kravet har delkrav; slet dem, før kravet måles på en anden måde."))
