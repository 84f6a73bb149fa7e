"""The printed reports: follow-up template, annual fulfilment report, plan document, summary.

The reference plan of ADST 2024 is loaded with four quarters of follow-up and a year end of
mixed verdicts; every PDF is read back as text (pypdf) and rendered to images (pdftoppm).
"""

import datetime
import re
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from openpyxl import load_workbook
from pypdf import PdfReader

from goals import services
from goals.demo import load_follow_up
from goals.figures import figure_text
from goals.models import (
    Fulfilment,
    GoalVerdict,
    Membership,
    Plan,
    ReportState,
    StatusEntry,
)
from reporting import documents
from reporting.models import RenderedPdf, ReportJob
from tests.conftest import load_reference, member

FOLLOW_UP_HEADERS = [
    "Nr.",
    "Mål",
    "Resultatkrav",
    "1.-4. kvartal",
    "Status sidst",
    "År til dato",
    "Årsag/konsekvens",
    "Handling",
]
ANNUAL_HEADERS = [
    "Nr.", "Mål", "Resultatkrav", "Årsmål", "Årets resultat", "Vurdering", "Begrundelse",
]  # fmt: skip
# Every report URL of a plan: (URL name, arguments after institution and year).
REPORT_URLS = [
    ("follow_up", [1]),
    ("follow_up_pdf", [1]),
    ("follow_up_xlsx", [1]),
    ("annual", []),
    ("annual_pdf", []),
    ("annual_xlsx", []),
    ("plan_document", []),
    ("plan_document_pdf", []),
]
PLAN_TABLE_HEADERS = ["Nr.", "Type", "Mål", "Målet er nået, når:"]

# The year end of the reference plan: goal number -> final verdict.
VERDICTS = {
    "1.1": Fulfilment.MET,
    "1.2": Fulfilment.NOT_MET,
    "1.3": Fulfilment.MET,
    "1.4": Fulfilment.PARTLY_MET,
    "2.1": Fulfilment.MET,
    "2.2": Fulfilment.NOT_MET,
    "2.3": Fulfilment.MET,
    "3.1": Fulfilment.PARTLY_MET,
    "3.2": Fulfilment.MET,
    "4.1": Fulfilment.MET,
}


def text_of(pdf):
    """A PDF's text, made comparable with `squash`."""
    reader = PdfReader(BytesIO(pdf))
    return squash(" ".join(page.extract_text() for page in reader.pages))


def page_count(pdf):
    return len(PdfReader(BytesIO(pdf)).pages)


def in_order(text, words):
    """Whether the words occur in the text in this order."""
    position = 0
    for word in map(squash, words):
        found = text.find(word, position)
        if found < 0:
            return False
        position = found + len(word)
    return True


def squash(text):
    """Every run of white space one space, and none after a hyphen: a line may break after
    "HR-" in the PDF, and "Administrations- og" is compared as "Administrations-og"."""
    return " ".join(str(text).split()).replace("- ", "-")


@pytest.fixture
def adst(db, admin_user_):
    plan = load_reference("adst-2024.yaml")
    states = {q: ReportState.APPROVED for q in (1, 2, 3)} | {4: ReportState.SUBMITTED}
    load_follow_up(plan, states, {"admin": admin_user_})
    goals = {g.number: g for g in plan.goals.prefetch_related("requirements")}
    services.save_year_end(
        plan=plan,
        user=admin_user_,
        requirement_verdicts={
            r: (VERDICTS[g.number] == Fulfilment.MET, "")
            for g in goals.values()
            for r in g.requirements.all()
        },
        goal_verdicts={
            g: (VERDICTS[number], f"Begrundelse for mål {number}.") for number, g in goals.items()
        },
    )
    return plan


@pytest.fixture
def client_admin(client, admin_user_):
    client.force_login(admin_user_)
    return client


def url(name, plan, *args):
    return reverse(f"reporting:{name}", args=[plan.institution.short_name, plan.year, *args])


def rendered_pages(pdf, tmp_path):
    """Render every page to PNG with pdftoppm; the PNGs' paths."""
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(source), str(tmp_path / "page")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return sorted(tmp_path.glob("page-*.png"))


def reported_results(plan, quarter_max=4):
    """Every result the follow-up holds, as the reports write it."""
    results = []
    for entry in StatusEntry.objects.filter(
        report__plan=plan, report__quarter__lte=quarter_max
    ).select_related("requirement"):
        if entry.result_value is not None:
            results.append(figure_text(entry.requirement, entry.result_value, short=True))
        elif entry.result_text:
            results.append(squash(entry.result_text))
    return results


