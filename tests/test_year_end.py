"""Year-end verdicts: each fulfilment rule, both scoring methods, and the published 2021 rule."""

from decimal import Decimal

import pytest
from django.urls import reverse

from goals import services
from goals.models import (
    Fulfilment,
    FulfilmentRule,
    Goal,
    GoalVerdict,
    HistoryRecord,
    Membership,
    QuarterReport,
    RequirementVerdict,
    ScoringMethod,
    StatusEntry,
)
from goals.scoring import plan_degree, rule_verdict
from tests.conftest import member

MET, PARTLY, NOT = Fulfilment.MET, Fulfilment.PARTLY_MET, Fulfilment.NOT_MET


@pytest.mark.parametrize(
    ("rule", "k", "mets", "expected"),
    [
        (FulfilmentRule.ALL, None, [True, True], MET),
        (FulfilmentRule.ALL, None, [True, False], NOT),
        (FulfilmentRule.ALL, None, [False, False], NOT),
        (FulfilmentRule.AT_LEAST, 1, [False, True], MET),
        (FulfilmentRule.AT_LEAST, 1, [False, False], NOT),
        (FulfilmentRule.AT_LEAST, 2, [True, False, True], MET),
        (FulfilmentRule.AT_LEAST, 2, [True, False, False], NOT),
        (FulfilmentRule.PARTIAL, None, [True, True, True], MET),
        (FulfilmentRule.PARTIAL, None, [True, False, True], PARTLY),
        (FulfilmentRule.PARTIAL, None, [False, False, False], NOT),
        (FulfilmentRule.ALL, None, [True, None], None),  # undecided
        (FulfilmentRule.ALL, None, [], None),  # nothing to compute from
    ],
)
def test_rule_verdict(rule, k, mets, expected):
    assert rule_verdict(rule, k, mets) == expected


class G:
    """A goal as scoring sees it."""

    def __init__(self, pk, weight=None):
        self.pk, self.weight = pk, weight


def degree(verdicts, method, partial=50, weights=None):
    goals = [G(i, (weights or {}).get(i)) for i in range(1, 6)]
    return plan_degree(goals, verdicts, {}, method, partial).value


def test_binary_scoring_counts_only_met_goals_at_100_over_n():
    verdicts = {1: MET, 2: MET, 3: NOT, 4: PARTLY, 5: MET}
    assert degree(verdicts, ScoringMethod.BINARY) == Decimal(60)


def test_partial_scoring_counts_partly_met_goals_by_the_plans_share():
    verdicts = {1: MET, 2: MET, 3: NOT, 4: PARTLY, 5: MET}
    assert degree(verdicts, ScoringMethod.PARTIAL, partial=50) == Decimal(70)
    assert degree(verdicts, ScoringMethod.PARTIAL, partial=25) == Decimal(65)


def test_weights_change_each_goals_share():
    verdicts = {1: MET, 2: NOT, 3: NOT, 4: NOT, 5: NOT}
    assert degree(verdicts, ScoringMethod.BINARY, weights={1: Decimal(6)}) == Decimal(60)


def test_the_degree_so_far_counts_the_goals_decided_or_with_a_status():
    goals = [G(i) for i in range(1, 6)]
    assert plan_degree(goals, {}, {}, ScoringMethod.BINARY, 50).value is None
    one = plan_degree(goals, {1: MET}, {}, ScoringMethod.BINARY, 50)
    assert (one.value, one.counted, one.decided, one.final) == (Decimal(100), 1, 1, False)
    # Goal 2 has no verdict yet: its latest status counts (yellow: partly met, 0 when binary).
    two = plan_degree(goals, {1: MET}, {2: "yellow", 3: ""}, ScoringMethod.BINARY, 50)
    assert (two.value, two.counted, two.decided) == (Decimal(50), 2, 1)
    # A verdict outweighs the status.
    assert plan_degree(goals, {2: MET}, {2: "red"}, ScoringMethod.BINARY, 50).value == 100
    every = plan_degree(goals, dict.fromkeys(range(1, 6), MET), {}, ScoringMethod.BINARY, 50)
    assert every.final and every.value == 100


