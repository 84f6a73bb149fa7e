"""A quarter's figures out to Excel and back in: from the quarter page and the management
commands, checked all or nothing, saved as a draft with its history."""

import io
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from goals.models import HistoryRecord, Membership, QuarterReport, ReportState, StatusEntry
from goals.workbook import HEADERS
from tests.conftest import member
from tests.helpers import quarter_data, quarter_url, requirement_of


def workbook_url(plan, quarter):
    return reverse("goals:quarter_workbook", args=["FIG", 2025, quarter])


def upload_url(plan, quarter):
    return reverse("goals:quarter_upload", args=["FIG", 2025, quarter])


def download(client, plan, quarter):
    response = client.get(workbook_url(plan, quarter))
    assert response.status_code == 200
    name = f'filename="fig-2025-{quarter}-kvartal-tal.xlsx"'
    assert name in response["Content-Disposition"]
    return load_workbook(BytesIO(response.content))


def rows_by_key(book):
    sheet = book["Tal"]
    assert [c.value for c in sheet[1]] == HEADERS
    key = HEADERS.index("Nøgle")
    return {row[key].value: row for row in sheet.iter_rows(min_row=2)}


def fill(row, **values):
    """Fill in cells of a row by their column; `Resultat_i_kvartalet=14` for the column
    "Resultat i kvartalet", `Årsag_konsekvens=` for "Årsag/konsekvens"."""
    for name, value in values.items():
        header = "Årsag/konsekvens" if name == "Årsag_konsekvens" else name.replace("_", " ")
        cell = row[HEADERS.index(header)]
        cell.value = value
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # typed as text ('=...), as a formula would have no value here


def upload(client, plan, quarter, book):
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "tal.xlsx"
    return client.post(upload_url(plan, quarter), {"file": buffer})


