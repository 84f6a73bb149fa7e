"""The editor's writes: save, delete, move and reorder a part of a plan, each in one
transaction with the plan's row locked; the versions that refuse a save over a change made
meanwhile; and the amendment record of every change to an agreed plan."""

from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from goals import planning
from goals.editing.checks import context_for, validate
from goals.editing.fields import (
    GOAL,
    LEVELS,
    PART,
    PLAN,
    QUARTER_TARGET_KEYS,
    REQUIREMENT,
    SECTION,
    SERIES,
    SIGNATORY,
    form_values,
    quarters_shown,
    reader_values,
)
from goals.models import (
    AmendmentChange,
    Goal,
    Measure,
    Plan,
    PlanState,
    QuarterTarget,
    Requirement,
    Section,
    SeriesPoint,
    Signatory,
)

# -- errors -----------------------------------------------------------------------------


class EditError(Exception):
    """A change that cannot be made; `message` is for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Invalid(EditError):
    """Input that does not pass the checks: `errors` maps a field's key to its messages."""

    def __init__(self, errors):
        super().__init__(_("Intet er gemt: ret de markerede felter."))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Change:
    label: str
    before: str
    after: str


class Conflict(EditError):
    """The row changed since the form was opened: `changes` is what changed meanwhile."""

    def __init__(self, changes, who=None):
        super().__init__(
            _(
                "Nogen har ændret dette, mens du skrev. Intet er gemt; det, du skrev, står her "
                "stadig. Se, hvad der er ændret, og gem igen."
            )
        )
        self.changes = changes
        self.who = who


# -- applying typed values --------------------------------------------------------------

# Typed values the row does not take as they are: the plan's year is its address, a
# requirement's quarter targets are rows of their own, references are looked up.
NOT_SET = {"year", "quarter_targets", "ministry_beacon", "group_goal", "section"}


def apply(level, instance, typed, context):
    """Set the row's fields from typed values; return its quarter targets (or None)."""
    for name, value in typed.items():
        if name in NOT_SET and not (level == SERIES and name == "year"):
            continue
        setattr(instance, name, value)
    if level == SECTION:
        instance.ministry_beacon = context.options["ministry_beacon"].get(typed["ministry_beacon"])
    if level == GOAL:
        instance.group_goal = context.options["group_goal"].get(typed["group_goal"])
        instance.section = typed["section"]
    if level not in (REQUIREMENT, PART):
        return None
    if level == PART:
        instance.measure = instance.measure or Measure.THRESHOLD
    return {t["quarter"]: t["target_value"] for t in typed.get("quarter_targets") or []}


def _save_quarter_targets(requirement, targets):
    if targets is None:
        return
    requirement.quarter_targets.exclude(quarter__in=list(targets)).delete()
    for quarter, value in targets.items():
        QuarterTarget.objects.update_or_create(
            requirement=requirement, quarter=quarter, defaults={"target_value": value}
        )


# -- rows: where a level's row lives, its siblings, how a reader names it ---------------


def _rows(level, plan):
    """The level's rows of the plan."""
    if level == SIGNATORY:
        return Signatory.objects.filter(plan=plan)
    if level == SECTION:
        return Section.objects.filter(plan=plan)
    if level == GOAL:
        return Goal.objects.filter(plan=plan)
    if level == REQUIREMENT:
        return Requirement.objects.filter(goal__plan=plan, part_of=None)
    if level == PART:
        return Requirement.objects.filter(goal__plan=plan, part_of__isnull=False)
    if level == SERIES:
        return SeriesPoint.objects.filter(requirement__goal__plan=plan)
    return Plan.objects.filter(pk=plan.pk)


def get_row(level, plan, pk, *, lock=False):
    """The level's row `pk` of the plan, or None."""
    rows = _rows(level, plan)
    if lock:
        rows = rows.select_for_update()
    return rows.filter(pk=pk).first()