def test_follow_up_pdf_carries_every_goal_result_and_the_template_columns(
    adst, client_admin, tmp_path
):
    response = client_admin.get(url("follow_up_pdf", adst, 4))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="adst-2024-opfoelgning-4-kvartal.pdf"' in response["Content-Disposition"]
    text = text_of(response.content)
    assert in_order(text, FOLLOW_UP_HEADERS)
    for goal in adst.goals.all():
        assert goal.number in text
        assert squash(goal.title) in text
    results = reported_results(adst)
    assert results
    for result in results:
        assert result in text
    for word in ("Grøn", "Gul", "Rød"):  # the status in words, not by colour alone
        assert word in text
    # Every page: the running header, the table's header row, page X of Y and the date.
    pages = PdfReader(BytesIO(response.content)).pages
    assert len(pages) > 1
    today = date_format(timezone.localdate(), "j. F Y")
    for number, page in enumerate(pages, start=1):
        page_text = squash(page.extract_text())
        assert in_order(
            page_text,
            [
                "Administrations- og Servicestyrelsen · Opfølgning og "
                "afrapportering 2024 · 4. kvartal"
            ],
        ), number
        # Every page of the table repeats its header row (the chart may end on a page of its
        # own after the table).
        holds_rows = any(squash(goal.title)[:25] in page_text for goal in adst.goals.all())
        assert not holds_rows or in_order(page_text, FOLLOW_UP_HEADERS), number
        assert f"Side {number} af {len(pages)}" in page_text
        assert f"Dannet {today}" in page_text
    assert (
        squash("Administrations- og Servicestyrelsen · Opfølgning og afrapportering 2024") in text
    )
    pages = rendered_pages(response.content, tmp_path)
    assert len(pages) == page_count(response.content) > 0
    assert all(page.stat().st_size > 1000 for page in pages)


def test_follow_up_page_is_landscape_and_shows_only_quarters_so_far(adst, client_admin):
    pdf = client_admin.get(url("follow_up_pdf", adst, 2)).content
    box = PdfReader(BytesIO(pdf)).pages[0].mediabox
    assert box.width > box.height  # A4 landscape
    text = text_of(pdf)
    assert "2. kvt.:" in text
    assert "3. kvt.:" not in text
    report = documents.follow_up(adst, 2)
    assert all(len(row.quarters) == 2 for row in report.rows)


def test_annual_pdf_carries_every_goal_verdict_and_score(adst, client_admin, tmp_path):
    response = client_admin.get(url("annual_pdf", adst))
    assert response.status_code == 200
    assert 'filename="adst-2024-aarsrapport.pdf"' in response["Content-Disposition"]
    text = text_of(response.content)
    assert in_order(text, ANNUAL_HEADERS)
    report = documents.annual(adst)
    for row in report.rows:
        assert row.goal.number in text
        assert squash(row.goal.title) in text
        assert f"Begrundelse for mål {row.goal.number}." in text
        for line in row.lines:
            if line.result:
                assert squash(line.result) in text
    for verdict in ("Opfyldt", "Delvist opfyldt", "Ikke opfyldt"):
        assert verdict in text
    # Binary scoring of ten goals: six met, 10 points each.
    assert report.degree.value == Decimal(60)
    assert "Målopfyldelse: 60,0 pct. (endelig)" in text
    # Part 2 analyses exactly the goals not fully met.
    analysed = {row.goal.number for row, _notes in report.analysis}
    assert analysed == {n for n, v in VERDICTS.items() if v != Fulfilment.MET}
    assert in_order(text, ["Del 2", "Mål 1.2", "Mål 1.4", "Mål 2.2", "Mål 3.1"])
    assert len(rendered_pages(response.content, tmp_path)) == page_count(response.content)


