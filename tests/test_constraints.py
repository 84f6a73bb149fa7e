"""Every database constraint of the plan register rejects what it should."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import ProtectedError, RestrictedError

from goals.models import (
    Amendment,
    AmendmentChange,
    Goal,
    GoalVerdict,
    GroupGoal,
    HistoryRecord,
    Institution,
    Membership,
    Ministry,
    MinistryBeacon,
    Notice,
    Plan,
    PlanComment,
    PlanEvent,
    QuarterReport,
    QuarterTarget,
    Requirement,
    Section,
    SeriesPoint,
    StatusEntry,
    UserPreference,
)

D = Decimal


def make_plan(institution, **fields):
    values = {
        "institution": institution,
        "ministry": institution.ministry,
        "year": 2025,
        "title": "Plan",
        "valid_from": datetime.date(2025, 1, 1),
        "valid_to": datetime.date(2025, 12, 31),
    }
    values.update(fields)
    return Plan.objects.create(**values)


def req(goal, **fields):
    values = {"goal": goal, "text": "Krav"}
    values.update(fields)
    return Requirement.objects.create(**values)


def report(plan, quarter=1, **fields):
    return QuarterReport.objects.create(plan=plan, quarter=quarter, **fields)


# Each case: (constraint name, function that breaks it). Given the fixtures `w`.
CASES = [
    ("ministry_beacon_number_unique", lambda w: [
        MinistryBeacon.objects.create(ministry=w.ministry, number="1", title="A"),
        MinistryBeacon.objects.create(ministry=w.ministry, number="1", title="B"),
    ]),
    ("group_goal_code_unique", lambda w: [
        GroupGoal.objects.create(ministry=w.ministry, code="x", title="A"),
        GroupGoal.objects.create(ministry=w.ministry, code="x", title="B"),
    ]),
    ("plan_institution_year", lambda w: make_plan(w.institution, year=2024)),
    ("plan_valid_period_order", lambda w: make_plan(
        w.institution, valid_from=datetime.date(2025, 12, 31), valid_to=datetime.date(2025, 1, 1)
    )),
    ("plan_year_range", lambda w: make_plan(w.institution, year=1066)),
    ("plan_reporting_quarters_valid", lambda w: make_plan(w.institution, reporting_quarters="")),
    ("plan_reporting_quarters_valid", lambda w: make_plan(w.institution, reporting_quarters="5")),
    ("plan_reporting_quarters_valid", lambda w: make_plan(w.institution, reporting_quarters="42")),
    ("plan_partial_score_percent", lambda w: make_plan(w.institution, partial_score=101)),
    ("plan_status_tolerance_percent", lambda w: make_plan(
        w.institution, status_tolerance=D("100.5")
    )),
    ("plan_status_tolerance_percent", lambda w: make_plan(w.institution, status_tolerance=-1)),
    ("plan_scoring_method_valid", lambda w: make_plan(w.institution, scoring_method="guess")),
    ("plan_state_valid", lambda w: make_plan(w.institution, state="signed")),
    ("plan_comment_not_blank", lambda w: PlanComment.objects.create(
        plan=w.plan, author=w.user, text=""
    )),
    ("plan_event_kind_valid", lambda w: PlanEvent.objects.create(
        plan=w.plan, actor=w.user, kind="shredded"
    )),
    ("amendment_number_unique", lambda w: [
        Amendment.objects.create(plan=w.plan, number=1, reason="A", made_by=w.user,
                                 state="approved"),
        Amendment.objects.create(plan=w.plan, number=1, reason="B", made_by=w.user,
                                 state="approved"),
    ]),
    ("amendment_one_open", lambda w: [
        Amendment.objects.create(plan=w.plan, number=1, reason="A", made_by=w.user),
        Amendment.objects.create(plan=w.plan, number=2, reason="B", made_by=w.user),
    ]),
    ("amendment_reason_required", lambda w: Amendment.objects.create(
        plan=w.plan, number=1, reason="", made_by=w.user
    )),
    ("amendment_state_valid", lambda w: Amendment.objects.create(
        plan=w.plan, number=1, reason="A", made_by=w.user, state="forgotten"
    )),
    ("amendment_change_part_valid", lambda w: AmendmentChange.objects.create(
        amendment=Amendment.objects.create(plan=w.plan, number=1, reason="A", made_by=w.user),
        part="coffee", name="X", changed_by=w.user,
    )),
    ("section_title_unique", lambda w: Section.objects.create(plan=w.plan, title="Pejlemærke 1")),
    ("section_number_unique", lambda w: Section.objects.create(
        plan=w.plan, title="Andet", number="1"
    )),
    ("section_kind_valid", lambda w: Section.objects.create(
        plan=w.plan, title="X", kind="chapter"
    )),
    ("goal_number_unique_in_section", lambda w: Goal.objects.create(
        plan=w.plan, section=w.section, number="1.1", title="Igen", kind="drift"
    )),
    ("goal_number_unique_in_plan", lambda w: [
        Goal.objects.create(plan=w.plan, number="A", title="Et", kind="drift"),
        Goal.objects.create(plan=w.plan, number="A", title="To", kind="drift"),
    ]),
    ("goal_number_not_blank", lambda w: Goal.objects.create(
        plan=w.plan, number="", title="Uden nummer", kind="drift"
    )),
    ("goal_reporting_quarters_valid", lambda w: Goal.objects.create(
        plan=w.plan, number="9", title="X", kind="drift", reporting_quarters="0"
    )),
    ("goal_required_count_with_rule", lambda w: Goal.objects.create(
        plan=w.plan, number="9", title="X", kind="drift", fulfilment_rule="at_least"
    )),
    ("goal_required_count_with_rule", lambda w: Goal.objects.create(
        plan=w.plan, number="9", title="X", kind="drift", required_count=1
    )),
    ("goal_required_count_with_rule", lambda w: Goal.objects.create(
        plan=w.plan, number="9", title="X", kind="drift", fulfilment_rule="at_least",
        required_count=0,
    )),
    ("goal_weight_positive", lambda w: Goal.objects.create(
        plan=w.plan, number="9", title="X", kind="drift", weight=D(0)
    )),
    ("goal_kind_valid", lambda w: Goal.objects.create(
        plan=w.plan, number="9", title="X", kind="hobby"
    )),
    ("goal_result_type_valid", lambda w: Goal.objects.create(
        plan=w.plan, number="9", title="X", kind="drift", result_type="wish"
    )),
    ("goal_fulfilment_rule_valid", lambda w: Goal.objects.create(
        plan=w.plan, number="9", title="X", kind="drift", fulfilment_rule="most"
    )),
    ("requirement_number_unique", lambda w: req(w.goal, number="1)")),
    ("requirement_reporting_quarters_valid", lambda w: req(w.goal, reporting_quarters="13x")),
    ("requirement_threshold_complete", lambda w: req(
        w.goal, measure="threshold", comparator="at_least", unit="pct"
    )),
    ("requirement_threshold_complete", lambda w: req(
        w.goal, measure="threshold", target_value=D(95), unit="pct"
    )),
    ("requirement_threshold_complete", lambda w: req(
        w.goal, measure="threshold", comparator="at_least", target_value=D(95)
    )),
    ("requirement_milestone_has_deadline", lambda w: req(w.goal, measure="milestone")),
    ("requirement_relative_has_reference", lambda w: req(
        w.goal, measure="relative", comparator="at_most"
    )),
    ("requirement_cumulative_has_unit", lambda w: req(
        w.goal, measure="cumulative", comparator="at_least"
    )),
    ("requirement_series_has_unit", lambda w: req(w.goal, measure="series")),
    ("requirement_measure_valid", lambda w: req(w.goal, measure="vibes")),
    ("requirement_comparator_valid", lambda w: req(w.goal, comparator="about")),
    ("requirement_unit_valid", lambda w: req(w.goal, unit="furlongs")),
    ("requirement_figure_kind_valid", lambda w: req(w.goal, figure_kind="whenever")),
    ("requirement_part_has_label", lambda w: req(w.goal, part_of=req(w.goal, number="9)"))),
    ("requirement_decimals_at_most_four", lambda w: req(w.goal, decimals=5)),
    ("requirement_scale_order", lambda w: req(w.goal, scale_min=D(5), scale_max=D(1))),
    ("quarter_target_unique", lambda w: [
        QuarterTarget.objects.create(requirement=w.requirement, quarter=1, target_value=1),
        QuarterTarget.objects.create(requirement=w.requirement, quarter=1, target_value=2),
    ]),
    ("quarter_target_quarter_range", lambda w: QuarterTarget.objects.create(
        requirement=w.requirement, quarter=5, target_value=1
    )),
    ("quarter_target_quarter_range", lambda w: QuarterTarget.objects.create(
        requirement=w.requirement, quarter=0, target_value=1
    )),
    ("series_year_unique", lambda w: [
        SeriesPoint.objects.create(requirement=w.requirement, year=2024),
        SeriesPoint.objects.create(requirement=w.requirement, year=2024),
    ]),
    ("report_plan_quarter", lambda w: [report(w.plan, 2), report(w.plan, 2)]),
    ("report_quarter_range", lambda w: report(w.plan, 0)),
    ("report_quarter_range", lambda w: report(w.plan, 5)),
    ("report_state_valid", lambda w: report(w.plan, 1, state="lost")),
    ("entry_one_per_goal_per_quarter", lambda w: [
        StatusEntry.objects.create(report=w.report, goal=w.goal, status="green"),
        StatusEntry.objects.create(report=w.report, goal=w.goal, status="red"),
    ]),
    ("entry_one_per_requirement_per_quarter", lambda w: [
        StatusEntry.objects.create(report=w.report, goal=w.goal, requirement=w.requirement),
        StatusEntry.objects.create(report=w.report, goal=w.goal, requirement=w.requirement),
    ]),
    ("entry_status_valid", lambda w: StatusEntry.objects.create(
        report=w.report, goal=w.goal, status="blue"
    )),
    ("goal_verdict_override_needs_reason", lambda w: GoalVerdict.objects.create(
        goal=w.goal, rule_verdict="not_met", verdict="met"
    )),
    ("goal_verdict_valid", lambda w: GoalVerdict.objects.create(
        goal=w.goal, rule_verdict="met", verdict="great", reason="x"
    )),
    ("goal_rule_verdict_valid", lambda w: GoalVerdict.objects.create(
        goal=w.goal, rule_verdict="great", verdict="met", reason="x"
    )),
    ("membership_role_scope", lambda w: Membership.objects.create(
        user=w.user, role="reporter", ministry=w.ministry
    )),
    ("membership_role_scope", lambda w: Membership.objects.create(
        user=w.user, role="reviewer", institution=w.institution
    )),
    ("membership_role_scope", lambda w: Membership.objects.create(
        user=w.user, role="reporter", institution=w.institution, ministry=w.ministry
    )),
    ("membership_role_scope", lambda w: Membership.objects.create(
        user=w.user, role="planner", ministry=w.ministry
    )),
    ("membership_role_scope", lambda w: Membership.objects.create(
        user=w.user, role="ministry_admin", institution=w.institution
    )),
    ("membership_role_scope", lambda w: Membership.objects.create(
        user=w.user, role="owner", institution=w.institution
    )),
    ("membership_unique_institution_role", lambda w: [
        Membership.objects.create(user=w.user, role="reporter", institution=w.institution),
        Membership.objects.create(user=w.user, role="reporter", institution=w.institution),
    ]),
    ("membership_unique_ministry_role", lambda w: [
        Membership.objects.create(user=w.user, role="reviewer", ministry=w.ministry),
        Membership.objects.create(user=w.user, role="reviewer", ministry=w.ministry),
    ]),
    ("history_subject_valid", lambda w: HistoryRecord.objects.create(
        plan=w.plan, goal=w.goal, subject="gossip", field="status"
    )),
    ("history_report_change_has_report", lambda w: HistoryRecord.objects.create(
        plan=w.plan, subject="report", field="state"
    )),
    ("history_goal_change_has_goal", lambda w: HistoryRecord.objects.create(
        plan=w.plan, report=w.report, subject="entry", field="status"
    )),
    ("preference_language_valid", lambda w: UserPreference.objects.create(
        user=w.user, language="xx"
    )),
    ("notice_once", lambda w: [
        Notice.objects.create(recipient=w.user, kind="submitted", plan=w.plan, quarter=3, key="v2"),
        Notice.objects.create(recipient=w.user, kind="submitted", plan=w.plan, quarter=3, key="v2"),
    ]),
    ("notice_quarter_range", lambda w: Notice.objects.create(
        recipient=w.user, kind="reminder", plan=w.plan, quarter=5, key="7"
    )),
    ("notice_kind_valid", lambda w: Notice.objects.create(
        recipient=w.user, kind="gossip", plan=w.plan, quarter=3, key="v2"
    )),
]  # fmt: skip


class World:
    """The objects a constraint case builds on."""

    def __init__(self, ministry, institution, plan, section, goal, requirement):
        self.ministry = ministry
        self.institution = institution
        self.plan = plan
        self.section = section
        self.goal = goal
        self.requirement = requirement
        self.report = QuarterReport.objects.create(plan=plan, quarter=3)
        self.user = get_user_model().objects.create_user("constraint-tester")


@pytest.fixture
def world(ministry, institution, plan, section, goal, requirement):
    return World(ministry, institution, plan, section, goal, requirement)


@pytest.mark.parametrize(
    ("name", "breaker"), CASES, ids=[f"{name}-{i}" for i, (name, _b) in enumerate(CASES)]
)
def test_constraint_rejects(world, name, breaker):
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        breaker(world)
    message = str(caught.value)
    # PostgreSQL names the violated constraint; SQLite names check constraints and
    # describes unique ones by their columns.
    assert name in message or (connection.vendor == "sqlite" and "UNIQUE" in message), message


def test_every_constraint_has_a_case():
    declared = {
        constraint.name
        for model in apps.get_app_config("goals").get_models()
        for constraint in model._meta.constraints
    }
    tested = {name for name, _breaker in CASES}
    assert declared == tested


def test_valid_shapes_are_accepted(world):
    """The shapes the constraints must let through: blank numbers, sets of quarters, K of N."""
    req(world.goal, text="Punkt uden nummer")
    req(world.goal, text="Endnu et punkt uden nummer")
    req(world.goal, number="2)", measure="milestone", deadline_text="inden udgangen af 2024")
    req(world.goal, number="3)", measure="threshold", comparator="within", target_value=D("0.5"),
        unit="mio_kr")  # fmt: skip
    req(world.goal, number="4)", reporting_quarters="24")
    other_section = Section.objects.create(plan=world.plan, title="Afsnit 2", kind="section")
    # The same goal number under another section, as in plans that number each section afresh.
    Goal.objects.create(
        plan=world.plan, section=other_section, number="1.1", title="Samme nr.", kind="drift"
    )
    Goal.objects.create(
        plan=world.plan, number="B", title="K af N", kind="drift", fulfilment_rule="at_least",
        required_count=1,
    )  # fmt: skip
    GoalVerdict.objects.create(
        goal=world.goal, rule_verdict="not_met", verdict="met", reason="Force majeure"
    )
    for quarter in (1, 2, 4):
        report(world.plan, quarter)
    assert world.goal.requirements.count() == 6


def test_section_with_goals_cannot_be_deleted_but_goes_with_its_plan(world):
    with pytest.raises((RestrictedError, ProtectedError)):
        world.section.delete()
    # A plan with a quarter's follow-up is never deleted (tests/test_no_delete.py); without
    # one, it takes its headings and goals along.
    with pytest.raises(ProtectedError):
        world.plan.delete()
    world.report.delete()
    world.plan.delete()
    assert not Goal.objects.exists()
    assert not Section.objects.exists()


def test_institution_with_plans_cannot_be_deleted(world):
    with pytest.raises(ProtectedError):
        world.institution.delete()
    assert Institution.objects.filter(pk=world.institution.pk).exists()


def test_goal_clean_checks_section_plan_and_k_of_n(world):
    other_plan = make_plan(world.institution)
    goal = Goal(plan=other_plan, section=world.section, number="1", title="X", kind="drift")
    with pytest.raises(ValidationError) as caught:
        goal.full_clean()
    assert "section" in caught.value.message_dict

    world.goal.fulfilment_rule = Goal.FulfilmentRule.AT_LEAST
    world.goal.required_count = 2  # the goal has one requirement
    with pytest.raises(ValidationError) as caught:
        world.goal.full_clean()
    assert "required_count" in caught.value.message_dict


def test_group_goal_must_belong_to_the_plans_ministry(world):
    elsewhere = Ministry.objects.create(name="Andetministeriet", short_name="AM")
    world.goal.group_goal = GroupGoal.objects.create(ministry=elsewhere, code="y", title="Y")
    with pytest.raises(ValidationError) as caught:
        world.goal.full_clean()
    assert "group_goal" in caught.value.message_dict


def test_quarter_sets_must_be_ascending_digits(world):
    world.goal.reporting_quarters = "31"
    with pytest.raises(ValidationError) as caught:
        world.goal.full_clean()
    assert "reporting_quarters" in caught.value.message_dict


def test_choices_are_the_domains_terms():
    assert {c.label for c in Goal.Kind} == {"Drift", "Udvikling", "Koncernfælles"}
    assert isinstance(Goal._meta.get_field("weight"), models.DecimalField)