def siblings(level, instance):
    """The rows the instance is ordered among."""
    if level == SIGNATORY:
        return Signatory.objects.filter(plan_id=instance.plan_id).order_by("order", "pk")
    if level == SECTION:
        return Section.objects.filter(plan_id=instance.plan_id).order_by("order", "pk")
    if level == GOAL:
        return Goal.objects.filter(
            plan_id=instance.plan_id, section_id=instance.section_id
        ).order_by("order", "pk")
    if level == REQUIREMENT:
        return Requirement.objects.filter(goal_id=instance.goal_id, part_of=None).order_by(
            "order", "pk"
        )
    if level == PART:
        return Requirement.objects.filter(part_of_id=instance.part_of_id).order_by("order", "pk")
    if level == SERIES:
        return SeriesPoint.objects.filter(requirement_id=instance.requirement_id)
    return Plan.objects.none()


def row_name(level, instance):
    """How a reader finds the row in the plan: "Mål 1.2, krav 1)"."""
    if level == PLAN:
        return str(_("Planen"))
    if level == SIGNATORY:
        return _("Underskriver %(name)s") % {"name": instance.name}
    if level == SECTION:
        label = instance.get_kind_display()
        return f"{label} {instance.number} {instance.title}".replace("  ", " ").strip()
    if level == GOAL:
        return _("Mål %(number)s") % {"number": instance.number}
    if level == REQUIREMENT:
        return _("Mål %(goal)s, krav %(name)s") % {
            "goal": instance.goal.number,
            "name": instance.name,
        }
    if level == PART:
        return _("Mål %(goal)s, krav %(name)s") % {
            "goal": instance.goal.number,
            "name": instance.name,
        }
    if level == SERIES:
        return _("%(requirement)s, serieår %(year)s") % {
            "requirement": row_name(REQUIREMENT, instance.requirement),
            "year": instance.year,
        }
    return str(instance)


def new_row(level, plan, parent):
    """A new, unsaved row of the level under `parent` (a section, goal or requirement)."""
    if level == SIGNATORY:
        return Signatory(plan=plan)
    if level == SECTION:
        return Section(plan=plan)
    if level == GOAL:
        return Goal(plan=plan, section=parent, reporting_quarters=plan.reporting_quarters)
    if level == REQUIREMENT:
        return Requirement(goal=parent)
    if level == PART:
        return Requirement(goal=parent.goal, part_of=parent, measure=Measure.THRESHOLD, number="")
    if level == SERIES:
        return SeriesPoint(requirement=parent)
    raise EditError(_("Denne del af planen kan ikke tilføjes."))


PARENT_LEVEL = {GOAL: SECTION, REQUIREMENT: GOAL, PART: REQUIREMENT, SERIES: REQUIREMENT}


# -- versions ---------------------------------------------------------------------------

_SALT = "mrplan.editor.version"


def version_of(level, instance):
    """What the form carries of the row as it was opened: its values, signed."""
    return signing.dumps(form_values(level, instance), salt=_SALT, compress=True)


