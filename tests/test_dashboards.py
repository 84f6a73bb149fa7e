"""The department's dashboards: what the overview, needs-attention and group-wide pages say.

One small ministry, written out by hand so every expected number can be read off the set-up:

    Alfastyrelsen (AA), 2024, binary scoring      Betastyrelsen (BB), 2024
      1.1 drift, beacon 1          Q1 green  Q2 green    1.1 drift            Q1 red
      1.2 udvikling, beacon 2      Q1 yellow Q2 green    1.2 koncernfælles    Q1 green
      1.3 koncernfælles, beacon 1  Q1 red    Q2 yellow
      Q1 approved, Q2 submitted, Q3 and Q4 none         Q1 submitted, Q2 returned (both red),
                                                        Q3 draft (both red), Q4 none
Only handed-in quarters (submitted, approved) count: BB's Q2 and Q3 statuses never do.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from goals.models import (
    Goal,
    GoalVerdict,
    GroupGoal,
    Institution,
    Membership,
    MinistryBeacon,
    Plan,
    QuarterReport,
    Requirement,
    Section,
    StatusEntry,
)
from tests.helpers import delete_plans

SCRIPT = "<script>alert('x')</script>"


def make_plan(ministry, name, short_name, **fields):
    institution = Institution.objects.create(ministry=ministry, name=name, short_name=short_name)
    return Plan.objects.create(
        institution=institution,
        ministry=ministry,
        year=2024,
        title=f"Plan 2024 for {name}",
        valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2024, 12, 31),
        deadline_days=14,
        **fields,
    )


def report(plan, quarter, state, statuses, **causes):
    """A quarter's report with a goal-level status per goal: {goal: status}."""
    made = QuarterReport.objects.create(plan=plan, quarter=quarter, state=state)
    for goal, status in statuses.items():
        StatusEntry.objects.create(
            report=made,
            goal=goal,
            status=status,
            result_text=f"Resultat {goal.number} i {quarter}. kvartal",
            **(causes if status in ("red", "yellow") else {}),
        )
    return made


@pytest.fixture
def scenario(ministry):
    beacon1 = MinistryBeacon.objects.create(ministry=ministry, number="1", title="Drift", order=1)
    beacon2 = MinistryBeacon.objects.create(ministry=ministry, number="2", title="Nyt", order=2)
    shared = GroupGoal.objects.create(ministry=ministry, code="fravaer", title="Lavt sygefravær")

    alfa = make_plan(ministry, "Alfastyrelsen", "AA")
    s1 = Section.objects.create(plan=alfa, title="P1", number="1", order=1, ministry_beacon=beacon1)
    s2 = Section.objects.create(plan=alfa, title="P2", number="2", order=2, ministry_beacon=beacon2)
    a1 = Goal.objects.create(plan=alfa, section=s1, number="1.1", order=1, title="Rettidighed",
                             kind=Goal.Kind.OPERATIONS)  # fmt: skip
    a2 = Goal.objects.create(plan=alfa, section=s2, number="1.2", order=2, title="Ny portal",
                             kind=Goal.Kind.DEVELOPMENT)  # fmt: skip
    a3 = Goal.objects.create(plan=alfa, section=s1, number="1.3", order=3, title="Fravær A",
                             kind=Goal.Kind.GROUP, group_goal=shared)  # fmt: skip
    requirement = Requirement.objects.create(
        goal=a1, number="1)", text="Mindst 95 pct.", measure="threshold", comparator="at_least",
        target_value=95, unit="pct",
    )  # fmt: skip
    q1 = report(alfa, 1, "approved", {a1: "green", a2: "yellow", a3: "red"},
                cause="Sygdom", consequence="Forsinkelse", action="Vikar")  # fmt: skip
    StatusEntry.objects.create(report=q1, goal=a1, requirement=requirement,
                               result_value=Decimal("95.5"), status="green")  # fmt: skip
    report(alfa, 2, "submitted", {a1: "green", a2: "green", a3: "yellow"},
           cause=f"Ny årsag {SCRIPT}", consequence="Forsinket", action="Opfølgning")  # fmt: skip

    beta = make_plan(ministry, "Betastyrelsen", "BB")
    b1 = Goal.objects.create(plan=beta, number="1.1", order=1, title="Klager",
                             kind=Goal.Kind.OPERATIONS)  # fmt: skip
    b2 = Goal.objects.create(plan=beta, number="1.2", order=2, title="Fravær B",
                             kind=Goal.Kind.GROUP, group_goal=shared)  # fmt: skip
    report(beta, 1, "submitted", {b1: "red", b2: "green"}, cause="Systemnedbrud",
           consequence="Klager venter", action="Task force")  # fmt: skip
    returned = report(beta, 2, "returned", {b1: "red", b2: "red"}, cause="Retur-årsag")
    returned.review_comment = "Uddyb handlingen."
    returned.save()
    report(beta, 3, "draft", {b1: "red", b2: "red"}, cause="Kladde-årsag")
    return {
        "alfa": alfa, "beta": beta, "a1": a1, "a2": a2, "a3": a3, "b1": b1, "b2": b2,
        "beacon1": beacon1, "beacon2": beacon2, "shared": shared,
    }  # fmt: skip