def test_plan_document_carries_the_published_plan(adst, client_admin, tmp_path):
    response = client_admin.get(url("plan_document_pdf", adst))
    assert response.status_code == 200
    assert 'filename="adst-2024-maal-og-resultatplan.pdf"' in response["Content-Disposition"]
    text = text_of(response.content)
    # The plan's own chapters, numbered as printed; no heading of one ministry's template.
    assert in_order(
        text,
        [
            "Mål- og resultatplan for Administrations- og Servicestyrelsen 2024",
            "Indholdsfortegnelse",
            "1. Strategisk ramme",
            adst.strategic_context.split("\n\n")[0],
            "2. Vision",
            adst.vision,
            "2.1 Grundfortælling",
            "3. Mål",
            adst.introduction,
            "3.1 Pejlemærke 1",
            "4. Opfølgning",
            "Skabelon for opfølgning og afrapportering",
            "5. Aftale",
            "Herning, den 12. december 2023",
            "Claus Henrik Larsen",
            "Direktør, Administrations- og Servicestyrelsen",
            "København, den 15. december 2023",
            "Jens Brøchner",
            "Departementschef, Skatteministeriet",
            "6. Bilag",
            "6.1 Målbeskrivelser",
            "Pejlemærke 1",
            "Mål 1.1",
            "6.2 Opfølgning pr. kvartal",
        ],
    )
    for old in [
        "1. Skatteministeriets koncernfælles strategiske ramme",
        "Mål for Administrations- og Servicestyrelsen i 2024",
        "Opfølgning på mål",
        "Skabelon for afrapportering",
        "Målbeskrivelser for indfrielse af",
    ]:
        assert squash(old) not in text
    assert in_order(text, PLAN_TABLE_HEADERS)
    assert in_order(text, FOLLOW_UP_HEADERS)
    for paragraph in [*adst.strategic_context.split("\n\n"), *adst.narrative.split("\n\n")]:
        assert squash(paragraph) in text
    assert squash(adst.vision) in text
    for section in adst.sections.all():
        assert squash(section.text) in text
    for goal in adst.goals.prefetch_related("requirements"):
        assert goal.number in text
        assert squash(goal.title) in text
        for requirement in goal.requirements.all():
            assert squash(requirement.text) in text
            if requirement.precondition:
                assert squash(f"Forudsætning: {requirement.precondition}") in text
        for paragraph in goal.description.split("\n"):
            assert squash(paragraph) in text
        assert goal.reporting_text in text
    assert "Driftsaktivitet, kvalitetsmål" in text
    assert "Udviklingsaktivitet, aktivitetsmål" in text
    assert len(rendered_pages(response.content, tmp_path)) == page_count(response.content)


def test_plan_document_of_a_plan_of_sections_prints_only_what_the_plan_holds(db, client_admin):
    """BE 2024: no frame, vision or template; its sections, goals with remarks, agreement and
    three signatories, one without a date."""
    be = load_reference("be-2024.yaml")
    text = text_of(client_admin.get(url("plan_document_pdf", be)).content)
    assert in_order(
        text,
        [
            "1. Mål",
            be.introduction.split("\n\n")[0],
            "1.1 Koncernfælles mål",
            "Nr. Type Mål Målet er nået, når:",
            "Økonomisk Styring",
            "Målet består af to delmål.",
            "1.2 Institutionsspecifikke mål",
            "2. Opfølgning",
            "3. Aftale",
            "Peter Østergaard",
            "Kontorchef, Benchmarkingenheden",
            "København, den 21. december 2023",
            "Svend Særkjær",
            "4. Bilag",
            "4.1 Målbeskrivelser",
            "Koncernfælles mål",
            "Mål 1: Økonomisk Styring",
            "Afrapportering 3. og 4. kvartal",
            "Institutionsspecifikke mål",
            "Bemærkninger",
            squash(be.goals.get(section__number="3", number="1").remarks),
        ],
    )
    for absent in ("Strategisk ramme", "Vision", "Skabelon", "Opgørelse", "Opfølgning pr. kvartal"):
        assert absent not in text


# The goal tables of the published plan (section 1.2 of ADST's plan for 2024), as printed:
# number, type, goal. The document must give each row in this order.
PUBLISHED_GOAL_ROWS = [
    ("1.1", "Drift", "Styrelsen leverer shared service ydelser til tiden"),
    ("1.2", "Drift",
     "Styrelsen leverer shared service ydelser af høj kvalitet på regnskabsområdet"),
    ("1.3", "Drift", "Høj tilfredshed med facility management området"),
    ("1.4", "Udvikling", "Koncernfælles grøn strategi"),
    ("2.1", "Udvikling", "Interaktiv HR-rapportering"),
    ("2.2", "Drift", "Rekruttering og fastholdelse af de rette faglige kompetencer"),
    ("2.3", "Drift",
     "Implementering af evakueringskoncept i styrelserne i Skatteministeriets koncern"),
    ("3.1", "Drift", "Høj kundetilfredshed"),
    ("3.2", "Drift", "Gennemsigtighed i prioriteringen af shared service ydelser"),
    ("4.1", "Drift", "Styrke det faglige niveau"),
]  # fmt: skip


