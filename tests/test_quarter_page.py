"""The quarter page as a reporter uses it: input, messages, proposals, conflicts, expiry."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from goals.models import (
    Goal,
    HistoryRecord,
    QuarterReport,
    QuarterTarget,
    ReportState,
    Requirement,
    StatusEntry,
)
from tests.helpers import EXPLAINED


def url(plan, quarter=2, name="quarter"):
    return reverse(f"goals:{name}", args=[plan.institution.short_name, plan.year, quarter])


def form_data(goal, requirement=None, button="save", version=0, **values):
    """POST data for the page: goal fields by name, requirement fields as req_<name>."""
    data = {"action": button, "version": str(version)}
    for name, value in values.items():
        if name.startswith("req_"):
            data[f"r{requirement.pk}-{name[4:]}"] = value
        else:
            data[f"g{goal.pk}-{name}"] = value
    return data


def page(response):
    return response.content.decode()


def test_page_lists_due_goals_with_their_requirements_and_targets(
    client, alice, plan, goal, threshold
):
    Goal.objects.create(
        plan=plan, number="9.9", title="Kun i fjerde kvartal", kind="drift", reporting_quarters="4"
    )
    client.force_login(alice)
    html = page(client.get(url(plan)))
    assert goal.title in html and threshold.text in html
    assert "mindst 95 pct." in html
    assert "Kun i fjerde kvartal" not in html
    assert "Kun i fjerde kvartal" in page(client.get(url(plan, 4)))


def test_a_requirement_with_its_own_quarters_brings_its_goal_along(client, alice, plan, goal):
    goal.reporting_quarters = "4"
    goal.save()
    Requirement.objects.create(goal=goal, number="2)", text="Løbende del", reporting_quarters="2")
    client.force_login(alice)
    html = page(client.get(url(plan, 2)))
    assert "Løbende del" in html and goal.title in html
    assert goal.title not in page(client.get(url(plan, 1)))


def test_danish_decimals_are_saved_and_shown_back(client, alice, plan, goal, threshold):
    client.force_login(alice)
    response = client.post(
        url(plan),
        form_data(goal, threshold, status="green", req_result_value="95,5", req_ytd_value="96,25"),
    )
    assert response.status_code == 302
    entry = StatusEntry.objects.get(requirement=threshold)
    assert (entry.result_value, entry.ytd_value) == (Decimal("95.5"), Decimal("96.25"))
    html = page(client.get(url(plan)))
    assert 'value="95,5"' in html and 'value="96,25"' in html


def test_a_share_above_100_pct_gets_a_message_on_its_field(client, alice, plan, goal, threshold):
    client.force_login(alice)
    response = client.post(
        url(plan), form_data(goal, threshold, status="green", req_result_value="1.000,5")
    )
    html = page(response)
    assert response.status_code == 200
    assert "En andel i pct. ligger mellem 0 og 100." in html
    field = re.search(rf'<input [^>]*id="id_r{threshold.pk}-result_value">', html)[0]
    assert 'aria-invalid="true"' in field and 'value="1.000,5"' in field
    # A draft: the goal's status is saved, the unreadable figure is not.
    assert StatusEntry.objects.get(requirement=None).status == "green"
    assert not StatusEntry.objects.filter(requirement=threshold).exists()


def test_a_number_that_could_be_misread_gets_a_message_and_nothing_is_lost(
    client, alice, plan, goal, threshold
):
    client.force_login(alice)
    response = client.post(
        url(plan),
        form_data(
            goal, threshold, status="green", result_text="Vi er godt med", req_result_value="95.5"
        ),
    )
    html = page(response)
    assert response.status_code == 200
    assert "komma som decimaltegn" in html
    assert 'value="95.5"' in html and "Vi er godt med" in html
    assert StatusEntry.objects.get(requirement=None).result_text == "Vi er godt med"
    assert not StatusEntry.objects.filter(requirement=threshold).exists()


def test_red_without_cause_consequence_and_action_is_refused_on_its_row(
    client, alice, plan, goal, threshold
):
    client.force_login(alice)
    response = client.post(
        url(plan),
        form_data(
            goal,
            threshold,
            button="submit",
            status="red",
            result_text="Bagud",
            action="Ekstra ressourcer",
            req_result_value="80",
        ),
    )
    html = page(response)
    assert response.status_code == 200
    assert html.count("Skal udfyldes, når status er rød.") == 2  # cause and consequence
    cause = f"id_g{goal.pk}-cause"
    # The message stands under the field, which is marked invalid and points to it.
    textarea = re.search(rf'<textarea [^>]*id="{cause}">', html)[0]
    assert 'aria-invalid="true"' in textarea
    assert f'aria-describedby="{cause}_helptext {cause}_error"' in textarea
    assert f'<div id="{cause}_error" class="invalid-feedback">' in html
    assert "Bagud" in html and "Ekstra ressourcer" in html and 'value="80"' in html
    assert not StatusEntry.objects.exists()


def test_the_number_proposes_a_status_with_the_reason(client, alice, plan, goal, threshold):
    client.force_login(alice)
    # 94 is 1 pct. short of 95: within the plan's default tolerance of 5 pct., so yellow.
    # The goal takes the requirement's yellow, so it says why.
    client.post(url(plan), form_data(goal, threshold, req_result_value="94", **EXPLAINED))
    assert StatusEntry.objects.get(requirement=threshold).status == "yellow"
    html = page(client.get(url(plan)))
    assert "Foreslået status" in html and "inden for planens tolerance på 5 pct." in html


@pytest.mark.parametrize(
    ("tolerance", "value", "expected"),
    [("5", "95", "green"), ("5", "90,25", "yellow"), ("5", "90,24", "red"), ("0", "94,9", "red")],
)
def test_tolerance_comes_from_the_plan(
    client, alice, plan, goal, threshold, tolerance, value, expected
):
    plan.status_tolerance = Decimal(tolerance)
    plan.save()
    client.force_login(alice)
    client.post(url(plan), form_data(goal, threshold, req_result_value=value, **EXPLAINED))
    assert StatusEntry.objects.get(requirement=threshold).status == expected


def test_another_status_than_proposed_needs_a_reason(client, alice, plan, goal, threshold):
    client.force_login(alice)
    data = form_data(
        goal, threshold, "submit", status="green", req_result_value="80", req_status="green"
    )
    response = client.post(url(plan), data)
    assert "men tallet giver rød" in page(response)
    assert not StatusEntry.objects.exists()
    data[f"r{threshold.pk}-status_reason"] = "Tallet er påvirket af en engangsleverance."
    assert client.post(url(plan), data).status_code == 302
    assert QuarterReport.objects.get().state == ReportState.SUBMITTED
    entry = StatusEntry.objects.get(requirement=threshold)
    assert (entry.status, entry.status_reason[:10]) == ("green", "Tallet er ")


def test_cumulative_targets_use_the_quarters_target(client, alice, plan, goal):
    hours = Requirement.objects.create(
        goal=goal,
        number="2)",
        text="Frigjorte timer",
        measure="cumulative",
        comparator="at_least",
        unit="hours",
    )
    QuarterTarget.objects.create(requirement=hours, quarter=2, target_value=3000)
    client.force_login(alice)
    client.post(url(plan), form_data(goal, hours, status="green", req_result_value="3.100"))
    assert StatusEntry.objects.get(requirement=hours).status == "green"
    assert "Kvartalsmål: mindst 3.000 timer" in page(client.get(url(plan)))


def test_submit_needs_every_goal_status_and_says_where(client, alice, plan, goal, threshold):
    client.force_login(alice)
    # Without a figure the goal's status has nothing to be proposed from.
    response = client.post(url(plan), form_data(goal, threshold, button="submit"))
    assert "Vælg en status, før kvartalet indsendes." in page(response)
    assert not QuarterReport.objects.exists()
    response = client.post(
        url(plan),
        form_data(goal, threshold, button="submit", status="green", req_result_value="96"),
    )
    assert response.status_code == 302
    assert QuarterReport.objects.get().state == ReportState.SUBMITTED
    html = page(client.get(url(plan)))
    assert "Kvartalet er indsendt" in html and "Gem kladde" not in html


def test_second_editor_is_refused_with_the_other_persons_change_and_keeps_input(
    client, alice, plan, goal, threshold
):
    anne = get_user_model().objects.create_user("anne", first_name="Anne", last_name="Holm")
    anne.memberships.create(role="reporter", institution=plan.institution)
    client.force_login(alice)
    client.post(url(plan), form_data(goal, threshold, status="green", req_result_value="96"))

    client.force_login(anne)  # Anne's page was opened at version 0, before Alice saved.
    mine = form_data(
        goal, threshold, status="green", result_text="Annes tekst", req_result_value="97,5"
    )
    response = client.post(url(plan), mine)
    html = page(response)
    assert response.status_code == 200
    assert "ændret af en anden" in html and 'id="conflict"' in html
    assert "alice" in html and "96" in html  # who changed what
    assert "Annes tekst" in html and 'value="97,5"' in html  # Anne's input is kept
    assert 'name="version" value="1"' in html
    assert StatusEntry.objects.get(requirement=threshold).result_value == Decimal("96")
    # Having seen it, Anne saves deliberately from the current version.
    mine["version"] = "1"
    assert client.post(url(plan), mine).status_code == 302
    assert StatusEntry.objects.get(requirement=threshold).result_value == Decimal("97.5")


def test_typed_input_survives_an_expired_session(client, alice, plan, goal, threshold):
    client.force_login(alice)
    client.get(url(plan))
    client.logout()  # the session expires while the form is open
    data = form_data(
        goal, threshold, status="green", result_text="Skrevet før udløb", req_result_value="96,5"
    )
    response = client.post(url(plan), data)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not StatusEntry.objects.exists()

    client.post(reverse("login"), {"username": "alice", "password": "pw-alice-123"})
    html = page(client.get(url(plan)))
    assert "Skrevet før udløb" in html and 'value="96,5"' in html
    assert "sat ind igen" in html
    assert client.post(url(plan), data).status_code == 302
    assert StatusEntry.objects.get(requirement=threshold).result_value == Decimal("96.5")
    # Put back once only.
    assert "Skrevet før udløb" in page(client.get(url(plan)))  # now saved
    assert "sat ind igen" not in page(client.get(url(plan)))


def test_approved_quarter_is_read_only(client, alice, plan, goal):
    QuarterReport.objects.create(plan=plan, quarter=2, state=ReportState.APPROVED)
    client.force_login(alice)
    html = page(client.get(url(plan)))
    assert "Gem kladde" not in html
    # Read as a document (tests/test_review_page.py), without the goals' form.
    assert 'id="quarter-document"' in html and 'id="quarter-form"' not in html
    assert not re.findall(rf'<(?:input|textarea) [^>]*name="g{goal.pk}-[^>]*>', html)
    response = client.post(url(plan), form_data(goal, status="red"))
    assert response.status_code == 302
    assert not StatusEntry.objects.exists()


def test_returned_quarter_shows_the_comment_to_the_reporter(client, alice, plan, goal):
    QuarterReport.objects.create(
        plan=plan, quarter=2, state=ReportState.RETURNED, review_comment="Uddyb årsagen"
    )
    client.force_login(alice)
    html = page(client.get(url(plan)))
    assert "Uddyb årsagen" in html and "Gem og indsend" in html


def test_deadline_and_overdue_follow_the_plans_rule(client, alice, plan, goal):
    plan.deadline_days = 14
    plan.save()
    assert plan.deadline_for(2) == datetime.date(2024, 7, 14)
    assert plan.is_overdue(2, None, today=datetime.date(2024, 7, 15))
    assert not plan.is_overdue(2, None, today=datetime.date(2024, 7, 14))
    submitted = QuarterReport(plan=plan, quarter=2, state=ReportState.SUBMITTED)
    assert not plan.is_overdue(2, submitted, today=datetime.date(2024, 8, 1))
    returned = QuarterReport(plan=plan, quarter=2, state=ReportState.RETURNED)
    assert plan.is_overdue(2, returned, today=datetime.date(2024, 8, 1))
    client.force_login(alice)
    html = page(client.get(url(plan)))  # 2024 is past: the deadline has passed
    assert "14. juli 2024" in html and "Fristen er overskredet" in html
    plan_page = page(client.get(reverse("reporting:plan_detail", args=["TS", 2024])))
    assert "Fristen er overskredet" in plan_page


def test_history_view_shows_who_when_before_after(client, alice, carol, plan, goal):
    client.force_login(alice)
    client.post(url(plan), form_data(goal, status="green"))
    client.post(
        url(plan),
        form_data(
            goal,
            version=1,
            status="yellow",
            cause="Sygdom",
            consequence="Forsinkelse",
            action="Vikar",
        ),
    )
    client.force_login(carol)
    html = page(client.get(reverse("goals:history", args=["TS", 2024, goal.pk])))
    assert "Grøn" in html and "Gul" in html and "Sygdom" in html and "alice" in html
    assert HistoryRecord.objects.filter(goal=goal, field="status").count() == 2


def test_quarter_page_query_count_does_not_grow_with_goals(
    client, reference_plans, admin_user_, django_assert_max_num_queries
):
    plan = reference_plans["adst-2024.yaml"]
    client.force_login(admin_user_)
    with django_assert_max_num_queries(14):
        response = client.get(url(plan))
    assert response.status_code == 200


def test_the_page_gets_its_rows_with_their_forms_from_one_builder(plan, goal, threshold):
    import dataclasses

    from goals.selectors import QuarterGoalRow, QuarterRequirementRow, build_quarter

    page = build_quarter(plan, 2, {f"r{threshold.pk}-result_value": "96"})
    (row,) = page.rows
    assert isinstance(row, QuarterGoalRow) and row.goal == goal
    (item,) = row.requirements
    assert isinstance(item, QuarterRequirementRow) and item.form.requirement == threshold
    assert item.form.is_bound and row.form.requirement is None
    assert page.forms == [item.form, row.form]
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.form = None
