"""The imported reference plans match the published documents in ../shared/seeds/."""

import datetime
from decimal import Decimal

import pytest

from goals.models import Goal, Plan, Requirement


def shape(plan):
    """{heading title: [(goal number, number of requirements), ...]} in plan order."""
    result = {}
    for goal in plan.goals.select_related("section").prefetch_related("requirements"):
        heading = goal.section.title if goal.section else None
        result.setdefault(heading, []).append((goal.number, goal.requirements.count()))
    return result


@pytest.fixture
def plans(reference_plans):
    return {(p.institution.short_name, p.year): p for p in reference_plans.values()}


def test_adst_2024_goals_and_requirements_per_beacon(plans):
    plan = plans["ADST", 2024]
    assert shape(plan) == {
        "Pejlemærke 1": [("1.1", 2), ("1.2", 4), ("1.3", 2), ("1.4", 3)],
        "Pejlemærke 2": [("2.1", 1), ("2.2", 1), ("2.3", 1)],
        "Pejlemærke 3": [("3.1", 5), ("3.2", 1)],
        "Pejlemærke 4": [("4.1", 1)],
    }
    assert list(plan.sections.values_list("kind", flat=True)) == ["beacon"] * 4


def test_adst_2024_details(plans):
    plan = plans["ADST", 2024]
    goals = {g.number: g for g in plan.goals.all()}
    assert {n: g.kind for n, g in goals.items() if g.kind == Goal.Kind.DEVELOPMENT} == {
        "1.4": "udvikling",
        "2.1": "udvikling",
    }
    assert goals["1.1"].result_type == Goal.ResultType.QUALITY
    assert goals["1.3"].result_type == Goal.ResultType.OUTPUT
    assert goals["4.1"].result_type == Goal.ResultType.ACTIVITY
    assert {
        n: g.reporting_quarters for n, g in goals.items() if g.reporting_quarters != "1234"
    } == {
        "2.1": "4",
        "2.3": "2",
        "3.2": "4",
        "4.1": "24",
    }
    first = goals["1.1"].requirements.get(number="1)")
    assert (first.measure, first.comparator, first.target_value, first.unit) == (
        Requirement.Measure.THRESHOLD, "at_least", Decimal(95), "pct",
    )  # fmt: skip
    assert goals["1.1"].requirements.get(number="2)").target_value == 97
    complaints = goals["1.3"].requirements.get(number="1)")
    assert (complaints.comparator, complaints.target_value) == ("at_most", 50)
    pilot = goals["1.3"].requirements.get(number="2)")
    assert pilot.deadline == datetime.date(2024, 6, 30)
    strategy = goals["1.4"].requirements.all()
    assert [r.deadline for r in strategy] == [
        datetime.date(2024, 9, 30), datetime.date(2024, 3, 31), datetime.date(2024, 6, 30),
    ]  # fmt: skip
    assert "sikkerhedskontorer" in strategy[2].precondition
    assert goals["2.2"].requirements.get().target_value == Decimal("4.0")
    assert all(r.target_value == 4 for r in goals["3.1"].requirements.all())
    assert [(s.name, s.place, s.date) for s in plan.signatories.all()] == [
        ("Claus Henrik Larsen", "Herning", datetime.date(2023, 12, 12)),
        ("Jens Brøchner", "København", datetime.date(2023, 12, 15)),
    ]
    assert plan.ministry.short_name == "SKM"


def test_be_2024_sections_and_rule(plans):
    plan = plans["BE", 2024]
    assert shape(plan) == {
        "Koncernfælles mål": [("1", 2), ("2", 1)],
        "Institutionsspecifikke mål": [("1", 1), ("2", 1)],
    }
    economy = plan.goals.get(section__title="Koncernfælles mål", number="1")
    assert (economy.fulfilment_rule, economy.required_count) == ("at_least", 1)
    assert economy.kind == Goal.Kind.GROUP and economy.group_goal is not None
    assert [(r.comparator, r.target_value, r.unit) for r in economy.requirements.all()] == [
        ("within", Decimal(1), "mio_kr"), ("within", Decimal("0.5"), "mio_kr"),
    ]  # fmt: skip
    assert plan.reporting_quarters == "34"
    signatories = list(plan.signatories.all())
    assert [s.date for s in signatories] == [None, None, datetime.date(2023, 12, 21)]
    assert [s.place for s in signatories] == ["København", "Oslo", "København"]
    assert plan.goals.exclude(remarks="").count() == 2  # the two reservations


def test_be_2021_sections_series_and_scoring(plans):
    plan = plans["BE", 2021]
    assert shape(plan) == {
        "Strategiske mål og kernefaglige mål": [("1.1", 1), ("1.2", 1)],
        "Økonomiske mål og administrative mål": [("2.1", 2), ("2.2", 1), ("2.3", 2)],
    }
    # "Der er 5 mål i resultatplanen for 2021", scored binary with weight 100/5 each.
    assert plan.goals.count() == 5
    assert plan.scoring_method == Plan.ScoringMethod.BINARY
    assert "100/5" in plan.scoring_note
    assert (plan.reporting_quarters, plan.deadline_days) == ("24", 14)
    budget = plan.goals.get(number="2.1")
    assert (budget.fulfilment_rule, budget.required_count) == ("at_least", 1)
    for requirement, target in zip(budget.requirements.all(), ("1", "0.5"), strict=True):
        assert requirement.number.startswith("Delmål")
        assert [s.year for s in requirement.series.all()] == [2020, 2021, 2022, 2023, 2024]
        assert {s.target_value for s in requirement.series.all()} == {Decimal(target)}
    sickness = plan.goals.get(number="2.2").requirements.get()
    assert sickness.measure == Requirement.Measure.RELATIVE
    assert "statens gennemsnit" in sickness.reference
    gdpr = plan.goals.get(number="2.3").requirements.all()
    assert [r.deadline for r in gdpr] == [datetime.date(2021, 3, 31), datetime.date(2021, 11, 30)]
    assert plan.ministry.short_name == "SIM"
    assert plan.signatories.count() == 3


def test_the_unit_keeps_both_plans_across_ministries(plans):
    assert plans["BE", 2021].institution == plans["BE", 2024].institution
    assert plans["BE", 2021].ministry != plans["BE", 2024].ministry
