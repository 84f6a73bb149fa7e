"""Checking a parsed plan file and turning it into typed data, every problem listed.

Every mapping of the file is read as a level of `goals.planfile.schema`, which says what each
key takes and which rules hold across keys; this module walks the file, knows where each
mapping sits, and puts each message there with the line its key is written on.
"""

import logging
from dataclasses import dataclass

from django.db import DatabaseError
from django.utils.translation import gettext as _

from goals.models import Institution, Ministry, Plan
from goals.planfile import schema
from goals.planfile.importing import replace_refused
from goals.planfile.problems import PlanFileError, Problem, shown
from goals.planfile.reading import parse_plan_text

FORMAT = "mrplan-plan/1"

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


@dataclass
class _Mapping:
    """A mapping of the file read as a level of the schema, and where each of its sub-mappings
    sits in the file (for the problems' places)."""

    reading: schema.Reading
    places: dict
    reported: int = 0

    @property
    def typed(self):
        return self.reading.typed


class _Checker:
    """Walks a parsed plan file, collecting problems and building typed data."""

    def __init__(self, *, replace):
        self.replace = replace
        self.problems = []

    def problem(self, where, message):
        self.problems.append(Problem(where, message))

    # -- reading the file's mappings through the schema --

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

    def level(self, name, raw, where, *, subs=None, context=None, or_empty=False):
        """Read a mapping of the file as the schema's level `name`, each problem put where the
        file has it; None when `raw` is not a mapping (unless `or_empty`: then as if empty).
        `subs` names where a sub-mapping is ("plan.reporting"; "<where> > <key>" if not)."""
        level = schema.LEVELS[name]
        obj = self.fields(raw, where, level.known())
        if obj is None:
            if not or_empty:
                return None
            obj = {}
        places = {"": (obj, where)}
        values = dict(obj)
        for prefix in level.sub_mappings:
            sub_where = (subs or {}).get(prefix) or f"{where} > {prefix}"
            sub = self.fields(obj.get(prefix) or {}, sub_where, level.known(prefix)) or {}
            places[prefix] = (sub, sub_where)
            values.update({f"{prefix}.{key}": value for key, value in sub.items()})
        mapping = _Mapping(schema.read(level, values, context=context), places)
        self.report(mapping)
        return mapping

    def finish(self, mapping, **context):
        """Run the rules that need the level's children, once they are read."""
        schema.finish(mapping.reading, **context)
        self.report(mapping)

    def report(self, mapping):
        """The mapping's new messages as problems, with the key's line where it is known."""
        messages = mapping.reading.messages
        for message in messages[mapping.reported :]:
            prefix, _dot, name = message.key.rpartition(".")
            obj, where = mapping.places.get(prefix, mapping.places[""])
            where += message.inside
            if message.at_line:
                where = _line(obj, name, where)
            self.problem(where, message.text)
        mapping.reported = len(messages)

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
            section = self.check_section(
                raw, index, beacon_numbers, group_codes, plan, titles, numbers
            )
            if section is None:
                continue
            titles.add(section["title"])
            numbers.add((section["kind"], section["number"]))
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
        obj = raw if isinstance(raw, dict) else {}
        ministry = {
            **self.level("ministry", raw, where, or_empty=True).typed,
            "beacons": [],
            "group_goals": [],
        }
        seen = set()
        for index, item in enumerate(self.items(obj, "beacons", where), start=1):
            bwhere = f"ministry.beacons[{index}]"
            beacon = self.level("ministry_beacon", item, bwhere, context={"sibling_numbers": seen})
            if beacon is None:
                continue
            seen.add(beacon.typed["number"])
            ministry["beacons"].append({**beacon.typed, "order": index})
        seen = set()
        for index, item in enumerate(self.items(obj, "group_goals", where), start=1):
            gwhere = f"ministry.group_goals[{index}]"
            group_goal = self.level("group_goal", item, gwhere, context={"sibling_codes": seen})
            if group_goal is None:
                continue
            seen.add(group_goal.typed["code"])
            ministry["group_goals"].append(group_goal.typed)
        return ministry

    def check_institution(self, raw):
        return self.level("institution", raw, "institution", or_empty=True).typed

    def check_plan(self, raw):
        where = "plan"
        obj = raw if isinstance(raw, dict) else {}
        subs = {"reporting": "plan.reporting", "scoring": "plan.scoring"}
        plan = dict(self.level("plan", raw, where, subs=subs, or_empty=True).typed)
        plan["signatories"] = []
        for index, item in enumerate(self.items(obj, "signatories", where), start=1):
            signatory = self.level("signatory", item, f"plan.signatories[{index}]")
            if signatory is not None:
                plan["signatories"].append({"order": index, **signatory.typed})
        return plan

    def check_section(self, raw, index, beacon_numbers, group_codes, plan, titles, numbers):
        title = raw.get("title") if isinstance(raw, dict) else None
        where = shown(title) if title else f"sections[{index}]"
        context = {
            "beacon_numbers": beacon_numbers,
            "sibling_titles": titles,
            "sibling_numbers": numbers,
        }
        mapping = self.level("section", raw, where, context=context)
        if mapping is None:
            return None
        section = {"where": where, "order": index, **mapping.typed}
        section["goals"] = self.check_goals(raw, where, beacon_numbers, group_codes, plan)
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
            context = {
                "plan_quarters": plan.get("reporting_quarters"),
                "group_codes": group_codes,
                "sibling_numbers": numbers,
                "parent": where or parent_where,
            }
            goal = self.check_goal(raw, gwhere, context)
            if goal is None:
                continue
            numbers.add(goal["number"])
            goals.append(goal)
        return goals

    def check_goal(self, raw, where, context):
        mapping = self.level("goal", raw, where, context=context)
        if mapping is None:
            return None
        goal = {"where": where, **mapping.typed}
        goal["requirements"] = []
        numbers = set()
        for index, item in enumerate(self.items(raw, "requirements", where), start=1):
            number = item.get("number") if isinstance(item, dict) else None
            label = (
                _("resultatkrav %(n)s") % {"n": shown(number, 20)}
                if number not in (None, "")
                else _("resultatkrav nr. %(i)d") % {"i": index}
            )
            requirement_context = {
                "goal_quarters": goal["reporting_quarters"],
                "sibling_numbers": numbers,
            }
            req = self.check_requirement(item, f"{where} > {label}", index, requirement_context)
            if req is None:
                continue
            numbers.add(req["number"])
            goal["requirements"].append(req)
        self.finish(mapping, requirement_count=len(goal["requirements"]))
        goal["required_count"] = mapping.typed["required_count"]
        return goal

    def check_requirement(self, raw, where, index, context):
        mapping = self.level("requirement", raw, where, context=context)
        if mapping is None:
            return None
        req = {"order": index, **mapping.typed}
        req["series"] = []
        years = set()
        for i, item in enumerate(self.items(raw, "series", where), start=1):
            row = self.level(
                "series", item, f"{where} > series[{i}]", context={"sibling_years": years}
            )
            if row is None:
                continue
            years.add(row.typed["year"])
            req["series"].append(row.typed)
        req["parts"] = []
        if raw.get("parts") is not None:
            req["parts"] = self.check_parts(raw, where)
        return req

    def check_parts(self, obj, where):
        """A requirement with two or more thresholds in one sentence: each part's measurement
        (the schema's requirement rules check that there are parts enough)."""
        items = obj["parts"] if isinstance(obj["parts"], list) else []
        parts, labels = [], set()
        for index, item in enumerate(items, start=1):
            pwhere = f"{where} > parts[{index}]"
            part = self.level("part", item, pwhere, context={"sibling_labels": labels})
            if part is None:
                continue
            labels.add(part.typed["label"])
            parts.append({"order": index, **part.typed})
        return parts

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
