"""Reading a plan file's bytes into plain data: UTF-8, YAML (or JSON), and numbers as people
write them.

A plan file is transcribed from a printed Danish plan, so a number in quotes is read the
Danish way ("1.000" is a thousand, "13,75" is thirteen and three quarters). YAML itself would
read an unquoted 1.000 as one; since a transcriber may well have meant a thousand, such a
number is refused with a message rather than guessed. A key written twice in one mapping is
refused too: YAML would quietly keep the last.
"""

import re
from decimal import Decimal, InvalidOperation

import yaml
from django.utils.translation import gettext as _

from goals.numbers import parse_number
from goals.planfile.problems import PlanFileError, Problem


class PrintedFloat(float):
    """A YAML float that remembers how it was written, so 4.0 keeps its decimal and 1.000
    can be told apart from 1.0."""

    text: str

    def __new__(cls, value, text):
        number = super().__new__(cls, value)
        number.text = text
        return number


class DuplicateKey(yaml.MarkedYAMLError):
    """A mapping names the same key twice."""

    def __init__(self, key, mark):
        super().__init__(problem=str(key), problem_mark=mark)
        self.key = key


class _PlanLoader(yaml.SafeLoader):
    """YAML's safe loader, keeping floats as written and refusing duplicate keys."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _value in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=deep)
                try:
                    if key in seen:
                        raise DuplicateKey(key, key_node.start_mark)
                    seen.add(key)
                except TypeError:
                    pass  # an unhashable key; construct_mapping says so itself
        return super().construct_mapping(node, deep=deep)


def _construct_float(loader, node):
    value = loader.construct_yaml_float(node)
    return PrintedFloat(value, str(node.value)) if isinstance(value, float) else value


_PlanLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def _where(mark):
    if mark is None:
        return ""
    return _("linje %(line)d, kolonne %(col)d") % {"line": mark.line + 1, "col": mark.column + 1}


def parse_plan_text(raw):
    """Decode and parse a plan file's bytes; raise PlanFileError if that is not possible."""
    if isinstance(raw, bytes):
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PlanFileError(
                [
                    Problem(
                        "",
                        _(
                            "filen er ikke UTF-8 (ugyldig byte ved position %(pos)d). "
                            "Gem den som UTF-8 og prøv igen."
                        )
                        % {"pos": exc.start},
                    )
                ]
            ) from exc
    try:
        data = yaml.load(raw, Loader=_PlanLoader)  # a SafeLoader: no Python objects
    except DuplicateKey as exc:
        message = _('"%(key)s" står to gange i samme afsnit af filen; skriv den kun én gang') % {
            "key": exc.key
        }
        raise PlanFileError([Problem(_where(exc.problem_mark), message)]) from exc
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise PlanFileError(
            [
                Problem(
                    _where(getattr(exc, "problem_mark", None)),
                    _("filen er ikke gyldig YAML/JSON: %(problem)s") % {"problem": problem},
                )
            ]
        ) from exc
    if not isinstance(data, dict):
        raise PlanFileError([Problem("", _("filen skal indeholde en plan (en YAML-mapping)."))])
    return data


# An unquoted number with one point and three digits after it: 1.000, 12.500 (but not 0.500).
AMBIGUOUS = re.compile(r"[-+]?[1-9]\d{0,2}\.\d{3}")

NOT_A_NUMBER = "not a number"
AMBIGUOUS_NUMBER = "ambiguous"


def read_number(value):
    """A number from a plan file and "", or None and why it is not one.

    95 and 4.0 are read as YAML writes numbers, keeping their decimals as written; text in
    quotes is read the Danish way: "95,5", "13,75", "1.000", "12.000,5". An unquoted 1.000 is
    ambiguous (one in YAML, a thousand as printed) and refused.
    """
    if isinstance(value, bool) or value is None:
        return None, NOT_A_NUMBER
    if isinstance(value, int):
        return Decimal(value), ""
    if isinstance(value, float):
        text = getattr(value, "text", repr(value)).replace("_", "")
        if AMBIGUOUS.fullmatch(text):
            return None, AMBIGUOUS_NUMBER
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = Decimal(repr(float(value)))
    elif isinstance(value, str):
        try:
            number = parse_number(value, danish=True)
        except ValueError:
            return None, NOT_A_NUMBER
    else:
        return None, NOT_A_NUMBER
    if not number.is_finite():
        return None, NOT_A_NUMBER
    return number, ""


def places(number):
    """How many decimals a number was written with: 2 for 13,75, 1 for 4,0, 0 for 95."""
    return max(0, -number.as_tuple().exponent)