@pytest.fixture
def be2021(reference_plans):
    return reference_plans["be-2021.yaml"]


@pytest.fixture
def ism_reviewer(be2021):
    return member("ism", Membership.Role.REVIEWER, ministry=be2021.ministry)


def year_end_url(plan):
    return reverse("goals:year_end", args=[plan.institution.short_name, plan.year])


def verdict_post(plan, met_by_goal, verdicts=None):
    """POST data: met_by_goal maps a goal number to its requirements' "yes"/"no" in order,
    from a page opened now (the year end's current version)."""
    data = {"version": services.year_end_version(plan)}
    for goal in plan.goals.all():
        for requirement, met in zip(
            goal.requirements.order_by("order"), met_by_goal[goal.number], strict=True
        ):
            data[f"met_{requirement.pk}"] = met
        verdict, reason = (verdicts or {}).get(goal.number, ("", ""))
        data[f"verdict_{goal.pk}"] = verdict
        data[f"reason_{goal.pk}"] = reason
    return data


def test_published_2021_rule_five_goals_binary_twenty_points_each(client, be2021, ism_reviewer):
    """seeds/004: binary, every goal weighs 100/5, met only when every element is met;
    goal 2.1 is met when at least one of its two sub-goals is."""
    assert be2021.scoring_method == ScoringMethod.BINARY and be2021.goals.count() == 5
    counts = {g.number: g.requirements.count() for g in be2021.goals.all()}
    client.force_login(ism_reviewer)
    mets = {
        "1.1": ["yes"],
        "1.2": ["no"],
        "2.1": ["no", "yes"],  # one of two sub-goals: met by its rule
        "2.2": ["yes"],
        "2.3": ["yes"] * (counts["2.3"] - 1) + ["no"],  # one element short: not met
    }
    response = client.post(year_end_url(be2021), verdict_post(be2021, mets))
    assert response.status_code == 302
    finals = {v.goal.number: v.verdict for v in GoalVerdict.objects.select_related("goal")}
    assert finals == {"1.1": MET, "1.2": NOT, "2.1": MET, "2.2": MET, "2.3": NOT}
    html = client.get(year_end_url(be2021)).content.decode()
    assert "60,0 pct. (endelig)" in html
    assert "20,0 af 20,0" in html


def test_overriding_the_rule_needs_a_reason(client, be2021, ism_reviewer):
    client.force_login(ism_reviewer)
    counts = {g.number: g.requirements.count() for g in be2021.goals.all()}
    mets = {number: ["yes"] * n for number, n in counts.items()}
    mets["1.2"] = ["no"]
    overridden = {"1.2": (MET, "")}
    response = client.post(year_end_url(be2021), verdict_post(be2021, mets, overridden))
    assert response.status_code == 200
    assert "afviger fra reglens (ikke opfyldt)" in response.content.decode()
    assert not GoalVerdict.objects.exists() and not RequirementVerdict.objects.exists()

    overridden = {"1.2": (MET, "Notatet blev godkendt få dage efter fristen.")}
    assert (
        client.post(year_end_url(be2021), verdict_post(be2021, mets, overridden)).status_code == 302
    )
    verdict = GoalVerdict.objects.get(goal__number="1.2")
    assert (verdict.rule_verdict, verdict.verdict) == (NOT, MET)
    assert "100,0 pct." in client.get(year_end_url(be2021)).content.decode()


def test_verdicts_are_in_the_goals_history(client, be2021, ism_reviewer):
    client.force_login(ism_reviewer)
    counts = {g.number: g.requirements.count() for g in be2021.goals.all()}
    client.post(
        year_end_url(be2021), verdict_post(be2021, {n: ["yes"] * c for n, c in counts.items()})
    )
    client.post(
        year_end_url(be2021),
        verdict_post(
            be2021, {n: (["no"] if n == "1.1" else ["yes"] * c) for n, c in counts.items()}
        ),
    )
    goal = be2021.goals.get(number="1.1")
    changes = HistoryRecord.objects.filter(goal=goal, subject="goal_verdict", field="verdict")
    assert [(c.before, c.after) for c in changes.order_by("id")] == [("", MET), (MET, NOT)]
    assert all(c.changed_by == ism_reviewer for c in changes)
    html = client.get(reverse("goals:history", args=["BE", 2021, goal.pk])).content.decode()
    assert "Ikke opfyldt" in html and "Endelig vurdering" in html


