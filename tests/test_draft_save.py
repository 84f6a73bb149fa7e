"""Gem kladde saves what it can read: the fields it cannot read stay on the page as typed,
with their messages, and the page says which were not saved. What is missing (a cause, a
reason, a status) blocks only Gem og indsend."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from goals.models import (
    FigureKind,
    HistoryRecord,
    QuarterReport,
    ReportState,
    Requirement,
    StatusEntry,
)
from tests.helpers import EXPLAINED, quarter_data, quarter_url, requirement_of


@pytest.fixture
def share(threshold):
    return threshold


@pytest.fixture
def days(goal):
    return Requirement.objects.create(
        goal=goal,
        number="2)",
        order=2,
        text="Sagerne behandles på højst 30 dage.",
        measure=Requirement.Measure.THRESHOLD,
        comparator=Requirement.Comparator.AT_MOST,
        target_value=Decimal("30"),
        unit=Requirement.Unit.DAYS,
    )


def html_of(response):
    return response.content.decode()


def field_tag(html, name):
    return re.search(rf'<(?:input|textarea) [^>]*name="{name}"[^>]*>', html)[0]


def test_a_draft_saves_every_field_it_can_read_and_keeps_the_others_as_typed(
    client, alice, plan, goal, share, days
):
    client.force_login(alice)
    data = quarter_data(
        requirements={share: {"result_value": "95.5"}, days: {"result_value": "28"}},
        goals={goal: {"result_text": "Godt på vej", "status": "green", "cause": "x" * 2001}},
    )
    response = client.post(quarter_url(plan, 2), data)
    html = html_of(response)
    assert response.status_code == 200
    # Saved: what could be read.
    assert StatusEntry.objects.get(requirement=days).result_value == Decimal("28")
    own = StatusEntry.objects.get(requirement=None)
    assert (own.result_text, own.status, own.cause) == ("Godt på vej", "green", "")
    assert not StatusEntry.objects.filter(requirement=share).exists()
    # Not saved: the misread number and the too-long cause, shown as typed with their messages.
    assert 'value="95.5"' in field_tag(html, f"r{share.pk}-result_value")
    assert 'aria-invalid="true"' in field_tag(html, f"r{share.pk}-result_value")
    assert "komma som decimaltegn" in html
    assert "x" * 2001 in html
    # The page says which were not saved, each linked to its field.
    unsaved = re.search(
        r'<div class="alert alert-warning" role="alert" id="unsaved">.*?</div>', html, re.S
    )[0]
    assert "Kladden er gemt, undtagen 2 felter" in unsaved
    assert f'href="#id_r{share.pk}-result_value"' in unsaved
    assert f'href="#id_g{goal.pk}-cause"' in unsaved
    assert "Mål 1.1, 1): Resultat i kvartalet" in unsaved
    assert 'id="form-errors"' not in html  # the same list is not shown twice


def test_history_records_only_what_was_saved(client, alice, plan, goal, share, days):
    client.force_login(alice)
    data = quarter_data(
        requirements={share: {"result_value": "abc"}, days: {"result_value": "28"}},
        goals={goal: {"status": "green"}},
    )
    client.post(quarter_url(plan, 2), data)
    changed = set(HistoryRecord.objects.values_list("requirement_id", "field"))
    assert (days.pk, "result_value") in changed and (None, "status") in changed
    assert not any(requirement == share.pk for requirement, _field in changed)


def test_a_draft_saves_a_red_goal_without_its_cause_and_a_status_without_its_reason(
    client, alice, plan, goal, share
):
    client.force_login(alice)
    data = quarter_data(
        requirements={share: {"result_value": "80", "status": "green"}},
        goals={goal: {"status": "red", "action": "Vikar"}},
    )
    response = client.post(quarter_url(plan, 2), data)
    assert response.status_code == 302  # nothing unreadable: saved in full
    assert StatusEntry.objects.get(requirement=None).status == "red"
    assert StatusEntry.objects.get(requirement=share).status == "green"
    report = QuarterReport.objects.get()
    assert report.state == ReportState.DRAFT


def test_missing_cause_reason_and_status_block_only_the_submit(client, alice, plan, goal, share):
    client.force_login(alice)
    data = quarter_data(
        button="submit",
        requirements={share: {"result_value": "80", "status": "green"}},
        goals={goal: {"status": "red", "action": "Vikar"}},
    )
    html = html_of(client.post(quarter_url(plan, 2), data))
    assert "Skal udfyldes, når status er rød." in html  # cause and consequence
    assert "men tallet giver rød" in html  # the reason
    assert "Intet er gemt" in html
    assert not QuarterReport.objects.exists() and not StatusEntry.objects.exists()
    # Without a figure and a status nothing proposes the goal's status.
    html = html_of(client.post(quarter_url(plan, 2), quarter_data(button="submit")))
    assert "Vælg en status, før kvartalet indsendes." in html
    assert not QuarterReport.objects.exists()


def test_a_running_total_that_does_not_add_up_saves_neither_figure(fig, reporter, client):
    total = requirement_of(fig, "A", "Der inddrives")
    assert total.over_year == FigureKind.RUNNING_TOTAL
    client.post(
        quarter_url(fig, 1),
        quarter_data(requirements={total: {"result_value": "7"}}, goals={total.goal: {}}),
    )
    data = quarter_data(
        requirements={total: {"result_value": "8", "ytd_value": "20"}},
        goals={total.goal: {"result_text": "Bag planen"}},
    )
    html = html_of(client.post(quarter_url(fig, 2), data))
    assert "I alt år til dato skal være summen af kvartalerne" in html
    assert not StatusEntry.objects.filter(requirement=total, report__quarter=2).exists()
    assert StatusEntry.objects.get(
        requirement=None, goal=total.goal, report__quarter=2
    ).result_text == ("Bag planen")
    assert 'value="8"' in field_tag(html, f"r{total.pk}-result_value")
    assert 'value="20"' in field_tag(html, f"r{total.pk}-ytd_value")


def test_a_partial_save_moves_the_version_and_the_page_goes_on_from_it(
    client, alice, plan, goal, share, days
):
    client.force_login(alice)
    data = quarter_data(
        requirements={share: {"result_value": "1.000"}, days: {"result_value": "28"}},
        goals={goal: {"status": "green"}},
    )
    html = html_of(client.post(quarter_url(plan, 2), data))
    assert QuarterReport.objects.get().version == 1
    assert 'name="version" value="1"' in html
    # Fixed and saved again from that page: it goes through, no conflict.
    data.update({"version": "1", f"r{share.pk}-result_value": "96"})
    assert client.post(quarter_url(plan, 2), data).status_code == 302
    assert StatusEntry.objects.get(requirement=share).result_value == Decimal("96")
    assert QuarterReport.objects.get().version == 2


def test_a_partial_save_over_someone_elses_save_is_a_conflict_and_keeps_the_input(
    client, alice, plan, goal, share, days
):
    anne = get_user_model().objects.create_user("anne")
    anne.memberships.create(role="reporter", institution=plan.institution)
    client.force_login(anne)
    client.post(quarter_url(plan, 2), quarter_data(requirements={days: {"result_value": "25"}}))
    client.force_login(alice)  # her page was opened at version 0
    data = quarter_data(
        requirements={share: {"result_value": "9x"}, days: {"result_value": "28"}},
        goals={goal: {"result_text": "Alices tekst"}},
    )
    response = client.post(quarter_url(plan, 2), data)
    html = html_of(response)
    assert response.status_code == 200 and 'id="conflict"' in html
    assert 'value="9x"' in html and "Alices tekst" in html and 'value="28"' in html
    assert StatusEntry.objects.get(requirement=days).result_value == Decimal("25")
    assert 'name="version" value="1"' in html


def test_nothing_readable_changed_says_so(client, alice, plan, goal, share):
    client.force_login(alice)
    data = quarter_data(requirements={share: {"result_value": "abc"}})
    html = html_of(client.post(quarter_url(plan, 2), data))
    assert "Intet nyt er gemt: 1 felt kunne ikke læses" in html
    assert not StatusEntry.objects.exists()


@pytest.mark.parametrize("state", [ReportState.SUBMITTED, ReportState.APPROVED])
def test_a_quarter_handed_in_is_not_saved_as_a_draft(client, alice, plan, goal, state):
    QuarterReport.objects.create(plan=plan, quarter=2, state=state)
    client.force_login(alice)
    response = client.post(quarter_url(plan, 2), quarter_data(goals={goal: EXPLAINED}))
    assert response.status_code == 302
    assert not StatusEntry.objects.exists()
