"""Editing a plan in the browser: its fields by plan-file key, their checks, and atomic saves.

Every part of a plan the plan file can hold is edited as one *level*: the plan's own texts
and settings, a signatory, a beacon or section, a goal, a requirement, a part of a
requirement, a year of a series. A level's fields are named by their plan-file keys
(`reporting.quarters`, `fulfilment.rule`, `target`), so that a mistake typed in the editor
gets the message the same mistake gets in a plan file: `validate` is the one seam between
the editor and the plan-file checks.

A save (`save`, `delete`, `move`, `reorder`) runs in one transaction with the plan's row
locked, so two saves of one plan never interleave. It refuses what the plan's state does not
allow (`goals.planning.edit_mode`), refuses a row changed since the form was opened (the
form's `version` holds the values it was opened with; `Conflict` says what changed), and
keeps every change of an agreed plan in its open amendment, as a reader sees the values.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goals import planning
from goals.limits import PLAN_TEXT
from goals.models import (
    AmendmentChange,
    Comparator,
    FigureKind,
    FulfilmentRule,
    Goal,
    GoalKind,
    GroupGoal,
    Measure,
    MinistryBeacon,
    Plan,
    PlanPart,
    PlanState,
    QuarterTarget,
    Requirement,
    ResultType,
    ScoringMethod,
    Section,
    SectionKind,
    SeriesPoint,
    Signatory,
    Unit,
)
from goals.models.plans import default_figure_kind
from goals.numbers import format_number
from goals.planfile.checking import _Checker
from goals.planfile.reading import places

# -- the fields -------------------------------------------------------------------------

TEXT, PROSE, NUMBER, INTEGER, DATE, BOOL, CHOICE, QUARTERS, REF, SCALE = (
    "text", "prose", "number", "integer", "date", "bool", "choice", "quarters", "ref", "scale",
)  # fmt: skip

NUMERIC = (Measure.THRESHOLD, Measure.CUMULATIVE)
MEASURED = (Measure.THRESHOLD, Measure.RELATIVE, Measure.CUMULATIVE, Measure.SERIES)


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a level: its plan-file key, how the editor shows it, where it is kept."""

    key: str
    label: str
    kind: str
    attr: str = ""
    required: bool = False
    max_length: int = PLAN_TEXT
    choices: type | None = None
    minimum: int | None = None
    maximum: int | None = None
    # For a requirement's measuring fields: the measures it belongs to (empty: every one).
    measures: tuple = ()
    help: str = ""

    @property
    def name(self):
        """The key's last part, as a plan file's message names it ("quarters", "rule")."""
        return self.key.rsplit(".", 1)[-1]

    @property
    def input_id(self):
        return "f-" + self.key.replace(".", "-")

    @property
    def measure_list(self):
        return " ".join(self.measures)


QUARTER_TARGET_KEYS = tuple(f"quarter_targets.{q}" for q in (1, 2, 3, 4))

_L = gettext_lazy

