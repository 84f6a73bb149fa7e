"""Text that cannot harm a reader: no formula in a workbook, no character that breaks one, no
text longer than the forms take, and no PDF that holds a worker past its time limit."""

import os
import re
import time
import zipfile
from io import BytesIO

import pytest
from openpyxl import load_workbook

from goals.forms import ReviewForm, YearEndForm
from goals.limits import PLAN_TEXT, REPORT_TEXT, cell_text, from_cell_text
from goals.models import GoalVerdict, StatusEntry
from goals.selectors import year_end
from goals.workbook import HEADERS, FiguresFileError, figures_workbook, import_figures
from reporting import pdf as reporting_pdf
from reporting.models import RenderedPdf, ReportJob
from reporting.tasks import run_job
from tests.helpers import EXPLAINED, quarter_data, quarter_url
from tests.test_quarter_page import form_data, page, url
from tests.test_reports import adst, client_admin, page_count, text_of  # noqa: F401
from tests.test_reports import url as report_url

HYPERLINK = '=HYPERLINK("http://angriber.example/","Klik her")'
FORMULA_LIKE = [HYPERLINK, "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def goal_entry(plan, quarter=3, number="1.2"):
    return StatusEntry.objects.get(
        report__plan=plan, report__quarter=quarter, requirement__isnull=True, goal__number=number
    )


def sheet_xml(content):
    """The XML of every worksheet of a workbook, for what openpyxl would hide."""
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return "".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("xl/worksheets/sheet")
        )


# --- the neutralising function ------------------------------------------------------------


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_text_that_starts_like_a_formula_gets_an_apostrophe_that_reading_removes(text):
    assert cell_text(text) == "'" + text
    assert from_cell_text(cell_text(text)) == text


@pytest.mark.parametrize("text", ["Ferie", "'quoted'", "'=1", "''+2", "", "x=1", " =1"])
def test_every_other_text_reads_back_as_written(text):
    assert from_cell_text(cell_text(text)) == text


def test_characters_a_workbook_cannot_hold_are_shown_as_the_replacement_character():
    assert cell_text("a\x0bb\x1bc\x00d\ufffe") == "a\ufffdb\ufffdc\ufffdd\ufffd"
    assert cell_text("tab\tnewline\nreturn\r") == "tab\tnewline\nreturn\r"  # kept inside text
    assert len(cell_text("x" * 40_000)) == 32_767


# --- the report workbooks ----------------------------------------------------------------


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_a_formula_typed_as_text_stays_text_in_the_follow_up_and_annual_workbooks(
    adst,  # noqa: F811
    client_admin,  # noqa: F811
    text,
):
    entry = goal_entry(adst)
    entry.action = text
    entry.save()
    GoalVerdict.objects.filter(goal__plan=adst, goal__number="1.2").update(reason=text)

    response = client_admin.get(report_url("follow_up_xlsx", adst, 3))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "1.2")
    action = row[10]  # Handling
    assert action.data_type == "s"
    # Visibly neutralised: the apostrophe is part of the text (XML reads a CR as a newline).
    assert action.value == "'" + text.replace("\r", "\n")
    assert "<f>" not in sheet_xml(response.content)

    response = client_admin.get(report_url("annual_xlsx", adst))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "1.2")
    reason = row[6]  # Begrundelse
    assert reason.data_type == "s" and reason.value == "'" + text.replace("\r", "\n")
    assert "<f>" not in sheet_xml(response.content)


def test_numbers_stay_numbers_beside_neutralised_text(adst, client_admin):  # noqa: F811
    entry = goal_entry(adst)
    entry.action = "-5 sager"
    entry.save()
    book = load_workbook(BytesIO(client_admin.get(report_url("annual_xlsx", adst)).content))
    row = next(r for r in book.worksheets[0].iter_rows(min_row=2) if r[0].value == "1.2")
    assert row[7].value == 10 and row[7].data_type == "n"  # the weight


