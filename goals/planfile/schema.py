"""One description of what a plan holds, level by level, read by the plan-file checker and by
the plan editor alike, so that a rule is written once.

Each level (the plan, a section, a goal, a requirement, a part of one, a quarter target, a
series row, a signatory, and the ministry and institution a file names) is a `Level`: a list of
`Field`s keyed by the plan file's key, each saying which model field it fills, whether it is
required, what kind of value it takes, and where its limits come from: the model field's
`max_length`, choices, digits and decimal places are read from the model when asked for, so a
limit changed on the model changes the file's check and the editor's at once. What a value
needs beyond itself (what each `measure` needs, `at_least` needs `required`, K ≤ N, a
requirement's quarters within its goal's, a scale from low to high, the rules of parts) is a
rule attached to its level.

The editor calls `check_values`; the checker (`goals.planfile.checking`) calls `read` and
`finish` on each mapping of the file and puts every message where the file says it.

Keys of a sub-mapping are written flat with a dot: a goal's `reporting: {quarters, text}` is
`"reporting.quarters"` and `"reporting.text"`, its `fulfilment: {rule, required}` is
`"fulfilment.rule"` and `"fulfilment.required"`; the plan's `reporting` and `scoring` likewise.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import NOT_PROVIDED
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
from goals.planfile import rules
from goals.planfile.values import (
    BOOLEAN,
    CHOICE,
    DATE,
    DECIMAL,
    INTEGER,
    QUARTER,
    QUARTER_TARGETS,
    QUARTERS,
    READERS,
    SCALE,
    TEXT,
    Message,
    Reading,
)

# Plan years the register holds.
FIRST_YEAR, LAST_YEAR = 1990, 2200


def _model_default(model_field):
    if model_field is None or model_field.default is NOT_PROVIDED:
        return None
    default = model_field.default
    return default() if callable(default) else default


@dataclass(frozen=True)
class Field:
    """One key of a level: the model field it fills and what value it takes.

    Limits come from the model field when asked for (`max_length`, `choices`, `max_digits`,
    `decimal_places`); `minimum` and `maximum` bound an integer where the model does not.
    `quoted_numbers`: a short text such as a number "1.1" that YAML would read as a number
    unless quoted. `default` overrides the model field's default; `context_default` names the
    context key whose value is the default (a goal's quarters default to the plan's).
    """

    key: str
    kind: str
    model: type | None = None
    model_field: str | None = None
    required: bool = False
    quoted_numbers: bool = False
    minimum: int | None = None
    maximum: int | None = None
    default: object = NOT_PROVIDED
    context_default: str | None = None
    checks: tuple = ()
    label_text: object = None
    typed_as: str | None = None

    @property
    def name(self):
        """The key as the file writes it inside its mapping, and as messages name it."""
        return self.key.rpartition(".")[2]

    @property
    def prefix(self):
        """The sub-mapping the key sits in ("reporting" for "reporting.quarters"), or ""."""
        return self.key.rpartition(".")[0]

    @property
    def typed_key(self):
        """The name the field's typed value is given: the model field it fills."""
        return self.typed_as or self.model_field

    @property
    def db_field(self):
        if self.model is None or self.model_field is None:
            return None
        return self.model._meta.get_field(self.model_field)

    @property
    def label(self):
        """The field's Danish name, from the model field's verbose name."""
        if self.label_text is not None:
            return str(self.label_text)
        if self.db_field is not None:
            return str(self.db_field.verbose_name)
        return self.key

    @property
    def multiline(self):
        """Whether the text is prose, many lines (a TextField), rather than one line."""
        return self.kind == TEXT and isinstance(self.db_field, models.TextField)

    @property
    def help_text(self):
        return str(self.db_field.help_text) if self.db_field is not None else ""

    @property
    def max_length(self):
        return getattr(self.db_field, "max_length", None) if self.kind == TEXT else None

    @property
    def choices(self):
        """[(value, label), ...] of a choice field, in the model's order."""
        if self.kind != CHOICE:
            return []
        return [(value, str(label)) for value, label in self.db_field.flatchoices]

    @property
    def max_digits(self):
        return getattr(self.db_field, "max_digits", None)

    @property
    def decimal_places(self):
        return getattr(self.db_field, "decimal_places", None)

    def default_value(self, context):
        if self.context_default and context.get(self.context_default):
            return context[self.context_default]
        if self.default is not NOT_PROVIDED:
            return self.default
        if self.kind == TEXT:
            return ""
        if self.kind == BOOLEAN:
            return bool(_model_default(self.db_field))
        default = _model_default(self.db_field)
        if self.kind == DECIMAL and default is not None:
            return Decimal(str(default))
        return default