PLAN_FIELDS = (
    Field("title", _L("Titel"), TEXT, "title", required=True, max_length=300),
    Field("valid_from", _L("Gælder fra"), DATE, "valid_from"),
    Field("valid_to", _L("Gælder til"), DATE, "valid_to"),
    Field("introduction", _L("Indledning"), PROSE, "introduction"),
    Field("strategic_context", _L("Strategisk ramme"), PROSE, "strategic_context"),
    Field("vision", _L("Vision"), PROSE, "vision"),
    Field("narrative", _L("Grundfortælling"), PROSE, "narrative"),
    Field("reporting.schedule", _L("Opfølgning (tekst)"), PROSE, "reporting_schedule"),
    Field("reporting.quarters", _L("Afrapporteringskvartaler"), QUARTERS, "reporting_quarters"),
    Field(
        "reporting.deadline_days",
        _L("Frist (kalenderdage efter kvartalets udløb)"),
        INTEGER,
        "deadline_days",
        minimum=0,
        maximum=365,
        help=_L("Tom, hvis planen ikke fastsætter en frist."),
    ),
    Field(
        "reporting.status_tolerance",
        _L("Tolerance for gul (pct. af målværdien)"),
        NUMBER,
        "status_tolerance",
        help=_L("Tom: 5."),
    ),
    Field(
        "reporting.template",
        _L("Planen gengiver skabelonen for opfølgning"),
        BOOL,
        "follow_up_template",
    ),
    Field(
        "scoring.method", _L("Opgørelsesmetode"), CHOICE, "scoring_method", choices=ScoringMethod
    ),
    Field(
        "scoring.partial_score",
        _L("Point for delvist opfyldt (pct. af målets vægt)"),
        INTEGER,
        "partial_score",
        minimum=0,
        maximum=100,
        help=_L("Tom: 50. Bruges kun ved delvis opgørelse."),
    ),
    Field("scoring.note", _L("Opgørelse (tekst)"), PROSE, "scoring_note"),
    Field("agreement", _L("Aftale"), PROSE, "agreement"),
)

SIGNATORY_FIELDS = (
    Field("name", _L("Navn"), TEXT, "name", required=True, max_length=200),
    Field("title", _L("Stilling"), TEXT, "title", required=True, max_length=200),
    Field("organisation", _L("Organisation"), TEXT, "organisation", max_length=200),
    Field("place", _L("Sted"), TEXT, "place", max_length=100),
    Field("date", _L("Dato"), DATE, "date", help=_L("Tom, hvis planen ikke er dateret.")),
)

SECTION_FIELDS = (
    Field("kind", _L("Art"), CHOICE, "kind", choices=SectionKind),
    Field("number", _L("Nummer"), TEXT, "number", max_length=20),
    Field("title", _L("Titel"), TEXT, "title", required=True, max_length=300),
    Field("text", _L("Tekst"), PROSE, "text"),
    Field(
        "ministry_beacon",
        _L("Koncernfælles pejlemærke"),
        REF,
        "ministry_beacon",
        max_length=20,
        help=_L("Det koncernfælles pejlemærke, som dette pejlemærke udmønter."),
    ),
)

GOAL_FIELDS = (
    Field("section", _L("Pejlemærke/afsnit"), REF, "section"),
    Field("number", _L("Nummer"), TEXT, "number", required=True, max_length=20),
    Field("title", _L("Titel"), TEXT, "title", required=True, max_length=300),
    Field("description", _L("Beskrivelse"), PROSE, "description"),
    Field("success_text", _L("Målet er nået, når"), PROSE, "success_text"),
    Field("kind", _L("Type"), CHOICE, "kind", choices=GoalKind),
    Field("result_type", _L("Måltype"), CHOICE, "result_type", choices=ResultType),
    Field("reporting.quarters", _L("Afrapporteringskvartaler"), QUARTERS, "reporting_quarters"),
    Field("reporting.text", _L("Afrapportering (tekst)"), TEXT, "reporting_text", max_length=300),
    Field(
        "fulfilment.rule", _L("Opfyldelsesregel"), CHOICE, "fulfilment_rule", choices=FulfilmentRule
    ),
    Field(
        "fulfilment.required",
        _L("Antal krav, der mindst skal opfyldes (K)"),
        INTEGER,
        "required_count",
        minimum=1,
        maximum=999,
        help=_L("Kun med reglen 'mindst K af N'."),
    ),
    Field("weight", _L("Vægt"), NUMBER, "weight", help=_L("Tom: alle mål vejer lige meget.")),
    Field("remarks", _L("Bemærkninger"), PROSE, "remarks"),
    Field("group_goal", _L("Koncernfælles mål"), REF, "group_goal", max_length=50),
)