def test_requirements_are_prefilled_from_the_q4_numbers(client, reference_plans, admin_user_):
    plan = reference_plans["adst-2024.yaml"]
    requirement = (
        plan.goals.get(number="1.1").requirements.filter(measure="threshold").order_by("order")[0]
    )
    report = QuarterReport.objects.create(plan=plan, quarter=4)
    StatusEntry.objects.create(
        report=report, goal=requirement.goal, requirement=requirement,
        result_value=requirement.target_value - 1,
    )  # fmt: skip
    client.force_login(admin_user_)
    html = client.get(year_end_url(plan)).content.decode()
    field = html[html.index(f'name="met_{requirement.pk}"') :]
    field = field[: field.index("</select>")]
    assert 'value="no" selected' in field


def test_a_goal_without_requirements_takes_the_departments_verdict(client, plan, carol):
    goal = Goal.objects.create(plan=plan, number="A", title="Uden krav", kind="drift")
    client.force_login(carol)
    url = year_end_url(plan)
    client.post(url, {f"verdict_{goal.pk}": PARTLY, f"reason_{goal.pk}": ""})
    verdict = GoalVerdict.objects.get(goal=goal)
    assert (verdict.rule_verdict, verdict.verdict) == (PARTLY, PARTLY)


def test_year_end_page_query_count_does_not_grow_with_goals(
    client, reference_plans, admin_user_, django_assert_max_num_queries
):
    client.force_login(admin_user_)
    with django_assert_max_num_queries(14):
        response = client.get(year_end_url(reference_plans["adst-2024.yaml"]))
    assert response.status_code == 200


def test_partial_scoring_on_the_page(client, plan, carol):
    """A partly met goal scores the plan's share of its weight when the plan scores partially."""
    plan.scoring_method, plan.partial_score = ScoringMethod.PARTIAL, 40
    plan.save()
    partial = Goal.objects.create(
        plan=plan, number="1", title="Delvis", kind="drift", fulfilment_rule="partial", order=1
    )
    full = Goal.objects.create(plan=plan, number="2", title="Hel", kind="drift", order=2)
    first = partial.requirements.create(number="1)", text="a", order=1)
    second = partial.requirements.create(number="2)", text="b", order=2)
    only = full.requirements.create(number="1)", text="c", order=1)
    client.force_login(carol)
    data = {f"met_{first.pk}": "yes", f"met_{second.pk}": "no", f"met_{only.pk}": "yes"}
    assert client.post(year_end_url(plan), data).status_code == 302
    assert GoalVerdict.objects.get(goal=partial).verdict == PARTLY
    html = client.get(year_end_url(plan)).content.decode()
    assert "70,0 pct." in html  # 50 for the met goal + 40 pct. of 50 for the partly met one


def test_the_pages_rows_come_from_the_builder_with_the_rule_as_the_ticks_give_it(be2021):
    import dataclasses

    from goals.selectors import YearEndGoalRow, year_end

    counts = {g.number: g.requirements.count() for g in be2021.goals.all()}
    mets = {number: ["yes"] * n for number, n in counts.items()}
    mets["1.2"] = ["no"]
    page = year_end(be2021, verdict_post(be2021, mets))
    rows = {row.goal.number: row for row in page.rows}
    assert all(isinstance(row, YearEndGoalRow) for row in page.rows)
    assert (rows["1.1"].rule, rows["1.2"].rule) == (MET, NOT)
    assert page.form.is_bound and page.form.is_valid()
    with pytest.raises(dataclasses.FrozenInstanceError):
        rows["1.1"].rule = NOT
    # Unposted, the rule is the pre-fill's: nothing decided, nothing ticked.
    assert year_end(be2021).rows[0].rule is None
