"""Reading a plan file's bytes into plain data: UTF-8, YAML (or JSON), and numbers as people
write them.

A plan file is transcribed from a printed Danish plan, so a number in quotes is read the
Danish way ("1.000" is a thousand, "13,75" is thirteen and three quarters). YAML itself would
read an unquoted 1.000 as one; since a transcriber may well have meant a thousand, such a
number is refused with a message rather than guessed. A key written twice in one mapping is
refused too: YAML would quietly keep the last.

A plan file is plain data, so whatever YAML offers beyond that is refused while the file is
composed, before anything is built from it: anchors and aliases (a few hundred bytes of nested
aliases expand to gigabytes), merge keys, tags other than the plain types, nesting deeper than
the format goes, more values than any plan has, integers longer than any field holds, and dates
that do not exist. Each is a problem with its line, as is anything else that keeps the file from
being read.
"""

import logging
import re
from decimal import Decimal, InvalidOperation

import yaml
from django.utils.translation import gettext as _

from goals.limits import PLAN_FILE_BYTES
from goals.numbers import parse_number
from goals.planfile.problems import PlanFileError, Problem, shown

logger = logging.getLogger(__name__)

# The format's deepest value lies ten levels down (the plan, sections, a section, goals, a goal,
# requirements, a requirement, parts, a part, its scale or quarter targets); a little slack.
MAX_DEPTH = 20
# The largest reference plan has some 600 values (texts, numbers, lists, mappings); a file with
# far more is not a plan, and reading it would hold a worker for long.
MAX_NODES = 50_000
# More digits than any number field holds (14 in all); a longer integer is refused unread.
MAX_INTEGER_DIGITS = 15
# YAML's plain types: the only tags a plan file may carry, written or implied.
PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}


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


class Refused(yaml.MarkedYAMLError):
    """Something YAML allows but a plan file may not hold; `message` says what, for a reader."""

    def __init__(self, message, mark):
        super().__init__(problem=message, problem_mark=mark)
        self.message = message


class Mapping(dict):
    """A mapping read from a plan file; `lines` holds the line each key is written on."""

    lines: dict


class _PlanLoader(yaml.SafeLoader):
    """YAML's safe loader for plain data only: floats kept as written, and duplicate keys,
    anchors, aliases, merge keys, other tags, deep nesting, overlong integers and impossible
    dates refused."""

    def __init__(self, stream):
        super().__init__(stream)
        self.depth = 0
        self.nodes = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise Refused(
                _("Filen bruger YAML-ankre/aliaser (&/*), som planformatet ikke tillader"),
                event.start_mark,
            )
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and tag not in PLAIN_TAGS:
            raise Refused(
                _(
                    "Filen bruger YAML-mærket %(tag)s, som planformatet ikke tillader; "
                    "skriv værdien som almindelig tekst, tal eller liste"
                )
                % {"tag": shown(tag.replace("tag:yaml.org,2002:", "!!"))},
                event.start_mark,
            )
        if self.depth >= MAX_DEPTH:
            raise Refused(
                _("Filen er indlejret dybere end planformatet tillader (højst %(max)d niveauer)")
                % {"max": MAX_DEPTH},
                event.start_mark,
            )
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise Refused(
                _(
                    "Filen har flere end %(max)s værdier (tekster, tal, lister); så mange har "
                    "ingen plan"
                )
                % {"max": f"{MAX_NODES:,}".replace(",", ".")},
                event.start_mark,
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def flatten_mapping(self, node):
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise Refused(
                    _("Filen bruger YAML-fletning (<<), som planformatet ikke tillader"),
                    key_node.start_mark,
                )
        super().flatten_mapping(node)

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
            seen = set()
            for key_node, _value in node.value:
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


def _construct_int(loader, node):
    digits = str(node.value).replace("_", "").lstrip("+-")
    if len(digits) > MAX_INTEGER_DIGITS:
        raise Refused(
            _("tallet %(value)s har flere end %(max)d cifre; så store tal holder planen ikke")
            % {"value": shown(node.value), "max": MAX_INTEGER_DIGITS},
            node.start_mark,
        )
    return loader.construct_yaml_int(node)


def _construct_timestamp(loader, node):
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, OverflowError) as exc:
        raise Refused(
            _("%(value)s er ikke en dato, der findes (skriv ÅÅÅÅ-MM-DD)")
            % {"value": shown(node.value)},
            node.start_mark,
        ) from exc


def _construct_map(loader, node):
    data = Mapping()
    data.lines = {}
    yield data
    data.update(loader.construct_mapping(node))
    for key_node, _value in node.value:
        key = loader.construct_object(key_node)
        try:
            data.lines.setdefault(key, key_node.start_mark.line + 1)
        except TypeError:
            pass


_PlanLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_PlanLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_PlanLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_PlanLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
# A lone "=" is YAML's obscure "value" type; in a plan file it is just the text "=".
_PlanLoader.add_constructor("tag:yaml.org,2002:value", yaml.SafeLoader.construct_yaml_str)


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
            "key": shown(exc.key)
        }
        raise PlanFileError([Problem(_where(exc.problem_mark), message)]) from exc
    except Refused as exc:
        raise PlanFileError([Problem(_where(exc.problem_mark), exc.message)]) from exc
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise PlanFileError(
            [
                Problem(
                    _where(getattr(exc, "problem_mark", None)),
                    _("filen er ikke gyldig YAML/JSON: %(problem)s")
                    % {"problem": shown(problem, 300)},
                )
            ]
        ) from exc
    except Exception as exc:  # noqa: BLE001 - whatever else stops PyYAML is the file's problem
        logger.warning("Plan file could not be read: %r", exc, exc_info=True)
        raise PlanFileError(
            [Problem("", _("Filen kan ikke læses (%(error)s)") % {"error": type(exc).__name__})]
        ) from exc
    if not isinstance(data, dict):
        raise PlanFileError([Problem("", _("filen skal indeholde en plan (en YAML-mapping)."))])
    return data


def too_large(limit=PLAN_FILE_BYTES):
    """The message for a file over `limit` bytes."""
    return _("Filen er for stor: den må højst fylde %(limit)s (%(bytes)s bytes).") % {
        "limit": f"{limit / 1024 / 1024:g} MB".replace(".", ","),
        "bytes": f"{limit:,}".replace(",", "."),
    }


def read_at_most(handle, limit=PLAN_FILE_BYTES):
    """Read a plan file from an open file or upload, never more than limit + 1 bytes; raise
    PlanFileError if it is larger than `limit`."""
    raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise PlanFileError([Problem("", too_large(limit))])
    return raw


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
