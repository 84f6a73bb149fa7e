"""What a requirement's figure means over the year, through the quarter page, its service and
the year end: a level, a running total (with and without printed quarter targets), a single
measurement, two thresholds in one requirement, and a goal's status from its requirements'.

The plan is the tests' own (tests/plans/figures-2025.yaml), unlike the reference plans.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from goals.figures import quarter_target, target_text, year_figure
from goals.models import FigureKind, Membership, QuarterReport, StatusEntry
from goals.models.plans import default_figure_kind
from goals.scoring import goal_status
from tests.conftest import member
from tests.helpers import (
    EXPLAINED,
    quarter_data,
    quarter_url,
    requirement_of,
)

D = Decimal


def enter(client, plan, requirement, figures, field="result_value"):
    """Enter one figure a quarter through the quarter page; the statuses left blank take
    the proposals, and the goal explains itself. Returns each quarter's saved entry."""
    goal = requirement.goal
    entries = []
    for quarter, figure in enumerate(figures, start=1):
        report = QuarterReport.objects.filter(plan=plan, quarter=quarter).first()
        data = quarter_data(
            version=report.version if report else 0,
            requirements={requirement: {field: figure}},
            goals={goal: EXPLAINED},
        )
        response = client.post(quarter_url(plan, quarter), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        entries.append(StatusEntry.objects.get(report__quarter=quarter, requirement=requirement))
    return entries


def prefill_of(client, plan, requirement):
    """The year-end page's pre-fill of a requirement: "yes", "no" or "" (none)."""
    reviewer = member("ruth", Membership.Role.REVIEWER, ministry=plan.ministry)
    client.force_login(reviewer)
    response = client.get(reverse("goals:year_end", args=["FIG", 2025]))
    assert response.status_code == 200
    return response.context["form"].initial[f"met_{requirement.pk}"], response


def test_an_annual_total_reported_every_quarter_is_a_running_total(client, fig, reporter):
    """29 mia. kr. in the year, 7,1 / 6,9 / 7,9 / 7,5 a quarter: held against 7,25, 14,5,
    21,75 and 29 so far, with the default 5 pct. tolerance."""
    total = requirement_of(fig, "A", "Der inddrives")
    assert total.over_year == FigureKind.RUNNING_TOTAL  # by default: mia. kr. "at least"
    html = client.get(quarter_url(fig, 2)).content.decode()
    assert "forventet efter 2. kvartal: mindst 14,5 mia. kr." in html
    assert "Årsmål: mindst 29 mia. kr." in html
    assert "Kvartalets bidrag" in html and "I alt år til dato" in html

    entries = enter(client, fig, total, ["7,1", "6,9", "7,9", "7,5"])

    assert [e.status for e in entries] == ["yellow", "yellow", "green", "green"]
    assert [e.ytd_value for e in entries] == [D("7.1"), D("14.0"), D("21.9"), D("29.4")]
    html = client.get(quarter_url(fig, 2)).content.decode()
    assert "14 mia. kr. år til dato når ikke målet" in html
    met, page = prefill_of(client, fig, total)
    assert met == "yes"
    assert "summen af kvartalerne til og med 4. kvartal" in page.content.decode()


def test_cumulative_targets_hold_the_running_total_against_each_quarters_target(
    client, fig, reporter
):
    hours = requirement_of(fig, "B", "Robotter")
    assert [t.target_value for t in hours.quarter_targets.all()] == [1000, 3000, 7000, 12000]
    # Typed as the running total so far; the quarter's own amount follows.
    entries = enter(client, fig, hours, ["1.100", "2.800", "7.200", "12.500"], "ytd_value")
    assert [e.status for e in entries] == ["green", "red", "green", "green"]
    assert [e.result_value for e in entries] == [1100, 1700, 4400, 5300]
    html = client.get(quarter_url(fig, 2)).content.decode()
    assert "Kvartalsmål: mindst 3.000 timer (summen år til dato)" in html
    assert "I alt før dette kvartal: 1.100 timer" in html
    assert prefill_of(client, fig, hours)[0] == "yes"


def test_a_running_totals_two_figures_must_agree(client, fig, reporter):
    hours = requirement_of(fig, "B", "Robotter")
    enter(client, fig, hours, ["1.100"])
    data = quarter_data(
        version=QuarterReport.objects.get(quarter=1).version,
        requirements={hours: {"result_value": "1.700", "ytd_value": "3.000"}},
        goals={hours.goal: EXPLAINED},
    )
    response = client.post(quarter_url(fig, 2), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "1.100 før dette kvartal + 1.700 i kvartalet = 2.800" in html
    assert not StatusEntry.objects.filter(report__quarter=2, requirement=hours).exists()


def test_a_single_measurement_is_the_years_figure(client, fig, reporter):
    survey = requirement_of(fig, "C", "Kundetilfredsheden")
    assert survey.quarters == [3]
    assert "Kundetilfredsheden" not in client.get(quarter_url(fig, 2)).content.decode()
    data = quarter_data(requirements={survey: {"result_value": "3,9"}}, goals={survey.goal: {}})
    assert client.post(quarter_url(fig, 3), data).status_code == 302
    entry = StatusEntry.objects.get(requirement=survey)
    assert (entry.status, entry.report.quarter) == ("green", 3)
    assert not StatusEntry.objects.filter(report__quarter=4, requirement=survey).exists()
    met, page = prefill_of(client, fig, survey)
    assert met == "yes"
    assert "3,9 point (målingen i 3. kvartal)" in page.content.decode()


def test_a_level_at_most_is_held_against_the_target_each_quarter(client, fig, reporter):
    days = requirement_of(fig, "D", "Sagsbehandlingstiden")
    assert days.over_year == FigureKind.LEVEL
    entries = enter(client, fig, days, ["10,4", "9,9", "9,7", "9,6"])
    assert [e.status for e in entries] == ["red", "yellow", "green", "green"]
    assert [e.ytd_value for e in entries] == [None] * 4  # a level's year to date is typed
    met, page = prefill_of(client, fig, days)
    assert met == "yes"
    assert "det seneste kvartals tal (4. kvartal)" in page.content.decode()


def test_a_year_of_misses_prefills_not_met(client, fig, reporter):
    days = requirement_of(fig, "D", "Sagsbehandlingstiden")
    enter(client, fig, days, ["10,4", "9,9", "9,7", "10,1"])
    met, page = prefill_of(client, fig, days)
    assert met == "no"
    assert "Forslag: ikke opfyldt" in page.content.decode()


def test_two_thresholds_in_one_requirement_are_met_only_together(client, fig, reporter):
    both = requirement_of(fig, "C", "Tilfredsheden er min.")
    phone, mail = both.parts.order_by("order")
    assert (phone.name, mail.name) == (f"{both.name} telefon", f"{both.name} mail")
    html = client.get(quarter_url(fig, 1)).content.decode()
    assert "Kravet er opfyldt, når alle dele er opfyldt." in html
    assert "mindst 4,0 point" in html and "mindst 3,2 point" in html
    data = quarter_data(
        requirements={phone: {"result_value": "4,1"}, mail: {"result_value": "3,0"}},
        goals={both.goal: EXPLAINED},
    )
    assert client.post(quarter_url(fig, 1), data).status_code == 302
    statuses = dict(
        StatusEntry.objects.filter(requirement__part_of=both).values_list("requirement", "status")
    )
    assert statuses == {phone.pk: "green", mail.pk: "red"}
    # The goal's status follows its rule (all must be met) from the worst part.
    goal_entry = StatusEntry.objects.get(goal=both.goal, requirement=None)
    assert goal_entry.status == "red"
    # Not met for the year while one part misses.
    for quarter in (2, 3, 4):
        report = QuarterReport.objects.filter(plan=fig, quarter=quarter).first()
        client.post(
            quarter_url(fig, quarter),
            quarter_data(
                version=report.version if report else 0,
                requirements={phone: {"result_value": "4,2"}, mail: {"result_value": "3,1"}},
                goals={both.goal: EXPLAINED},
            ),
        )
    assert prefill_of(client, fig, both)[0] == "no"


def test_the_goal_status_is_proposed_through_its_rule(client, fig, reporter):
    days = requirement_of(fig, "D", "Sagsbehandlingstiden")
    letters = requirement_of(fig, "D", "Mindst 50 breve")
    # At least one of the two: the letters are on track, so the goal is green.
    data = quarter_data(
        requirements={days: {"result_value": "12"}, letters: {"result_value": "13"}},
        goals={days.goal: {}},
    )
    assert client.post(quarter_url(fig, 1), data).status_code == 302
    entries = StatusEntry.objects.filter(report__quarter=1)
    assert entries.get(requirement=days).status == "red"
    assert entries.get(requirement=letters).status == "green"  # 13 of 12,5 expected by Q1
    assert entries.get(goal=days.goal, requirement=None).status == "green"
    # Choosing another status than the rule gives needs a reason to hand the quarter in.
    data = quarter_data(
        version=1,
        button="submit",
        requirements={days: {"result_value": "12"}, letters: {"result_value": "13"}},
        goals={days.goal: {"status": "yellow", **EXPLAINED}},
    )
    html = client.post(quarter_url(fig, 1), data).content.decode()
    assert "men kravenes status giver grøn. Skriv, hvorfor." in html
    data[f"g{days.goal.pk}-status_reason"] = "Sagsbehandlingen halter stadig."
    data["action"] = "save"  # the plan's other goals are not filled in yet
    assert client.post(quarter_url(fig, 1), data).status_code == 302
    assert entries.get(goal=days.goal, requirement=None).status == "yellow"


@pytest.mark.parametrize(
    ("rule", "required", "statuses", "expected"),
    [
        ("all", None, ["green", "yellow"], "yellow"),
        ("all", None, ["green", "red", "yellow"], "red"),
        ("at_least", 1, ["red", "green"], "green"),
        ("at_least", 2, ["red", "green", "yellow"], "yellow"),
        ("at_least", 2, ["red", "green", "red"], "red"),
        ("partial", None, ["green", "red"], "yellow"),
        ("partial", None, ["red", "red"], "red"),
        ("partial", None, ["green", "green"], "green"),
        ("all", None, ["green", ""], ""),  # a requirement without a status yet
        ("all", None, [], ""),
    ],
)
def test_goal_status_from_requirements(rule, required, statuses, expected):
    assert goal_status(rule, required, statuses) == expected


@pytest.mark.parametrize(
    ("measure", "unit", "comparator", "expected"),
    [
        ("threshold", "mia_kr", "at_least", "running_total"),
        ("threshold", "mio_kr", "at_least", "running_total"),
        ("cumulative", "hours", "at_least", "running_total"),
        ("threshold", "count", "at_least", "running_total"),
        ("threshold", "count", "at_most", "level"),
        ("threshold", "mio_kr", "within", "level"),  # a deviation from the budget
        ("threshold", "pct", "at_least", "level"),
        ("cumulative", "pct", "at_least", "level"),  # 10 / 40 / 90 pct. moved by each quarter
        ("threshold", "points", "at_least", "level"),
        ("threshold", "days", "at_most", "level"),
        ("threshold", "workdays", "at_most", "level"),
        ("threshold", "count_per_month", "at_most", "level"),
        ("milestone", "", "", ""),
    ],
)
def test_default_figure_kind(measure, unit, comparator, expected):
    assert default_figure_kind(measure, unit, comparator) == expected


def test_pro_rata_expectations_follow_the_requirements_own_quarters(fig):
    total = requirement_of(fig, "A", "Der inddrives")
    total.reporting_quarters = "24"
    assert quarter_target(total, 2).value == D("14.5") and quarter_target(total, 2).expected
    assert quarter_target(total, 4).value == 29 and not quarter_target(total, 4).expected
    assert target_text(total, quarter_target(total, 2)) == (
        "forventet efter 2. kvartal: mindst 14,5 mia. kr."
    )


def test_the_year_figure_of_each_kind_without_the_database():
    class Entry:
        def __init__(self, value=None, ytd=None):
            self.result_value, self.ytd_value, self.status = value, ytd, ""

    class Requirement:
        measure, comparator, unit, target_value = "threshold", "at_least", "mia_kr", D(29)
        decimals, unit_phrase, unit_word, quarters = 0, "mia. kr.", "mia. kr.", [1, 2, 3, 4]

        def __init__(self, kind):
            self.over_year = kind

    total = year_figure(Requirement("running_total"), {1: Entry(D(7)), 2: Entry(D(8))})
    assert (total.value, total.source, total.quarter) == (15, "total", 2)
    level = year_figure(Requirement("level"), {1: Entry(D(7)), 3: Entry(D(9))})
    assert (level.value, level.source, level.quarter) == (9, "level", 3)
    reported = year_figure(Requirement("level"), {3: Entry(D(9), D(8))})
    assert (reported.value, reported.source) == (8, "ytd")
    assert year_figure(Requirement("single"), {}) is None


def test_a_score_off_its_printed_scale_gets_a_message_on_its_field(client, fig, reporter):
    survey = requirement_of(fig, "C", "Kundetilfredsheden")
    assert (survey.scale_min, survey.scale_max) == (1, 5)  # from "på en skala fra 1-5"
    response = client.post(
        quarter_url(fig, 3),
        quarter_data(requirements={survey: {"result_value": "38"}}, goals={survey.goal: {}}),
    )
    html = response.content.decode()
    assert "Tallet skal ligge på skalaen fra 1 til 5." in html
    assert 'value="38"' in html
    assert not StatusEntry.objects.exists()


def test_the_year_end_waits_for_the_years_figure_before_proposing(client, fig, reporter):
    total = requirement_of(fig, "A", "Der inddrives")
    enter(client, fig, total, ["7,1"])
    met, page = prefill_of(client, fig, total)
    assert met == ""
    assert "Intet forslag endnu: årets tal er kun opgjort for en del af året" in (
        page.content.decode()
    )