def test_plan_document_gives_the_published_goal_tables(adst, client_admin):
    text = text_of(client_admin.get(url("plan_document_pdf", adst)).content)
    goals_part = text[text.index(squash(adst.introduction)) :]
    assert in_order(goals_part, [word for row in PUBLISHED_GOAL_ROWS for word in row])


def test_reports_as_html_pages(adst, client_admin):
    for name, args in [("follow_up", [3]), ("annual", []), ("plan_document", [])]:
        response = client_admin.get(url(name, adst, *args))
        assert response.status_code == 200
        html = response.content.decode()
        for goal in adst.goals.all():
            assert goal.number in html
    page = client_admin.get(url("follow_up", adst, 3)).content.decode()
    assert url("follow_up_pdf", adst, 3) in page
    assert url("follow_up_xlsx", adst, 3) in page
    plan_page = client_admin.get(reverse("reporting:plan_detail", args=["ADST", 2024])).content
    assert url("annual", adst).encode() in plan_page
    assert url("plan_document", adst).encode() in plan_page


def test_annual_report_of_2021_scores_by_its_published_rule(db, admin_user_, client):
    """BE 2021: five goals, 20 points each, binary; a goal is met only when all of it is."""
    plan = load_reference("be-2021.yaml")
    goals = list(plan.goals.order_by("section__order", "order"))
    assert len(goals) == 5
    mix = [Fulfilment.MET, Fulfilment.NOT_MET, Fulfilment.MET, Fulfilment.PARTLY_MET,
           Fulfilment.MET]  # fmt: skip
    services.save_year_end(
        plan=plan,
        user=admin_user_,
        requirement_verdicts={},
        goal_verdicts={
            g: (v, "Vurderet af departementet.") for g, v in zip(goals, mix, strict=True)
        },
    )
    report = documents.annual(plan)
    assert [row.weight for row in report.rows] == [Decimal(20)] * 5
    assert [row.score for row in report.rows] == [20, 0, 20, 0, 20]  # partly met counts 0
    assert report.degree.value == Decimal(60)
    client.force_login(admin_user_)
    text = text_of(client.get(url("annual_pdf", plan)).content)
    assert "Målopfyldelse: 60,0 pct. (endelig)" in text
    assert "Målopfyldelse i alt 60,0 pct." in text
    assert "Der er 5 mål i resultatplanen for 2021." in text  # the plan's own rule
    # Meet the partly met goal too: 80 points.
    services.save_year_end(
        plan=plan,
        user=admin_user_,
        requirement_verdicts={},
        goal_verdicts={goals[3]: (Fulfilment.MET, "Vurderet af departementet.")},
    )
    assert documents.annual(plan).degree.value == Decimal(80)
    assert "Målopfyldelse: 80,0 pct. (endelig)" in text_of(
        client.get(url("annual_pdf", plan)).content
    )


def test_follow_up_excel_holds_numbers_as_numbers(adst, client_admin):
    response = client_admin.get(url("follow_up_xlsx", adst, 4))
    assert response.status_code == 200
    assert 'filename="adst-2024-opfoelgning-4-kvartal.xlsx"' in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    goals = book.worksheets[0]
    headers = [cell.value for cell in goals[1]]
    assert headers == ["Nr.", "Mål", "Resultatkrav", "1. kvartal", "2. kvartal", "3. kvartal",
                       "4. kvartal", "Status sidst", "År til dato", "Årsag/konsekvens",
                       "Handling"]  # fmt: skip
    rows = {row[0].value: row for row in goals.iter_rows(min_row=2)}
    assert set(rows) == set(VERDICTS)
    # Goal 2.2 has one requirement measured by a number: its quarters are numbers.
    entries = StatusEntry.objects.filter(
        report__plan=adst, goal__number="2.2", requirement__isnull=False
    ).select_related("report")
    assert entries
    for entry in entries:
        cell = rows["2.2"][2 + entry.report.quarter]
        assert isinstance(cell.value, int | float)
        assert Decimal(str(cell.value)) == entry.result_value
    # Every requirement's number is a number on the second sheet.
    figures = book.worksheets[1]
    values = [
        row[column].value
        for row in figures.iter_rows(min_row=2)
        for column in (4, 8, 12, 16)  # each quarter's figure, beside its total, target, status
        if row[column].value is not None
    ]
    numbers = [v for v in values if not isinstance(v, str)]
    expected = StatusEntry.objects.filter(report__plan=adst, result_value__isnull=False)
    assert len(numbers) == expected.count()
    assert all(isinstance(n, int | float) for n in numbers)
    assert sorted(Decimal(str(n)) for n in numbers) == sorted(
        e.result_value.normalize() for e in expected
    )