# The measuring fields of a requirement and of a part of one.
MEASUREMENT_FIELDS = (
    Field("comparator", _L("Sammenligning"), CHOICE, "comparator", choices=Comparator,
          measures=MEASURED),
    Field("target", _L("Målværdi"), NUMBER, "target_value", measures=MEASURED),
    Field("unit", _L("Enhed"), CHOICE, "unit", choices=Unit, measures=MEASURED),
    Field("unit_text", _L("Enhed (tekst)"), TEXT, "unit_text", max_length=100, measures=MEASURED,
          help=_L('Fx "på en skala fra 1-5" eller "klager".')),
    Field("figure", _L("Tallet over året"), CHOICE, "figure_kind", choices=FigureKind,
          measures=NUMERIC, help=_L("Tom: som enheden og målingen lægger op til.")),
    Field("decimals", _L("Decimaler"), INTEGER, "decimals", minimum=0, maximum=4,
          measures=MEASURED, help=_L("Tom: som målværdierne er skrevet.")),
    Field("scale", _L("Skala"), SCALE, "scale", max_length=40, measures=MEASURED,
          help=_L('Fx "1-5". Tom: læses af enhedens tekst.')),
    *(
        Field(key, _L("%(q)d. kvartal") % {"q": q}, NUMBER, key, measures=NUMERIC)
        for q, key in enumerate(QUARTER_TARGET_KEYS, start=1)
    ),
)  # fmt: skip

REQUIREMENT_FIELDS = (
    Field("number", _L("Nummer"), TEXT, "number", max_length=20, help=_L('Fx "1)" eller "ii)".')),
    Field("text", _L("Tekst"), PROSE, "text", required=True),
    Field("measure", _L("Måling"), CHOICE, "measure", choices=Measure),
    *MEASUREMENT_FIELDS,
    Field("deadline", _L("Frist"), DATE, "deadline", measures=(Measure.MILESTONE,)),
    Field("deadline_text", _L("Frist (tekst)"), TEXT, "deadline_text", max_length=200,
          measures=(Measure.MILESTONE,), help=_L('Fx "senest ved udgangen af 3. kvartal".')),
    Field("reference", _L("Reference"), TEXT, "reference", max_length=300,
          measures=(Measure.RELATIVE,), help=_L('Fx "statens gennemsnit".')),
    Field("reference_value", _L("Referenceværdi"), NUMBER, "reference_value",
          measures=(Measure.RELATIVE,)),
    Field("reporting_quarters", _L("Egne afrapporteringskvartaler"), QUARTERS,
          "reporting_quarters", help=_L("Ingen valgt: som målet.")),
    Field("precondition", _L("Forudsætning"), PROSE, "precondition"),
)  # fmt: skip

PART_MEASURES = (Measure.THRESHOLD, Measure.CUMULATIVE)

PART_FIELDS = (
    Field("label", _L("Betegnelse"), TEXT, "label", required=True, max_length=100,
          help=_L('Hvad delen måler, fx "telefon".')),
    Field("measure", _L("Måling"), CHOICE, "measure", choices=Measure),
    *MEASUREMENT_FIELDS,
)  # fmt: skip

SERIES_FIELDS = (
    Field("year", _L("År"), INTEGER, "year", required=True, minimum=1990, maximum=2200),
    Field("target", _L("Mål"), NUMBER, "target_value"),
    Field("target_text", _L("Mål (tekst)"), TEXT, "target_text", max_length=200),
    Field("result", _L("Resultat"), NUMBER, "result_value"),
    Field("result_text", _L("Resultat (tekst)"), TEXT, "result_text", max_length=200),
)


@dataclass(frozen=True, slots=True)
class Level:
    """A kind of row the editor edits: its URL word, model, fields and record part."""

    slug: str
    label: str
    model: type
    fields: tuple
    part: str
    movable: bool = True


