"""End to end in headless Chromium: the report pages, their downloads and a background file.

On the demo data, each report page is opened on a 1280 px desktop and a 390 px phone; axe-core
must find no WCAG 2.1 A/AA violation and the page must fit the screen's width. Screenshots are
saved in test-artifacts/reports/. Then a director downloads the follow-up report as PDF and
Excel, and the department orders the ministry summary, watches its progress page and
downloads the file when the worker has made it.
"""

from io import BytesIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from goals.demo import DEMO_PASSWORD, load_demo
from tests.browser import (
    ARTIFACTS,
    log_in,
    page_problems,
    require_chromium,
)

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "reports"

PAGES = [
    ("adst", "/planer/ADST/2024/rapporter/opfoelgning/3/", "follow-up",
     "Opfølgning og afrapportering 2024"),
    ("adst", "/planer/ADST/2024/rapporter/aarsrapport/", "annual", "Målopfyldelse 2024"),
    ("adst", "/planer/ADST/2024/rapporter/plan/", "plan-document", "Mål- og resultatplan"),
    ("skm-departement", "/overblik/SKM/maalopfyldelse/?aar=2024", "summary",
     "Skatteministeriet"),
]  # fmt: skip


@pytest.fixture
def demo(transactional_db):
    load_demo(out=lambda line: None)


def test_every_report_page_passes_axe_on_desktop_and_phone(live_server, demo, request):
    require_chromium()
    browser = request.getfixturevalue("browser")
    problems = page_problems(browser, live_server.url, PAGES, DEMO_PASSWORD, SHOTS)
    assert problems == [], "\n\n".join(problems)


def test_a_director_downloads_the_follow_up_report(live_server, demo, request):
    require_chromium()
    browser = request.getfixturevalue("browser")
    page = log_in(browser, live_server.url, "adst", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/planer/ADST/2024/")
    page.get_by_role("link", name="3. kvartal").last.click()
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Hent PDF").click()
    assert pdf.value.suggested_filename == "adst-2024-opfoelgning-3-kvartal.pdf"
    reader = PdfReader(pdf.value.path())
    assert "Opfølgning og afrapportering 2024" in reader.pages[0].extract_text()
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Hent Excel").click()
    assert xlsx.value.suggested_filename == "adst-2024-opfoelgning-3-kvartal.xlsx"
    with open(xlsx.value.path(), "rb") as handle:
        sheet = load_workbook(BytesIO(handle.read())).worksheets[0]
    assert sheet["A2"].value == "1.1"
    page.context.close()


def test_the_department_orders_the_ministry_summary_and_downloads_it(live_server, demo, request):
    from playwright.sync_api import expect

    require_chromium()
    browser = request.getfixturevalue("browser")
    page = log_in(browser, live_server.url, "ekm-departement", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/overblik/EKM/")
    page.get_by_role("link", name="Målopfyldelse", exact=True).click()
    page.get_by_role("button", name="Dan PDF").click()
    expect(page.locator("main h1")).to_contain_text("Målopfyldelse")
    expect(page.get_by_role("status")).to_contain_text("I kø")
    # The worker makes the file; the page, which reloads itself, then offers it.
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    expect(page.get_by_role("status")).to_contain_text("Filen er klar.", timeout=10_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent").click()
    name = download.value.suggested_filename
    assert name.startswith("ekm-") and name.endswith("-maalopfyldelse.pdf")
    with open(download.value.path(), "rb") as handle:
        text = PdfReader(BytesIO(handle.read())).pages[0].extract_text()
    assert "Styrelsen for Digital Service" in text
    page.context.close()
