"""The department sees what was handed in: drafts and returned quarters count nowhere.

Two institutions of one ministry, 2024 (long past, so every quarter is due):

    Kladdestyrelsen (TS, alice's)                 Indsendtstyrelsen (IS)
      1.1 drift, group-wide   Q1 draft: red       1.1 drift, group-wide   Q1 submitted: green
      1.2 drift               Q1 draft: red       1.2 drift               Q1 submitted: yellow
                              Q2 returned: red
    every red with its cause, and a requirement's figure in the draft

Every count, chart, degree and list across institutions must show IS's statuses and none of
TS's, while TS's quarters still show as "Kladde" and "Sendt retur".
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from goals.models import (
    HANDED_IN_STATES,
    Goal,
    GroupGoal,
    Institution,
    Plan,
    QuarterReport,
    ReportState,
    Requirement,
    StatusEntry,
)
from reporting.documents.summary import ministry_summary

DRAFT_CAUSE = "Kladdens årsag"
RETURNED_CAUSE = "Returneret årsag"


def report(plan, quarter, state, statuses, cause=""):
    made = QuarterReport.objects.create(plan=plan, quarter=quarter, state=state)
    for goal, status in statuses.items():
        StatusEntry.objects.create(
            report=made,
            goal=goal,
            status=status,
            cause=cause if status != "green" else "",
            result_text=f"{plan.institution.short_name} {goal.number} {state}",
        )
    return made


@pytest.fixture
def scene(ministry, plan):
    shared = GroupGoal.objects.create(ministry=ministry, code="faelles", title="Fælles mål")
    plan.institution.name = "Kladdestyrelsen"
    plan.institution.save()
    t1 = Goal.objects.create(plan=plan, number="1.1", order=1, title="Kladdemål",
                             kind="drift", group_goal=shared)  # fmt: skip
    t2 = Goal.objects.create(plan=plan, number="1.2", order=2, title="Andet", kind="drift")
    requirement = Requirement.objects.create(
        goal=t1, number="1)", text="Mindst 95 pct.", measure="threshold",
        comparator="at_least", target_value=95, unit="pct",
    )  # fmt: skip
    draft = report(plan, 1, ReportState.DRAFT, {t1: "red", t2: "red"}, cause=DRAFT_CAUSE)
    StatusEntry.objects.create(report=draft, goal=t1, requirement=requirement,
                               result_value=Decimal("12.5"), status="red")  # fmt: skip
    report(plan, 2, ReportState.RETURNED, {t1: "red", t2: "red"}, cause=RETURNED_CAUSE)

    other = Institution.objects.create(ministry=ministry, name="Indsendtstyrelsen", short_name="IS")
    handed = Plan.objects.create(
        institution=other, ministry=ministry, year=2024, title="Plan IS",
        valid_from=datetime.date(2024, 1, 1), valid_to=datetime.date(2024, 12, 31),
    )  # fmt: skip
    i1 = Goal.objects.create(plan=handed, number="1.1", order=1, title="Indsendt mål",
                             kind="drift", group_goal=shared)  # fmt: skip
    i2 = Goal.objects.create(plan=handed, number="1.2", order=2, title="Gult mål", kind="drift")
    report(handed, 1, ReportState.SUBMITTED, {i1: "green", i2: "yellow"}, cause="Indsendt årsag")
    return {"draft_plan": plan, "handed_plan": handed, "i2": i2}


@pytest.fixture
def reviewer(scene, carol, client):
    client.force_login(carol)
    return carol


def get(client, name, *args, query=""):
    response = client.get(reverse(name, args=args) + query)
    assert response.status_code == 200
    return response


def overview_rows(client):
    response = get(client, "reporting:overview", "TM", query="?aar=2024")
    return response, {row.plan.institution.short_name: row for row in response.context["rows"]}


def test_handed_in_means_submitted_or_approved():
    assert set(HANDED_IN_STATES) == {ReportState.SUBMITTED, ReportState.APPROVED}
    assert QuarterReport(state=ReportState.APPROVED).is_handed_in
    assert not QuarterReport(state=ReportState.RETURNED).is_handed_in


def test_overview_counts_only_handed_in_quarters(client, reviewer):
    _response, rows = overview_rows(client)
    assert rows["IS"].cell(1).counts == {"green": 1, "yellow": 1, "red": 0}
    assert rows["TS"].cell(1).counts == {"green": 0, "yellow": 0, "red": 0}
    assert rows["TS"].cell(2).counts == {"green": 0, "yellow": 0, "red": 0}
    # Still shown for what they are.
    assert [rows["TS"].cell(q).state for q in (1, 2)] == ["draft", "returned"]


def test_overview_shows_a_draft_as_its_state_without_statuses(client, reviewer):
    response, _rows = overview_rows(client)
    html = response.content.decode()
    assert "Kladde" in html and "Sendt retur" in html
    # IS has one cell with counts (its Q1); TS, whose two quarters are all red, has none.
    assert html.count('<b class="r">') == 1


def test_overview_degree_rests_on_handed_in_statuses_only(client, reviewer):
    _response, rows = overview_rows(client)
    # IS: green met, yellow not met under binary scoring: 50 %.
    assert rows["IS"].degree.value == 50
    assert (rows["TS"].degree.value, rows["TS"].degree.counted) == (None, 0)


def test_overview_charts_count_only_handed_in_quarters(client, reviewer):
    response, _rows = overview_rows(client)
    distribution, trend = response.context["charts"]
    # Q1: IS green and yellow; TS's two goals have no handed-in status. Q2: all four without.
    assert distribution.rows[0] == ["1. kvt.", "1", "1", "0", "2", "4"]
    assert distribution.rows[1] == ["2. kvt.", "0", "0", "0", "4", "4"]
    assert trend.rows[0] == ["1. kvt.", "50 %", "50 %", "0 %"]


def test_attention_lists_no_draft_or_returned_goal(client, reviewer):
    for query in ("?aar=2024", "?aar=2024&kvartal=1", "?aar=2024&kvartal=2&status=red"):
        response = get(client, "reporting:attention", "TM", query=query)
        entries = response.context["entries"]
        listed = [(e.report.plan.institution.short_name, e.goal.number) for e in entries]
        assert listed == ([("IS", "1.2")] if "kvartal=2" not in query else []), query
        html = response.content.decode()
        assert DRAFT_CAUSE not in html and RETURNED_CAUSE not in html


def test_group_goals_page_shows_a_draft_as_its_state_without_its_figures(client, reviewer):
    response = get(client, "reporting:group_goals", "TM", query="?aar=2024")
    rows = {row.goal.plan.institution.short_name: row for row in response.context["rows"]}
    assert [c.entry.status if c.entry else None for c in rows["IS"].cells] == [
        "green", None, None, None,
    ]  # fmt: skip
    assert [c.entry for c in rows["TS"].cells] == [None] * 4
    assert [c.lines for c in rows["TS"].cells] == [[]] * 4
    assert rows["TS"].states == ["draft", "returned", "", ""]
    html = response.content.decode()
    assert "IS 1.1 submitted" in html
    assert "TS 1.1" not in html and "12,5" not in html
    assert "Kladde" in html and "Sendt retur" in html


def test_ministry_summary_degree_rests_on_handed_in_statuses_only(scene, ministry):
    rows = {row.plan.institution.short_name: row for row in ministry_summary(ministry, 2024).rows}
    assert rows["IS"].degree.value == 50
    assert rows["TS"].degree.value is None and rows["TS"].degree.counted == 0


def test_ministry_summary_page_uses_the_same_degrees(client, reviewer):
    response = get(client, "reporting:summary", "TM", query="?aar=2024")
    rows = {row.plan.institution.short_name: row for row in response.context["report"].rows}
    assert rows["IS"].degree.value == 50 and rows["TS"].degree.value is None


def test_plan_page_shows_the_department_a_draft_as_its_state_only(client, reviewer):
    response = get(client, "reporting:plan_detail", "TS", 2024)
    html = response.content.decode()
    assert "Kladde" in html and "Sendt retur" in html
    (_section, rows), *_rest = response.context["rows"]
    assert [(cell.entry, cell.lines) for row in rows for cell in row.cells] == [(None, [])] * 8
    assert all(row.latest is None for row in rows)
    # Red only in the legend, no figure.
    assert html.count("status-red") == 1 and "12,5" not in html
    assert DRAFT_CAUSE not in html and RETURNED_CAUSE not in html
    # Nothing handed in: no chart to draw.
    assert response.context["charts"] == []


def test_plan_page_shows_the_institutions_reporter_its_drafts_marked_as_drafts(
    client, scene, alice
):
    client.force_login(alice)
    response = get(client, "reporting:plan_detail", "TS", 2024)
    html = response.content.decode()
    assert html.count("status-red") > 1 and "12,5 pct." in html
    (_section, rows), *_rest = response.context["rows"]
    assert rows[0].cells[0].entry.status == "red"
    # Each draft quarter's cell carries its state beside the statuses.
    assert html.count('<span class="badge text-bg-secondary">Kladde</span>') == 2
    # The charts are the department's: handed-in quarters only.
    assert response.context["charts"] == []


def test_plan_page_charts_count_a_submitted_quarter(client, reviewer):
    response = get(client, "reporting:plan_detail", "IS", 2024)
    distribution, _trend = response.context["charts"]
    assert distribution.rows[0][:4] == ["1. kvt.", "1", "1", "0"]


def test_the_department_may_still_open_a_draft_read_only(client, reviewer):
    response = get(client, "goals:quarter", "TS", 2024, 1)
    assert "Kladdens årsag" in response.content.decode()


def test_a_goals_latest_status_may_come_from_an_earlier_quarter_than_its_plans_last(
    client, scene, reviewer
):
    # IS hands in Q2 with a status for 1.1 only, and drafts Q3 with 1.2 red: 1.2's latest
    # handed-in status is still its yellow of Q1.
    handed, i2 = scene["handed_plan"], scene["i2"]
    report(handed, 2, ReportState.SUBMITTED, {handed.goals.get(number="1.1"): "green"})
    report(handed, 3, ReportState.DRAFT, {i2: "red"}, cause=DRAFT_CAUSE)
    _response, rows = overview_rows(client)
    degree = rows["IS"].degree
    assert (degree.value, degree.counted) == (50, 2)
    response = get(client, "reporting:attention", "TM", query="?aar=2024")
    assert [(e.goal.number, e.report.quarter) for e in response.context["entries"]] == [("1.2", 1)]


def test_attention_lists_the_latest_changed_first_within_a_quarter(client, scene, reviewer):
    handed = scene["handed_plan"]
    i1 = handed.goals.get(number="1.1")
    StatusEntry.objects.filter(goal=i1, requirement=None).update(status="red")
    entries = StatusEntry.objects.filter(goal__plan=handed, requirement=None)
    earlier = datetime.datetime(2024, 4, 2, 9, 0, tzinfo=datetime.UTC)
    for goal, moment in ((i1, earlier), (scene["i2"], earlier + datetime.timedelta(seconds=1))):
        entries.filter(goal=goal).update(updated_at=moment)
    response = get(client, "reporting:attention", "TM", query="?aar=2024")
    assert [e.goal.number for e in response.context["entries"]] == ["1.2", "1.1"]
    # Half a second later than 1.2, 1.1 is the newest: fractions of a second sort too.
    entries.filter(goal=i1).update(updated_at=earlier + datetime.timedelta(seconds=1.5))
    response = get(client, "reporting:attention", "TM", query="?aar=2024&kvartal=1")
    assert [e.goal.number for e in response.context["entries"]] == ["1.1", "1.2"]