LEVELS = {
    level.slug: level
    for level in (
        Level("plan", _L("Planen"), Plan, PLAN_FIELDS, PlanPart.PLAN, movable=False),
        Level("underskriver", _L("Underskriver"), Signatory, SIGNATORY_FIELDS, PlanPart.SIGNATORY),
        Level("afsnit", _L("Pejlemærke/afsnit"), Section, SECTION_FIELDS, PlanPart.SECTION),
        Level("maal", _L("Mål"), Goal, GOAL_FIELDS, PlanPart.GOAL),
        Level("krav", _L("Resultatkrav"), Requirement, REQUIREMENT_FIELDS, PlanPart.REQUIREMENT),
        Level("delkrav", _L("Delkrav"), Requirement, PART_FIELDS, PlanPart.REQUIREMENT),
        Level("serieaar", _L("Serieår"), SeriesPoint, SERIES_FIELDS, PlanPart.SERIES, False),
    )
}
PLAN, SIGNATORY, SECTION, GOAL, REQUIREMENT, PART, SERIES = LEVELS


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


# -- values: in the form, as a reader sees them, as a plan file types them ----------------


def _danish(value, decimals=0):
    if value is None:
        return ""
    with translation.override("da"):
        return format_number(value, places=decimals)


def _quarter_targets(instance):
    if instance is None or not getattr(instance, "pk", None):
        return {}
    return {t.quarter: t.target_value for t in instance.quarter_targets.all()}


def _written_decimals(instance):
    """The decimals a requirement's targets as written would give (see the plan file)."""
    targets = [instance.target_value, *_quarter_targets(instance).values()]
    return max((places(t.normalize()) for t in targets if t is not None), default=0)


def _raw(field, instance):
    """The field's value on the instance, typed."""
    if field.key in QUARTER_TARGET_KEYS:
        return _quarter_targets(instance).get(int(field.key[-1]))
    if field.kind == SCALE:
        if instance.scale_min is None:
            return None
        return (instance.scale_min, instance.scale_max)
    return getattr(instance, field.attr)


def _ref_text(field, value, plain=False):
    if value is None:
        return ""
    if field.attr == "section":
        return value.title if plain else str(value.pk)
    if field.attr == "ministry_beacon":
        return f"{value.number} {value.title}" if plain else value.number
    if field.attr == "group_goal":
        return value.title if plain else value.code
    return str(value)


def form_values(level, instance):
    """What the editor's form holds for `instance`: text per key, a list for quarters."""
    values = {}
    decimals = getattr(instance, "decimals", 0) or 0
    for f in LEVELS[level].fields:
        value = _raw(f, instance)
        if f.kind == QUARTERS:
            values[f.key] = list(value or "")
        elif f.kind == BOOL:
            values[f.key] = bool(value)
        elif f.kind == NUMBER:
            places_ = decimals if f.attr in ("target_value",) or f.key in QUARTER_TARGET_KEYS else 0
            values[f.key] = _danish(value, places_)
        elif f.kind == INTEGER:
            if f.key == "decimals":
                values[f.key] = "" if value == _written_decimals(instance) else str(value)
            else:
                values[f.key] = "" if value is None else str(value)
        elif f.kind == DATE:
            values[f.key] = value.isoformat() if value else ""
        elif f.kind == REF:
            values[f.key] = _ref_text(f, value)
        elif f.kind == SCALE:
            values[f.key] = f"{_danish(value[0])}-{_danish(value[1])}" if value else ""
        elif f.key == "figure" and instance.measure in NUMERIC:
            # Shown blank where it is what the unit and measure give anyway.
            default = default_figure_kind(instance.measure, instance.unit, instance.comparator)
            values[f.key] = "" if value == default else value
        else:
            values[f.key] = value or ""
    return values


def _quarters_shown(text):
    if not text:
        return ""
    return ", ".join(_("%(q)s. kvartal") % {"q": q} for q in text)


