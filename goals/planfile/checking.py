"""Checking a parsed plan file and turning it into typed data, every problem listed."""

import datetime
import logging
import re
from decimal import Decimal

from django.db import DatabaseError
from django.utils.translation import gettext as _

from goals.limits import PLAN_TEXT, control_character, describe
from goals.models import Goal, Institution, Ministry, Plan, Requirement, Section, quarters_to_text
from goals.models.plans import default_figure_kind
from goals.planfile.importing import replace_refused
from goals.planfile.problems import PlanFileError, Problem, shown, shown_repr
from goals.planfile.reading import AMBIGUOUS_NUMBER, parse_plan_text, places, read_number

FORMAT = "mrplan-plan/1"

# A scale in a requirement's words or its "scale" key: "skala fra 1-5", "1 til 5", "1-5".
SCALE_IN_WORDS = re.compile(r"skala fra (\d+(?:,\d+)?)\s*(?:-|–|til)\s*(\d+(?:,\d+)?)", re.I)
SCALE_WRITTEN = re.compile(r"(\d+(?:,\d+)?)\s*(?:-|–|til)\s*(\d+(?:,\d+)?)")

MAX_DIGITS = 14
DECIMAL_PLACES = 4
# More problems than anyone reads; the rest are counted, not listed.
MAX_PROBLEMS = 200

logger = logging.getLogger(__name__)


def read_plan_file(raw, *, replace=False):
    """Parse and check a plan file; return the checked data or raise PlanFileError."""
    data = parse_plan_text(raw)
    checker = _Checker(replace=replace)
    try:
        checked = checker.check(data)
    except DatabaseError:
        raise
    except Exception as exc:
        # A fault in the checking itself, not in the file: the reader gets a problem, and the
        # log gets the traceback so that it is fixed, not hidden.
        logger.exception("Checking a plan file failed")
        raise PlanFileError(
            [Problem("", _("Filen kan ikke læses (%(error)s)") % {"error": type(exc).__name__})]
        ) from exc
    if checker.problems:
        problems = checker.problems
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            problems = problems[:MAX_PROBLEMS] + [
                Problem("", _("... og %(count)d problemer mere") % {"count": more})
            ]
        raise PlanFileError(problems)
    return checked


def _line(obj, key, where):
    """`where`, with the line `key` is written on in the file when it is known."""
    line = getattr(obj, "lines", {}).get(key)
    if line is None:
        return where
    at = _("linje %(line)d") % {"line": line}
    return f"{where} ({at})" if where else at