def test_a_quarter_round_trips_through_the_workbook(client, fig, rita):
    client.force_login(rita)
    total = requirement_of(fig, "A", "Der inddrives")
    hours = requirement_of(fig, "B", "Robotter")
    both = requirement_of(fig, "C", "Tilfredsheden er min.")
    phone, mail = both.parts.order_by("order")
    days = requirement_of(fig, "D", "Sagsbehandlingstiden")
    letters = requirement_of(fig, "D", "Mindst 50 breve")

    book = download(client, fig, 2)
    rows = rows_by_key(book)
    # A row per goal due and per requirement (per part) due; the survey is due in Q3 only.
    assert set(rows) == {f"r{r.pk}" for r in (total, hours, phone, mail, days, letters)} | {
        f"g{g.pk}" for g in fig.goals.all()
    }
    target = HEADERS.index("Mål")
    assert rows[f"r{total.pk}"][target].value == (
        "Årsmål: mindst 29 mia. kr.; forventet efter 2. kvartal: mindst 14,5 mia. kr. "
        "(summen år til dato)"
    )
    assert rows[f"r{phone.pk}"][1].value.endswith("(telefon)")

    fill(rows[f"r{total.pk}"], Resultat_i_kvartalet=14)  # a number cell: 14 mia. in Q2
    fill(rows[f"r{hours.pk}"], År_til_dato="2.800")  # Danish text: the total so far
    fill(rows[f"r{phone.pk}"], Resultat_i_kvartalet="4,1")
    fill(rows[f"r{mail.pk}"], Resultat_i_kvartalet=3.3)
    fill(rows[f"r{days.pk}"], Resultat_i_kvartalet="9,7", Status="")
    fill(rows[f"r{letters.pk}"], Resultat_i_kvartalet=30)
    for goal in fig.goals.all():
        fill(
            rows[f"g{goal.pk}"],
            Årsag_konsekvens="Årsag: Sygdom i teamet\nKonsekvens: Lidt forsinket",
            Handling='=HYPERLINK("http://example.invalid","x")',
        )
    response = upload(client, fig, 2, book)
    assert response.status_code == 302, response.content.decode()[:4000]

    saved = {e.requirement_id: e for e in StatusEntry.objects.filter(report__quarter=2)}
    # 14 of the 14,5 expected by Q2: within the plan's 5 pct. tolerance.
    assert saved[total.pk].result_value == 14 and saved[total.pk].status == "yellow"
    assert (saved[hours.pk].result_value, saved[hours.pk].ytd_value) == (2800, 2800)
    assert saved[hours.pk].status == "red"  # 2.800 of the 3.000 hours printed for Q2
    assert saved[phone.pk].status == "green" and saved[mail.pk].status == "green"
    assert saved[days.pk].status == "green"  # a blank status takes the proposal
    goal_a = StatusEntry.objects.get(goal__number="A", requirement=None)
    assert goal_a.status == "yellow"  # from its requirement, by its rule
    assert (goal_a.cause, goal_a.consequence) == ("Sygdom i teamet", "Lidt forsinket")
    assert goal_a.action.startswith("=HYPERLINK(")  # kept as the text typed
    assert QuarterReport.objects.get(quarter=2).state == ReportState.DRAFT
    assert HistoryRecord.objects.filter(report__quarter=2, field="result_value").exists()

    # The reports show the figures entered, beside their targets.
    html = client.get(reverse("reporting:follow_up", args=["FIG", 2025, 2])).content.decode()
    assert "14 mia. kr." in html and "mål forventet ≥ 14,5" in html
    assert "2.800 timer" in html and "mål ≥ 3.000" in html
    # And the next download carries them, the formula as text, shown so by an apostrophe.
    again = rows_by_key(download(client, fig, 2))
    assert again[f"r{hours.pk}"][HEADERS.index("År til dato")].value == 2800
    cell = again[f"g{goal_a.goal_id}"][HEADERS.index("Handling")]
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK(")


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_saved(client, fig, rita):
    client.force_login(rita)
    days = requirement_of(fig, "D", "Sagsbehandlingstiden")
    letters = requirement_of(fig, "D", "Mindst 50 breve")
    book = download(client, fig, 1)
    rows = rows_by_key(book)
    fill(rows[f"r{days.pk}"], Resultat_i_kvartalet="ti dage", Status="grønt")
    fill(rows[f"r{letters.pk}"], Resultat_i_kvartalet=3, Status="Grøn")
    response = upload(client, fig, 1, book)
    html = response.content.decode()
    assert response.status_code == 200
    days_row, letters_row = rows[f"r{days.pk}"][0].row, rows[f"r{letters.pk}"][0].row
    assert f"række {days_row}, kolonne »Status«: Skriv Grøn, Gul eller Rød" in html
    response = upload(client, fig, 1, _fixed_status(book, rows[f"r{days.pk}"]))
    html = response.content.decode()
    assert f"række {days_row}, kolonne »Resultat i kvartalet«: Skriv et tal" in html
    # 3 letters against 12,5 expected by Q1 is red: choosing green needs a reason.
    assert f"række {letters_row}, kolonne »Begrundelse«" in html
    assert "Intet fra filen er gemt." in html
    assert not StatusEntry.objects.exists()


def _fixed_status(book, row):
    fill(row, Status=None)
    return book


def test_a_file_for_another_quarter_or_a_submitted_one_is_refused(client, fig, rita):
    client.force_login(rita)
    book = download(client, fig, 1)
    html = upload(client, fig, 2, book).content.decode()
    assert "Filen er til FIG 2025, 1. kvartal, ikke til denne side." in html
    QuarterReport.objects.create(plan=fig, quarter=1, state=ReportState.SUBMITTED, version=3)
    html = upload(client, fig, 1, download(client, fig, 1)).content.decode()
    assert "kan ikke ændres" in html
    assert not StatusEntry.objects.exists()


def test_a_quarter_saved_after_the_download_is_not_overwritten(client, fig, rita):
    client.force_login(rita)
    days = requirement_of(fig, "D", "Sagsbehandlingstiden")
    book = download(client, fig, 1)  # at version 0
    client.post(
        quarter_url(fig, 1),
        quarter_data(requirements={days: {"result_value": "9"}}, goals={days.goal: {}}),
    )
    fill(rows_by_key(book)[f"r{days.pk}"], Resultat_i_kvartalet=11)
    html = upload(client, fig, 1, book).content.decode()
    assert 'id="conflict"' in html and "ændret af en anden" in html
    assert StatusEntry.objects.get(requirement=days).result_value == 9


def test_only_the_institutions_reporters_may_upload(client, fig, rita):
    reviewer = member("ruth", Membership.Role.REVIEWER, ministry=fig.ministry)
    outsider = member("otto", Membership.Role.REPORTER, institution=load_test_plan_other())
    client.force_login(reviewer)
    book = download(client, fig, 1)  # the department may read it
    assert upload(client, fig, 1, book).status_code == 403
    client.force_login(outsider)
    assert client.get(workbook_url(fig, 1)).status_code == 404
    assert upload(client, fig, 1, book).status_code == 404


def load_test_plan_other():
    from goals.models import Institution

    return Institution.objects.create(
        ministry=Institution.objects.get(short_name="FIG").ministry, name="Anden", short_name="AND"
    )


def test_the_commands_write_and_read_the_same_workbook(fig, rita, tmp_path):
    path = tmp_path / "q3.xlsx"
    out = io.StringIO()
    call_command("export_figures", "FIG", "2025", "3", output=str(path), stdout=out)
    assert "3. kvartal" in out.getvalue()
    book = load_workbook(path)
    survey = requirement_of(fig, "C", "Kundetilfredsheden")
    rows = rows_by_key(book)
    fill(rows[f"r{survey.pk}"], Resultat_i_kvartalet="3,9")
    book.save(path)
    with pytest.raises(CommandError) as refused:
        call_command("import_figures", str(path), user="nobody", stdout=io.StringIO())
    assert "ingen aktiv bruger" in str(refused.value)
    outsider = member("otto", Membership.Role.REPORTER, institution=load_test_plan_other())
    with pytest.raises(CommandError) as refused:
        call_command("import_figures", str(path), user=outsider.username, stdout=io.StringIO())
    assert "må ikke indberette" in str(refused.value)
    out = io.StringIO()
    call_command("import_figures", str(path), user="rita", stdout=out)
    assert "gemt som kladde" in out.getvalue()
    entry = StatusEntry.objects.get(requirement=survey)
    assert (entry.result_value, entry.status, entry.updated_by) == (Decimal("3.9"), "green", rita)


def test_a_bad_file_gives_a_message(client, fig, rita, tmp_path):
    client.force_login(rita)
    not_excel = io.BytesIO(b"Nr.;Krav\n1;2\n")
    not_excel.name = "tal.xlsx"
    html = client.post(upload_url(fig, 1), {"file": not_excel}).content.decode()
    assert "Filen kan ikke læses som et Excel-ark" in html
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"no workbook")
    with pytest.raises(CommandError) as refused:
        call_command("import_figures", str(path), user="rita", stdout=io.StringIO())
    assert "intet er gemt" in str(refused.value)


def test_goal_level_cause_without_its_consequence_is_pointed_at(client, fig, rita):
    client.force_login(rita)
    days = requirement_of(fig, "D", "Sagsbehandlingstiden")
    book = download(client, fig, 1)
    rows = rows_by_key(book)
    fill(rows[f"r{days.pk}"], Resultat_i_kvartalet=12)
    fill(rows[f"g{days.goal.pk}"], Status="Rød", Årsag_konsekvens="Sygdom", Handling="Vikar")
    html = upload(client, fig, 1, book).content.decode()
    row = rows[f"g{days.goal.pk}"][0].row
    # The page's own rule: a red goal needs its cause and consequence.
    assert f"række {row}, kolonne »Årsag/konsekvens«: Skal udfyldes, når status er rød." in html