def test_annual_excel_holds_scores_as_numbers(adst, client_admin):
    book = load_workbook(BytesIO(client_admin.get(url("annual_xlsx", adst)).content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][:6] == ["Nr.", "Mål", "Resultatkrav", "Årsmål",
                                               "Årets resultat", "Vurdering"]  # fmt: skip
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2) if row[0].value}
    assert set(rows) == set(VERDICTS)
    for number, verdict in VERDICTS.items():
        assert rows[number][5].value == Fulfilment(verdict).label
        assert rows[number][7].value == 10  # weight
        assert rows[number][8].value == (10 if verdict == Fulfilment.MET else 0)
    total = [
        row for row in sheet.iter_rows(min_row=2) if row[1].value == "Målopfyldelse i alt (pct.)"
    ]
    assert total[0][8].value == 60


HOSTILE = '<script>alert("x")</script><b>fed</b> & "citat"'


def test_free_text_is_shown_as_text_in_html_and_pdf(adst, client_admin):
    entry = StatusEntry.objects.filter(
        report__plan=adst, report__quarter=3, requirement__isnull=True, goal__number="1.2"
    ).get()
    entry.cause = HOSTILE
    entry.action = HOSTILE
    entry.save()
    GoalVerdict.objects.filter(goal__plan=adst, goal__number="1.2").update(reason=HOSTILE)
    for name in ("follow_up", "annual"):
        args = [3] if name == "follow_up" else []
        html = client_admin.get(url(name, adst, *args)).content.decode()
        assert "<script>alert" not in html
        assert "<b>fed</b>" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;fed&lt;/b&gt;" in html
        pdf_text = text_of(client_admin.get(url(f"{name}_pdf", adst, *args)).content)
        # Shown as the characters typed (the PDF may break a line after "/"):
        assert "".join(HOSTILE.split()) in "".join(pdf_text.split())


def test_pdf_is_served_from_the_cache_until_the_data_changes(adst, client_admin):
    first = client_admin.get(url("annual_pdf", adst)).content
    assert RenderedPdf.objects.count() == 1
    key = RenderedPdf.objects.get().key
    again = client_admin.get(url("annual_pdf", adst)).content
    assert again == first
    assert RenderedPdf.objects.get().key == key  # not rendered again
    GoalVerdict.objects.filter(goal__plan=adst, goal__number="1.1").update(
        reason="En ny begrundelse."
    )
    changed = client_admin.get(url("annual_pdf", adst)).content
    assert "En ny begrundelse." in text_of(changed)
    assert list(RenderedPdf.objects.values_list("key", flat=True)) != [key]
    assert RenderedPdf.objects.count() == 1  # the old one is gone


def test_a_user_without_access_gets_404_for_every_report(adst, client):
    other = load_reference("be-2024.yaml")
    outsider = member("outsider", Membership.Role.REPORTER, institution=other.institution)
    client.force_login(outsider)
    for name, args in REPORT_URLS:
        assert client.get(url(name, adst, *args)).status_code == 404, name
        assert client.get(url(name, other, *args)).status_code == 200, name
    assert client.get(url("follow_up", adst, 5)).status_code == 404


def test_a_plan_without_goals_or_follow_up_still_has_its_reports(plan, client_admin):
    for name, args in REPORT_URLS:
        assert client_admin.get(url(name, plan, *args)).status_code == 200, name
    text = text_of(client_admin.get(url("annual_pdf", plan)).content)
    assert "Målopfyldelse: – (intet mål er afgjort eller har en status endnu)" in text


def test_reports_in_english(adst, client_admin):
    client_admin.cookies["django_language"] = "en"
    text = text_of(client_admin.get(url("annual_pdf", adst)).content)
    assert "Page 1 of" in text
    assert "Partly met" in text
    html = client_admin.get(url("follow_up", adst, 2)).content.decode()
    assert "Follow-up" in html


