"""Filling in the quarter page: progress, folding goals, carrying over last quarter's cause,
consequence and action, status choices in their colours, the reason box only when needed."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goals.figures import is_filled
from goals.models import Goal, QuarterReport, Requirement, StatusEntry
from tests.helpers import EXPLAINED, quarter_data, quarter_url


def threshold(goal, number="1)", order=1):
    return Requirement.objects.create(
        goal=goal,
        number=number,
        order=order,
        text=f"Krav {number} om tid",
        measure=Requirement.Measure.THRESHOLD,
        comparator=Requirement.Comparator.AT_LEAST,
        target_value=Decimal("95"),
        unit=Requirement.Unit.PERCENT,
    )


@pytest.fixture
def share(goal):
    return threshold(goal)


@pytest.fixture
def words(goal):
    return Requirement.objects.create(goal=goal, number="2)", order=2, text="Et tekstkrav")


def html_of(client, plan, quarter=2):
    response = client.get(quarter_url(plan, quarter))
    assert response.status_code == 200
    return response.content.decode()


def entry(report, goal, requirement=None, **values):
    return StatusEntry.objects.create(report=report, goal=goal, requirement=requirement, **values)


def reason_box(html, prefix):
    """The opening tag of the column that holds a row's reason box."""
    return re.search(
        rf'<div [^>]*data-reason-box[^>]*><div id="div_id_{prefix}-status_reason"', html
    )[0]


# --- what counts as filled in ----------------------------------------------------------------


def test_a_number_counts_where_one_is_asked_and_a_text_or_status_elsewhere(share, words):
    assert not is_filled(share, lambda piece: None)
    assert not is_filled(share, lambda piece: {"result_text": "tekst", "status": "green"})
    assert is_filled(share, lambda piece: {"result_value": "95,5"})
    assert is_filled(share, lambda piece: StatusEntry(ytd_value=Decimal("3")))
    assert not is_filled(words, lambda piece: {"result_text": "  "})
    assert is_filled(words, lambda piece: {"result_text": "Gjort"})
    assert is_filled(words, lambda piece: StatusEntry(status="green"))


# --- progress --------------------------------------------------------------------------------


def test_progress_counts_the_requirements_filled_in_on_the_page_and_per_goal(
    client, alice, plan, goal, share, words
):
    other = Goal.objects.create(
        plan=plan, section=goal.section, number="1.2", title="Andet mål", order=2
    )
    threshold(other)
    report = QuarterReport.objects.create(plan=plan, quarter=2)
    entry(report, goal, share, result_value=Decimal("96"))
    client.force_login(alice)
    html = html_of(client, plan)
    progress = re.search(r'<p [^>]*id="quarter-progress">.*?</p>', html, re.S)[0]
    assert '<span class="filled-count">1</span> af 3 krav udfyldt' in progress
    assert 'aria-live="polite"' in progress and 'max="3" value="1"' in progress
    goals = re.findall(
        r'<span class="goal-progress" data-due="(\d)">(.*?krav udfyldt)</span>', html
    )
    assert [(due, re.sub("<[^>]+>", "", text)) for due, text in goals] == [
        ("2", "1 af 2 krav udfyldt"),
        ("1", "0 af 1 krav udfyldt"),
    ]


def test_progress_counts_what_was_typed_when_the_page_comes_back(
    client, alice, plan, goal, share, words
):
    client.force_login(alice)
    data = quarter_data(requirements={share: {"result_value": "9x"}, words: {"result_text": "Ok"}})
    html = client.post(quarter_url(plan, 2), data).content.decode()
    assert '<span class="filled-count">2</span> af 2 krav udfyldt' in html


def test_a_read_only_quarter_shows_no_progress(client, carol, plan, goal, share):
    client.force_login(carol)
    assert 'id="quarter-progress"' not in html_of(client, plan)


# --- folding ---------------------------------------------------------------------------------


def test_every_goal_can_fold_and_its_header_keeps_number_title_and_progress(
    client, alice, plan, goal, share
):
    client.force_login(alice)
    html = html_of(client, plan)
    card = re.search(
        rf'<section [^>]*id="row-g{goal.pk}".*?</div>\s*<div class="card-body"', html, re.S
    )[0]
    toggle = re.search(r'<button [^>]*class="[^"]*fold-toggle[^"]*"[^>]*>', card)[0]
    assert 'aria-expanded="true"' in toggle and f'aria-controls="goal-{goal.pk}-body"' in toggle
    assert f'id="goal-{goal.pk}-title">1.1 Et mål</h3>' in card
    assert "krav udfyldt" in card
    assert f'<div class="card-body" id="goal-{goal.pk}-body">' in html
    assert 'data-fold="all"' in html and "Fold alle sammen" in html and "Fold alle ud" in html
    assert "data-has-errors" not in card


def test_a_goal_with_a_message_is_never_folded(client, alice, plan, goal, share):
    client.force_login(alice)
    data = quarter_data(requirements={share: {"result_value": "abc"}})
    html = client.post(quarter_url(plan, 2), data).content.decode()
    card = re.search(rf'<section [^>]*id="row-g{goal.pk}"[^>]*>', html)[0]
    assert "data-has-errors" in card
    header = html[html.index(card) : html.index(f'id="goal-{goal.pk}-body"')]
    assert "fold-toggle" not in header


# --- carrying over ---------------------------------------------------------------------------


