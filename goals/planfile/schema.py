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

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import NOT_PROVIDED
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goals.limits import control_character, describe
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
    quarters_to_text,
)
from goals.models.plans import default_figure_kind
from goals.planfile.problems import shown, shown_repr
from goals.planfile.reading import AMBIGUOUS_NUMBER, places, read_number

# The kinds of value a field takes.
TEXT = "text"  # text; its limit is the model field's max_length
CHOICE = "choice"  # one of the model field's choices, by value or label
INTEGER = "integer"  # a whole number within the field's minimum and maximum
DECIMAL = "decimal"  # a number written the Danish way ("13,75", "1.000")
DATE = "date"  # ÅÅÅÅ-MM-DD
QUARTERS = "quarters"  # a set of quarters: [2, 4] (in a form also "24"), stored as "24"
BOOLEAN = "boolean"  # true or false
QUARTER = "quarter"  # one quarter, 1-4 (a quarter target's)
QUARTER_TARGETS = "quarter_targets"  # {quarter: number}, each a QuarterTarget
SCALE = "scale"  # a score's two ends, [1, 5] or "1-5"

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
class Message:
    """A message about one key of a level ("" for the level itself).

    `at_line`: the file checker puts the line the key is written on beside it; `inside`: a
    further place within the key ("> quarter_targets[2]")."""

    key: str
    text: str
    at_line: bool = False
    inside: str = ""


@dataclass(frozen=True)
class Level:
    """One level of a plan: its fields, the rules across them, and the keys of the file that
    hold the levels below it (read as levels of their own)."""

    name: str
    model: type
    fields: tuple
    rules: tuple = ()
    final_rules: tuple = ()
    children: tuple = ()

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


class Reading:
    """One level's values being read: the typed values so far and the messages."""

    def __init__(self, level, values, context, *, form):
        self.level = level
        self.given = values
        self.context = context or {}
        self.form = form
        self.typed = {}
        self.messages = []

    def refuse(self, key, text, *, at_line=False, inside=""):
        self.messages.append(Message(key, text, at_line, inside))

    def present(self, key):
        """Whether a value is given for `key` (or, for rows edited apart, in the context)."""
        if self.given.get(key) not in (None, "", [], {}):
            return True
        return bool(self.context.get(key))

    @property
    def errors(self):
        errors = {}
        for message in self.messages:
            errors.setdefault(message.key, []).append(message.text)
        return errors


# -- reading one value of each kind --


def _read_text(reading, spec, value):
    if value is None:
        return ""
    key = spec.name
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        reading.refuse(spec.key, _('"%(key)s" skal være tekst') % {"key": key}, at_line=True)
        return ""
    if isinstance(value, float):
        if spec.quoted_numbers:
            reading.refuse(
                spec.key,
                _('"%(key)s" skal være tekst: sæt anførselstegn om, fx "%(value)s"')
                % {"key": key, "value": value},
                at_line=True,
            )
            return ""
        value = repr(value)
    value = str(value).strip()
    found = control_character(value)
    if found is not None:
        reading.refuse(
            spec.key,
            _(
                '"%(key)s" indeholder et usynligt styretegn (%(character)s), som ikke kan '
                "gemmes; slet det"
            )
            % {"key": key, "character": describe(found)},
            at_line=True,
        )
        return ""
    if len(value) > spec.max_length:
        reading.refuse(
            spec.key,
            _('"%(key)s" er for lang (højst %(max)d tegn, her %(len)d)')
            % {"key": key, "max": spec.max_length, "len": len(value)},
            at_line=True,
        )
        return ""
    return value


def _read_integer(reading, spec, value):
    if value is None:
        return None
    key = spec.name
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and re.fullmatch(r"[0-9]{1,15}", value.strip()):
            value = int(value.strip())
        else:
            reading.refuse(
                spec.key, _('"%(key)s" skal være et helt tal') % {"key": key}, at_line=True
            )
            return None
    low, high = spec.minimum, spec.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        reading.refuse(
            spec.key,
            _('"%(key)s" skal ligge mellem %(min)s og %(max)s (her %(value)s)')
            % {"key": key, "min": low, "max": high, "value": value},
            at_line=True,
        )
        return None
    return value


def _read_boolean(reading, spec, value):
    if value is None:
        return None
    if not isinstance(value, bool):
        reading.refuse(spec.key, _('"%(key)s" skal være true eller false') % {"key": spec.name})
        return None
    return value