class _Checker:
    """Walks a parsed plan file, collecting problems and building typed data."""

    def __init__(self, *, replace):
        self.replace = replace
        self.problems = []

    def problem(self, where, message):
        self.problems.append(Problem(where, message))

    # -- generic field readers --

    def fields(self, obj, where, known, required=()):
        """Check that `obj` is a mapping with only known keys and every required key."""
        if not isinstance(obj, dict):
            self.problem(where, _("skal være en mapping (nøgle: værdi)."))
            return None
        for key in obj:
            if key not in known:
                self.problem(
                    _line(obj, key, where),
                    _('ukendt felt "%(key)s" (kendte felter: %(known)s)')
                    % {"key": shown(key), "known": ", ".join(sorted(known))},
                )
        for key in required:
            if obj.get(key) in (None, ""):
                self.problem(where, _('"%(key)s" mangler') % {"key": key})
        return obj

    def text(self, obj, key, where, *, max_length=PLAN_TEXT, label_numbers=False):
        """A text; `max_length` is its model field's, or PLAN_TEXT for prose."""
        value = obj.get(key)
        if value is None:
            return ""
        where = _line(obj, key, where)
        if isinstance(value, bool) or isinstance(value, (dict, list)):
            self.problem(where, _('"%(key)s" skal være tekst') % {"key": key})
            return ""
        if isinstance(value, float):
            if label_numbers:
                self.problem(
                    where,
                    _('"%(key)s" skal være tekst: sæt anførselstegn om, fx "%(value)s"')
                    % {"key": key, "value": value},
                )
                return ""
            value = repr(value)
        value = str(value).strip()
        found = control_character(value)
        if found is not None:
            self.problem(
                where,
                _(
                    '"%(key)s" indeholder et usynligt styretegn (%(character)s), som ikke kan '
                    "gemmes; slet det"
                )
                % {"key": key, "character": describe(found)},
            )
            return ""
        if len(value) > max_length:
            self.problem(
                where,
                _('"%(key)s" er for lang (højst %(max)d tegn, her %(len)d)')
                % {"key": key, "max": max_length, "len": len(value)},
            )
            return ""
        return value

    def integer(self, obj, key, where, *, minimum=None, maximum=None):
        value = obj.get(key)
        if value is None:
            return None
        where = _line(obj, key, where)
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, str) and re.fullmatch(r"[0-9]{1,15}", value.strip()):
                value = int(value.strip())
            else:
                self.problem(where, _('"%(key)s" skal være et helt tal') % {"key": key})
                return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.problem(
                where,
                _('"%(key)s" skal ligge mellem %(min)s og %(max)s (her %(value)s)')
                % {"key": key, "min": minimum, "max": maximum, "value": value},
            )
            return None
        return value

    def boolean(self, obj, key, where):
        value = obj.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(where, _('"%(key)s" skal være true eller false') % {"key": key})
            return False
        return value

    def decimal(self, obj, key, where):
        value = obj.get(key)
        if value is None or value == "":
            return None
        where = _line(obj, key, where)
        number, why = read_number(value)
        if why == AMBIGUOUS_NUMBER:
            self.problem(
                where,
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
            )
            return None
        if number is None:
            self.problem(
                where,
                _(
                    '"%(key)s" skal være et tal, fx 95, "13,75" eller "1.000" (skrevet som i '
                    "planen: komma som decimaltegn, punktum mellem tusinder)"
                )
                % {"key": key},
            )
            return None
        whole_digits = number.adjusted() + 1  # digits before the decimal point
        if places(number) > DECIMAL_PLACES or whole_digits > MAX_DIGITS - DECIMAL_PLACES:
            self.problem(
                where,
                _('"%(key)s" har for mange cifre (højst %(int)d før og %(dec)d efter kommaet)')
                % {"key": key, "int": MAX_DIGITS - DECIMAL_PLACES, "dec": DECIMAL_PLACES},
            )
            return None
        return number

    def date(self, obj, key, where):
        value = obj.get(key)
        if value is None or value == "":
            return None
        where = _line(obj, key, where)
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(
            where,
            _('"%(key)s" skal være en dato som ÅÅÅÅ-MM-DD (her %(value)r)')
            % {
                "key": key,
                "value": shown_repr(value),
            },
        )
        return None

    def choice(self, obj, key, where, choices, *, default="", allow_blank=False):
        value = obj.get(key)
        if value is None or value == "":
            if default or allow_blank:
                return default
            return ""
        lookup = {}
        for choice_value, label in choices.choices:
            lookup[str(choice_value).lower()] = choice_value
            lookup[str(label).lower()] = choice_value
        found = lookup.get(str(value).strip().lower())
        if found is None:
            self.problem(
                _line(obj, key, where),
                _('ukendt %(key)s "%(value)s" (gyldige: %(valid)s)')
                % {"key": key, "value": shown(value), "valid": ", ".join(choices.values)},
            )
            return ""
        return found

    def quarters(self, obj, key, where, *, default):
        value = obj.get(key)
        if value is None:
            return default
        if isinstance(value, int) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list) or not value:
            self.problem(
                where, _('"%(key)s" skal være en liste af kvartaler, fx [2, 4]') % {"key": key}
            )
            return default
        result = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int):
                self.problem(
                    where,
                    _('"%(key)s": %(item)r er ikke et kvartal (1-4)')
                    % {"key": key, "item": shown_repr(item)},
                )
                continue
            if not 1 <= item <= 4:
                self.problem(
                    where,
                    _('"%(key)s": kvartal %(item)d findes ikke (1-4)') % {"key": key, "item": item},
                )
                continue
            if item in result:
                self.problem(
                    where,
                    _('"%(key)s": kvartal %(item)d står to gange') % {"key": key, "item": item},
                )
                continue
            result.append(item)
        return quarters_to_text(result) if result else default

    def items(self, obj, key, where):
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(where, _('"%(key)s" skal være en liste') % {"key": key})
            return []
        return value

    # -- the plan --

    def check(self, data):
        top = self.fields(
            data,
            "",
            {"format", "ministry", "institution", "plan", "sections", "goals"},
            required=("format", "ministry", "institution", "plan"),
        )
        if top.get("format") not in (None, "") and top.get("format") != FORMAT:
            self.problem(
                "format",
                _('ukendt format "%(value)s" (forventet "%(format)s")')
                % {"value": shown(top.get("format")), "format": FORMAT},
            )
        ministry = self.check_ministry(top.get("ministry") or {})
        institution = self.check_institution(top.get("institution") or {})
        plan = self.check_plan(top.get("plan") or {})

        beacon_numbers = {b["number"] for b in ministry["beacons"]}
        group_codes = {g["code"] for g in ministry["group_goals"]}
        existing = Ministry.objects.filter(short_name=ministry["short_name"]).first()
        if existing:
            beacon_numbers |= set(existing.beacons.values_list("number", flat=True))
            group_codes |= set(existing.group_goals.values_list("code", flat=True))

        sections = []
        titles, numbers = set(), set()
        for index, raw in enumerate(self.items(top, "sections", "sections"), start=1):
            section = self.check_section(raw, index, beacon_numbers, group_codes, plan)
            if section is None:
                continue
            where = section["where"]
            if section["title"] in titles:
                self.problem(
                    where, _('titlen "%(title)s" står to gange') % {"title": section["title"]}
                )
            titles.add(section["title"])
            key = (section["kind"], section["number"])
            if section["number"] and key in numbers:
                self.problem(where, _('nummeret "%(n)s" står to gange') % {"n": section["number"]})
            numbers.add(key)
            sections.append(section)
        loose_goals = self.check_goals(
            top, "", beacon_numbers, group_codes, plan, parent_where=_("uden pejlemærke")
        )
        if not sections and not loose_goals:
            self.problem("", _("planen har ingen mål"))

        self.check_not_existing(ministry, institution, plan)
        return {
            "ministry": ministry,
            "institution": institution,
            "plan": plan,
            "sections": sections,
            "goals": loose_goals,
        }

    def check_ministry(self, raw):
        where = "ministry"
        obj = (
            self.fields(
                raw,
                where,
                {"short_name", "name", "vision", "values", "beacons", "group_goals"},
                required=("short_name", "name"),
            )
            or {}
        )
        ministry = {
            "short_name": self.text(obj, "short_name", where, max_length=30, label_numbers=True),
            "name": self.text(obj, "name", where, max_length=200, label_numbers=True),
            "vision": self.text(obj, "vision", where),
            "values": self.text(obj, "values", where),
            "beacons": [],
            "group_goals": [],
        }
        seen = set()
        for index, item in enumerate(self.items(obj, "beacons", where), start=1):
            bwhere = f"ministry.beacons[{index}]"
            b = self.fields(item, bwhere, {"number", "title", "text"}, required=("number", "title"))
            if b is None:
                continue
            number = self.text(b, "number", bwhere, max_length=20, label_numbers=True)
            if number in seen:
                self.problem(bwhere, _('nummeret "%(n)s" står to gange') % {"n": number})
            seen.add(number)
            ministry["beacons"].append(
                {
                    "number": number,
                    "order": index,
                    "title": self.text(b, "title", bwhere, max_length=300),
                    "text": self.text(b, "text", bwhere),
                }
            )
        seen = set()
        for index, item in enumerate(self.items(obj, "group_goals", where), start=1):
            gwhere = f"ministry.group_goals[{index}]"
            g = self.fields(
                item, gwhere, {"code", "title", "description"}, required=("code", "title")
            )
            if g is None:
                continue
            code = self.text(g, "code", gwhere, max_length=50, label_numbers=True)
            if code and not re.fullmatch(r"[-a-zA-Z0-9_]+", code):
                self.problem(gwhere, _('"code" må kun bestå af bogstaver a-z, cifre, - og _'))
            if code in seen:
                self.problem(gwhere, _('koden "%(code)s" står to gange') % {"code": code})
            seen.add(code)
            ministry["group_goals"].append(
                {
                    "code": code,
                    "title": self.text(g, "title", gwhere, max_length=300),
                    "description": self.text(g, "description", gwhere),
                }
            )
        return ministry

    def check_institution(self, raw):
        where = "institution"
        obj = self.fields(raw, where, {"short_name", "name"}, required=("short_name", "name")) or {}
        return {
            "short_name": self.text(obj, "short_name", where, max_length=30, label_numbers=True),
            "name": self.text(obj, "name", where, max_length=200, label_numbers=True),
        }

    def check_plan(self, raw):
        where = "plan"
        known = {
            "year", "title", "valid_from", "valid_to", "introduction", "strategic_context",
            "vision", "narrative", "reporting", "scoring", "agreement", "signatories",
        }  # fmt: skip
        obj = self.fields(raw, where, known, required=("year", "title")) or {}
        year = self.integer(obj, "year", where, minimum=1990, maximum=2200)
        plan = {
            "year": year,
            "title": self.text(obj, "title", where, max_length=300),
            "valid_from": self.date(obj, "valid_from", where),
            "valid_to": self.date(obj, "valid_to", where),
            "introduction": self.text(obj, "introduction", where),
            "strategic_context": self.text(obj, "strategic_context", where),
            "vision": self.text(obj, "vision", where),
            "narrative": self.text(obj, "narrative", where),
            "agreement": self.text(obj, "agreement", where),
        }
        if year:
            plan["valid_from"] = plan["valid_from"] or datetime.date(year, 1, 1)
            plan["valid_to"] = plan["valid_to"] or datetime.date(year, 12, 31)
        if plan["valid_from"] and plan["valid_to"] and plan["valid_from"] > plan["valid_to"]:
            self.problem(where, _('"valid_from" ligger efter "valid_to"'))

        rwhere = "plan.reporting"
        reporting = (
            self.fields(
                obj.get("reporting") or {},
                rwhere,
                {"schedule", "quarters", "deadline_days", "status_tolerance", "template"},
            )
            or {}
        )
        plan["reporting_schedule"] = self.text(reporting, "schedule", rwhere)
        plan["follow_up_template"] = self.boolean(reporting, "template", rwhere)
        plan["reporting_quarters"] = self.quarters(reporting, "quarters", rwhere, default="1234")
        plan["deadline_days"] = self.integer(
            reporting, "deadline_days", rwhere, minimum=0, maximum=365
        )
        tolerance = self.decimal(reporting, "status_tolerance", rwhere)
        if tolerance is not None and not 0 <= tolerance <= 100:
            self.problem(rwhere, _('"status_tolerance" skal ligge mellem 0 og 100 (pct.)'))
            tolerance = None
        plan["status_tolerance"] = Decimal(5) if tolerance is None else tolerance

        swhere = "plan.scoring"
        scoring = (
            self.fields(obj.get("scoring") or {}, swhere, {"method", "partial_score", "note"}) or {}
        )
        plan["scoring_method"] = self.choice(
            scoring, "method", swhere, Plan.ScoringMethod, default=Plan.ScoringMethod.BINARY
        )
        partial = self.integer(scoring, "partial_score", swhere, minimum=0, maximum=100)
        plan["partial_score"] = 50 if partial is None else partial
        plan["scoring_note"] = self.text(scoring, "note", swhere)

        plan["signatories"] = []
        for index, item in enumerate(self.items(obj, "signatories", where), start=1):
            sw = f"plan.signatories[{index}]"
            s = self.fields(
                item,
                sw,
                {"name", "title", "organisation", "place", "date"},
                required=("name", "title"),
            )
            if s is None:
                continue
            plan["signatories"].append(
                {
                    "order": index,
                    "name": self.text(s, "name", sw, max_length=200),
                    "title": self.text(s, "title", sw, max_length=200),
                    "organisation": self.text(s, "organisation", sw, max_length=200),
                    "place": self.text(s, "place", sw, max_length=100),
                    "date": self.date(s, "date", sw),
                }
            )
        return plan

    def check_section(self, raw, index, beacon_numbers, group_codes, plan):
        title = raw.get("title") if isinstance(raw, dict) else None
        where = shown(title) if title else f"sections[{index}]"
        obj = self.fields(
            raw,
            where,
            {"kind", "number", "title", "text", "ministry_beacon", "goals"},
            required=("title",),
        )
        if obj is None:
            return None
        section = {
            "where": where,
            "order": index,
            "kind": self.choice(obj, "kind", where, Section.Kind, default=Section.Kind.BEACON),
            "number": self.text(obj, "number", where, max_length=20, label_numbers=True),
            "title": self.text(obj, "title", where, max_length=300),
            "text": self.text(obj, "text", where),
            "ministry_beacon": self.text(
                obj, "ministry_beacon", where, max_length=20, label_numbers=True
            ),
        }
        if section["ministry_beacon"] and section["ministry_beacon"] not in beacon_numbers:
            self.problem(
                where,
                _('"ministry_beacon": ministeriet har intet pejlemærke nr. "%(n)s"')
                % {"n": section["ministry_beacon"]},
            )
        section["goals"] = self.check_goals(obj, where, beacon_numbers, group_codes, plan)
        return section

    def check_goals(self, obj, where, beacon_numbers, group_codes, plan, parent_where=None):
        goals, numbers = [], set()
        for index, raw in enumerate(self.items(obj, "goals", where or "goals"), start=1):
            number = raw.get("number") if isinstance(raw, dict) else None
            label = (
                _("mål %(n)s") % {"n": shown(number, 20)}
                if number not in (None, "")
                else _("mål nr. %(i)d") % {"i": index}
            )
            gwhere = f"{where} > {label}" if where else label
            goal = self.check_goal(raw, gwhere, group_codes, plan)
            if goal is None:
                continue
            if goal["number"] and goal["number"] in numbers:
                self.problem(
                    gwhere,
                    _('målnummeret "%(n)s" står to gange i %(parent)s')
                    % {"n": goal["number"], "parent": where or parent_where},
                )
            numbers.add(goal["number"])
            goals.append(goal)
        return goals

    def check_goal(self, raw, where, group_codes, plan):
        known = {
            "number", "title", "kind", "result_type", "description", "success_text",
            "reporting", "fulfilment", "weight", "remarks", "group_goal", "requirements",
        }  # fmt: skip
        obj = self.fields(raw, where, known, required=("number", "title"))
        if obj is None:
            return None
        goal = {
            "where": where,
            "number": self.text(obj, "number", where, max_length=20, label_numbers=True),
            "title": self.text(obj, "title", where, max_length=300),
            "kind": self.choice(obj, "kind", where, Goal.Kind, allow_blank=True),
            "result_type": self.choice(
                obj, "result_type", where, Goal.ResultType, allow_blank=True
            ),
            "description": self.text(obj, "description", where),
            "success_text": self.text(obj, "success_text", where),
            "remarks": self.text(obj, "remarks", where),
            "group_goal": self.text(obj, "group_goal", where, max_length=50, label_numbers=True),
        }
        if goal["group_goal"] and goal["group_goal"] not in group_codes:
            self.problem(
                where,
                _('"group_goal": ministeriet har intet koncernfælles mål med koden "%(code)s"')
                % {"code": goal["group_goal"]},
            )
        weight = self.decimal(obj, "weight", where)
        if weight is not None and weight <= 0:
            self.problem(where, _('"weight" skal være større end 0'))
        goal["weight"] = weight

        rwhere = f"{where} > reporting"
        reporting = self.fields(obj.get("reporting") or {}, rwhere, {"quarters", "text"}) or {}
        goal["reporting_quarters"] = self.quarters(
            reporting, "quarters", rwhere, default=plan.get("reporting_quarters") or "1234"
        )
        goal["reporting_text"] = self.text(reporting, "text", rwhere, max_length=300)

        fwhere = f"{where} > fulfilment"
        fulfilment = self.fields(obj.get("fulfilment") or {}, fwhere, {"rule", "required"}) or {}
        goal["fulfilment_rule"] = self.choice(
            fulfilment, "rule", fwhere, Goal.FulfilmentRule, default=Goal.FulfilmentRule.ALL
        )
        required = self.integer(fulfilment, "required", fwhere, minimum=1, maximum=999)

        goal["requirements"] = []
        numbers = set()
        for index, item in enumerate(self.items(obj, "requirements", where), start=1):
            number = item.get("number") if isinstance(item, dict) else None
            label = (
                _("resultatkrav %(n)s") % {"n": shown(number, 20)}
                if number not in (None, "")
                else _("resultatkrav nr. %(i)d") % {"i": index}
            )
            req = self.check_requirement(item, f"{where} > {label}", index)
            if req is None:
                continue
            if req["number"] and req["number"] in numbers:
                self.problem(
                    f"{where} > {label}",
                    _('kravnummeret "%(n)s" står to gange i målet') % {"n": req["number"]},
                )
            numbers.add(req["number"])
            outside = set(req["reporting_quarters"]) - set(goal["reporting_quarters"])
            if outside:
                self.problem(
                    f"{where} > {label}",
                    _(
                        '"reporting_quarters": %(outside)s. kvartal er ikke et af målets '
                        "afrapporteringskvartaler (%(goal)s)"
                    )
                    % {
                        "outside": ", ".join(sorted(outside)),
                        "goal": ", ".join(goal["reporting_quarters"]),
                    },
                )
            goal["requirements"].append(req)

        if goal["fulfilment_rule"] == Goal.FulfilmentRule.AT_LEAST:
            total = len(goal["requirements"])
            if required is None:
                self.problem(fwhere, _('reglen "at_least" kræver "required" (K i K af N)'))
            elif required > total:
                self.problem(
                    fwhere,
                    _("K er større end N: %(k)d af %(n)d resultatkrav kan ikke kræves")
                    % {"k": required, "n": total},
                )
            goal["required_count"] = required
        else:
            if required is not None:
                self.problem(fwhere, _('"required" bruges kun med reglen "at_least"'))
            goal["required_count"] = None
        return goal

    # The keys that say how a number is measured: a requirement's, or each of its parts'.
    MEASUREMENT_KEYS = {
        "measure", "comparator", "target", "unit", "unit_text", "figure", "decimals", "scale",
        "quarter_targets",
    }  # fmt: skip

    def check_requirement(self, raw, where, index):
        known = self.MEASUREMENT_KEYS | {
            "number", "text", "deadline", "deadline_text", "reference", "reference_value",
            "series", "reporting_quarters", "precondition", "parts",
        }  # fmt: skip
        obj = self.fields(raw, where, known, required=("text",))
        if obj is None:
            return None
        req = {
            "order": index,
            "number": self.text(obj, "number", where, max_length=20, label_numbers=True),
            "text": self.text(obj, "text", where),
            **self.check_measurement(obj, where),
            "deadline": self.date(obj, "deadline", where),
            "deadline_text": self.text(obj, "deadline_text", where, max_length=200),
            "reference": self.text(obj, "reference", where, max_length=300),
            "reference_value": self.decimal(obj, "reference_value", where),
            "reporting_quarters": self.quarters(obj, "reporting_quarters", where, default=""),
            "precondition": self.text(obj, "precondition", where),
        }

        req["series"] = []
        years = set()
        for i, item in enumerate(self.items(obj, "series", where), start=1):
            sw = f"{where} > series[{i}]"
            s = self.fields(
                item, sw, {"year", "target", "target_text", "result", "result_text"}, ("year",)
            )
            if s is None:
                continue
            year = self.integer(s, "year", sw, minimum=1990, maximum=2200)
            if year in years:
                self.problem(sw, _("året %(y)s står to gange") % {"y": year})
            years.add(year)
            req["series"].append(
                {
                    "year": year,
                    "target_value": self.decimal(s, "target", sw),
                    "target_text": self.text(s, "target_text", sw, max_length=200),
                    "result_value": self.decimal(s, "result", sw),
                    "result_text": self.text(s, "result_text", sw, max_length=200),
                }
            )

        req["parts"] = []
        if obj.get("parts") is not None:
            req["parts"] = self.check_parts(obj, where)
            req["measure"] = Requirement.Measure.PARTS
        else:
            self.check_measure(req, obj, where)
        return req

    def check_parts(self, obj, where):
        """A requirement with two or more thresholds in one sentence: each part's measurement."""
        given = sorted(key for key in self.MEASUREMENT_KEYS if obj.get(key) not in (None, ""))
        if given and given != ["measure"] or obj.get("measure") not in (None, "", "parts"):
            self.problem(
                where,
                _('et krav med "parts" måles i sine dele; flyt %(keys)s ned i hver del')
                % {"keys": ", ".join(f'"{key}"' for key in given)},
            )
        items = self.items(obj, "parts", where)
        if len(items) < 2:
            self.problem(where, _('"parts" skal have mindst to dele (ellers mål kravet direkte)'))
        parts, labels = [], set()
        for index, item in enumerate(items, start=1):
            pwhere = f"{where} > parts[{index}]"
            part = self.fields(item, pwhere, self.MEASUREMENT_KEYS | {"label"}, ("label",))
            if part is None:
                continue
            label = self.text(part, "label", pwhere, max_length=100, label_numbers=True)
            if label in labels:
                self.problem(pwhere, _('delen "%(label)s" står to gange') % {"label": label})
            labels.add(label)
            if part.get("measure") in (None, ""):
                part = {**part, "measure": Requirement.Measure.THRESHOLD}
            measurement = self.check_measurement(part, pwhere)
            if measurement["measure"] not in (
                Requirement.Measure.THRESHOLD,
                Requirement.Measure.CUMULATIVE,
            ):
                self.problem(pwhere, _('en del måles med "threshold" eller "cumulative"'))
            self.check_measure(measurement, part, pwhere)
            parts.append({"order": index, "label": label, "text": label, **measurement})
        return parts

    def check_measurement(self, obj, where):
        """How a number is measured: measure, comparator, target, unit and its words, how the
        figure runs through the year, its decimals and scale, quarter targets."""
        M = Requirement.Measure
        measurement = {
            "measure": self.choice(obj, "measure", where, M, default=M.TEXT),
            "comparator": self.choice(
                obj, "comparator", where, Requirement.Comparator, allow_blank=True
            ),
            "target_value": self.decimal(obj, "target", where),
            "unit": self.choice(obj, "unit", where, Requirement.Unit, allow_blank=True),
            "unit_text": self.text(obj, "unit_text", where, max_length=100),
            "quarter_targets": self.quarter_targets(obj, where),
        }
        numeric = measurement["measure"] in (M.THRESHOLD, M.CUMULATIVE)
        figure = self.choice(obj, "figure", where, Requirement.FigureKind, allow_blank=True)
        if figure and not numeric:
            self.problem(
                where, _('"figure" gælder kun krav, der måles med et tal (threshold, cumulative)')
            )
        if numeric and not figure:
            figure = default_figure_kind(
                measurement["measure"], measurement["unit"], measurement["comparator"]
            )
        measurement["figure_kind"] = figure if numeric else ""

        printed = [measurement["target_value"]] + [
            t["target_value"] for t in measurement["quarter_targets"]
        ]
        decimals = self.integer(obj, "decimals", where, minimum=0, maximum=DECIMAL_PLACES)
        if decimals is None:
            decimals = max((places(n) for n in printed if n is not None), default=0)
        measurement["decimals"] = decimals

        scale = self.scale(obj, where, measurement["unit_text"])
        measurement["scale_min"], measurement["scale_max"] = scale
        return measurement

    def quarter_targets(self, obj, where):
        targets = obj.get("quarter_targets")
        found = []
        if targets is None:
            return found
        if not isinstance(targets, dict):
            self.problem(where, _('"quarter_targets" skal være en mapping, fx {1: 1000, 2: 3000}'))
            return found
        for quarter, value in targets.items():
            if isinstance(quarter, str) and re.fullmatch(r"\s*[0-9]{1,2}\s*", quarter):
                quarter = int(quarter)
            if isinstance(quarter, bool) or not isinstance(quarter, int) or not 1 <= quarter <= 4:
                self.problem(
                    where,
                    _('"quarter_targets": kvartal %(q)s findes ikke (1-4)') % {"q": shown(quarter)},
                )
                continue
            number = self.decimal(
                {"target": value}, "target", f"{where} > quarter_targets[{quarter}]"
            )
            if number is not None:
                found.append({"quarter": quarter, "target_value": number})
        return found

    def scale(self, obj, where, unit_text):
        """A score's scale, from "scale" ([1, 5] or "1-5"), else from the unit's words ("på en
        skala fra 1-5"); (None, None) without one."""
        value = obj.get("scale")
        if value is None:
            found = SCALE_IN_WORDS.search(unit_text or "")
            value = [found[1], found[2]] if found else None
            if value is None:
                return None, None
        if isinstance(value, str):
            found = SCALE_WRITTEN.fullmatch(value.strip())
            value = [found[1], found[2]] if found else None
        if not isinstance(value, list) or len(value) != 2:
            self.problem(where, _('"scale" skal være skalaens to ender, fx [1, 5] eller "1-5"'))
            return None, None
        low = self.decimal({"scale": value[0]}, "scale", where)
        high = self.decimal({"scale": value[1]}, "scale", where)
        if low is None or high is None:
            return None, None
        if low >= high:
            self.problem(where, _('"scale": skalaen skal gå fra et lavere til et højere tal'))
            return None, None
        return low, high

    def check_measure(self, req, obj, where):
        M = Requirement.Measure
        measure = req["measure"]
        needs = {
            M.THRESHOLD: ("comparator", "target", "unit"),
            M.RELATIVE: ("reference", "comparator"),
            M.CUMULATIVE: ("comparator", "unit", "quarter_targets"),
            M.SERIES: ("unit", "series"),
        }.get(measure, ())
        names = {
            M.THRESHOLD: _("en tærskel"),
            M.RELATIVE: _("et relativt mål"),
            M.CUMULATIVE: _("kumulative kvartalsmål"),
            M.SERIES: _("en flerårig serie"),
        }
        for key in needs:
            if obj.get(key) in (None, "", [], {}):
                self.problem(
                    where,
                    _('"%(key)s" mangler (%(measure)s skal have "%(key)s")')
                    % {"key": key, "measure": names[measure]},
                )
        if measure == M.MILESTONE and not (obj.get("deadline") or obj.get("deadline_text")):
            self.problem(where, _('"deadline" mangler (en milepæl skal have en frist)'))

    def check_not_existing(self, ministry, institution, plan):
        short_name, name = institution["short_name"], institution["name"]
        found = Institution.objects.filter(short_name=short_name).first()
        if found is None and name and Institution.objects.filter(name=name).exists():
            self.problem(
                "institution",
                _('en anden institution hedder allerede "%(name)s"') % {"name": name},
            )
        m_found = Ministry.objects.filter(short_name=ministry["short_name"]).exists()
        if not m_found and Ministry.objects.filter(name=ministry["name"]).exists():
            self.problem(
                "ministry",
                _('et andet ministerium hedder allerede "%(name)s"') % {"name": ministry["name"]},
            )
        existing = (
            Plan.objects.filter(institution=found, year=plan["year"]).first()
            if found and plan.get("year")
            else None
        )
        if existing and not self.replace:
            self.problem(
                "plan",
                _("%(inst)s har allerede en plan for %(year)d. Brug --replace for at erstatte den.")
                % {"inst": short_name, "year": plan["year"]},
            )
        elif existing and existing.has_reported_data():
            # Replacing would delete what the institution has reported; that is never silent.
            self.problem("plan", replace_refused(short_name, plan["year"]))
