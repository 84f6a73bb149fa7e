"""The rules across a level's values, each written once: what each measure needs, K of N, a
requirement's quarters within its goal's, parts, numbers that must differ from their
siblings', what the ministry must have. A rule takes the level's `Reading` and says on it what
is wrong; what it needs beyond the level's values it reads from the reading's context.
"""

import datetime
import re

from django.utils.translation import gettext as _

from goals.models import Goal, Requirement
from goals.models.plans import default_figure_kind
from goals.planfile.reading import places

# The keys that say how a number is measured: a requirement's, or each of its parts'.
MEASUREMENT_KEYS = {
    "measure", "comparator", "target", "unit", "unit_text", "figure", "decimals", "scale",
    "quarter_targets",
}  # fmt: skip


def greater_than_zero(key):
    def check(value):
        if value <= 0:
            return _('"%(key)s" skal være større end 0') % {"key": key}
        return None

    return check


def percent(key):
    def check(value):
        if not 0 <= value <= 100:
            return _('"%(key)s" skal ligge mellem 0 og 100 (pct.)') % {"key": key}
        return None

    return check


def plan_period(reading):
    """A plan is valid for its calendar year unless it says otherwise, and not backwards."""
    typed = reading.typed
    year = typed.get("year")
    if year:
        typed["valid_from"] = typed.get("valid_from") or datetime.date(year, 1, 1)
        typed["valid_to"] = typed.get("valid_to") or datetime.date(year, 12, 31)
    begins, ends = typed.get("valid_from"), typed.get("valid_to")
    if begins and ends and begins > ends:
        reading.refuse("valid_from", _('"valid_from" ligger efter "valid_to"'))


def sibling_number(message, key="number", context_key="sibling_numbers"):
    """A number (title, code...) that must differ from its siblings' (given in the context)."""

    def rule(reading):
        value = reading.typed.get(key)
        if value and value in reading.context.get(context_key, ()):
            reading.refuse(key, message() % {"n": value, "parent": reading.context.get("parent")})

    return rule


def section_number_unique(reading):
    number = reading.typed.get("number")
    if number and (reading.typed.get("kind"), number) in reading.context.get("sibling_numbers", ()):
        reading.refuse("number", _('nummeret "%(n)s" står to gange') % {"n": number})


def section_title_unique(reading):
    title = reading.typed.get("title")
    if title in reading.context.get("sibling_titles", ()):
        reading.refuse("title", _('titlen "%(title)s" står to gange') % {"title": title})


def known_beacon(reading):
    number = reading.typed.get("ministry_beacon")
    known = reading.context.get("beacon_numbers")
    if number and known is not None and number not in known:
        reading.refuse(
            "ministry_beacon",
            _('"ministry_beacon": ministeriet har intet pejlemærke nr. "%(n)s"') % {"n": number},
        )


def known_group_goal(reading):
    code = reading.typed.get("group_goal")
    known = reading.context.get("group_codes")
    if code and known is not None and code not in known:
        reading.refuse(
            "group_goal",
            _('"group_goal": ministeriet har intet koncernfælles mål med koden "%(code)s"')
            % {"code": code},
        )


def group_code_letters(reading):
    code = reading.typed.get("code")
    if code and not re.fullmatch(r"[-a-zA-Z0-9_]+", code):
        reading.refuse("code", _('"code" må kun bestå af bogstaver a-z, cifre, - og _'))


def fulfilment_count(reading):
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


def figure_and_decimals(reading):
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


def measure_names():
    M = Requirement.Measure
    return {
        M.THRESHOLD: _("en tærskel"),
        M.RELATIVE: _("et relativt mål"),
        M.CUMULATIVE: _("kumulative kvartalsmål"),
        M.SERIES: _("en flerårig serie"),
    }


def measure_needs(reading):
    """What the requirement's (or part's) measure needs: a threshold its comparator, target
    and unit, a milestone a deadline, ..."""
    measure = reading.typed["measure"]
    for key in MEASURE_NEEDS.get(measure, ()):
        if not reading.present(key):
            reading.refuse(
                key,
                _('"%(key)s" mangler (%(measure)s skal have "%(key)s")')
                % {"key": key, "measure": measure_names()[measure]},
            )
    if measure == Requirement.Measure.MILESTONE and not (
        reading.present("deadline") or reading.present("deadline_text")
    ):
        reading.refuse("deadline", _('"deadline" mangler (en milepæl skal have en frist)'))


def parts_or_measure(reading):
    """A requirement with "parts" (or measured as "parts") is measured in its parts: two or
    more, each with its own measurement, and none of its own; any other requirement by its own
    measure.

    The parts are counted from the values' "parts"; a form, which edits the parts apart, gives
    their number as the context's "part_count" (without it, they are not counted)."""
    parts = reading.given.get("parts")
    if parts is None and reading.typed["measure"] != Requirement.Measure.PARTS:
        measure_needs(reading)
        return
    given = sorted(key for key in MEASUREMENT_KEYS if reading.given.get(key) not in (None, ""))
    measure = reading.given.get("measure")
    if given and given != ["measure"] or measure not in (None, "", Requirement.Measure.PARTS):
        reading.refuse(
            "parts",
            _('et krav med "parts" måles i sine dele; flyt %(keys)s ned i hver del')
            % {"keys": ", ".join(f'"{key}"' for key in given)},
        )
    if parts is None:
        count = reading.context.get("part_count", None if reading.form else 0)
    elif isinstance(parts, list):
        count = len(parts)
    else:
        reading.refuse("parts", _('"%(key)s" skal være en liste') % {"key": "parts"})
        count = 0
    if count is not None and count < 2:
        reading.refuse("parts", _('"parts" skal have mindst to dele (ellers mål kravet direkte)'))
    reading.typed["measure"] = Requirement.Measure.PARTS


def within_goal_quarters(reading):
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


def part_measure(reading):
    """A part is a threshold unless it says otherwise, and measured by a number."""
    if reading.typed["measure"] not in NUMERIC_MEASURES:
        reading.refuse("measure", _('en del måles med "threshold" eller "cumulative"'))
    reading.typed["text"] = reading.typed.get("label", "")


def series_year_unique(reading):
    year = reading.typed.get("year")
    if year in reading.context.get("sibling_years", ()):
        reading.refuse("year", _("året %(y)s står to gange") % {"y": year})