def read_decimal(reading, spec, value, *, key=None, at_line=True, inside=""):
    """A number as the plan prints it, within the digits and places of `spec`'s model field;
    `key` is the name messages give it (the field's own by default)."""
    if value is None or value == "":
        return None
    key = key or spec.name
    number, why = read_number(value)
    if why == AMBIGUOUS_NUMBER:
        reading.refuse(
            spec.key,
            _(
                '"%(key)s": %(value)s kan læses både som %(one)s og som %(thousand)s. '
                "Skriv tusinder uden punktum (%(digits)s) eller i anførselstegn som i planen "
                '("%(value)s"), og decimaltal med komma i anførselstegn ("%(comma)s").'
            )
            % {
                "key": key,
                "value": value.text,
                "one": value.text.replace(".", ","),
                "thousand": value.text.replace(".", ""),
                "digits": value.text.replace(".", ""),
                "comma": value.text.replace(".", ","),
            },
            at_line=at_line,
            inside=inside,
        )
        return None
    if number is None:
        reading.refuse(
            spec.key,
            _(
                '"%(key)s" skal være et tal, fx 95, "13,75" eller "1.000" (skrevet som i '
                "planen: komma som decimaltegn, punktum mellem tusinder)"
            )
            % {"key": key},
            at_line=at_line,
            inside=inside,
        )
        return None
    most_places = spec.decimal_places
    most_whole = spec.max_digits - most_places
    whole_digits = number.adjusted() + 1  # digits before the decimal point
    if places(number) > most_places or whole_digits > most_whole:
        reading.refuse(
            spec.key,
            _('"%(key)s" har for mange cifre (højst %(int)d før og %(dec)d efter kommaet)')
            % {"key": key, "int": most_whole, "dec": most_places},
            at_line=at_line,
            inside=inside,
        )
        return None
    return number


def _read_date(reading, spec, value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    reading.refuse(
        spec.key,
        _('"%(key)s" skal være en dato som ÅÅÅÅ-MM-DD (her %(value)r)')
        % {"key": spec.name, "value": shown_repr(value)},
        at_line=True,
    )
    return None


def _read_choice(reading, spec, value):
    if value is None or value == "":
        return None
    lookup = {}
    for choice_value, label in spec.choices:
        lookup[str(choice_value).lower()] = choice_value
        lookup[str(label).lower()] = choice_value
    found = lookup.get(str(value).strip().lower())
    if found is None:
        reading.refuse(
            spec.key,
            _('ukendt %(key)s "%(value)s" (gyldige: %(valid)s)')
            % {
                "key": spec.name,
                "value": shown(value),
                "valid": ", ".join(str(v) for v, _label in spec.choices),
            },
            at_line=True,
        )
        return ""
    return found


def _read_quarters(reading, spec, value):
    if value is None:
        return None
    key = spec.name
    if reading.form and isinstance(value, str) and re.fullmatch(r"\s*[0-9]+\s*", value):
        value = [int(digit) for digit in value.strip()]
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not value:
        reading.refuse(
            spec.key, _('"%(key)s" skal være en liste af kvartaler, fx [2, 4]') % {"key": key}
        )
        return None
    result = []
    for item in value:
        if reading.form and isinstance(item, str) and re.fullmatch(r"\s*[0-9]\s*", item):
            item = int(item)
        if isinstance(item, bool) or not isinstance(item, int):
            reading.refuse(
                spec.key,
                _('"%(key)s": %(item)r er ikke et kvartal (1-4)')
                % {"key": key, "item": shown_repr(item)},
            )
            continue
        if not 1 <= item <= 4:
            reading.refuse(
                spec.key,
                _('"%(key)s": kvartal %(item)d findes ikke (1-4)') % {"key": key, "item": item},
            )
            continue
        if item in result:
            reading.refuse(
                spec.key,
                _('"%(key)s": kvartal %(item)d står to gange') % {"key": key, "item": item},
            )
            continue
        result.append(item)
    return quarters_to_text(result) if result else None


def _quarter_number(value):
    """A quarter as the file or a form writes it (2, "2"), or None if it is none."""
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,2}\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
        return None
    return value


def _no_quarter(reading, spec, value):
    reading.refuse(
        spec.key, _('"quarter_targets": kvartal %(q)s findes ikke (1-4)') % {"q": shown(value)}
    )