def test_carry_over_offers_the_latest_earlier_quarters_texts(client, alice, plan, goal):
    q1 = QuarterReport.objects.create(plan=plan, quarter=1)
    entry(q1, goal, status="red", **EXPLAINED)
    QuarterReport.objects.create(plan=plan, quarter=2)
    client.force_login(alice)
    html = html_of(client, plan, 3)
    button = re.search(r'<button [^>]*class="[^"]*carry-over[^"]*"[^>]*>([^<]*)</button>', html)
    assert button and button[1] == "Hent fra 1. kvartal"
    tag = button[0]
    assert 'data-cause="Ferie i kvartalet"' in tag and 'data-action="Vikar"' in tag
    assert 'data-consequence="Lidt forsinket"' in tag


def test_carry_over_is_offered_only_when_an_earlier_quarter_has_text(client, alice, plan, goal):
    q1 = QuarterReport.objects.create(plan=plan, quarter=1)
    entry(q1, goal, status="green", result_text="Alt vel")
    client.force_login(alice)
    assert "carry-over" not in html_of(client, plan, 2)
    assert "carry-over" not in html_of(client, plan, 1)


def test_carry_over_is_not_offered_to_a_reviewer(client, carol, plan, goal):
    q1 = QuarterReport.objects.create(plan=plan, quarter=1)
    entry(q1, goal, status="red", **EXPLAINED)
    client.force_login(carol)
    assert "carry-over" not in html_of(client, plan, 2)


def test_carried_text_is_escaped(client, alice, plan, goal):
    q1 = QuarterReport.objects.create(plan=plan, quarter=1)
    entry(q1, goal, status="red", cause='"><script>alert(1)</script>', consequence="x", action="y")
    client.force_login(alice)
    html = html_of(client, plan, 2)
    assert "<script>alert(1)" not in html
    assert 'data-cause="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


# --- the reason box --------------------------------------------------------------------------


def test_the_reason_box_is_hidden_while_the_status_is_the_proposed_one(
    client, alice, plan, goal, share
):
    report = QuarterReport.objects.create(plan=plan, quarter=2)
    entry(report, goal, share, result_value=Decimal("96"), status="green")
    client.force_login(alice)
    html = html_of(client, plan)
    assert 'data-reason-shown="false"' in reason_box(html, f"r{share.pk}")
    # The row says which status is proposed, for the script to compare.
    assert re.search(rf'id="row-r{share.pk}"[^>]*data-proposed="green"', html)


def test_the_reason_box_is_shown_when_the_stored_status_differs_or_it_has_text(
    client, alice, plan, goal, share
):
    report = QuarterReport.objects.create(plan=plan, quarter=2)
    entry(report, goal, share, result_value=Decimal("50"), status="green")
    client.force_login(alice)
    html = html_of(client, plan)
    assert 'data-reason-shown="true"' in reason_box(html, f"r{share.pk}")
    # A goal's own box: no proposal differs, but it has text.
    entry(report, goal, status="green", status_reason="Skønnet")
    html = html_of(client, plan)
    assert 'data-reason-shown="true"' in reason_box(html, f"g{goal.pk}")


def test_the_reason_box_is_shown_when_it_has_a_message(client, alice, plan, goal, share):
    client.force_login(alice)
    data = quarter_data(
        button="submit",
        requirements={share: {"result_value": "50", "status": "green"}},
        goals={goal: {"status": "green"}},
    )
    html = client.post(quarter_url(plan, 2), data).content.decode()
    assert "men tallet giver rød" in html
    assert 'data-reason-shown="true"' in reason_box(html, f"r{share.pk}")


# --- status choices --------------------------------------------------------------------------


def test_status_choices_carry_their_colour_symbol_and_word_as_radio_buttons(
    client, alice, plan, goal, share
):
    client.force_login(alice)
    html = html_of(client, plan)
    name = f"g{goal.pk}-status"
    for status, symbol, word in [
        ("red", "✕", "Rød"),
        ("yellow", "!", "Gul"),
        ("green", "✓", "Grøn"),
    ]:
        choice = re.search(
            rf'<div class="form-check form-check-inline status-choice status-choice-{status}">'
            rf'<input type="radio"[^>]*name="{name}" value="{status}" id="([^"]+)"[^>]*> '
            rf'<label for="\1" class="form-check-label"><span aria-hidden="true">{symbol}</span> '
            rf"{word}</label>",
            html,
        )
        assert choice, status


# --- speed -----------------------------------------------------------------------------------


def _quarter_page_queries(client, plan, goals):
    start = plan.goals.count()
    report, _created = QuarterReport.objects.get_or_create(plan=plan, quarter=1)
    for n in range(start, start + goals):
        goal = Goal.objects.create(plan=plan, number=f"9.{n}", title=f"Mål {n}", order=10 + n)
        threshold(goal)
        Requirement.objects.create(goal=goal, number="2)", order=2, text="Tekst")
        entry(report, goal, status="red", **EXPLAINED)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(quarter_url(plan, 2))
    assert response.status_code == 200
    return len(queries)


def test_the_quarter_pages_queries_do_not_grow_with_the_number_of_goals(client, alice, plan):
    client.force_login(alice)
    few = _quarter_page_queries(client, plan, 3)
    many = _quarter_page_queries(client, plan, 27)  # 30 goals in all
    assert plan.goals.count() == 30
    assert many == few