@pytest.fixture
def reviewer(scenario, carol, client):
    client.force_login(carol)
    return carol


def page(client, name, query=""):
    response = client.get(reverse(f"reporting:{name}", args=["TM"]) + query)
    assert response.status_code == 200
    return response


# --- the ministry overview ----------------------------------------------------------------


def rows_of(response):
    return {row.plan.institution.short_name: row for row in response.context["rows"]}


def test_overview_counts_goals_by_status_per_quarter(client, scenario, reviewer):
    rows = rows_of(page(client, "overview", "?aar=2024"))
    alfa, beta = rows["AA"], rows["BB"]
    assert alfa.cell(1).counts == {"green": 1, "yellow": 1, "red": 1}
    assert alfa.cell(2).counts == {"green": 2, "yellow": 1, "red": 0}
    assert beta.cell(1).counts == {"green": 1, "yellow": 0, "red": 1}
    assert beta.cell(2).reported == 0 and beta.cell(2).without_status == 2


def test_overview_shows_each_reports_state_and_overdue(client, scenario, reviewer):
    rows = rows_of(page(client, "overview", "?aar=2024"))
    states = {
        name: [(row.cell(q).state, row.cell(q).overdue) for q in (1, 2, 3, 4)]
        for name, row in rows.items()
    }
    # 2024 is long past: what is not submitted or approved is overdue.
    assert states["AA"] == [
        ("approved", False), ("submitted", False), ("missing", True), ("missing", True),
    ]  # fmt: skip
    assert states["BB"] == [
        ("submitted", False), ("returned", True), ("draft", True), ("missing", True),
    ]  # fmt: skip


def test_overview_cells_link_to_the_institutions_quarter(client, scenario, reviewer):
    html = page(client, "overview", "?aar=2024").content.decode()
    for quarter in (1, 2, 3, 4):
        assert f'href="{reverse("goals:quarter", args=["AA", 2024, quarter])}"' in html
    assert "Fristen er overskredet" in html and "Sendt retur" in html


def test_overview_quarter_not_yet_ended_is_not_started_rather_than_missing(
    client, scenario, reviewer
):
    this_year = datetime.date.today().year
    plan = make_plan(scenario["alfa"].ministry, "Gammastyrelsen", "GG")
    Plan.objects.filter(pk=plan.pk).update(year=this_year + 1)
    rows = rows_of(page(client, "overview", f"?aar={this_year + 1}"))
    assert [rows["GG"].cell(q).state for q in (1, 2, 3, 4)] == ["not_started"] * 4
    assert not any(rows["GG"].cell(q).overdue for q in (1, 2, 3, 4))


def test_overview_degree_so_far_follows_latest_status_and_scoring(client, scenario, reviewer):
    # Latest statuses of AA: green, green, yellow. Binary scoring: 2 of 3 goals count.
    degree = rows_of(page(client, "overview", "?aar=2024"))["AA"].degree
    assert degree.value.quantize(Decimal("0.1")) == Decimal("66.7")
    assert (degree.counted, degree.total, degree.final) == (3, 3, False)
    # Partial scoring gives yellow (partly met) half of its weight.
    Plan.objects.filter(pk=scenario["alfa"].pk).update(scoring_method="partial", partial_score=50)
    degree = rows_of(page(client, "overview", "?aar=2024"))["AA"].degree
    assert degree.value.quantize(Decimal("0.1")) == Decimal("83.3")