def test_a_control_character_stored_before_the_forms_refused_it_does_not_break_the_workbooks(
    adst,  # noqa: F811
    client_admin,  # noqa: F811
):
    entry = goal_entry(adst)
    # (PostgreSQL cannot hold NUL at all; SQLite can, and the forms refuse it for both.)
    StatusEntry.objects.filter(pk=entry.pk).update(action="Vikar\x0bansat\x1b", cause="a\x01b")
    GoalVerdict.objects.filter(goal__plan=adst, goal__number="1.2").update(reason="Grund\x0c")
    for name, args, column, expected in (
        ("follow_up_xlsx", [3], 10, "Vikar\ufffdansat\ufffd"),
        ("annual_xlsx", [], 6, "Grund\ufffd"),
    ):
        response = client_admin.get(report_url(name, adst, *args))
        assert response.status_code == 200
        sheet = load_workbook(BytesIO(response.content)).worksheets[0]
        row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "1.2")
        assert row[column].value == expected


# --- the figures workbook ----------------------------------------------------------------


def _goal_row(book, goal):
    key = HEADERS.index("Nøgle")
    return next(r for r in book["Tal"].iter_rows(min_row=2) if r[key].value == f"g{goal.pk}")


def test_the_figures_workbook_writes_formulas_as_text_and_reads_them_back_unchanged(
    client, fig, reporter
):
    goal = fig.goals.get(number="A")
    typed = {"action": HYPERLINK, "cause": "-1 medarbejder"}
    response = client.post(quarter_url(fig, 2), quarter_data(goals={goal: typed}))
    assert response.status_code == 302, page(response)
    content = figures_workbook(fig, 2)
    assert "<f>" not in sheet_xml(content)
    book = load_workbook(BytesIO(content))
    row = _goal_row(book, goal)
    action = row[HEADERS.index("Handling")]
    assert action.data_type == "s" and action.value == "'" + HYPERLINK
    assert row[HEADERS.index("Årsag/konsekvens")].value == "'-1 medarbejder"
    # Read back in, the text is what was saved, without the apostrophe.
    import_figures(content, user=reporter, plan=fig, quarter=2)
    entry = StatusEntry.objects.get(report__quarter=2, goal=goal, requirement=None)
    assert entry.action == HYPERLINK and entry.cause == "-1 medarbejder"


def test_a_too_long_text_in_the_figures_workbook_is_a_problem_on_its_cell(fig, rita):
    goal = fig.goals.get(number="A")
    book = load_workbook(BytesIO(figures_workbook(fig, 2)))
    row = _goal_row(book, goal)
    row[HEADERS.index("Handling")].value = "x" * (REPORT_TEXT + 1)
    buffer = BytesIO()
    book.save(buffer)
    with pytest.raises(FiguresFileError) as caught:
        import_figures(buffer.getvalue(), user=rita, plan=fig, quarter=2)
    problems = [p for p in caught.value.problems if p.column == "Handling"]
    assert [p.row for p in problems] == [row[0].row]
    assert "2000" in problems[0].message or "2.000" in problems[0].message
    assert not StatusEntry.objects.exists()


def test_a_control_character_in_a_figures_cell_is_a_problem_on_its_cell(fig, rita, monkeypatch):
    """openpyxl cannot write one and XML cannot hold one, but a cell read in is checked by the
    form all the same: here the reader hands one over as if the file had it."""
    import goals.workbook

    goal = fig.goals.get(number="A")
    book = load_workbook(BytesIO(figures_workbook(fig, 2)))
    row = _goal_row(book, goal)
    row[HEADERS.index("Handling")].value = "Vikar MARK ansat"
    buffer = BytesIO()
    book.save(buffer)
    read = goals.workbook._text
    monkeypatch.setattr(goals.workbook, "_text", lambda v: read(v).replace("MARK", "\x0b"))
    with pytest.raises(FiguresFileError) as caught:
        import_figures(buffer.getvalue(), user=rita, plan=fig, quarter=2)
    problems = [p for p in caught.value.problems if p.column == "Handling"]
    assert len(problems) == 1 and "U+000B" in problems[0].message


def test_a_workbook_with_a_raw_control_character_is_refused_as_unreadable(fig, rita):
    content = figures_workbook(fig, 2)
    source, patched = zipfile.ZipFile(BytesIO(content)), BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<t>", b"<t>\x0b", 1)
            target.writestr(item.filename, data)
    with pytest.raises(FiguresFileError) as caught:
        import_figures(patched.getvalue(), user=rita, plan=fig, quarter=2)
    assert "kan ikke læses" in str(caught.value)


# --- the forms -----------------------------------------------------------------------------


