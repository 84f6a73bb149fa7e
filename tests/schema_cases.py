"""Mistakes a planner can make, each with the message the plan file and the editor both give.

`SCHEMA_CASES` is shared: tests/test_schema.py runs every case through the plan-file checker
(the values embedded in a small valid plan file by `embed`) and through
`schema.check_values`; the editor's tests run it through the editor's forms.

A case is (level, values, key, message, context):
- `values` are what differs from `BASE[level]`, a valid set of values of that level, written
  as a user types them in a form (strings, "" for empty, flat "reporting.quarters" keys);
  quarters are written as lists, which the file and a form both take;
- `key` is the plan-file key the message belongs to ("" for the level as a whole);
- `message` is a part of the expected message;
- `context` is what the level stands among (the goal's quarters, the other requirements'
  numbers...), as `schema.check_values` takes it; `embed` builds those surroundings in the file.
"""

import copy
from typing import NamedTuple

from goals.planfile import FORMAT
from goals.planfile.problems import shown


class Case(NamedTuple):
    level: str
    values: dict
    key: str
    message: str
    context: dict = {}  # noqa: RUF012 - a NamedTuple default, never changed

    @property
    def id(self):
        return f"{self.level}:{self.key or 'level'}:{self.message[:30]}"


# A valid set of values of each level; a case's values are laid over these.
BASE = {
    "plan": {"year": "2024", "title": "Mål- og resultatplan 2024"},
    "signatory": {"name": "Anne Andersen", "title": "Direktør"},
    "section": {"title": "Afsnit"},
    "goal": {"number": "1", "title": "Mål"},
    "requirement": {"text": "Kravet"},
    "part": {"label": "telefon", "comparator": "at_least", "target": "4", "unit": "points"},
    "quarter_target": {"quarter": "1", "target": "1.000"},
    "series": {"year": "2022", "target": "95", "result": "96"},
}

THRESHOLD = {"measure": "threshold", "comparator": "at_least", "target": "95", "unit": "pct"}
A_PART = {"label": "mail", "comparator": "at_least", "target": "3,2", "unit": "points"}

