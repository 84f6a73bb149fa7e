"""End to end in headless Chromium: the dashboards and the quarter page, usable by everyone.

On the demo data (the reference plans and the made-up ministry), each dashboard page and the
quarter page is opened on a 1280 px desktop and a 390 px phone. On each, axe-core must find
no violation of the WCAG 2.1 A/AA rules, and the page must fit the screen's width (wide
tables scroll inside their own box). Screenshots of both sizes are saved in
test-artifacts/dashboards/. Then the department sorts, filters and follows a cell to the
institution's quarter, as a person would.
"""

import pytest
from django.utils import timezone

from goals.demo import DEMO_PASSWORD, load_demo
from tests.browser import (
    ARTIFACTS,
    axe_violations,
    log_in,
    page_problems,
    require_chromium,
)

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "dashboards"


def pages(year):
    """(user, path, name, what the page's main heading says) for every page checked."""
    return [
        ("ekm-departement", "/overblik/EKM/", "overview", "Eksempelministeriet"),
        ("ekm-departement", "/overblik/EKM/?sorter=k1&type=drift", "overview-sorted",
         "Eksempelministeriet"),
        ("ekm-departement", "/overblik/EKM/opmaerksomhed/", "attention", "Eksempelministeriet"),
        ("ekm-departement", "/overblik/EKM/koncernfaelles/", "group-goals",
         "Eksempelministeriet"),
        ("ekm-departement", f"/planer/SDA/{year}/", "plan", "Styrelsen for Data og Analyse"),
        ("skm-departement", "/overblik/SKM/", "overview-skm", "Skatteministeriet"),
        ("adst", "/planer/ADST/2024/", "plan-adst", "Administrations- og Servicestyrelsen"),
        ("adst", "/planer/ADST/2024/kvartal/4/", "quarter-editable",
         "Administrations- og Servicestyrelsen"),
        ("skm-departement", "/planer/ADST/2024/kvartal/3/", "quarter-review",
         "Administrations- og Servicestyrelsen"),
    ]  # fmt: skip


@pytest.fixture
def demo(db):
    load_demo(out=lambda line: None)


def test_every_dashboard_and_the_quarter_page_pass_axe_on_desktop_and_phone(
    live_server, demo, request
):
    require_chromium()
    browser = request.getfixturevalue("browser")
    problems = page_problems(
        browser, live_server.url, pages(timezone.localdate().year), DEMO_PASSWORD, SHOTS
    )
    assert problems == [], "\n\n".join(problems)
    assert len(list(SHOTS.glob("*-390.png"))) == len(list(SHOTS.glob("*-1280.png"))) == 9


def test_the_department_sorts_filters_and_opens_a_quarter(live_server, demo, request):
    from playwright.sync_api import expect

    require_chromium()
    browser = request.getfixturevalue("browser")
    page = log_in(browser, live_server.url, "ekm-departement", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/overblik/EKM/")
    table = page.locator("table.overview")
    names = table.locator("tbody th[scope=row] .name")
    alphabetical = names.all_inner_texts()
    assert alphabetical == sorted(alphabetical, key=str.lower)

    # Sorting by the institution's column again reverses it; the header says how it is sorted.
    table.get_by_role("link", name="Institution").click()
    expect(table.locator("th[aria-sort=descending]")).to_contain_text("Institution")
    assert names.all_inner_texts() == alphabetical[::-1]

    # Filter to one quarter and one goal kind: only that quarter's column is left.
    page.select_option("#id_kvartal", "1")
    page.select_option("#id_type", "udvikling")
    page.get_by_role("button", name="Vis").click()
    expect(table.locator("thead th")).to_have_count(3)
    expect(table.locator("thead")).to_contain_text("1. kvartal")
    assert "type=udvikling" in page.url and "kvartal=1" in page.url
    # The sort chosen before is kept.
    assert names.all_inner_texts() == alphabetical[::-1]

    # A cell opens that institution's quarter.
    first = table.locator("tbody tr").first
    institution = first.locator("abbr").get_attribute("title")
    first.locator("td a").first.click()
    expect(page.locator("main h1")).to_contain_text(f"{institution}: 1. kvartal")

    # From the needs-attention page to a goal's history.
    page.goto(f"{live_server.url}/overblik/EKM/opmaerksomhed/")
    item = page.locator("article.attention-item").first
    expect(item).to_contain_text("Årsag")
    item.get_by_role("link", name="Historik").click()
    expect(page.locator("main h1")).to_contain_text("Historik")
    page.context.close()


def test_axe_finds_a_violation_when_there_is_one(live_server, demo, request):
    """The check above would see a problem: an image without a text alternative is one."""
    require_chromium()
    browser = request.getfixturevalue("browser")
    page = log_in(browser, live_server.url, "ekm-departement", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/overblik/EKM/")
    assert axe_violations(page) == ""
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert "image-alt" in axe_violations(page)
    page.context.close()