def reader_values(level, instance):
    """The instance's values as a reader sees them: "95,5", "30.09.2024", a choice's label."""
    if instance is None:
        return {}
    shown = {}
    decimals = getattr(instance, "decimals", 0) or 0
    for f in LEVELS[level].fields:
        value = _raw(f, instance)
        if f.kind == QUARTERS:
            text = _quarters_shown(value)
        elif f.kind == BOOL:
            text = _("Ja") if value else _("Nej")
        elif f.kind == NUMBER:
            numeric = f.attr == "target_value" or f.key in QUARTER_TARGET_KEYS
            text = _danish(value, decimals if numeric else 0)
        elif f.kind == INTEGER:
            text = "" if value is None else str(value)
        elif f.kind == DATE:
            text = value.strftime("%d.%m.%Y") if value else ""
        elif f.kind == CHOICE:
            text = str(f.choices(value).label) if value else ""
        elif f.kind == REF:
            text = _ref_text(f, value, plain=True)
        elif f.kind == SCALE:
            text = f"{_danish(value[0])}-{_danish(value[1])}" if value else ""
        else:
            text = value or ""
        shown[f.key] = text
    return shown


def read_form(level, data):
    """The level's values from a POST, as the form sent them (missing keys are blank)."""
    values = {}
    for f in LEVELS[level].fields:
        if f.kind == QUARTERS:
            values[f.key] = [q for q in data.getlist(f.key) if q]
        elif f.kind == BOOL:
            values[f.key] = data.get(f.key) in ("on", "1", "true", "True")
        else:
            values[f.key] = data.get(f.key, "")
    return values


# -- checks -----------------------------------------------------------------------------

DANISH_DATE = re.compile(r"\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*")


@dataclass(slots=True)
class Context:
    """What the checks of a level need beyond its own values."""

    plan: Plan
    goal: Goal | None = None
    requirement: Requirement | None = None  # the requirement a part or series year is in
    instance: object = None
    # Values the level's unique keys may not take: key -> the values its siblings hold.
    taken: dict = field(default_factory=dict)
    # For references: key -> {value typed: the object}.
    options: dict = field(default_factory=dict)
    # A goal's number of requirements; a requirement's number of parts.
    count: int = 0


def _check_one(checker, f, raw, context):
    """One field's value through the plan file's reader for its kind."""
    if raw == "" and f.kind in (NUMBER, INTEGER, DATE):
        return None
    obj = {f.name: raw}
    if f.kind in (TEXT, PROSE, REF):
        value = checker.text(obj, f.name, "", max_length=f.max_length, label_numbers=True)
        if f.kind == REF:
            found = context.options.get(f.key, {}).get(value) if value else None
            if value and found is None:
                checker.problem("", _REF_MISSING[f.key] % {"value": value})
            return found
        return value
    if f.kind == NUMBER:
        return checker.decimal(obj, f.name, "")
    if f.kind == INTEGER:
        return checker.integer(obj, f.name, "", minimum=f.minimum, maximum=f.maximum)
    if f.kind == DATE:
        found = DANISH_DATE.fullmatch(raw) if isinstance(raw, str) else None
        if found:
            obj = {f.name: f"{found[3]}-{int(found[2]):02d}-{int(found[1]):02d}"}
        return checker.date(obj, f.name, "")
    if f.kind == CHOICE:
        return checker.choice(obj, f.name, "", f.choices, allow_blank=True)
    if f.kind == QUARTERS:
        if not raw:
            return ""
        quarters = [int(q) if str(q).isdigit() else q for q in raw]
        return checker.quarters({f.name: quarters}, f.name, "", default="")
    if f.kind == BOOL:
        return bool(raw)
    if f.kind == SCALE:
        return checker.scale({"scale": raw}, "", "") if raw else (None, None)
    return raw


_REF_MISSING = {
    "ministry_beacon": _L('"ministry_beacon": ministeriet har intet pejlemærke nr. "%(value)s"'),
    "group_goal": _L('"group_goal": ministeriet har intet koncernfælles mål med koden "%(value)s"'),
    "section": _L("Planen har ikke dette pejlemærke/afsnit (%(value)s)."),
}