SCHEMA_CASES = [
    # What each measure needs.
    Case("requirement", {**THRESHOLD, "target": ""}, "target", '"target" mangler (en tærskel'),
    Case("requirement", {**THRESHOLD, "unit": ""}, "unit", '"unit" mangler (en tærskel'),
    Case("requirement", {**THRESHOLD, "comparator": ""}, "comparator", '"comparator" mangler'),
    Case(
        "requirement",
        {"measure": "relative", "comparator": "at_most"},
        "reference",
        '"reference" mangler (et relativt mål skal have "reference")',
    ),
    Case(
        "requirement",
        {"measure": "relative", "reference": "statens gennemsnit"},
        "comparator",
        '"comparator" mangler (et relativt mål',
    ),
    Case(
        "requirement",
        {"measure": "cumulative", "comparator": "at_least", "unit": "hours"},
        "quarter_targets",
        '"quarter_targets" mangler (kumulative kvartalsmål skal have "quarter_targets")',
    ),
    Case(
        "requirement",
        {"measure": "series", "unit": "pct"},
        "series",
        '"series" mangler (en flerårig serie skal have "series")',
    ),
    Case(
        "requirement",
        {"measure": "milestone"},
        "deadline",
        '"deadline" mangler (en milepæl skal have en frist)',
    ),
    Case(
        "requirement",
        {"measure": "text", "figure": "level"},
        "figure",
        '"figure" gælder kun krav, der måles med et tal',
    ),
    # Unknown choices.
    Case("requirement", {"measure": "gætværk"}, "measure", 'ukendt measure "gætværk"'),
    Case("requirement", {**THRESHOLD, "unit": "kg"}, "unit", 'ukendt unit "kg" (gyldige: pct,'),
    Case("requirement", {**THRESHOLD, "comparator": "cirka"}, "comparator", "ukendt comparator"),
    Case("goal", {"kind": "hobby"}, "kind", 'ukendt kind "hobby" (gyldige: drift, udvikling'),
    Case("goal", {"fulfilment.rule": "nogle"}, "fulfilment.rule", 'ukendt rule "nogle"'),
    Case("section", {"kind": "kapitel"}, "kind", 'ukendt kind "kapitel"'),
    Case("plan", {"scoring.method": "skøn"}, "scoring.method", 'ukendt method "skøn"'),
    # Texts: too long, control characters, missing.
    Case("goal", {"title": "x" * 301}, "title", '"title" er for lang (højst 300 tegn, her 301)'),
    Case(
        "requirement",
        {"text": "x" * 20_001},
        "text",
        '"text" er for lang (højst 20000 tegn, her 20001)',
    ),
    Case(
        "requirement",
        {"unit_text": "y" * 101},
        "unit_text",
        '"unit_text" er for lang (højst 100 tegn',
    ),
    Case("signatory", {"place": "z" * 101}, "place", '"place" er for lang (højst 100 tegn'),
    Case(
        "goal",
        {"title": "Mål\x0bmed styretegn"},
        "title",
        '"title" indeholder et usynligt styretegn (U+000B)',
    ),
    Case(
        "requirement",
        {"precondition": "Forud\x07sætning"},
        "precondition",
        "usynligt styretegn (U+0007)",
    ),
    Case("goal", {"title": ""}, "title", '"title" mangler'),
    Case("section", {"title": "   "}, "title", '"title" mangler'),
    Case("requirement", {"text": ""}, "text", '"text" mangler'),
    Case("signatory", {"name": ""}, "name", '"name" mangler'),
    Case("part", {"label": ""}, "label", '"label" mangler'),
    # Numbers, written the Danish way.
    Case("requirement", {**THRESHOLD, "target": "mange"}, "target", '"target" skal være et tal'),
    Case(
        "requirement",
        {**THRESHOLD, "target": "1.00"},
        "target",
        '"target" skal være et tal, fx 95, "13,75" eller "1.000"',
    ),
    Case(
        "requirement",
        {**THRESHOLD, "target": "95.5"},
        "target",
        '"target" skal være et tal',
    ),
    Case(
        "requirement",
        {**THRESHOLD, "target": "12345678901"},
        "target",
        '"target" har for mange cifre (højst 10 før og 4 efter kommaet)',
    ),
    Case(
        "requirement",
        {**THRESHOLD, "target": "1,23456"},
        "target",
        '"target" har for mange cifre',
    ),
    Case("goal", {"weight": "1,234"}, "weight", '"weight" har for mange cifre (højst 4 før og 2'),
    Case("goal", {"weight": "0"}, "weight", '"weight" skal være større end 0'),
    Case(
        "plan",
        {"reporting.status_tolerance": "150"},
        "reporting.status_tolerance",
        '"status_tolerance" skal ligge mellem 0 og 100 (pct.)',
    ),
    Case("plan", {"year": "tyve"}, "year", '"year" skal være et helt tal'),
    Case("plan", {"year": "1800"}, "year", '"year" skal ligge mellem 1990 og 2200 (her 1800)'),
    Case(
        "plan",
        {"scoring.partial_score": "101"},
        "scoring.partial_score",
        '"partial_score" skal ligge mellem 0 og 100',
    ),
    Case(
        "plan",
        {"reporting.deadline_days": "400"},
        "reporting.deadline_days",
        '"deadline_days" skal ligge mellem 0 og 365',
    ),
    Case("requirement", {"decimals": "5"}, "decimals", '"decimals" skal ligge mellem 0 og 4'),
    Case(
        "plan",
        {"reporting.template": "ja"},
        "reporting.template",
        '"template" skal være true eller false',
    ),
    # Dates.
    Case(
        "requirement",
        {"measure": "milestone", "deadline": "2024-13-01"},
        "deadline",
        "\"deadline\" skal være en dato som ÅÅÅÅ-MM-DD (her '2024-13-01')",
    ),
    Case("signatory", {"date": "i går"}, "date", '"date" skal være en dato som ÅÅÅÅ-MM-DD'),
    Case(
        "plan",
        {"valid_from": "2024-12-31", "valid_to": "2024-01-01"},
        "valid_from",
        '"valid_from" ligger efter "valid_to"',
    ),
    # Quarters.
    Case(
        "goal",
        {"reporting.quarters": [5]},
        "reporting.quarters",
        '"quarters": kvartal 5 findes ikke (1-4)',
    ),
    Case(
        "goal",
        {"reporting.quarters": [2, 2]},
        "reporting.quarters",
        '"quarters": kvartal 2 står to gange',
    ),
    Case(
        "requirement",
        {"reporting_quarters": [1, 4]},
        "reporting_quarters",
        '"reporting_quarters": 1. kvartal er ikke et af målets afrapporteringskvartaler (2, 4)',
        {"goal_quarters": "24"},
    ),
    Case(
        "quarter_target",
        {"quarter": "5"},
        "quarter",
        '"quarter_targets": kvartal 5 findes ikke (1-4)',
    ),
    Case("quarter_target", {"target": "mange"}, "target", '"target" skal være et tal'),
    # The fulfilment rule: K of N.
    Case(
        "goal",
        {"fulfilment.rule": "at_least", "fulfilment.required": "3"},
        "fulfilment.required",
        "K er større end N: 3 af 2 resultatkrav kan ikke kræves",
        {"requirement_count": 2},
    ),
    Case(
        "goal",
        {"fulfilment.rule": "at_least"},
        "fulfilment.required",
        'reglen "at_least" kræver "required" (K i K af N)',
        {"requirement_count": 2},
    ),
    Case(
        "goal",
        {"fulfilment.required": "1"},
        "fulfilment.required",
        '"required" bruges kun med reglen "at_least"',
        {"requirement_count": 2},
    ),
    Case(
        "goal",
        {"fulfilment.required": "0", "fulfilment.rule": "at_least"},
        "fulfilment.required",
        '"required" skal ligge mellem 1 og 999',
        {"requirement_count": 2},
    ),
    # Scales.
    Case(
        "requirement",
        {**THRESHOLD, "target": "4,0", "unit": "points", "scale": "5-1"},
        "scale",
        '"scale": skalaen skal gå fra et lavere til et højere tal',
    ),
    Case(
        "requirement",
        {**THRESHOLD, "target": "4,0", "unit": "points", "scale": "fem"},
        "scale",
        '"scale" skal være skalaens to ender, fx [1, 5] eller "1-5"',
    ),
    # Parts.
    Case(
        "requirement",
        {"parts": [A_PART]},
        "parts",
        '"parts" skal have mindst to dele (ellers mål kravet direkte)',
    ),
    Case(
        "requirement",
        {"measure": "threshold", "parts": [A_PART, {**A_PART, "label": "telefon"}]},
        "parts",
        'et krav med "parts" måles i sine dele; flyt "measure" ned i hver del',
    ),
    Case(
        "requirement",
        {"measure": "parts"},
        "parts",
        '"parts" skal have mindst to dele',
        {"part_count": 1},
    ),
    Case(
        "requirement",
        {"measure": "parts", "comparator": "at_least"},
        "parts",
        'flyt "comparator", "measure" ned i hver del',
        {"part_count": 2},
    ),
    Case("part", {"measure": "milestone"}, "measure", 'en del måles med "threshold"'),
    Case("part", {"target": ""}, "target", '"target" mangler (en tærskel skal have "target")'),
    Case(
        "part",
        {},
        "label",
        'delen "telefon" står to gange',
        {"sibling_labels": ["telefon"]},
    ),
    # Siblings and what the ministry has.
    Case(
        "requirement",
        {"number": "1)"},
        "number",
        'kravnummeret "1)" står to gange i målet',
        {"sibling_numbers": ["1)"]},
    ),
    Case(
        "goal",
        {},
        "number",
        'målnummeret "1" står to gange i Afsnit',
        {"sibling_numbers": ["1"], "parent": "Afsnit"},
    ),
    Case(
        "section",
        {},
        "title",
        'titlen "Afsnit" står to gange',
        {"sibling_titles": ["Afsnit"]},
    ),
    Case(
        "section",
        {"ministry_beacon": "9"},
        "ministry_beacon",
        '"ministry_beacon": ministeriet har intet pejlemærke nr. "9"',
        {"beacon_numbers": []},
    ),
    Case(
        "goal",
        {"group_goal": "digital"},
        "group_goal",
        'ministeriet har intet koncernfælles mål med koden "digital"',
        {"group_codes": []},
    ),
    Case("series", {}, "year", "året 2022 står to gange", {"sibling_years": [2022]}),
    Case("series", {"year": "3000"}, "year", '"year" skal ligge mellem 1990 og 2200'),
    Case("series", {"result": "1.0000,5"}, "result", '"result" skal være et tal'),
]


