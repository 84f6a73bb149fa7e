"""Reading one value of a plan as its kind says: a text within its limit, a choice, a whole
number, a number written the Danish way, a date, a set of quarters, a scale...

Each reader takes the `Reading` of a level, the field's description (`goals.planfile.schema`)
and the value as the file or a form gives it; it returns the typed value, or None when the
value is missing or refused, and says why on the reading.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from goals.limits import control_character, describe
from goals.models import quarters_to_text
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

# A requirement's rows, which a form may edit apart from the requirement.
ROWS = ("quarter_targets", "series")


@dataclass(frozen=True)
class Message:
    """A message about one key of a level ("" for the level itself).

    `at_line`: the file checker puts the line the key is written on beside it; `inside`: a
    further place within the key ("> quarter_targets[2]")."""

    key: str
    text: str
    at_line: bool = False
    inside: str = ""


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
        """Whether a value is given for `key`; for rows the editor keeps apart (a requirement's
        quarter targets and series), whether the context says the requirement has them."""
        if self.given.get(key) not in (None, "", [], {}):
            return True
        return key in ROWS and bool(self.context.get(key))

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
    if spec.max_length is not None and len(value) > spec.max_length:
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
            spec,
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