def test_ministry_summary_is_made_in_the_background(transactional_db, adst, client, admin_user_):
    """The worker runs as `manage.py db_worker` does, outside the test's transaction: it
    closes and reopens its database connection between tasks."""
    reviewer = member("skm", Membership.Role.REVIEWER, ministry=adst.ministry)
    client.force_login(reviewer)
    page = client.get(reverse("reporting:summary", args=["SKM"]), {"aar": 2024})
    assert page.status_code == 200
    assert "Administrations- og Servicestyrelsen" in page.content.decode()
    response = client.post(
        reverse("reporting:start_summary", args=["SKM"]), {"aar": 2024, "format": "pdf"}
    )
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:job", args=["SKM", job.pk])
    assert job.state == ReportJob.State.QUEUED
    waiting = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in waiting
    assert "I kø" in waiting
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    job.refresh_from_db()
    assert job.state == ReportJob.State.DONE, job.error
    assert job.total == 1 and job.done == 1 and job.percent == 100
    done = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in done
    download = client.get(reverse("reporting:job_download", args=["SKM", job.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="skm-2024-maalopfyldelse.pdf"' in download["Content-Disposition"]
    text = text_of(download.content)
    assert in_order(text, ["Administrations- og Servicestyrelsen", "10", "6", "2", "2", "0", "60"])
    # Excel too, numbers as numbers.
    client.post(reverse("reporting:start_summary", args=["SKM"]), {"aar": 2024, "format": "xlsx"})
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    xlsx = ReportJob.objects.get(format="xlsx")
    assert xlsx.state == ReportJob.State.DONE
    row = list(load_workbook(BytesIO(bytes(xlsx.content))).worksheets[0].iter_rows(min_row=2))[0]
    assert [c.value for c in row[2:]] == [10, 6, 2, 2, 0, 60]


def test_summary_jobs_are_the_ministrys_own(adst, client, carol, alice):
    job = ReportJob.objects.create(ministry=adst.ministry, year=2024, format="pdf")
    client.force_login(carol)  # a reviewer of another ministry
    assert client.get(reverse("reporting:job", args=["SKM", job.pk])).status_code == 404
    assert client.get(reverse("reporting:job", args=["TM", job.pk])).status_code == 404
    client.force_login(alice)  # a reporter
    assert client.get(reverse("reporting:summary", args=["TM"])).status_code == 403


def test_summary_counts_verdicts_and_degree_per_institution(adst):
    other = load_reference("be-2024.yaml")
    summary = documents.ministry_summary(adst.ministry, 2024)
    assert [row.plan for row in summary.rows] == [adst]  # BE 2024 is another ministry's
    row = summary.rows[0]
    assert row.goals == 10
    assert row.count_list == [6, 2, 2]
    assert row.undecided == 0 and row.is_final
    assert row.degree.value == Decimal(60)
    assert documents.ministry_summary(other.ministry, 2024).rows[0].degree.value is None
    assert Plan.objects.count() == 2


def test_old_summary_files_are_removed_when_a_new_one_is_ordered(adst, client_admin):
    old = ReportJob.objects.create(ministry=adst.ministry, year=2024, format="pdf")
    ReportJob.objects.filter(pk=old.pk).update(
        created_at=old.created_at - datetime.timedelta(days=31)
    )
    recent = ReportJob.objects.create(ministry=adst.ministry, year=2024, format="xlsx")
    client_admin.post(
        reverse("reporting:start_summary", args=["SKM"]), {"aar": 2024, "format": "pdf"}
    )
    assert not ReportJob.objects.filter(pk=old.pk).exists()
    assert ReportJob.objects.filter(pk=recent.pk).exists()
    assert ReportJob.objects.count() == 2


def test_a_failed_job_says_so(adst, client_admin):
    job = ReportJob.objects.create(
        ministry=adst.ministry,
        year=2024,
        format="pdf",
        state=ReportJob.State.FAILED,
        error="RuntimeError: out of memory",
    )
    page = client_admin.get(reverse("reporting:job", args=["SKM", job.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "Filen kunne ikke dannes" in page
    assert "out of memory" not in page  # the details are for the log, not the user
    download = client_admin.get(reverse("reporting:job_download", args=["SKM", job.pk]))
    assert download.status_code == 302


def test_numbers_use_danish_format(adst):
    report = documents.follow_up(adst, 1)
    texts = [
        line.text for row in report.rows for c in row.quarters for line in c.lines if line.value
    ]
    assert texts
    assert all(re.fullmatch(r"\d{1,3}(,\d+)? \S.*", t) for t in texts), texts
    assert any("," in t for t in texts)
