"""Every requirement is named wherever it appears, also one the plan prints without a number:
its printed number, or its place and first words. And the follow-up workbook finds each
requirement's figures by the requirement itself, never by its printed label."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from goals.models import QuarterReport, StatusEntry
from tests.conftest import load_reference
from tests.helpers import EXPLAINED, quarter_data, quarter_url, requirement_of


def test_an_unnumbered_requirement_is_named_by_its_place_and_first_words(fig):
    days = requirement_of(fig, "D", "Sagsbehandlingstiden")
    letters = requirement_of(fig, "D", "Mindst 50 breve")
    assert days.name == "krav 1 »Sagsbehandlingstiden er i gennemsnit højst …«"
    assert letters.name == "krav 2 »Mindst 50 breve er skrevet …«"
    assert str(days) == f"D {days.name}"
    adst = load_reference("adst-2024.yaml")
    assert adst.goals.get(number="1.1").requirements.get(number="2)").name == "2)"


def test_the_error_summary_and_the_history_name_the_requirement(client, fig, reporter):
    days = requirement_of(fig, "D", "Sagsbehandlingstiden")
    letters = requirement_of(fig, "D", "Mindst 50 breve")
    html = client.post(
        quarter_url(fig, 1),
        quarter_data(
            requirements={days: {"result_value": "9.5"}, letters: {"result_value": "20"}},
            goals={days.goal: {}},
        ),
    ).content.decode()
    # The draft is saved but for the misread number, which the list names.
    summary = html[html.index('id="unsaved"') :]
    assert "Mål D, krav 1 »Sagsbehandlingstiden er i gennemsnit højst …«" in summary
    assert "krav 2 »" not in summary.split("</ul>")[0]  # only the one with the error

    client.post(
        quarter_url(fig, 1),
        quarter_data(
            version=1,
            requirements={days: {"result_value": "9,5"}, letters: {"result_value": "20"}},
            goals={days.goal: {}},
        ),
    )
    history = client.get(
        reverse("goals:history", args=["FIG", 2025, days.goal_id])
    ).content.decode()
    assert "1. kvartal, krav 1 »Sagsbehandlingstiden er i gennemsnit højst …«" in history
    assert "1. kvartal, krav 2 »Mindst 50 breve er skrevet …«" in history


def test_annual_part_two_and_the_reports_name_each_requirement(client, fig, reporter, admin_user_):
    days = requirement_of(fig, "D", "Sagsbehandlingstiden")
    letters = requirement_of(fig, "D", "Mindst 50 breve")
    response = client.post(
        quarter_url(fig, 1),
        quarter_data(
            requirements={
                days: {"result_value": "12"},
                letters: {"result_value": "3", "status": "yellow", "status_reason": "Snart."},
            },
            goals={days.goal: EXPLAINED},
        ),
    )
    assert response.status_code == 302
    client.force_login(admin_user_)
    annual = client.get(reverse("reporting:annual", args=["FIG", 2025])).content.decode()
    part_two = annual[annual.index('id="del-2"') :]
    assert "Resultatkrav krav 1 »Sagsbehandlingstiden er i gennemsnit højst …«" in part_two
    assert "Resultatkrav krav 2 »Mindst 50 breve er skrevet …«" in part_two
    follow_up = client.get(reverse("reporting:follow_up", args=["FIG", 2025, 1])).content
    assert "krav 2 »Mindst 50 breve er skrevet …« 3 breve" in follow_up.decode()


def test_the_follow_up_workbook_keys_figures_by_requirement_not_by_label(
    client, fig, reporter, admin_user_
):
    """Goal D has two unnumbered requirements and a result of its own: each figure must land
    in its own requirement's row (keyed by label, the empty labels collided)."""
    days = requirement_of(fig, "D", "Sagsbehandlingstiden")
    letters = requirement_of(fig, "D", "Mindst 50 breve")
    client.post(
        quarter_url(fig, 1),
        quarter_data(
            requirements={days: {"result_value": "9,5"}, letters: {"result_value": "20"}},
            goals={days.goal: {"result_text": "Godt på vej"}},
        ),
    )
    client.post(
        quarter_url(fig, 2),
        quarter_data(
            requirements={days: {"result_value": "9,1"}, letters: {"result_value": "11"}},
            goals={days.goal: {"result_text": "Stadig godt"}},
        ),
    )
    assert StatusEntry.objects.filter(requirement__isnull=False).count() == 4
    client.force_login(admin_user_)
    response = client.get(reverse("reporting:follow_up_xlsx", args=["FIG", 2025, 2]))
    sheet = load_workbook(BytesIO(response.content))["Resultatkrav"]
    headers = [c.value for c in sheet[1]]
    q1, q2 = headers.index("1. kvartal"), headers.index("2. kvartal")
    ytd = headers.index("År til dato")
    rows = {(row[0].value, row[1].value): row for row in sheet.iter_rows(min_row=2)}
    days_row = rows["D", days.name]
    letters_row = rows["D", letters.name]
    own_row = rows["D", "Målet samlet"]
    assert (days_row[q1].value, days_row[q2].value) == (9.5, 9.1)
    assert days_row[q2 + 2].value == "højst 9,8 dage"  # its target beside it
    # The letters add up: 20 then 11, 31 in all, held against 12,5 and 25 expected.
    assert (letters_row[q1].value, letters_row[q2].value) == (20, 11)
    assert (letters_row[q2 + 1].value, letters_row[ytd].value) == (31, 31)
    assert letters_row[q2 + 2].value == "forventet efter 2. kvartal: mindst 25 breve"
    assert (own_row[q1].value, own_row[q2].value) == ("Godt på vej", "Stadig godt")
    assert QuarterReport.objects.count() == 2