def test_the_quarter_page_refuses_too_long_text_and_control_characters_on_their_fields(
    client, alice, plan, goal
):
    client.force_login(alice)
    response = client.post(
        url(plan),
        form_data(
            goal,
            status="red",
            result_text="Bagud",
            cause="x" * (REPORT_TEXT + 1),
            consequence="Lidt forsinket",
            action="Vikar\x0bansat",
        ),
    )
    html = page(response)
    assert response.status_code == 200
    # A draft: what can be read is saved, the refused texts are not.
    saved = StatusEntry.objects.get()
    assert (saved.result_text, saved.cause, saved.action) == ("Bagud", "", "")
    for name, message in (("cause", "2000"), ("action", "U+000B")):
        field_id = f"id_g{goal.pk}-{name}"
        textarea = re.search(rf'<textarea [^>]*id="{field_id}">', html)[0]
        assert 'aria-invalid="true"' in textarea
        error = re.search(rf'<div id="{field_id}_error" class="invalid-feedback">(.*?)</div>', html)
        assert message in error[1]
    # The rest of the input is kept, the too long text too, to shorten.
    assert "Bagud" in html and "Lidt forsinket" in html and "x" * (REPORT_TEXT + 1) in html
    consequence = re.search(rf'<textarea [^>]*id="id_g{goal.pk}-consequence">', html)[0]
    assert "aria-invalid" not in consequence


def test_text_at_the_limit_is_taken_with_line_breaks_counted_once(client, alice, plan, goal):
    client.force_login(alice)
    lines = ("y" * 99 + "\r\n") * 20  # 2,000 characters as the browser counts them
    response = client.post(
        url(plan), form_data(goal, status="red", **(EXPLAINED | {"cause": lines.strip()}))
    )
    assert response.status_code == 302, page(response)
    assert StatusEntry.objects.get(requirement=None).cause == lines.strip().replace("\r\n", "\n")


def test_every_text_field_of_the_quarter_page_shows_its_limit(client, alice, plan, goal):
    client.force_login(alice)
    html = page(client.get(url(plan)))
    textareas = re.findall(r"<textarea [^>]*>", html)
    assert textareas
    assert all(f'maxlength="{REPORT_TEXT}"' in t for t in textareas), textareas
    cause = f"id_g{goal.pk}-cause"
    assert f'<div id="{cause}_helptext" class="form-text">Højst 2.000 tegn</div>' in html
    assert f'aria-describedby="{cause}_helptext"' in html


def test_year_end_reasons_and_review_comments_have_the_limit(adst):  # noqa: F811
    rows = year_end(adst).rows
    form = YearEndForm(rows=rows)
    reason = rows[0].reason_field
    assert f'maxlength="{REPORT_TEXT}"' in str(form[reason])
    assert "Højst 2.000 tegn" in str(form[reason].help_text)
    data = {reason: "x" * (REPORT_TEXT + 1), rows[1].reason_field: "a\x1bb"}
    bound = YearEndForm(data, rows=rows)
    assert not bound.is_valid()
    assert reason in bound.errors and rows[1].reason_field in bound.errors
    assert "U+001B" in bound.errors[rows[1].reason_field][0]

    assert ReviewForm({"comment": "x" * REPORT_TEXT, "version": "0"}).is_valid()
    assert not ReviewForm({"comment": "x" * (REPORT_TEXT + 1), "version": "0"}).is_valid()
    assert not ReviewForm({"comment": "Uddyb\x07", "version": "0"}).is_valid()
    assert f'maxlength="{REPORT_TEXT}"' in str(ReviewForm()["comment"])


# --- PDFs ------------------------------------------------------------------------------------


def test_a_word_of_20000_characters_stored_before_the_limits_renders_in_the_follow_up_pdf(
    adst,  # noqa: F811
    client_admin,  # noqa: F811
):
    entry = goal_entry(adst)
    StatusEntry.objects.filter(pk=entry.pk).update(cause="ø" * PLAN_TEXT)
    start = time.monotonic()
    response = client_admin.get(report_url("follow_up_pdf", adst, 3))
    elapsed = time.monotonic() - start
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert elapsed < 15  # the limit is 20 s; ordinary text takes well under one
    assert "ø" * 40 in text_of(response.content)
    assert page_count(response.content) < 40


