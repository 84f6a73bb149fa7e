"""copy_plan: next year's plan from this year's, everything it says and nothing it reported."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goals.copying import PlanExists, copy_plan, link_predecessors, retitled, shift_year
from goals.models import (
    Goal,
    GoalVerdict,
    HistoryRecord,
    MinistryBeacon,
    Plan,
    PlanState,
    QuarterReport,
    QuarterTarget,
    Requirement,
    RequirementVerdict,
    Section,
    SeriesPoint,
    Signatory,
    StatusEntry,
)
from tests.conftest import load_reference


def add_goal(plan, section, number, order):
    """A goal with a threshold, a cumulative requirement with quarter targets, a milestone,
    a requirement with two parts and a series requirement."""
    goal = Goal.objects.create(
        plan=plan, section=section, number=number, order=order, title=f"Mål {number}",
        description="Beskrivelse", success_text="Når det er nået", remarks="Forbehold",
        kind=Goal.Kind.DEVELOPMENT, reporting_quarters="24", weight=Decimal("2"),
    )  # fmt: skip
    Requirement.objects.create(
        goal=goal, number="1)", order=1, text="Mindst 95 pct.",
        measure=Requirement.Measure.THRESHOLD, comparator=Requirement.Comparator.AT_LEAST,
        target_value=Decimal("95"), unit=Requirement.Unit.PERCENT,
    )  # fmt: skip
    cumulative = Requirement.objects.create(
        goal=goal, number="2)", order=2, text="Timer frigjort",
        measure=Requirement.Measure.CUMULATIVE, comparator=Requirement.Comparator.AT_LEAST,
        unit=Requirement.Unit.HOURS,
    )  # fmt: skip
    for quarter, value in ((1, 1000), (2, 3000), (3, 7000), (4, 12000)):
        QuarterTarget.objects.create(requirement=cumulative, quarter=quarter, target_value=value)
    Requirement.objects.create(
        goal=goal, number="3)", order=3, text="Systemet er i drift",
        measure=Requirement.Measure.MILESTONE, deadline=datetime.date(2024, 9, 30),
        deadline_text="senest ved udgangen af 3. kvartal 2024",
    )  # fmt: skip
    whole = Requirement.objects.create(
        goal=goal, number="4)", order=4, text="Telefon min. 4,0 og mail min. 3,2",
        measure=Requirement.Measure.PARTS,
    )  # fmt: skip
    for order, (label, target) in enumerate((("telefon", "4.0"), ("mail", "3.2")), start=1):
        Requirement.objects.create(
            goal=goal, part_of=whole, label=label, order=order, text=label,
            measure=Requirement.Measure.THRESHOLD, comparator=Requirement.Comparator.AT_LEAST,
            target_value=Decimal(target), unit=Requirement.Unit.POINTS,
        )  # fmt: skip
    series = Requirement.objects.create(
        goal=goal, number="5)", order=5, text="Højst 1,0 mio. kr. i afvigelse",
        measure=Requirement.Measure.THRESHOLD, comparator=Requirement.Comparator.WITHIN,
        target_value=Decimal("1"), unit=Requirement.Unit.MIO_KR,
    )  # fmt: skip
    for year in (2022, 2023, 2024):
        SeriesPoint.objects.create(
            requirement=series, year=year, target_value=Decimal("1"), target_text="+/- 1,0",
            result_value=Decimal("0.5") if year < 2024 else None,
        )  # fmt: skip
    return goal


@pytest.fixture
def rich(plan, section):
    """The conftest plan (TS 2024) with texts, signatories, a beacon linked to the ministry's,
    a goal without a heading and goals with every kind of requirement."""
    beacon = MinistryBeacon.objects.create(ministry=plan.ministry, number="1", title="Fælles")
    section.ministry_beacon = beacon
    section.text = "Pejlemærkets tekst"
    section.save()
    plan.title = "Mål- og resultatplan for Teststyrelsen 2024"
    plan.vision, plan.narrative, plan.agreement = "Visionen", "Fortællingen", "Aftalen 2024"
    plan.reporting_quarters, plan.deadline_days = "24", 14
    plan.scoring_method, plan.partial_score = Plan.ScoringMethod.PARTIAL, 40
    plan.save()
    for order, (name, date) in enumerate(
        (("Direktør D", datetime.date(2023, 12, 12)), ("Chef C", None)), start=1
    ):
        Signatory.objects.create(
            plan=plan, order=order, name=name, title="Titel", organisation="Org",
            place="København", date=date,
        )  # fmt: skip
    other = Section.objects.create(plan=plan, title="Afsnit 2", number="2", order=2)
    add_goal(plan, section, "1.1", 1)
    add_goal(plan, other, "2.1", 2)
    Goal.objects.create(plan=plan, number="3", order=3, title="Uden pejlemærke")
    return plan


def test_everything_the_plan_says_is_copied(rich, carol):
    new = copy_plan(rich, year=2025, user=carol)
    assert new.year == 2025 and new.state == PlanState.DRAFT and new.predecessor == rich
    assert new.title == "Mål- og resultatplan for Teststyrelsen 2025"
    for field in ("vision", "narrative", "agreement", "reporting_quarters", "deadline_days",
                  "scoring_method", "partial_score", "status_tolerance"):  # fmt: skip
        assert getattr(new, field) == getattr(rich, field), field
    # Texts stay as written, years in them too.
    assert new.agreement == "Aftalen 2024"
    assert [(s.title, s.text, s.ministry_beacon_id) for s in new.sections.all()] == [
        (s.title, s.text, s.ministry_beacon_id) for s in rich.sections.all()
    ]
    old_goals, new_goals = list(rich.goals.order_by("order")), list(new.goals.order_by("order"))
    assert [(g.number, g.title, g.remarks, g.weight, g.reporting_quarters) for g in new_goals] == [
        (g.number, g.title, g.remarks, g.weight, g.reporting_quarters) for g in old_goals
    ]
    assert [g.predecessor_id for g in new_goals] == [g.pk for g in old_goals]
    assert [g.section.title if g.section else None for g in new_goals] == [
        "Pejlemærke 1",
        "Afsnit 2",
        None,
    ]
    assert all(g.section is None or g.section.plan_id == new.pk for g in new_goals)
    old_reqs = Requirement.objects.filter(goal__plan=rich).order_by("goal__order", "pk")
    new_reqs = Requirement.objects.filter(goal__plan=new).order_by("goal__order", "pk")
    assert new_reqs.count() == old_reqs.count() == 14
    assert sorted(r.predecessor_id for r in new_reqs) == sorted(r.pk for r in old_reqs)
    for copy in new_reqs:
        old = copy.predecessor
        assert (copy.number, copy.label, copy.text, copy.measure, copy.target_value) == (
            old.number,
            old.label,
            old.text,
            old.measure,
            old.target_value,
        )
        assert (copy.part_of.predecessor_id if copy.part_of else None) == old.part_of_id
        assert copy.goal.plan_id == new.pk
    targets = QuarterTarget.objects.filter(requirement__goal__plan=new)
    assert sorted(targets.values_list("quarter", "target_value")) == sorted(
        QuarterTarget.objects.filter(requirement__goal__plan=rich).values_list(
            "quarter", "target_value"
        )
    )
    assert targets.count() == 8


def test_signatories_are_copied_without_their_dates(rich, carol):
    new = copy_plan(rich, year=2025, user=carol)
    assert [(s.name, s.title, s.organisation, s.place, s.date) for s in new.signatories.all()] == [
        ("Direktør D", "Titel", "Org", "København", None),
        ("Chef C", "Titel", "Org", "København", None),
    ]
    # The old plan keeps its own.
    assert rich.signatories.get(order=1).date == datetime.date(2023, 12, 12)


def test_dates_move_by_the_years_between(rich, carol):
    new = copy_plan(rich, year=2026, user=carol)
    assert (new.valid_from, new.valid_to) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
    )
    milestone = Requirement.objects.get(goal__plan=new, goal__number="1.1", number="3)")
    assert milestone.deadline == datetime.date(2026, 9, 30)
    assert milestone.deadline_text == "senest ved udgangen af 3. kvartal 2024"


def test_a_series_keeps_its_rows_and_gains_the_new_year(rich, carol):
    new = copy_plan(rich, year=2025, user=carol)
    series = Requirement.objects.get(goal__plan=new, goal__number="1.1", number="5)")
    rows = list(series.series.values_list("year", "target_value", "target_text", "result_value"))
    assert rows == [
        (2022, Decimal("1"), "+/- 1,0", Decimal("0.5")),
        (2023, Decimal("1"), "+/- 1,0", Decimal("0.5")),
        (2024, Decimal("1"), "+/- 1,0", None),
        (2025, Decimal("1"), "+/- 1,0", None),
    ]


def test_nothing_reported_is_copied(rich, carol):
    goal = rich.goals.get(number="1.1")
    threshold = goal.requirements.get(number="1)")
    report = QuarterReport.objects.create(plan=rich, quarter=2)
    StatusEntry.objects.create(report=report, goal=goal, status="green", result_text="Godt")
    StatusEntry.objects.create(
        report=report, goal=goal, requirement=threshold, result_value=Decimal("96")
    )
    GoalVerdict.objects.create(goal=goal, rule_verdict="met", verdict="met")
    RequirementVerdict.objects.create(requirement=threshold, met=True)
    new = copy_plan(rich, year=2025, user=carol)
    assert not new.reports.exists()
    assert not StatusEntry.objects.filter(goal__plan=new).exists()
    assert not GoalVerdict.objects.filter(goal__plan=new).exists()
    assert not RequirementVerdict.objects.filter(requirement__goal__plan=new).exists()
    assert not HistoryRecord.objects.filter(plan=new).exists()
    assert not new.has_reported_data()
    # And the old plan's stay.
    assert StatusEntry.objects.filter(goal__plan=rich).count() == 2


def test_an_existing_plan_for_the_year_is_refused(rich, carol):
    copy_plan(rich, year=2025, user=carol)
    with pytest.raises(PlanExists, match="TS har allerede en plan for 2025"):
        copy_plan(rich, year=2025, user=carol)
    assert Plan.objects.filter(institution=rich.institution).count() == 2


def test_a_moved_institution_leaves_the_old_ministrys_beacons_behind(rich, carol, dave):
    from goals.models import Ministry

    rich.institution.ministry = Ministry.objects.get(short_name="AM")
    rich.institution.save()
    new = copy_plan(rich, year=2025, user=carol)
    assert new.ministry.short_name == "AM"
    assert not new.sections.filter(ministry_beacon__isnull=False).exists()


def test_the_reference_plans_copy_whole(db):
    for name in ("adst-2024.yaml", "be-2021.yaml", "be-2024.yaml"):
        plan = load_reference(name)
        new = copy_plan(plan, year=plan.year + 1, user=None)
        assert new.goals.count() == plan.goals.count()
        assert (
            Requirement.objects.filter(goal__plan=new).count()
            == Requirement.objects.filter(goal__plan=plan).count()
        )
        assert new.sections.count() == plan.sections.count()
        assert str(plan.year + 1) in new.title


def test_copying_takes_as_many_queries_whatever_the_size(plan, section, carol):
    add_goal(plan, section, "1.1", 1)
    with CaptureQueriesContext(connection) as small:
        copy_plan(plan, year=2025, user=carol)
    # Four goals of 7 requirements: within one insert of SQLite's (which splits an insert
    # past 999 values); PostgreSQL never splits.
    for order in range(2, 5):
        add_goal(plan, section, f"1.{order}", order)
    with CaptureQueriesContext(connection) as large:
        copy_plan(plan, year=2026, user=carol)
    assert len(large) == len(small)


def test_shift_year_and_retitled():
    assert shift_year(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)
    assert shift_year(None, 1) is None
    assert retitled("Plan 2024 (2024-2027) nr. 120245", 2024, 2025) == (
        "Plan 2025 (2025-2027) nr. 120245"
    )


def test_plans_made_apart_are_linked_by_their_numbers(rich, carol):
    """A plan not copied (a file, generated data) is linked to last year's goal by goal."""
    copied = copy_plan(rich, year=2025, user=carol)
    Plan.objects.filter(pk=copied.pk).update(predecessor=None)
    Goal.objects.filter(plan=copied).update(predecessor=None)
    Requirement.objects.filter(goal__plan=copied).update(predecessor=None)
    Goal.objects.filter(plan=copied, number="2.1").update(number="2.9")  # a new goal
    copied.refresh_from_db()
    linked = link_predecessors(copied, rich)
    assert linked == 1 + 2 + 14 - 7
    pairs = {
        (g.number, g.predecessor.number if g.predecessor else None) for g in copied.goals.all()
    }
    assert pairs == {("1.1", "1.1"), ("2.9", None), ("3", "3")}
    for r in Requirement.objects.filter(goal__plan=copied, goal__number="1.1"):
        assert (r.predecessor.goal.number, r.predecessor.number, r.predecessor.label) == (
            "1.1", r.number, r.label,
        )  # fmt: skip
    copied.refresh_from_db()
    assert copied.predecessor == rich