@dataclass(frozen=True)
class Level:
    """One level of a plan: its fields, the rules across them, and the keys of the file that
    hold the levels below it (read as levels of their own).

    `rules` run once the fields are read; `final_rules` need the level's children (a goal's
    K ≤ N its requirements); `derived` names the model fields the rules fill from other
    values (a part's text is its label)."""

    name: str
    model: type
    fields: tuple
    rules: tuple = ()
    final_rules: tuple = ()
    children: tuple = ()
    derived: tuple = ()

    def field(self, key):
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)

    @property
    def keys(self):
        return [item.key for item in self.fields]

    def known(self, prefix=""):
        """The keys a mapping of this level (or its sub-mapping `prefix`) may hold."""
        known = set()
        for item in self.fields:
            if prefix:
                if item.prefix == prefix:
                    known.add(item.name)
            else:
                known.add(item.key.partition(".")[0])
        if not prefix:
            known |= set(self.children)
        return known

    @property
    def sub_mappings(self):
        return list(dict.fromkeys(item.prefix for item in self.fields if item.prefix))


def _store(reading, spec, value):
    if spec.kind == SCALE:
        reading.typed["scale_min"], reading.typed["scale_max"] = value
    elif spec.kind == QUARTER_TARGETS:
        reading.typed["quarter_targets"] = value
    else:
        reading.typed[spec.typed_key] = value


def _read_field(reading, spec):
    value = reading.given.get(spec.key)
    typed = READERS[spec.kind](reading, spec, value)
    if spec.kind in (SCALE, QUARTER_TARGETS):
        return typed
    if typed is not None and typed != "":
        for check in spec.checks:
            message = check(typed)
            if message:
                reading.refuse(spec.key, message)
                typed = None
                break
    if typed is None:
        typed = spec.default_value(reading.context)
    # A choice the model gives no default is blank when not given.
    if spec.kind == CHOICE and typed is None:
        typed = ""
    return typed


# -- the levels --


def _text(model, key, model_field=None, **kwargs):
    return Field(key, TEXT, model, model_field or key, **kwargs)


def _measurement(model=Requirement, *, measure_default=NOT_PROVIDED):
    """How a number is measured: the keys a requirement and each of its parts share."""
    return (
        Field("measure", CHOICE, model, "measure", default=measure_default),
        Field("comparator", CHOICE, model, "comparator"),
        Field("target", DECIMAL, model, "target_value"),
        Field("unit", CHOICE, model, "unit"),
        _text(model, "unit_text"),
        Field(
            "quarter_targets",
            QUARTER_TARGETS,
            QuarterTarget,
            "target_value",  # whose digits each target has
            label_text=QuarterTarget._meta.verbose_name_plural,
        ),
        Field("figure", CHOICE, model, "figure_kind"),
        Field(
            "decimals",
            INTEGER,
            model,
            "decimals",
            minimum=0,
            maximum=model._meta.get_field("target_value").decimal_places,
            default=None,
        ),
        Field("scale", SCALE, model, "scale_min", label_text=gettext_lazy("skala")),
    )