def test_overview_degree_takes_the_departments_verdict_over_the_status(client, scenario, reviewer):
    for goal in ("a1", "a2", "a3"):
        GoalVerdict.objects.create(goal=scenario[goal], rule_verdict="met", verdict="met")
    degree = rows_of(page(client, "overview", "?aar=2024"))["AA"].degree
    assert degree.value == 100
    assert degree.final
    html = page(client, "overview", "?aar=2024").content.decode()
    assert "100 %" in html and "endelig" in html


def test_overview_degree_leaves_out_goals_without_status(client, scenario, reviewer):
    # BB: 1.1 red (not met), 1.2 green (met) -> 50 %; a goal never reported is not counted.
    Goal.objects.create(plan=scenario["beta"], number="1.3", order=3, title="Ny", kind="drift")
    degree = rows_of(page(client, "overview", "?aar=2024"))["BB"].degree
    assert (degree.value, degree.counted, degree.total) == (50, 2, 3)


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("institution", ["AA", "BB"]),
        ("-institution", ["BB", "AA"]),
        # Q1: both have one red; AA has a yellow too, so it is worse.
        ("k1", ["AA", "BB"]),
        ("-k1", ["BB", "AA"]),
        # Degree so far: BB 50 %, AA 66.7 %; lowest first.
        ("grad", ["BB", "AA"]),
        ("-grad", ["AA", "BB"]),
    ],
)
def test_overview_sorts(client, scenario, reviewer, sort, order):
    rows = page(client, "overview", f"?aar=2024&sorter={sort}").context["rows"]
    assert [row.plan.institution.short_name for row in rows] == order


def test_overview_sort_links_keep_the_filters_and_mark_the_sorted_column(
    client, scenario, reviewer
):
    html = page(client, "overview", "?aar=2024&type=drift&sorter=k1").content.decode()
    assert 'aria-sort="descending"' in html
    assert "?aar=2024&amp;type=drift&amp;sorter=-k1" in html  # clicking again reverses


def test_overview_filters_by_goal_kind_and_beacon(client, scenario, reviewer):
    rows = rows_of(page(client, "overview", "?aar=2024&type=udvikling"))
    assert rows["AA"].cell(1).counts == {"green": 0, "yellow": 1, "red": 0}
    assert rows["BB"].cell(1).reported == 0
    beacon = scenario["beacon1"].pk
    rows = rows_of(page(client, "overview", f"?aar=2024&pejlemaerke={beacon}"))
    # Beacon 1 holds 1.1 (green) and 1.3 (red) of AA.
    assert rows["AA"].cell(1).counts == {"green": 1, "yellow": 0, "red": 1}


def test_overview_quarter_filter_shows_that_quarter_only(client, scenario, reviewer):
    response = page(client, "overview", "?aar=2024&kvartal=2")
    assert response.context["quarters"] == [2]
    labels = [header["label"] for header in response.context["headers"]]
    assert labels == ["Institution", "2. kvartal", "Målopfyldelse hidtil"]


def test_overview_invalid_filter_is_reported_on_its_field_and_ignored(client, scenario, reviewer):
    response = page(client, "overview", "?aar=2024&kvartal=9&type=ukendt")
    form = response.context["form"]
    assert "kvartal" in form.errors and "type" in form.errors
    assert response.context["quarters"] == [1, 2, 3, 4]
    html = response.content.decode()
    assert 'id="id_kvartal-error"' in html
    assert len(response.context["rows"]) == 2


def test_overview_defaults_to_the_newest_year_up_to_now(client, scenario, reviewer):
    response = page(client, "overview")
    assert response.context["filters"].year == 2024


def test_overview_of_a_year_without_plans_says_so(client, scenario, reviewer):
    html = page(client, "overview", "?aar=2024&type=drift").content.decode()
    assert "Alfastyrelsen" in html
    delete_plans(Plan.objects.all())
    html = page(client, "overview").content.decode()
    assert "Ingen institutioner i ministeriet har en plan" in html


def test_overview_never_shows_another_ministrys_institutions(
    client, scenario, reviewer, reference_plans
):
    html = page(client, "overview", "?aar=2024").content.decode()
    assert "Administrations- og Servicestyrelsen" not in html