def validate(level, values, context):
    """Check a level's values as a plan file's are checked: (typed values, errors by key).

    Values are as `read_form` gives them; typed values are ready for `apply`. Each message
    is the plan file's for the same mistake, and sits on the key it concerns.
    """
    checker = _Checker(replace=False)
    typed, errors = {}, {}

    def add(key, message):
        errors.setdefault(key, []).append(str(message))

    for f in LEVELS[level].fields:
        raw = values.get(f.key, "")
        if isinstance(raw, str):
            raw = raw.strip()
        before = len(checker.problems)
        if f.required and raw in ("", None, []):
            add(f.key, _('"%(key)s" mangler') % {"key": f.name})
            typed[f.key] = None
            continue
        typed[f.key] = _check_one(checker, f, raw, context)
        for problem in checker.problems[before:]:
            add(f.key, problem.message)
    _CROSS_CHECKS[level](typed, values, context, add)
    for key, (taken, message) in context.taken.items():
        if typed.get(key) not in (None, "") and typed[key] in taken:
            add(key, message % {"value": typed[key]})
    return typed, errors


def _check_plan(typed, values, context, add):
    if typed["valid_from"] and typed["valid_to"] and typed["valid_from"] > typed["valid_to"]:
        add("valid_from", _('"valid_from" ligger efter "valid_to"'))
    tolerance = typed["reporting.status_tolerance"]
    if tolerance is not None and not 0 <= tolerance <= 100:
        add("reporting.status_tolerance", _('"status_tolerance" skal ligge mellem 0 og 100 (pct.)'))
    if not values.get("reporting.quarters"):
        add("reporting.quarters", _("Vælg mindst ét kvartal."))


