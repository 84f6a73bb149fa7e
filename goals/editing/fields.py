"""The editor's fields, level by level, named by plan-file key, and their values three ways:
as the form holds them, as a reader sees them, and as a POST sends them.

What a field is (its label, whether it is required, its choices and limits) comes from the
plan-file schema (`goals.planfile.schema.LEVELS`); this module adds only how the editor lays
it out: a text box or a text area, which measures a requirement's field belongs to, and a
requirement's quarter targets as four boxes.
"""

import functools
from dataclasses import dataclass

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goals.models import (
    Goal,
    Measure,
    Plan,
    PlanPart,
    Requirement,
    Section,
    SeriesPoint,
    Signatory,
)
from goals.models.plans import default_figure_kind
from goals.numbers import format_number
from goals.planfile import schema
from goals.planfile.reading import places

TEXT, PROSE, NUMBER, INTEGER, DATE, BOOL, CHOICE, QUARTERS, REF, SCALE = (
    "text", "prose", "number", "integer", "date", "bool", "choice", "quarters", "ref", "scale",
)  # fmt: skip

NUMERIC = (Measure.THRESHOLD, Measure.CUMULATIVE)
MEASURED = (Measure.THRESHOLD, Measure.RELATIVE, Measure.CUMULATIVE, Measure.SERIES)
PART_MEASURES = NUMERIC

QUARTER_TARGET_KEYS = tuple(f"quarter_targets.{q}" for q in (1, 2, 3, 4))


@dataclass(frozen=True, slots=True)
class Field:
    """One field of the editor: a plan-file key of a schema level, and how it is laid out."""

    key: str
    kind: str
    attr: str
    schema_level: str = ""
    # For a requirement's measuring fields: the measures it belongs to (empty: every one).
    measures: tuple = ()
    own_label: object = None
    own_help: object = None

    @property
    def spec(self):
        """The schema's field of the same key (None for the editor's own: a goal's heading,
        one quarter's target)."""
        if not self.schema_level:
            return None
        try:
            return schema.LEVELS[self.schema_level].field(self.key)
        except KeyError:
            return None

    @property
    def label(self):
        if self.own_label is not None:
            return str(self.own_label)
        return capfirst(self.spec.label) if self.spec else self.key

    @property
    def help(self):
        if self.own_help is not None:
            return str(self.own_help)
        return self.spec.help_text if self.spec else ""

    @property
    def required(self):
        return bool(self.spec and self.spec.required)

    @property
    def max_length(self):
        return self.spec.max_length if self.spec else None

    @property
    def choices(self):
        return self.spec.choices if self.spec else []

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


_L = gettext_lazy


def _fields(schema_level, *rows):
    """The editor's fields of a schema level: (key, kind[, attr][, options])."""
    made = []
    for row in rows:
        key, kind, *rest = row
        options = rest[-1] if rest and isinstance(rest[-1], dict) else {}
        attr = rest[0] if rest and isinstance(rest[0], str) else key
        made.append(Field(key, kind, attr, schema_level, **options))
    return tuple(made)


PLAN_FIELDS = _fields(
    "plan",
    ("title", TEXT),
    ("valid_from", DATE),
    ("valid_to", DATE),
    ("introduction", PROSE),
    ("strategic_context", PROSE),
    ("vision", PROSE),
    ("narrative", PROSE),
    ("reporting.schedule", PROSE, "reporting_schedule"),
    ("reporting.quarters", QUARTERS, "reporting_quarters"),
    ("reporting.deadline_days", INTEGER, "deadline_days"),
    ("reporting.status_tolerance", NUMBER, "status_tolerance", {"own_help": _L("Tom: 5.")}),
    ("reporting.template", BOOL, "follow_up_template"),
    ("scoring.method", CHOICE, "scoring_method"),
    ("scoring.partial_score", INTEGER, "partial_score"),
    ("scoring.note", PROSE, "scoring_note"),
    ("agreement", PROSE),
)

SIGNATORY_FIELDS = _fields(
    "signatory",
    ("name", TEXT),
    ("title", TEXT),
    ("organisation", TEXT),
    ("place", TEXT),
    ("date", DATE, {"own_help": _L("Tom, hvis planen ikke er dateret.")}),
)

SECTION_FIELDS = _fields(
    "section",
    ("kind", CHOICE),
    ("number", TEXT),
    ("title", TEXT),
    ("text", PROSE),
    ("ministry_beacon", REF),
)