def _read_quarter(reading, spec, value):
    if value is None or value == "":
        return None
    quarter = _quarter_number(value)
    if quarter is None:
        _no_quarter(reading, spec, value)
    return quarter


def _read_quarter_targets(reading, spec, value):
    found = []
    if value is None:
        return found
    if not isinstance(value, dict):
        reading.refuse(spec.key, _('"quarter_targets" skal være en mapping, fx {1: 1000, 2: 3000}'))
        return found
    for given_quarter, target in value.items():
        quarter = _quarter_number(given_quarter)
        if quarter is None:
            _no_quarter(reading, spec, given_quarter)
            continue
        number = read_decimal(
            reading,
            Field(spec.key, DECIMAL, QuarterTarget, "target_value"),
            target,
            key="target",
            at_line=False,
            inside=f" > quarter_targets[{quarter}]",
        )
        if number is not None:
            found.append({"quarter": quarter, "target_value": number})
    return found


# A scale in a requirement's words or its "scale" key: "skala fra 1-5", "1 til 5", "1-5".
SCALE_IN_WORDS = re.compile(r"skala fra (\d+(?:,\d+)?)\s*(?:-|–|til)\s*(\d+(?:,\d+)?)", re.I)
SCALE_WRITTEN = re.compile(r"(\d+(?:,\d+)?)\s*(?:-|–|til)\s*(\d+(?:,\d+)?)")


def _read_scale(reading, spec, value):
    """A score's scale, from "scale" ([1, 5] or "1-5"), else from the unit's words ("på en
    skala fra 1-5"); (None, None) without one."""
    if value is None:
        found = SCALE_IN_WORDS.search(reading.typed.get("unit_text") or "")
        value = [found[1], found[2]] if found else None
        if value is None:
            return None, None
    if isinstance(value, str):
        found = SCALE_WRITTEN.fullmatch(value.strip())
        value = [found[1], found[2]] if found else None
    if not isinstance(value, list) or len(value) != 2:
        reading.refuse(spec.key, _('"scale" skal være skalaens to ender, fx [1, 5] eller "1-5"'))
        return None, None
    low = read_decimal(reading, spec, value[0], at_line=False)
    high = read_decimal(reading, spec, value[1], at_line=False)
    if low is None or high is None:
        return None, None
    if low >= high:
        reading.refuse(spec.key, _('"scale": skalaen skal gå fra et lavere til et højere tal'))
        return None, None
    return low, high


READERS = {
    TEXT: _read_text,
    CHOICE: _read_choice,
    INTEGER: _read_integer,
    DECIMAL: read_decimal,
    DATE: _read_date,
    QUARTERS: _read_quarters,
    BOOLEAN: _read_boolean,
    QUARTER: _read_quarter,
    QUARTER_TARGETS: _read_quarter_targets,
    SCALE: _read_scale,
}


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
    # A choice written wrong stays blank rather than taking the default.
    if spec.kind == CHOICE and typed is None:
        typed = ""
    return typed


# -- the field checks and rules --


def _greater_than_zero(key):
    def check(value):
        if value <= 0:
            return _('"%(key)s" skal være større end 0') % {"key": key}
        return None

    return check


def _percent(key):
    def check(value):
        if not 0 <= value <= 100:
            return _('"%(key)s" skal ligge mellem 0 og 100 (pct.)') % {"key": key}
        return None

    return check


def _plan_period(reading):
    """A plan is valid for its calendar year unless it says otherwise, and not backwards."""
    typed = reading.typed
    year = typed.get("year")
    if year:
        typed["valid_from"] = typed.get("valid_from") or datetime.date(year, 1, 1)
        typed["valid_to"] = typed.get("valid_to") or datetime.date(year, 12, 31)
    begins, ends = typed.get("valid_from"), typed.get("valid_to")
    if begins and ends and begins > ends:
        reading.refuse("valid_from", _('"valid_from" ligger efter "valid_to"'))


def _sibling_number(message, key="number", context_key="sibling_numbers"):
    """A number (title, code...) that must differ from its siblings' (given in the context)."""

    def rule(reading):
        value = reading.typed.get(key)
        if value and value in reading.context.get(context_key, ()):
            reading.refuse(key, message() % {"n": value, "parent": reading.context.get("parent")})

    return rule