def _check_goal(typed, values, context, add):
    if not values.get("reporting.quarters"):
        add("reporting.quarters", _("Vælg mindst ét kvartal."))
    weight = typed["weight"]
    if weight is not None and weight <= 0:
        add("weight", _('"weight" skal være større end 0'))
    required = typed["fulfilment.required"]
    if typed["fulfilment.rule"] == FulfilmentRule.AT_LEAST:
        if required is None and not values.get("fulfilment.required", "").strip():
            add("fulfilment.required", _('reglen "at_least" kræver "required" (K i K af N)'))
        elif required is not None and required > context.count:
            add(
                "fulfilment.required",
                _("K er større end N: %(k)d af %(n)d resultatkrav kan ikke kræves")
                % {"k": required, "n": context.count},
            )
    elif required is not None:
        add("fulfilment.required", _('"required" bruges kun med reglen "at_least"'))
    if context.instance is not None and context.instance.pk and typed["reporting.quarters"]:
        outside = {
            q
            for r in context.instance.requirements.all()
            for q in r.reporting_quarters
            if q not in typed["reporting.quarters"]
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


_MEASURE_NAMES = {
    Measure.THRESHOLD: _L("en tærskel"),
    Measure.RELATIVE: _L("et relativt mål"),
    Measure.CUMULATIVE: _L("kumulative kvartalsmål"),
    Measure.SERIES: _L("en flerårig serie"),
}
_MEASURE_NEEDS = {
    Measure.THRESHOLD: ("comparator", "target", "unit"),
    Measure.RELATIVE: ("reference", "comparator"),
    Measure.CUMULATIVE: ("comparator", "unit", "quarter_targets"),
    Measure.SERIES: ("unit",),
}
_MEASURING_KEYS = {f.key for f in MEASUREMENT_FIELDS}


def _check_measurement(typed, values, context, add):
    measure = typed.get("measure") or Measure.TEXT
    figure = typed.get("figure")
    if figure and measure not in NUMERIC:
        add("figure", _('"figure" gælder kun krav, der måles med et tal (threshold, cumulative)'))
    for key in _MEASURE_NEEDS.get(measure, ()):
        if key == "quarter_targets":
            given = any(typed.get(k) is not None for k in QUARTER_TARGET_KEYS)
            target_key = QUARTER_TARGET_KEYS[0]
        else:
            given = typed.get(key) not in (None, "")
            target_key = key
        if not given and not values.get(target_key, "").strip():
            add(
                target_key if key != "quarter_targets" else "quarter_targets",
                _('"%(key)s" mangler (%(measure)s skal have "%(key)s")')
                % {"key": key, "measure": _MEASURE_NAMES[measure]},
            )


def _check_requirement(typed, values, context, add):
    measure = typed.get("measure") or Measure.TEXT
    if measure == Measure.PARTS:
        given = [
            key.split(".")[0] for key in _MEASURING_KEYS if values.get(key) not in (None, "", [])
        ]
        if given:
            keys = sorted(set(given))
            add(
                "measure",
                _('et krav med "parts" måles i sine dele; flyt %(keys)s ned i hver del')
                % {"keys": ", ".join(f'"{key}"' for key in keys)},
            )
    else:
        if context.count:
            add(
                "measure",
                _("Kravet har delkrav; slet dem, før kravet måles på en anden måde."),
            )
        _check_measurement(typed, values, context, add)
    if measure == Measure.MILESTONE and not (typed["deadline"] or typed["deadline_text"]):
        if not values.get("deadline", "").strip():
            add("deadline", _('"deadline" mangler (en milepæl skal have en frist)'))
    goal = context.goal
    own = typed.get("reporting_quarters") or ""
    if goal is not None and own:
        outside = set(own) - set(goal.reporting_quarters)
        if outside:
            add(
                "reporting_quarters",
                _(
                    '"reporting_quarters": %(outside)s. kvartal er ikke et af målets '
                    "afrapporteringskvartaler (%(goal)s)"
                )
                % {
                    "outside": ", ".join(sorted(outside)),
                    "goal": ", ".join(goal.reporting_quarters),
                },
            )


def _check_part(typed, values, context, add):
    measure = typed.get("measure") or Measure.THRESHOLD
    typed["measure"] = measure
    if measure not in PART_MEASURES:
        add("measure", _('en del måles med "threshold" eller "cumulative"'))
        return
    _check_measurement(typed, values, context, add)


def _no_cross_check(typed, values, context, add):
    return None


_CROSS_CHECKS = {
    PLAN: _check_plan,
    SIGNATORY: _no_cross_check,
    SECTION: _no_cross_check,
    GOAL: _check_goal,
    REQUIREMENT: _check_requirement,
    PART: _check_part,
    SERIES: _no_cross_check,
}


# -- applying typed values --------------------------------------------------------------


def apply(level, instance, typed):
    """Set the instance's fields from typed values; return the quarter targets (or None)."""
    for f in LEVELS[level].fields:
        if f.key in QUARTER_TARGET_KEYS:
            continue
        value = typed.get(f.key)
        if f.kind == SCALE:
            instance.scale_min, instance.scale_max = value or (None, None)
        elif f.kind == REF:
            setattr(instance, f.attr, value)
        elif f.kind in (TEXT, PROSE, CHOICE, QUARTERS):
            setattr(instance, f.attr, value or "")
        else:
            setattr(instance, f.attr, value)
    if level == PLAN:
        plan = instance
        if plan.status_tolerance is None:
            plan.status_tolerance = Decimal(5)
        if plan.partial_score is None:
            plan.partial_score = 50
        plan.valid_from = plan.valid_from or datetime.date(plan.year, 1, 1)
        plan.valid_to = plan.valid_to or datetime.date(plan.year, 12, 31)
        plan.scoring_method = plan.scoring_method or ScoringMethod.BINARY
    if level == SECTION:
        instance.kind = instance.kind or SectionKind.BEACON
    if level == GOAL:
        instance.fulfilment_rule = instance.fulfilment_rule or FulfilmentRule.ALL
    if level in (REQUIREMENT, PART):
        return _apply_measurement(level, instance, typed)
    return None


def _apply_measurement(level, instance, typed):
    measure = instance.measure or (Measure.THRESHOLD if level == PART else Measure.TEXT)
    instance.measure = measure
    targets = {
        int(key[-1]): typed[key] for key in QUARTER_TARGET_KEYS if typed.get(key) is not None
    }
    if measure in NUMERIC:
        if not instance.figure_kind:
            instance.figure_kind = default_figure_kind(measure, instance.unit, instance.comparator)
    else:
        instance.figure_kind = ""
    if typed.get("decimals") is None:
        printed = [instance.target_value, *targets.values()]
        instance.decimals = max((places(n) for n in printed if n is not None), default=0)
    if level == PART:
        instance.text = instance.label
    if instance.scale_min is None and instance.unit_text:
        checker = _Checker(replace=False)
        instance.scale_min, instance.scale_max = checker.scale({}, "", instance.unit_text)
    return targets


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


def _new_row(level, plan, parent):
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


def context_for(level, plan, instance):
    """What `validate` needs to check the level's values for `instance` (new or saved)."""
    context = Context(plan=plan, instance=instance)
    if level == SECTION:
        beacons = MinistryBeacon.objects.filter(ministry_id=plan.ministry_id)
        context.options["ministry_beacon"] = {b.number: b for b in beacons}
        others = Section.objects.filter(plan=plan).exclude(pk=instance.pk)
        context.taken["title"] = (
            set(others.values_list("title", flat=True)),
            _('titlen "%(value)s" står to gange'),
        )
        kind_numbers = others.exclude(number="").values_list("kind", "number")
        context.taken["number"] = (
            {n for k, n in kind_numbers if k == (instance.kind or SectionKind.BEACON)},
            _('nummeret "%(value)s" står to gange'),
        )
    elif level == GOAL:
        context.options["section"] = {str(s.pk): s for s in Section.objects.filter(plan=plan)}
        groups = GroupGoal.objects.filter(ministry_id=plan.ministry_id)
        context.options["group_goal"] = {g.code: g for g in groups}
        if instance.pk:
            context.count = instance.requirements.filter(part_of=None).count()
    elif level == REQUIREMENT:
        context.goal = instance.goal
        others = Requirement.objects.filter(goal_id=instance.goal_id, part_of=None)
        context.taken["number"] = (
            set(others.exclude(pk=instance.pk).exclude(number="").values_list("number", flat=True)),
            _('kravnummeret "%(value)s" står to gange i målet'),
        )
        if instance.pk:
            context.count = instance.parts.count()
    elif level == PART:
        context.goal = instance.goal
        context.requirement = instance.part_of
        others = Requirement.objects.filter(part_of_id=instance.part_of_id)
        context.taken["label"] = (
            set(others.exclude(pk=instance.pk).values_list("label", flat=True)),
            _('delen "%(value)s" står to gange'),
        )
    elif level == SERIES:
        context.requirement = instance.requirement
        others = SeriesPoint.objects.filter(requirement_id=instance.requirement_id)
        context.taken["year"] = (
            set(others.exclude(pk=instance.pk).values_list("year", flat=True)),
            _("året %(value)s står to gange"),
        )
    return context


def _unique_keys_for_goal(context, plan, instance, section):
    others = Goal.objects.filter(plan=plan, section=section).exclude(pk=instance.pk)
    return set(others.values_list("number", flat=True))


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
        return _quarters_shown("".join(value))
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
                instance = _new_row(level, locked, _parent(level, locked, parent_pk))
            if instance.pk:
                _check_version(level, instance, version)
            context = context_for(level, locked, instance)
            typed, errors = validate(level, values, context)
            if level == GOAL and typed.get("number") and not errors.get("section"):
                taken = _unique_keys_for_goal(context, locked, instance, typed.get("section"))
                if typed["number"] in taken:
                    errors.setdefault("number", []).append(
                        _('målnummeret "%(n)s" står to gange i %(parent)s')
                        % {
                            "n": typed["number"],
                            "parent": typed["section"].title
                            if typed.get("section")
                            else _("uden pejlemærke"),
                        }
                    )
            if errors:
                raise Invalid(errors)
            before = reader_values(level, instance) if instance.pk else {}
            targets = apply(level, instance, typed)
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


def _parent(level, plan, parent_pk):
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