def _opened_values(version):
    try:
        return signing.loads(version, salt=_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None


def _check_version(level, instance, version):
    opened = _opened_values(version or "")
    current = form_values(level, instance)
    if opened == current:
        return
    labels = {f.key: str(f.label) for f in LEVELS[level].fields}
    changes = []
    if opened is not None:
        for key, value in current.items():
            if opened.get(key) != value:
                changes.append(
                    Change(labels[key], _shown_form(opened.get(key)), _shown_form(value))
                )
    who = (
        AmendmentChange.objects.filter(part=LEVELS[level].part, object_id=instance.pk)
        .select_related("changed_by")
        .order_by("-changed_at", "-pk")
        .first()
    )
    raise Conflict(changes, who=who.changed_by if who else None)


def _shown_form(value):
    if isinstance(value, list):
        return quarters_shown("".join(value))
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    return value or "–"


# -- the writes -------------------------------------------------------------------------


def _locked_plan(plan, rights):
    """The plan's row, locked for this transaction, when the user may change it now."""
    locked = (
        Plan.objects.select_for_update().select_related("institution", "ministry").get(pk=plan.pk)
    )
    mode = planning.edit_mode(locked, rights)
    if mode is None:
        raise EditError(read_only_reason(locked, rights))
    return locked


def read_only_reason(plan, rights):
    """Why the user cannot change the plan now, or "" if they can."""
    if not rights.plan:
        return _("Du kan se planen, men ikke ændre den.")
    if plan.state == PlanState.PROPOSED:
        return _(
            "Planen er sendt til godkendelse og kan ikke ændres nu. Departementet kan aftale "
            "den eller sende den tilbage til udkast."
        )
    if plan.state == PlanState.AGREED and planning.open_amendment(plan) is None:
        return _("Planen er aftalt. Begynd en planændring med en begrundelse for at ændre den.")
    return ""


def _record(plan, user, level, instance, name, before, after):
    labels = {f.key: f.label for f in LEVELS[level].fields}
    labels.update({"order": _("Rækkefølge"), "deleted": _("Slettet")})
    # A quarter's target, which the form shows under "Kvartalsmål", says so in the record.
    for key in QUARTER_TARGET_KEYS:
        if key in labels:
            labels[key] = _("Kvartalsmål, %(q)s. kvartal") % {"q": key[-1]}
    try:
        planning.record_changes(
            plan=plan,
            user=user,
            part=LEVELS[level].part,
            instance=instance,
            name=name,
            before=before,
            after=after,
            labels=labels,
        )
    except planning.PlanningError as exc:
        raise EditError(str(exc)) from exc


def save(*, plan, user, rights, level, values, pk=None, parent_pk=None, version=None):
    """Save a level's values to its row `pk`, or to a new row under `parent_pk`; return it.

    Raises EditError (the plan cannot be changed now), Conflict (the row changed since
    `version` was read) or Invalid (errors by key).
    """
    try:
        with transaction.atomic():
            locked = _locked_plan(plan, rights)
            if level == PLAN:
                instance = locked
            elif pk is not None:
                instance = get_row(level, locked, pk, lock=True)
                if instance is None:
                    raise EditError(_("Det, du vil ændre, findes ikke længere i planen."))
            else:
                instance = new_row(level, locked, parent_row(level, locked, parent_pk))
            if instance.pk:
                _check_version(level, instance, version)
            context = context_for(level, locked, instance, values)
            typed, errors = validate(level, values, context)
            if errors:
                raise Invalid(errors)
            before = reader_values(level, instance) if instance.pk else {}
            targets = apply(level, instance, typed, context)
            if not instance.pk and level != PLAN:
                instance.order = _next_order(level, instance)
            instance.save()
            if level in (REQUIREMENT, PART):
                _save_quarter_targets(instance, targets)
            after = reader_values(level, instance)
            _record(locked, user, level, instance, row_name(level, instance), before, after)
            return instance
    except IntegrityError as exc:
        raise EditError(
            _("Det kan ikke gemmes, fordi det strider mod planens øvrige indhold (%(why)s).")
            % {"why": type(exc).__name__}
        ) from exc


def parent_row(level, plan, parent_pk):
    parent_level = PARENT_LEVEL.get(level)
    if parent_level is None:
        return None
    if parent_pk in (None, ""):
        if level == GOAL:
            return None
        raise EditError(_("Vælg, hvor det nye skal stå."))
    try:
        parent_pk = int(parent_pk)
    except (TypeError, ValueError):
        raise EditError(_("Vælg, hvor det nye skal stå.")) from None
    parent = get_row(parent_level, plan, parent_pk)
    if parent is None:
        raise EditError(_("Det, du vil tilføje til, findes ikke længere i planen."))
    return parent


def _next_order(level, instance):
    if level == GOAL:
        rows = Goal.objects.filter(plan_id=instance.plan_id)
    elif level == SERIES:
        return 0
    else:
        rows = siblings(level, instance)
    return (rows.aggregate(last=Max("order"))["last"] or 0) + 1


def deletion_refused(level, instance):
    """Why the row cannot be deleted, or "" if it can."""
    if level in (GOAL,) and Goal.objects.filter(pk=instance.pk).reported_on().exists():
        return _(
            "Målet kan ikke slettes, fordi der er indberettet på det (status, vurdering eller "
            "historik). Det, der er indberettet, slettes aldrig. Ret i stedet målets tekst "
            "eller mål."
        )
    if level in (REQUIREMENT, PART) and (
        Requirement.objects.filter(pk=instance.pk).reported_on().exists()
    ):
        return _(
            "Resultatkravet kan ikke slettes, fordi der er indberettet på det (status, "
            "vurdering eller historik). Det, der er indberettet, slettes aldrig. Ret i stedet "
            "kravets tekst eller målværdi."
        )
    if level == SECTION and instance.goals.exists():
        return _(
            "Pejlemærket/afsnittet har mål. Flyt målene til et andet pejlemærke/afsnit eller "
            "slet dem først."
        )
    return ""


def delete(*, plan, user, rights, level, pk):
    """Delete the level's row `pk` (never one with reported data); return its name."""
    with transaction.atomic():
        locked = _locked_plan(plan, rights)
        instance = get_row(level, locked, pk, lock=True)
        if instance is None or level == PLAN:
            raise EditError(_("Det, du vil slette, findes ikke længere i planen."))
        refused = deletion_refused(level, instance)
        if refused:
            raise EditError(refused)
        name = row_name(level, instance)
        summary = _summary(level, instance)
        instance.delete()
        _record(locked, user, level, None, name, {"deleted": summary}, {"deleted": _("slettet")})
        return name


def _summary(level, instance):
    shown = reader_values(level, instance)
    first = next((f.key for f in LEVELS[level].fields if shown.get(f.key)), None)
    return shown.get("title") or shown.get("text") or shown.get(first or "", "") or "–"


def move(*, plan, user, rights, level, pk, direction):
    """Move the row one place up (`direction` "up") or down among its siblings."""
    with transaction.atomic():
        locked = _locked_plan(plan, rights)
        instance = get_row(level, locked, pk, lock=True)
        if instance is None or not LEVELS[level].movable:
            raise EditError(_("Det, du vil flytte, findes ikke længere i planen."))
        rows = list(siblings(level, instance))
        index = next(i for i, row in enumerate(rows) if row.pk == instance.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(rows):
            return instance
        rows[index], rows[other] = rows[other], rows[index]
        _renumber(locked, user, level, rows)
        return instance


def reorder(*, plan, user, rights, level, pks):
    """Put the rows `pks` (all the siblings of one parent) in this order."""
    with transaction.atomic():
        locked = _locked_plan(plan, rights)
        first = get_row(level, locked, pks[0], lock=True) if pks else None
        if first is None or not LEVELS[level].movable:
            raise EditError(_("Rækkefølgen kan ikke gemmes: planen er ændret imens."))
        rows = {row.pk: row for row in siblings(level, first)}
        if sorted(rows) != sorted(pks):
            raise EditError(
                _("Rækkefølgen kan ikke gemmes: planen er ændret imens. Hent siden igen.")
            )
        _renumber(locked, user, level, [rows[pk] for pk in pks])


def _renumber(plan, user, level, rows):
    """Give the rows consecutive orders in the given order (a goal keeps the slots its
    section's goals had among the plan's goals), and record the new order."""
    slots = sorted(row.order for row in rows)
    if len(set(slots)) != len(slots):
        start = slots[0] if slots else 0
        slots = list(range(start, start + len(rows)))
    changed = False
    for row, slot in zip(rows, slots, strict=True):
        if row.order != slot:
            before = row.order
            row.order = slot
            row.save(update_fields=["order"])
            changed = True
            _record(
                plan,
                user,
                level,
                row,
                row_name(level, row),
                {"order": str(before)},
                {"order": str(slot)},
            )
    return changed