def _section_number_unique(reading):
    number = reading.typed.get("number")
    if number and (reading.typed.get("kind"), number) in reading.context.get("sibling_numbers", ()):
        reading.refuse("number", _('nummeret "%(n)s" står to gange') % {"n": number})


def _section_title_unique(reading):
    title = reading.typed.get("title")
    if title in reading.context.get("sibling_titles", ()):
        reading.refuse("title", _('titlen "%(title)s" står to gange') % {"title": title})


def _known_beacon(reading):
    number = reading.typed.get("ministry_beacon")
    known = reading.context.get("beacon_numbers")
    if number and known is not None and number not in known:
        reading.refuse(
            "ministry_beacon",
            _('"ministry_beacon": ministeriet har intet pejlemærke nr. "%(n)s"') % {"n": number},
        )


def _known_group_goal(reading):
    code = reading.typed.get("group_goal")
    known = reading.context.get("group_codes")
    if code and known is not None and code not in known:
        reading.refuse(
            "group_goal",
            _('"group_goal": ministeriet har intet koncernfælles mål med koden "%(code)s"')
            % {"code": code},
        )


def _group_code_letters(reading):
    code = reading.typed.get("code")
    if code and not re.fullmatch(r"[-a-zA-Z0-9_]+", code):
        reading.refuse("code", _('"code" må kun bestå af bogstaver a-z, cifre, - og _'))


def _fulfilment_count(reading):
    """K of N: "at_least" needs K, K is at most the goal's N requirements, and only
    "at_least" has a K. N is the context's "requirement_count" (or the values'
    "requirements"); without either, K ≤ N is not checked."""
    typed = reading.typed
    required = typed.get("required_count")
    key = "fulfilment.required"
    if typed.get("fulfilment_rule") == Goal.FulfilmentRule.AT_LEAST:
        total = reading.context.get("requirement_count")
        if total is None and isinstance(reading.given.get("requirements"), list):
            total = len(reading.given["requirements"])
        if required is None:
            reading.refuse(key, _('reglen "at_least" kræver "required" (K i K af N)'))
        elif total is not None and required > total:
            reading.refuse(
                key,
                _("K er større end N: %(k)d af %(n)d resultatkrav kan ikke kræves")
                % {"k": required, "n": total},
            )
    else:
        if required is not None:
            reading.refuse(key, _('"required" bruges kun med reglen "at_least"'))
        typed["required_count"] = None


NUMERIC_MEASURES = (Requirement.Measure.THRESHOLD, Requirement.Measure.CUMULATIVE)


def _figure_and_decimals(reading):
    """How the figure runs through the year (only for a number; by default as the unit and
    comparator suggest), and how many decimals it is shown with (by default as many as the
    plan prints its targets with)."""
    typed = reading.typed
    numeric = typed["measure"] in NUMERIC_MEASURES
    figure = typed.get("figure_kind")
    if figure and not numeric:
        reading.refuse(
            "figure",
            _('"figure" gælder kun krav, der måles med et tal (threshold, cumulative)'),
        )
    if numeric and not figure:
        figure = default_figure_kind(typed["measure"], typed["unit"], typed["comparator"])
    typed["figure_kind"] = figure if numeric else ""
    if typed.get("decimals") is None:
        printed = [typed.get("target_value")] + [
            t["target_value"] for t in typed.get("quarter_targets", [])
        ]
        typed["decimals"] = max((places(n) for n in printed if n is not None), default=0)


# What each measure needs given, and how a message names the measure.
MEASURE_NEEDS = {
    Requirement.Measure.THRESHOLD: ("comparator", "target", "unit"),
    Requirement.Measure.RELATIVE: ("reference", "comparator"),
    Requirement.Measure.CUMULATIVE: ("comparator", "unit", "quarter_targets"),
    Requirement.Measure.SERIES: ("unit", "series"),
}


def _measure_names():
    M = Requirement.Measure
    return {
        M.THRESHOLD: _("en tærskel"),
        M.RELATIVE: _("et relativt mål"),
        M.CUMULATIVE: _("kumulative kvartalsmål"),
        M.SERIES: _("en flerårig serie"),
    }