GOAL_FIELDS = (
    Field("section", REF, "section", own_label=_L("Pejlemærke/afsnit")),
    *_fields(
        "goal",
        ("number", TEXT),
        ("title", TEXT),
        ("description", PROSE),
        ("success_text", PROSE),
        ("kind", CHOICE),
        ("result_type", CHOICE),
        ("reporting.quarters", QUARTERS, "reporting_quarters"),
        ("reporting.text", TEXT, "reporting_text"),
        ("fulfilment.rule", CHOICE, "fulfilment_rule"),
        ("fulfilment.required", INTEGER, "required_count"),
        ("weight", NUMBER),
        ("remarks", PROSE),
        ("group_goal", REF),
    ),
)


def _measurement(schema_level):
    return (
        *_fields(
            schema_level,
            ("comparator", CHOICE, {"measures": MEASURED}),
            ("target", NUMBER, "target_value", {"measures": MEASURED}),
            ("unit", CHOICE, {"measures": MEASURED}),
            ("unit_text", TEXT, {"measures": MEASURED}),
            ("figure", CHOICE, "figure_kind", {"measures": NUMERIC}),
            ("decimals", INTEGER, {"measures": MEASURED}),
            ("scale", SCALE, {"measures": MEASURED, "own_help": _L('Fx "1-5".')}),
        ),
        *(
            Field(key, NUMBER, key, measures=NUMERIC, own_label=_L("%(q)d. kvartal") % {"q": q})
            for q, key in enumerate(QUARTER_TARGET_KEYS, start=1)
        ),
    )


REQUIREMENT_FIELDS = (
    *_fields("requirement", ("number", TEXT), ("text", PROSE), ("measure", CHOICE)),
    *_measurement("requirement"),
    *_fields(
        "requirement",
        ("deadline", DATE, {"measures": (Measure.MILESTONE,)}),
        ("deadline_text", TEXT, {"measures": (Measure.MILESTONE,)}),
        ("reference", TEXT, {"measures": (Measure.RELATIVE,)}),
        ("reference_value", NUMBER, {"measures": (Measure.RELATIVE,)}),
        ("reporting_quarters", QUARTERS, {"own_help": _L("Ingen valgt: som målet.")}),
        ("precondition", PROSE),
    ),
)

PART_FIELDS = (
    *_fields("part", ("label", TEXT), ("measure", CHOICE)),
    *_measurement("part"),
)

SERIES_FIELDS = _fields(
    "series",
    ("year", INTEGER),
    ("target", NUMBER, "target_value"),
    ("target_text", TEXT),
    ("result", NUMBER, "result_value"),
    ("result_text", TEXT),
)


@dataclass(frozen=True, slots=True)
class Level:
    """A kind of row the editor edits: its URL word, schema level, model, fields, record part."""

    slug: str
    label: str
    schema: str
    model: type
    fields: tuple
    part: str
    movable: bool = True


LEVELS = {
    level.slug: level
    for level in (
        Level("plan", _L("Planen"), "plan", Plan, PLAN_FIELDS, PlanPart.PLAN, movable=False),
        Level(
            "underskriver",
            _L("Underskriver"),
            "signatory",
            Signatory,
            SIGNATORY_FIELDS,
            PlanPart.SIGNATORY,
        ),
        Level(
            "afsnit", _L("Pejlemærke/afsnit"), "section", Section, SECTION_FIELDS, PlanPart.SECTION
        ),
        Level("maal", _L("Mål"), "goal", Goal, GOAL_FIELDS, PlanPart.GOAL),
        Level(
            "krav",
            _L("Resultatkrav"),
            "requirement",
            Requirement,
            REQUIREMENT_FIELDS,
            PlanPart.REQUIREMENT,
        ),
        Level("delkrav", _L("Delkrav"), "part", Requirement, PART_FIELDS, PlanPart.REQUIREMENT),
        Level(
            "serieaar", _L("Serieår"), "series", SeriesPoint, SERIES_FIELDS, PlanPart.SERIES, False
        ),
    )
}
PLAN, SIGNATORY, SECTION, GOAL, REQUIREMENT, PART, SERIES = LEVELS


# -- values ---------------------------------------------------------------------------


def danish(value, decimals=0):
    """A number the Danish way, as plan files and the editor write it: "95,5", "1.000"."""
    if value is None:
        return ""
    with translation.override("da"):
        return format_number(value, places=decimals)


def quarter_targets_of(instance):
    if instance is None or not getattr(instance, "pk", None):
        return {}
    return {t.quarter: t.target_value for t in instance.quarter_targets.all()}


