"""The ministry's own data, kept by its department in the browser: its group-wide beacons
(koncernfælles pejlemærker), its group-wide goals (koncernfælles mål) and its institutions.

Each is checked as a plan file's `ministry.beacons`, `ministry.group_goals` and `institution`
are (`schema.check_values`), so a mistake gets the same message either way. A row is saved
only if it is as it was when its form was opened (`version_of`); otherwise the form is shown
again with what changed. A beacon or group goal is deleted only while nothing uses it; an
institution is never deleted.
"""

from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goals.models import Goal, GroupGoal, Institution, MinistryBeacon, Section
from goals.planfile.schema import LEVELS, check_values


@dataclass(frozen=True)
class Kind:
    """One kind of the ministry's data: its address, its level of the plan-file schema."""

    slug: str  # in the address: /overblik/TM/koncern/<slug>/...
    level: str  # of goals.planfile.schema.LEVELS
    model: type
    name: object  # "pejlemærket", as a message names one
    deletable: bool

    @property
    def keys(self):
        """The schema's keys of the level, which are also the model's field names."""
        return LEVELS[self.level].keys

    def fields(self):
        return LEVELS[self.level].fields


BEACON = Kind("pejlemaerker", "ministry_beacon", MinistryBeacon, gettext_lazy("pejlemærket"), True)
GROUP_GOAL = Kind("maal", "group_goal", GroupGoal, gettext_lazy("det koncernfælles mål"), True)
INSTITUTION = Kind(
    "institutioner", "institution", Institution, gettext_lazy("institutionen"), False
)
KINDS = {kind.slug: kind for kind in (BEACON, GROUP_GOAL, INSTITUTION)}


class DataError(Exception):
    """Values that cannot be saved: `errors` {key: [message]} ("" for the row), and, for a row
    changed by someone else since the form was opened, `changes` [(label, before, after)] and
    the row's `version` now."""

    def __init__(self, errors, changes=(), version=None):
        super().__init__(errors)
        self.errors = errors
        self.changes = list(changes)
        self.version = version


def values_of(kind, instance):
    """A row's values as its form shows them."""
    return {key: getattr(instance, key) for key in kind.keys}


_SALT = "mrplan.ministry-data.version"


def version_of(kind, instance):
    """What a form carries of the row as it was opened: its values, signed."""
    return signing.dumps(values_of(kind, instance), salt=_SALT, compress=True)