def _measure_needs(reading):
    """What the requirement's (or part's) measure needs: a threshold its comparator, target
    and unit, a milestone a deadline, ..."""
    measure = reading.typed["measure"]
    for key in MEASURE_NEEDS.get(measure, ()):
        if not reading.present(key):
            reading.refuse(
                key,
                _('"%(key)s" mangler (%(measure)s skal have "%(key)s")')
                % {"key": key, "measure": _measure_names()[measure]},
            )
    if measure == Requirement.Measure.MILESTONE and not (
        reading.present("deadline") or reading.present("deadline_text")
    ):
        reading.refuse("deadline", _('"deadline" mangler (en milepæl skal have en frist)'))


def _parts_or_measure(reading):
    """A requirement with "parts" is measured in its parts (two or more, each with its own
    measurement); any other requirement by its own measure."""
    parts = reading.given.get("parts")
    if parts is None:
        _measure_needs(reading)
        return
    given = sorted(key for key in MEASUREMENT_KEYS if reading.given.get(key) not in (None, ""))
    measure = reading.given.get("measure")
    if given and given != ["measure"] or measure not in (None, "", Requirement.Measure.PARTS):
        reading.refuse(
            "parts",
            _('et krav med "parts" måles i sine dele; flyt %(keys)s ned i hver del')
            % {"keys": ", ".join(f'"{key}"' for key in given)},
        )
    if not isinstance(parts, list):
        reading.refuse("parts", _('"%(key)s" skal være en liste') % {"key": "parts"})
        parts = []
    if len(parts) < 2:
        reading.refuse("parts", _('"parts" skal have mindst to dele (ellers mål kravet direkte)'))
    reading.typed["measure"] = Requirement.Measure.PARTS


def _within_goal_quarters(reading):
    """A requirement's own quarters are among its goal's (the context's "goal_quarters")."""
    goal_quarters = reading.context.get("goal_quarters")
    own = reading.typed.get("reporting_quarters") or ""
    if not goal_quarters:
        return
    outside = set(own) - set(goal_quarters)
    if outside:
        reading.refuse(
            "reporting_quarters",
            _(
                '"reporting_quarters": %(outside)s. kvartal er ikke et af målets '
                "afrapporteringskvartaler (%(goal)s)"
            )
            % {"outside": ", ".join(sorted(outside)), "goal": ", ".join(goal_quarters)},
        )


def _part_measure(reading):
    """A part is a threshold unless it says otherwise, and measured by a number."""
    if reading.typed["measure"] not in NUMERIC_MEASURES:
        reading.refuse("measure", _('en del måles med "threshold" eller "cumulative"'))
    reading.typed["text"] = reading.typed.get("label", "")


def _series_year_unique(reading):
    year = reading.typed.get("year")
    if year in reading.context.get("sibling_years", ()):
        reading.refuse("year", _("året %(y)s står to gange") % {"y": year})


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
            None,
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


MEASUREMENT_KEYS = {
    "measure", "comparator", "target", "unit", "unit_text", "figure", "decimals", "scale",
    "quarter_targets",
}  # fmt: skip

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
        rules=(_sibling_number(lambda: _('nummeret "%(n)s" står to gange')),),
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
            _group_code_letters,
            _sibling_number(
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
                checks=(_percent("status_tolerance"),),
            ),
            Field("scoring.method", CHOICE, Plan, "scoring_method"),
            Field("scoring.partial_score", INTEGER, Plan, "partial_score", minimum=0, maximum=100),
            _text(Plan, "scoring.note", "scoring_note"),
        ),
        rules=(_plan_period,),
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
        rules=(_known_beacon, _section_title_unique, _section_number_unique),
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
            Field("weight", DECIMAL, Goal, "weight", checks=(_greater_than_zero("weight"),)),
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
            _known_group_goal,
            _sibling_number(lambda: _('målnummeret "%(n)s" står to gange i %(parent)s')),
        ),
        final_rules=(_fulfilment_count,),
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
            _figure_and_decimals,
            _parts_or_measure,
            _sibling_number(lambda: _('kravnummeret "%(n)s" står to gange i målet')),
            _within_goal_quarters,
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
            _figure_and_decimals,
            _part_measure,
            _measure_needs,
            _sibling_number(
                lambda: _('delen "%(n)s" står to gange'), key="label", context_key="sibling_labels"
            ),
        ),
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
        rules=(_series_year_unique,),
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
        if spec.required and values.get(spec.key) in (None, ""):
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
        requirement has those rows, edited apart, so a cumulative or series measure has them);
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
    return names


__all__ = ["LEVELS", "Field", "Level", "Message", "check_values", "finish", "read"]
