"""The goal history tells the whole story: beside the field changes, each event of the
quarters the goal is reported in, in words, with who, when and the department's comment."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from goals import services
from goals.models import Goal, QuarterReport
from goals.selectors import goal_history
from tests.helpers import save_entries


@pytest.fixture
def story(plan, goal, alice, carol):
    """Q2 of the goal: submitted, returned, resubmitted, approved, reopened, resubmitted,
    withdrawn."""
    carol.first_name, carol.last_name = "Carol", "Dahl"
    carol.save()
    save_entries(plan, 2, alice, {goal: {"status": "green"}}, submit=True)
    report = QuarterReport.objects.get(plan=plan, quarter=2)
    services.return_quarter(report=report, user=carol, comment="Uddyb resultatet")
    save_entries(plan, 2, alice, {goal: {"result_text": "Uddybet"}}, submit=True)
    services.approve_quarter(report=report, user=carol)
    services.reopen_quarter(report=report, user=carol, comment="Ret tallet i 1.1")
    save_entries(plan, 2, alice, {goal: {"result_text": "Rettet"}}, submit=True)
    services.withdraw_quarter(report=report, user=alice)
    return report


EVENTS_NEWEST_FIRST = [
    "Trukket tilbage af institutionen",
    "Indsendt igen efter retur",
    "Genåbnet",
    "Godkendt",
    "Indsendt igen efter retur",
    "Sendt retur",
    "Indsendt",
]


def test_every_event_of_the_quarter_is_in_the_goals_history(goal, story):
    rows = goal_history(goal)
    assert [row.label for row in rows if row.event] == EVENTS_NEWEST_FIRST
    comments = {row.label: row.event.comment for row in rows if row.event}
    assert comments["Sendt retur"] == "Uddyb resultatet"
    assert comments["Genåbnet"] == "Ret tallet i 1.1"
    assert comments["Godkendt"] == ""
    who = {row.label: row.who for row in rows if row.event}
    assert who["Sendt retur"] == "Carol Dahl" and who["Indsendt"] == "alice"
    assert all(row.quarter == 2 for row in rows if row.event)
    # Newest first, the events among the field changes.
    assert [row.at for row in rows] == sorted((row.at for row in rows), reverse=True)
    assert {row.label for row in rows if not row.event} >= {"status", "resultat (tekst)"}


def test_the_history_page_names_each_event_with_who_and_the_comment(client, carol, goal, story):
    client.force_login(carol)
    html = client.get(reverse("goals:history", args=["TS", 2024, goal.pk])).content.decode()
    events = re.findall(r'<tr class="history-event[^"]*">(.*?)</tr>', html, re.S)
    assert len(events) == len(EVENTS_NEWEST_FIRST)
    for row, label in zip(events, EVENTS_NEWEST_FIRST, strict=True):
        assert f"<strong>{label}</strong>" in row and "2. kvartal" in row
    returned = events[EVENTS_NEWEST_FIRST.index("Sendt retur")]
    assert "Carol Dahl" in returned and "Uddyb resultatet" in returned
    assert "Ret tallet i 1.1" in events[EVENTS_NEWEST_FIRST.index("Genåbnet")]
    # Not told as a field change of the state.
    assert "Indsendt → Sendt retur" not in html and "tilstand" not in html.lower()
    assert "Rettet" in html  # the field changes are there too


def test_events_of_quarters_the_goal_is_not_reported_in_are_left_out(plan, goal, alice):
    goal.reporting_quarters = "24"
    goal.save()
    other = Goal.objects.create(plan=plan, number="2.1", title="Kun i 1. kvartal", order=2)
    other.reporting_quarters = "1"
    other.save()
    save_entries(plan, 1, alice, {other: {"status": "green"}}, submit=True)
    save_entries(plan, 2, alice, {goal: {"status": "green"}}, submit=True)
    assert [(row.label, row.quarter) for row in goal_history(goal) if row.event] == [
        ("Indsendt", 2)
    ]
    assert [(row.label, row.quarter) for row in goal_history(other) if row.event] == [
        ("Indsendt", 1)
    ]


def test_a_deleted_user_is_still_named(plan, goal, carol, alice):
    save_entries(plan, 2, alice, {goal: {"status": "green"}}, submit=True)
    ghost = get_user_model().objects.create_user("ghost", first_name="Gunnar", last_name="Ø")
    ghost.memberships.create(role="reviewer", ministry=plan.ministry)
    services.approve_quarter(report=QuarterReport.objects.get(), user=ghost)
    ghost.delete()
    approved = next(row for row in goal_history(goal) if row.label == "Godkendt")
    assert approved.who == "Gunnar Ø"