def test_overview_charts_carry_their_numbers_in_a_table(client, scenario, reviewer):
    response = page(client, "overview", "?aar=2024")
    distribution, trend = response.context["charts"]
    # Q1: AA green/yellow/red + BB green/red; Q2: AA green, green, yellow, BB two without.
    assert distribution.rows[0] == ["1. kvt.", "2", "1", "2", "0", "5"]
    assert distribution.rows[1] == ["2. kvt.", "2", "1", "0", "2", "5"]
    assert trend.rows[0] == ["1. kvt.", "40 %", "20 %", "40 %"]
    html = response.content.decode()
    assert html.count("<svg") == 2 and "Vis tallene som tabel" in html


# --- needs attention ---------------------------------------------------------------------


def listed(response):
    return [
        (e.report.plan.institution.short_name, e.goal.number, e.report.quarter, e.status)
        for e in response.context["entries"]
    ]


def test_attention_lists_goals_by_their_latest_red_or_yellow_status_newest_first(
    client, scenario, reviewer
):
    response = page(client, "attention", "?aar=2024")
    # AA 1.2 was yellow in Q1 but green since: not listed. AA 1.3 is yellow in Q2.
    assert listed(response) == [("AA", "1.3", 2, "yellow"), ("BB", "1.1", 1, "red")]
    html = response.content.decode()
    assert "Systemnedbrud" in html and "Klager venter" in html and "Task force" in html


def test_attention_in_one_quarter_lists_that_quarters_statuses(client, scenario, reviewer):
    response = page(client, "attention", "?aar=2024&kvartal=1")
    assert sorted(listed(response)) == [
        ("AA", "1.2", 1, "yellow"), ("AA", "1.3", 1, "red"), ("BB", "1.1", 1, "red"),
    ]  # fmt: skip


def test_attention_filters_by_status_and_kind(client, scenario, reviewer):
    assert listed(page(client, "attention", "?aar=2024&status=red")) == [("BB", "1.1", 1, "red")]
    assert listed(page(client, "attention", "?aar=2024&type=koncernfaelles")) == [
        ("AA", "1.3", 2, "yellow")
    ]


def test_attention_lists_waiting_overdue_and_returned_reports(client, scenario, reviewer):
    alerts = page(client, "attention", "?aar=2024").context["reports"]
    found = {(a.plan.institution.short_name, a.quarter, a.state, a.overdue) for a in alerts}
    assert found == {
        ("AA", 2, "submitted", False), ("BB", 1, "submitted", False),
        ("AA", 3, "missing", True), ("AA", 4, "missing", True),
        ("BB", 2, "returned", True), ("BB", 3, "draft", True),
        ("BB", 4, "missing", True),
    }  # fmt: skip
    html = page(client, "attention", "?aar=2024").content.decode()
    assert "Uddyb handlingen." in html