LEVELS = {
    "ministry": Level(
        "ministry",
        Ministry,
        (
            _text(Ministry, "short_name", required=True, quoted_numbers=True),
            _text(Ministry, "name", required=True, quoted_numbers=True),
            _text(Ministry, "vision"),
            _text(Ministry, "values"),
        ),
        children=("beacons", "group_goals"),
    ),
    "ministry_beacon": Level(
        "ministry_beacon",
        MinistryBeacon,
        (
            _text(MinistryBeacon, "number", required=True, quoted_numbers=True),
            _text(MinistryBeacon, "title", required=True),
            _text(MinistryBeacon, "text"),
        ),
        rules=(rules.sibling_number(lambda: _('nummeret "%(n)s" står to gange')),),
    ),
    "group_goal": Level(
        "group_goal",
        GroupGoal,
        (
            _text(GroupGoal, "code", required=True, quoted_numbers=True),
            _text(GroupGoal, "title", required=True),
            _text(GroupGoal, "description"),
        ),
        rules=(
            rules.group_code_letters,
            rules.sibling_number(
                lambda: _('koden "%(n)s" står to gange'), key="code", context_key="sibling_codes"
            ),
        ),
    ),
    "institution": Level(
        "institution",
        Institution,
        (
            _text(Institution, "short_name", required=True, quoted_numbers=True),
            _text(Institution, "name", required=True, quoted_numbers=True),
        ),
    ),
    "plan": Level(
        "plan",
        Plan,
        (
            Field(
                "year", INTEGER, Plan, "year", required=True, minimum=FIRST_YEAR, maximum=LAST_YEAR
            ),
            _text(Plan, "title", required=True),
            Field("valid_from", DATE, Plan, "valid_from"),
            Field("valid_to", DATE, Plan, "valid_to"),
            _text(Plan, "introduction"),
            _text(Plan, "strategic_context"),
            _text(Plan, "vision"),
            _text(Plan, "narrative"),
            _text(Plan, "agreement"),
            _text(Plan, "reporting.schedule", "reporting_schedule"),
            Field("reporting.template", BOOLEAN, Plan, "follow_up_template"),
            Field("reporting.quarters", QUARTERS, Plan, "reporting_quarters"),
            Field(
                "reporting.deadline_days", INTEGER, Plan, "deadline_days", minimum=0, maximum=365
            ),
            Field(
                "reporting.status_tolerance",
                DECIMAL,
                Plan,
                "status_tolerance",
                checks=(rules.percent("status_tolerance"),),
            ),
            Field("scoring.method", CHOICE, Plan, "scoring_method"),
            Field("scoring.partial_score", INTEGER, Plan, "partial_score", minimum=0, maximum=100),
            _text(Plan, "scoring.note", "scoring_note"),
        ),
        rules=(rules.plan_period,),
        children=("signatories",),
    ),
    "signatory": Level(
        "signatory",
        Signatory,
        (
            _text(Signatory, "name", required=True),
            _text(Signatory, "title", required=True),
            _text(Signatory, "organisation"),
            _text(Signatory, "place"),
            Field("date", DATE, Signatory, "date"),
        ),
    ),
    "section": Level(
        "section",
        Section,
        (
            Field("kind", CHOICE, Section, "kind"),
            _text(Section, "number", quoted_numbers=True),
            _text(Section, "title", required=True),
            _text(Section, "text"),
            Field(
                "ministry_beacon",
                TEXT,
                MinistryBeacon,
                "number",
                quoted_numbers=True,
                label_text=Section._meta.get_field("ministry_beacon").verbose_name,
                typed_as="ministry_beacon",
            ),
        ),
        rules=(rules.known_beacon, rules.section_title_unique, rules.section_number_unique),
        children=("goals",),
    ),
    "goal": Level(
        "goal",
        Goal,
        (
            _text(Goal, "number", required=True, quoted_numbers=True),
            _text(Goal, "title", required=True),
            Field("kind", CHOICE, Goal, "kind"),
            Field("result_type", CHOICE, Goal, "result_type"),
            _text(Goal, "description"),
            _text(Goal, "success_text"),
            _text(Goal, "remarks"),
            Field(
                "group_goal",
                TEXT,
                GroupGoal,
                "code",
                quoted_numbers=True,
                label_text=Goal._meta.get_field("group_goal").verbose_name,
                typed_as="group_goal",
            ),
            Field("weight", DECIMAL, Goal, "weight", checks=(rules.greater_than_zero("weight"),)),
            Field(
                "reporting.quarters",
                QUARTERS,
                Goal,
                "reporting_quarters",
                context_default="plan_quarters",
            ),
            _text(Goal, "reporting.text", "reporting_text"),
            Field("fulfilment.rule", CHOICE, Goal, "fulfilment_rule"),
            Field("fulfilment.required", INTEGER, Goal, "required_count", minimum=1, maximum=999),
        ),
        rules=(
            rules.known_group_goal,
            rules.sibling_number(lambda: _('målnummeret "%(n)s" står to gange i %(parent)s')),
        ),
        final_rules=(rules.fulfilment_count,),
        children=("requirements",),
    ),
    "requirement": Level(
        "requirement",
        Requirement,
        (
            _text(Requirement, "number", quoted_numbers=True),
            _text(Requirement, "text", required=True),
            *_measurement(),
            Field("deadline", DATE, Requirement, "deadline"),
            _text(Requirement, "deadline_text"),
            _text(Requirement, "reference"),
            Field("reference_value", DECIMAL, Requirement, "reference_value"),
            Field("reporting_quarters", QUARTERS, Requirement, "reporting_quarters"),
            _text(Requirement, "precondition"),
        ),
        rules=(
            rules.figure_and_decimals,
            rules.parts_or_measure,
            rules.sibling_number(lambda: _('kravnummeret "%(n)s" står to gange i målet')),
            rules.within_goal_quarters,
        ),
        children=("series", "parts"),
    ),
    "part": Level(
        "part",
        Requirement,
        (
            _text(Requirement, "label", required=True, quoted_numbers=True),
            *_measurement(measure_default=Requirement.Measure.THRESHOLD),
        ),
        rules=(
            rules.figure_and_decimals,
            rules.part_measure,
            rules.measure_needs,
            rules.sibling_number(
                lambda: _('delen "%(n)s" står to gange'), key="label", context_key="sibling_labels"
            ),
        ),
        derived=("text",),
    ),
    "quarter_target": Level(
        "quarter_target",
        QuarterTarget,
        (
            Field("quarter", QUARTER, QuarterTarget, "quarter", required=True),
            Field("target", DECIMAL, QuarterTarget, "target_value", required=True),
        ),
    ),
    "series": Level(
        "series",
        SeriesPoint,
        (
            Field(
                "year",
                INTEGER,
                SeriesPoint,
                "year",
                required=True,
                minimum=FIRST_YEAR,
                maximum=LAST_YEAR,
            ),
            Field("target", DECIMAL, SeriesPoint, "target_value"),
            _text(SeriesPoint, "target_text"),
            Field("result", DECIMAL, SeriesPoint, "result_value"),
            _text(SeriesPoint, "result_text"),
        ),
        rules=(rules.series_year_unique,),
    ),
}