def values_of(case):
    """The case's values over its level's valid base."""
    return {**BASE[case.level], **case.values}


def _nested(values):
    """Flat "reporting.quarters" keys as the file's nested mappings."""
    nested = {}
    for key, value in values.items():
        prefix, _dot, name = key.rpartition(".")
        if prefix:
            nested.setdefault(prefix, {})[name] = value
        else:
            nested[key] = value
    return nested


def _requirement_where(goal_where, requirement, index):
    number = requirement.get("number")
    if number not in (None, ""):
        return f"{goal_where} > resultatkrav {shown(number, 20)}"
    return f"{goal_where} > resultatkrav nr. {index}"


def embed(level, values, context=None):
    """A valid small plan file holding `values` at `level`, among what `context` says; return
    the file's data and where its problems for that level begin ("Afsnit > mål 1")."""
    context = context or {}
    values = _nested(values)
    ministry = {"short_name": "SKM", "name": "Skemaministeriet"}
    plan = {"year": 2024, "title": "Plan"}
    goal = {"number": "1", "title": "Mål", "requirements": [{"text": "Kravet"}]}
    section = {"title": context.get("parent", "Afsnit"), "goals": [goal]}
    sections = [section]
    goal_where = f"{section['title']} > mål 1"
    where = None

    if level == "plan":
        plan = {**plan, **values}
        where = "plan"
    elif level == "signatory":
        plan["signatories"] = [values]
        where = "plan.signatories[1]"
    elif level == "section":
        section.update(values)
        sections = [{"title": title} for title in context.get("sibling_titles", [])]
        for title in sections:
            title["goals"] = [copy.deepcopy(goal)]
        sections.append(section)
        ministry["beacons"] = [
            {"number": n, "title": f"Pejlemærke {n}"} for n in context.get("beacon_numbers", [])
        ]
        title = section.get("title")
        where = shown(title) if title else f"sections[{len(sections)}]"
    elif level == "goal":
        goal.update(values)
        goal["requirements"] = [
            {"text": f"Krav {i}"} for i in range(1, context.get("requirement_count", 1) + 1)
        ]
        siblings = [
            {"number": n, "title": "Et andet mål"} for n in context.get("sibling_numbers", [])
        ]
        section["goals"] = siblings + [goal]
        ministry["group_goals"] = [
            {"code": c, "title": f"Fælles mål {c}"} for c in context.get("group_codes", [])
        ]
        number = goal.get("number")
        label = (
            f"mål {shown(number, 20)}"
            if number not in (None, "")
            else f"mål nr. {len(siblings) + 1}"
        )
        where = f"{section['title']} > {label}"
    elif level == "requirement":
        if context.get("goal_quarters"):
            goal["reporting"] = {"quarters": [int(q) for q in context["goal_quarters"]]}
        siblings = [
            {"number": n, "text": "Et andet krav"} for n in context.get("sibling_numbers", [])
        ]
        goal["requirements"] = siblings + [values]
        where = _requirement_where(goal_where, values, len(siblings) + 1)
    elif level == "part":
        parts = [{**A_PART, "label": label} for label in context.get("sibling_labels", [])]
        parts.append(values)
        where = f"{goal_where} > resultatkrav nr. 1 > parts[{len(parts)}]"
        if len(parts) < 2:
            parts.append({**A_PART, "label": "anden del"})
        goal["requirements"] = [{"text": "Kravet", "parts": parts}]
    elif level == "series":
        rows = [{"year": year} for year in context.get("sibling_years", [])]
        rows.append(values)
        goal["requirements"] = [
            {"text": "Kravet", "measure": "series", "unit": "pct", "series": rows}
        ]
        where = f"{goal_where} > resultatkrav nr. 1 > series[{len(rows)}]"
    elif level == "quarter_target":
        goal["requirements"] = [
            {
                "text": "Kravet",
                "measure": "cumulative",
                "comparator": "at_least",
                "unit": "hours",
                "quarter_targets": {values.get("quarter"): values.get("target")},
            }
        ]
        where = f"{goal_where} > resultatkrav nr. 1"
    else:
        raise ValueError(level)
    data = {
        "format": FORMAT,
        "ministry": ministry,
        "institution": {"short_name": "SKI", "name": "Skemainstitutionen"},
        "plan": plan,
        "sections": sections,
    }
    return data, where