def test_attention_shows_free_text_as_text(client, scenario, reviewer):
    html = page(client, "attention", "?aar=2024").content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_attention_pages_through_many_goals(client, ministry, carol):
    from goals.generate import generate_ministry, numbered_institutions
    from reporting.views import ATTENTION_PAGE_SIZE

    big = generate_ministry(name="Stort", short_name="ST", institutions=numbered_institutions(30),
                            years=[2024], goals=10, requirements=3, seed=3)  # fmt: skip
    Membership.objects.create(user=carol, role="reviewer", ministry=big)
    client.force_login(carol)
    url = reverse("reporting:attention", args=["ST"]) + "?aar=2024"
    first = client.get(url).context["entries"]
    total = first.paginator.count
    assert total > ATTENTION_PAGE_SIZE
    second = client.get(url + "&side=2").context["entries"]
    assert len(first) == ATTENTION_PAGE_SIZE
    assert {e.pk for e in first}.isdisjoint({e.pk for e in second})
    assert first.paginator.num_pages == -(-total // ATTENTION_PAGE_SIZE)


# --- group-wide goals -------------------------------------------------------------------


def test_group_goals_show_each_institutions_goal_side_by_side(client, scenario, reviewer):
    response = page(client, "group_goals", "?aar=2024")
    assert response.context["chosen"] == scenario["shared"]
    rows = response.context["rows"]
    assert [(r.goal.plan.institution.short_name, r.goal.number) for r in rows] == [
        ("AA", "1.3"),
        ("BB", "1.2"),
    ]
    statuses = [[c.entry.status if c.entry else None for c in r.cells] for r in rows]
    assert statuses == [["red", "yellow", None, None], ["green", None, None, None]]
    html = response.content.decode()
    assert "Resultat 1.3 i 2. kvartal" in html


# --- the institution's plan page ----------------------------------------------------------


def test_plan_page_grid_shows_status_result_and_requirement_numbers(client, scenario, reviewer):
    response = client.get(reverse("reporting:plan_detail", args=["AA", 2024]))
    html = response.content.decode()
    assert "Resultat 1.1 i 1. kvartal" in html
    assert "95,5 pct." in html
    (section, goals), _second = response.context["rows"]
    first = goals[0]
    assert [c.entry.status if c.entry else None for c in first.cells] == [
        "green", "green", None, None,
    ]  # fmt: skip


def test_plan_page_shows_latest_cause_and_action_of_yellow_and_red_goals(
    client, scenario, reviewer
):
    html = client.get(reverse("reporting:plan_detail", args=["AA", 2024])).content.decode()
    # 1.3 is yellow in Q2: its Q2 cause is shown, escaped; 1.2 is green now: nothing shown.
    assert "Mål 1.3, seneste status (2. kvartal):" in html
    assert "Ny årsag &lt;script&gt;" in html and "Opfølgning" in html
    assert "Mål 1.2, seneste status" not in html
    assert reverse("goals:history", args=["AA", 2024, scenario["a3"].pk]) in html


def test_plan_page_charts_count_the_plans_goals(client, scenario, reviewer):
    response = client.get(reverse("reporting:plan_detail", args=["AA", 2024]))
    distribution, _trend = response.context["charts"]
    assert distribution.rows[0][:4] == ["1. kvt.", "1", "1", "1"]
    assert distribution.rows[1][:4] == ["2. kvt.", "2", "1", "0"]


# --- the way in ---------------------------------------------------------------------------


def test_header_links_to_the_dashboards_for_the_department_only(client, scenario, alice, carol):
    client.force_login(carol)
    assert reverse("reporting:index") in client.get("/").content.decode()
    client.force_login(alice)
    assert reverse("reporting:index") not in client.get("/").content.decode()


def test_index_lists_every_ministry_for_an_administrator(client, scenario, admin_user_, dave):
    client.force_login(admin_user_)
    html = client.get(reverse("reporting:index")).content.decode()
    assert "Testministeriet" in html and "Andetministeriet" in html


def test_a_reviewer_of_two_ministries_can_switch_between_them(client, scenario, carol, dave):
    Membership.objects.create(user=carol, role="reviewer", ministry=dave.memberships.get().ministry)
    client.force_login(carol)
    assert client.get(reverse("reporting:index")).status_code == 200
    html = page(client, "overview").content.decode()
    assert reverse("reporting:overview", args=["AM"]) in html


def test_dashboards_in_english(client, scenario, reviewer):
    client.cookies["django_language"] = "en"
    html = page(client, "overview", "?aar=2024").content.decode()
    for text in ("Fulfilment so far", "Green", "Deadline passed", "Needs attention", "Q1"):
        assert text in html, text
    assert "Målopfyldelse" not in html


def test_group_goals_page_shows_one_group_goal_at_a_time(client, scenario, reviewer, ministry):
    other = GroupGoal.objects.create(ministry=ministry, code="budget", title="Budget")
    Goal.objects.create(plan=scenario["beta"], number="1.3", order=3, title="Budget B",
                        kind=Goal.Kind.GROUP, group_goal=other)  # fmt: skip
    # By title: "Budget" comes before "Lavt sygefravær", so it is shown first.
    response = page(client, "group_goals", "?aar=2024")
    assert response.context["chosen"] == other
    assert [r.goal.title for r in response.context["rows"]] == ["Budget B"]
    html = response.content.decode()
    assert "?aar=2024&amp;maal=fravaer" in html
    response = page(client, "group_goals", "?aar=2024&maal=fravaer")
    assert response.context["chosen"] == scenario["shared"]
    assert [r.goal.title for r in response.context["rows"]] == ["Fravær A", "Fravær B"]
    # An unknown code shows the first rather than nothing.
    assert page(client, "group_goals", "?maal=findes-ikke").context["chosen"] == other