def test_a_long_text_is_begun_in_its_cell_and_printed_whole_after_the_follow_up_table(
    adst,  # noqa: F811
    client_admin,  # noqa: F811
):
    long = " ".join(f"ord{n}" for n in range(300)) + " SLUTORD"
    entry = goal_entry(adst)
    entry.cause = long
    entry.save()
    pdf = text_of(client_admin.get(report_url("follow_up_pdf", adst, 3)).content)
    assert "fortsætter i note 1" in pdf
    notes = pdf[pdf.index("Noter til skemaet") :]
    assert "1.2 · Årsag" in notes and "ord0 ord1" in notes and "SLUTORD" in notes
    assert "SLUTORD" not in pdf[: pdf.index("Noter til skemaet")]
    # The report as a web page shows the text whole in its cell, with no notes.
    html = client_admin.get(report_url("follow_up", adst, 3)).content.decode()
    assert "SLUTORD" in html and "fortsætter i note" not in html


def _children():
    """This process's child processes, from /proc."""
    me = str(os.getpid())
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == me and fields[0] != "Z":
                found.append(int(name))
    return found


@pytest.fixture
def forks(monkeypatch):
    """The pid of every child render_pdf forks."""
    pids = []
    fork = os.fork

    def recording():
        pid = fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(reporting_pdf.os, "fork", recording)
    return pids


def _gone(pid):
    """Whether the child has ended and been reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_pdf_past_the_time_limit_answers_an_error_page_and_its_child_is_gone(
    adst,  # noqa: F811
    client_admin,  # noqa: F811
    settings,
    forks,
):
    settings.PDF_TIME_LIMIT = 0.01
    response = client_admin.get(report_url("follow_up_pdf", adst, 3))
    assert response.status_code == 503
    html = response.content.decode()
    assert "PDF-filen kunne ikke dannes" in html
    assert f'href="{report_url("follow_up", adst, 3)}"' in html
    assert not RenderedPdf.objects.exists()
    assert len(forks) == 1 and _gone(forks[0])
    assert forks[0] not in _children()
    # Asked again, it answers at once, without another render.
    assert client_admin.get(report_url("follow_up_pdf", adst, 3)).status_code == 503
    assert len(forks) == 1
    # With time enough, the same report is made.
    settings.PDF_TIME_LIMIT = 20
    assert client_admin.get(report_url("follow_up_pdf", adst, 3)).status_code == 200


def test_a_render_that_never_ends_is_killed_at_the_limit(settings, forks, monkeypatch):
    settings.PDF_TIME_LIMIT = 0.5

    def endless(html):
        while True:  # pure Python: no thread could interrupt it
            pass

    monkeypatch.setattr(reporting_pdf, "_layout", endless)
    start = time.monotonic()
    with pytest.raises(reporting_pdf.PdfTooSlow):
        reporting_pdf.render_pdf("<p>x</p>")
    assert time.monotonic() - start < 3
    assert len(forks) == 1 and _gone(forks[0])


def test_an_error_in_the_layout_comes_back_from_the_child(monkeypatch, forks):
    def broken(html):
        raise ValueError("no such font")

    monkeypatch.setattr(reporting_pdf, "_layout", broken)
    with pytest.raises(reporting_pdf.PdfError, match="ValueError: no such font"):
        reporting_pdf.render_pdf("<p>x</p>")
    assert _gone(forks[0])


def test_a_normal_pdf_renders_in_a_child_and_is_a_pdf(forks):
    pdf = reporting_pdf.render_pdf("<p>Målopfyldelse</p>")
    assert pdf.startswith(b"%PDF") and "Målopfyldelse" in text_of(pdf)
    assert len(forks) == 1 and _gone(forks[0])


def test_the_ministry_summary_job_past_the_limit_fails_with_its_error(
    adst,  # noqa: F811
    settings,
    forks,
):
    settings.PDF_TIME_LIMIT = 0.01
    job = ReportJob.objects.create(ministry=adst.ministry, year=2024, format="pdf")
    run_job(job.pk)
    job.refresh_from_db()
    assert job.state == ReportJob.State.FAILED
    assert "PdfTooSlow" in job.error and "PDF_TIME_LIMIT" in job.error
    assert job.finished_at is not None
    assert len(forks) == 1 and _gone(forks[0])


def test_the_too_slow_page_needs_no_database(db, django_assert_max_num_queries):
    from django.template.loader import render_to_string

    with django_assert_max_num_queries(0):
        html = render_to_string("reports/pdf_too_slow.html", {"limit": 20, "report_url": "/x/"})
    assert "20 sekunder" in html and 'href="/x/"' in html