def _opened(version):
    try:
        return signing.loads(version or "", salt=_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None


def _siblings(kind, ministry, instance):
    if kind is BEACON:
        others = MinistryBeacon.objects.filter(ministry=ministry).exclude(pk=instance.pk)
        return {"sibling_numbers": set(others.values_list("number", flat=True))}
    if kind is GROUP_GOAL:
        others = GroupGoal.objects.filter(ministry=ministry).exclude(pk=instance.pk)
        return {"sibling_codes": set(others.values_list("code", flat=True))}
    return {}


def _unique_site_wide(instance, typed):
    """An institution's name and short name are unique across all ministries: say so on the
    field rather than fail in the database."""
    errors = {}
    others = Institution.objects.exclude(pk=instance.pk)
    if typed.get("name") and others.filter(name=typed["name"]).exists():
        errors["name"] = [
            _(
                'Navnet "%(name)s" bruges allerede af en anden institution. Institutioners '
                "navne er unikke i hele registret, også på tværs af ministerier."
            )
            % {"name": typed["name"]}
        ]
    if typed.get("short_name") and others.filter(short_name=typed["short_name"]).exists():
        errors["short_name"] = [
            _(
                'Forkortelsen "%(short)s" bruges allerede af en anden institution. '
                "Forkortelser er unikke i hele registret, også på tværs af ministerier."
            )
            % {"short": typed["short_name"]}
        ]
    return errors


def check(kind, ministry, instance, values):
    """(typed, errors) for `values` of the row `instance` (saved or new) of the ministry."""
    given = {key: str(values.get(key, "")).strip() for key in kind.keys}
    typed, errors = check_values(kind.level, given, context=_siblings(kind, ministry, instance))
    errors = {key: [str(m) for m in messages] for key, messages in errors.items()}
    if kind is INSTITUTION:
        for key, messages in _unique_site_wide(instance, typed).items():
            errors.setdefault(key, []).extend(messages)
    return typed, errors


def save(*, kind, ministry, instance=None, values, version=None):
    """Make or change a row of the ministry's data from a form's `values`; return the row.

    A change is refused (`DataError` with `changes`) when the row is no longer as it was
    when the form was opened (`version`); the form may then be sent again on purpose."""
    with transaction.atomic():
        if instance is None:
            instance = kind.model(ministry=ministry)
        else:
            instance = kind.model.objects.select_for_update().get(pk=instance.pk)
            opened, current = _opened(version), values_of(kind, instance)
            if opened != current:
                labels = {f.key: f.label for f in kind.fields()}
                changes = [
                    (labels[key], (opened or {}).get(key, ""), value)
                    for key, value in current.items()
                    if opened is None or opened.get(key) != value
                ]
                raise DataError(
                    {
                        "": [
                            _(
                                "Nogen har ændret %(what)s, siden du åbnede formularen. Se "
                                "ændringerne herunder; gem igen for at skrive dine værdier "
                                "over dem."
                            )
                            % {"what": kind.name}
                        ]
                    },
                    changes,
                    version_of(kind, instance),
                )
        typed, errors = check(kind, ministry, instance, values)
        if errors:
            raise DataError(errors)
        for key in kind.keys:
            setattr(instance, key, typed[key])
        if kind is BEACON and instance.pk is None:
            last = MinistryBeacon.objects.filter(ministry=ministry).aggregate(Max("order"))
            instance.order = (last["order__max"] or 0) + 1
        try:
            with transaction.atomic():
                instance.save()
        except IntegrityError:
            # Someone else made the same number, code or name a moment ago.
            typed, errors = check(kind, ministry, instance, values)
            raise DataError(errors or {"": [_("Det kunne ikke gemmes; prøv igen.")]}) from None
    return instance


def uses_of(kind, instance):
    """What in the plans uses a beacon (sections) or a group goal (goals), as "TS 2024"."""
    if kind is BEACON:
        used = Section.objects.filter(ministry_beacon=instance)
    elif kind is GROUP_GOAL:
        used = Goal.objects.filter(group_goal=instance)
    else:
        return []
    return list(
        used.values_list("plan__institution__short_name", "plan__year")
        .order_by("plan__year", "plan__institution__short_name")
        .distinct()
    )


def delete(*, kind, instance):
    """Delete a beacon or group goal nothing uses; `DataError` saying what uses it if so."""
    with transaction.atomic():
        instance = kind.model.objects.select_for_update().filter(pk=instance.pk).first()
        if instance is None:
            return
        uses = uses_of(kind, instance)
        if uses:
            plans = ", ".join(f"{short} {year}" for short, year in uses)
            if kind is BEACON:
                message = _(
                    'Pejlemærket "%(title)s" kan ikke slettes: afsnit i disse planer henviser '
                    "til det: %(plans)s. Fjern henvisningen i planerne først."
                )
            else:
                message = _(
                    'Det koncernfælles mål "%(title)s" kan ikke slettes: mål i disse planer '
                    "henviser til det: %(plans)s. Fjern henvisningen i planerne først."
                )
            raise DataError({"": [message % {"title": instance.title, "plans": plans}]})
        instance.delete()


def move_beacon(*, ministry, beacon, up):
    """Move a beacon one place up or down among the ministry's beacons."""
    with transaction.atomic():
        beacons = list(
            MinistryBeacon.objects.select_for_update()
            .filter(ministry=ministry)
            .order_by("order", "number")
        )
        at = next((i for i, b in enumerate(beacons) if b.pk == beacon.pk), None)
        to = None if at is None else at - 1 if up else at + 1
        if to is None or not 0 <= to < len(beacons):
            return False
        beacons[at], beacons[to] = beacons[to], beacons[at]
        for order, each in enumerate(beacons, start=1):
            each.order = order
        MinistryBeacon.objects.bulk_update(beacons, ["order"])
    return True