def _written_decimals(instance):
    """The decimals a requirement's targets as written would give (see the plan file)."""
    targets = [instance.target_value, *quarter_targets_of(instance).values()]
    return max((places(t.normalize()) for t in targets if t is not None), default=0)


def _targets_if_any(level, instance):
    """The quarter targets of a level that has them (read once per row, not once per box)."""
    if any(f.key in QUARTER_TARGET_KEYS for f in LEVELS[level].fields):
        return quarter_targets_of(instance)
    return {}


def _raw(f, instance, targets):
    """The field's value on the instance, typed; `targets` its quarter targets by quarter."""
    if f.key in QUARTER_TARGET_KEYS:
        return targets.get(int(f.key[-1]))
    if f.kind == SCALE:
        if instance.scale_min is None:
            return None
        return (instance.scale_min, instance.scale_max)
    return getattr(instance, f.attr)


def _ref_text(f, value, plain=False):
    if value is None:
        return ""
    if f.attr == "section":
        return f"{value.number} {value.title}".strip() if plain else str(value.pk)
    if f.attr == "ministry_beacon":
        return f"{value.number} {value.title}" if plain else value.number
    if f.attr == "group_goal":
        return value.title if plain else value.code
    return str(value)


def _is_target(f):
    return f.attr == "target_value" and f.key == "target" or f.key in QUARTER_TARGET_KEYS


def form_values(level, instance):
    """What the editor's form holds for `instance`: text per key, a list for quarters."""
    values = {}
    decimals = getattr(instance, "decimals", 0) or 0
    targets = _targets_if_any(level, instance)
    for f in LEVELS[level].fields:
        value = _raw(f, instance, targets)
        if f.kind == QUARTERS:
            values[f.key] = list(value or "")
        elif f.kind == BOOL:
            values[f.key] = bool(value)
        elif f.kind == NUMBER:
            values[f.key] = danish(value, decimals if _is_target(f) else 0)
        elif f.kind == INTEGER:
            if f.key == "decimals":
                # Blank where the targets as written give it anyway.
                values[f.key] = "" if value == _written_decimals(instance) else str(value)
            else:
                values[f.key] = "" if value is None else str(value)
        elif f.kind == DATE:
            values[f.key] = value.isoformat() if value else ""
        elif f.kind == REF:
            values[f.key] = _ref_text(f, value)
        elif f.kind == SCALE:
            values[f.key] = f"{danish(value[0])}-{danish(value[1])}" if value else ""
        elif f.key == "figure" and instance.measure in NUMERIC:
            # Blank where it is what the unit and measure give anyway.
            default = default_figure_kind(instance.measure, instance.unit, instance.comparator)
            values[f.key] = "" if value == default else value
        else:
            values[f.key] = value or ""
    return values


def quarters_shown(text):
    """Quarters as a reader reads them: "2. kvartal, 4. kvartal"."""
    if not text:
        return ""
    return ", ".join(_("%(q)s. kvartal") % {"q": q} for q in text)


@functools.lru_cache(maxsize=64)
def _names(level, language):
    """The level's field labels and each choice field's labels, in `language`: read once per
    language, not once per row of a page that shows hundreds of rows."""
    with translation.override(language):
        return (
            {f.key: f.label for f in LEVELS[level].fields},
            {f.key: dict(f.choices) for f in LEVELS[level].fields if f.kind == CHOICE},
        )


def field_labels(level):
    """{key: label} of the level's fields in the active language."""
    return _names(level, translation.get_language())[0]


def reader_values(level, instance):
    """The instance's values as a reader sees them: "95,5", "30.09.2024", a choice's label."""
    if instance is None:
        return {}
    choices = _names(level, translation.get_language())[1]
    shown = {}
    decimals = getattr(instance, "decimals", 0) or 0
    targets = _targets_if_any(level, instance)
    for f in LEVELS[level].fields:
        value = _raw(f, instance, targets)
        if f.kind == QUARTERS:
            text = quarters_shown(value)
        elif f.kind == BOOL:
            text = _("Ja") if value else _("Nej")
        elif f.kind == NUMBER:
            text = danish(value, decimals if _is_target(f) else 0)
        elif f.kind == INTEGER:
            text = "" if value is None else str(value)
        elif f.kind == DATE:
            text = value.strftime("%d.%m.%Y") if value else ""
        elif f.kind == CHOICE:
            text = str(choices[f.key].get(value, value)) if value else ""
        elif f.kind == REF:
            text = _ref_text(f, value, plain=True)
        elif f.kind == SCALE:
            text = f"{danish(value[0])}-{danish(value[1])}" if value else ""
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