# -- reading a level --


def read(level, values, *, context=None, form=False):
    """Read one level's values: required keys, each field by its kind, then the level's
    rules; return the `Reading` (its `typed` and `messages`). `finish` runs the rules that need
    the level's children."""
    level = LEVELS[level] if isinstance(level, str) else level
    reading = Reading(level, values, context, form=form)
    for spec in level.fields:
        value = values.get(spec.key)
        # A text of spaces is no text.
        if spec.required and (value is None or isinstance(value, str) and not value.strip()):
            reading.refuse(spec.key, _('"%(key)s" mangler') % {"key": spec.name})
    for spec in level.fields:
        _store(reading, spec, _read_field(reading, spec))
    for rule in level.rules:
        rule(reading)
    return reading


def finish(reading, **context):
    """Run the level's rules that need its children (a goal's K ≤ N), with `context` added."""
    reading.context = {**reading.context, **context}
    for rule in reading.level.final_rules:
        rule(reading)
    return reading


def check_values(level, values, *, context=None):
    """Check one level's values as a user typed them in the plan editor.

    `level` is a key of `LEVELS`: "plan", "section", "goal", "requirement", "part",
    "quarter_target", "series", "signatory" (also "ministry", "ministry_beacon", "group_goal",
    "institution").

    `values` is {plan-file key: value}, flat: a sub-mapping's keys are written with a dot
    ("reporting.quarters", "fulfilment.required"). Texts, numbers and dates are strings as
    typed ("" is empty; numbers the Danish way, "13,75" or "1.000"; dates "2024-09-30");
    quarters a list of ints or a string "24"; booleans bool; a requirement's
    "quarter_targets" a mapping {quarter: number}. A requirement may also carry "parts" (a
    list, one item per part; its length is checked) and "series" (its rows), a goal
    "requirements" (its list, for N); these are checked as levels of their own.

    `context` holds what the rules need beyond the level's own values:
      - goal: "plan_quarters" (the plan's quarters, the default for the goal's), "group_codes"
        (the ministry's group goal codes; not checked without), "sibling_numbers" and
        "parent" (the other goals' numbers under the same heading, and its name),
        "requirement_count" (N, for K ≤ N; not checked without, unless "requirements" given);
      - requirement: "goal_quarters" (the goal's quarters, "1234"), "sibling_numbers" (the
        goal's other requirements' numbers), "quarter_targets" / "series" (true when the
        requirement has those rows, edited apart, so a cumulative or series measure has them),
        "part_count" (the number of its parts, for a requirement measured as "parts"; not
        counted without);
      - part: "sibling_labels"; series: "sibling_years";
      - section: "beacon_numbers" (the ministry's beacons; not checked without),
        "sibling_titles", "sibling_numbers" (pairs of (kind, number) of the other sections);
      - ministry_beacon: "sibling_numbers"; group_goal: "sibling_codes".

    Returns (typed, errors): typed is {model field name: value} ready to set on the model
    (a requirement's quarter targets under "quarter_targets" as [{"quarter", "target_value"}];
    a section's "ministry_beacon" and a goal's "group_goal" as the number or code to look up);
    errors is {plan-file key: [message, ...]}, "" for the level as a whole, each message the
    plan-file checker's text for the same mistake.
    """
    level = LEVELS[level]
    allowed = set(level.keys) | set(level.children)
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"not keys of {level.name}: {', '.join(sorted(unknown))}")
    given = {key: (None if value == "" else value) for key, value in values.items()}
    reading = finish(read(level, given, context=context, form=True))
    return reading.typed, reading.errors


def typed_fields(level):
    """The model fields a level's typed values fill."""
    level = LEVELS[level]
    names = []
    for spec in level.fields:
        if spec.kind == SCALE:
            names += ["scale_min", "scale_max"]
        elif spec.kind != QUARTER_TARGETS:
            names.append(spec.typed_key)
    return names + list(level.derived)


__all__ = [
    "BOOLEAN",
    "CHOICE",
    "DATE",
    "DECIMAL",
    "INTEGER",
    "LEVELS",
    "QUARTER",
    "QUARTERS",
    "QUARTER_TARGETS",
    "SCALE",
    "TEXT",
    "Field",
    "Level",
    "Message",
    "Reading",
    "check_values",
    "finish",
    "read",
    "typed_fields",
]
