"""End to end in headless Chromium: the home page as a to-do list, usable by everyone.

On the demo data, a director's and two departments' home pages, and "Kræver opmærksomhed"
with its quarters waiting for approval, are opened on a 1280 px desktop and a 390 px phone:
axe-core must find no WCAG 2.1 A/AA violation and the page must fit the screen's width.
Screenshots go to test-artifacts/home/. Then a director follows the header's count to the
home page and a quarter's link to its page, as a person would.
"""

import pytest

from goals.demo import DEMO_PASSWORD, load_demo
from tests.browser import ARTIFACTS, log_in, page_problems, require_chromium

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "home"

PAGES = [
    ("adst", "/", "home-reporter", "Dine opgaver"),
    ("skm-departement", "/", "home-reviewer", "Dine opgaver"),
    ("ekm-departement", "/", "home-reviewer-large", "Dine opgaver"),
    ("admin", "/", "home-admin", "Dine opgaver"),
    ("ekm-departement", "/overblik/EKM/opmaerksomhed/", "attention", "Eksempelministeriet"),
]


@pytest.fixture
def demo(db):
    load_demo(out=lambda line: None)


def test_the_home_pages_pass_axe_and_fit_on_desktop_and_phone(live_server, demo, request):
    require_chromium()
    browser = request.getfixturevalue("browser")
    problems = page_problems(browser, live_server.url, PAGES, DEMO_PASSWORD, SHOTS)
    assert problems == [], "\n\n".join(problems)
    assert len(list(SHOTS.glob("*-390.png"))) == len(list(SHOTS.glob("*-1280.png"))) == 5


def test_a_director_follows_the_count_to_a_quarter(live_server, demo, request):
    from playwright.sync_api import expect

    require_chromium()
    browser = request.getfixturevalue("browser")
    page = log_in(browser, live_server.url, "adst", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/planer/ADST/2024/")
    count = page.locator("#todo-count")
    expect(count).to_contain_text("venter på dig")
    count.click()
    expect(page.locator("main h1")).to_have_text("Dine opgaver")
    quarters = page.locator(".todo-plan .todo-quarter")
    expect(quarters.first).to_be_visible()
    quarters.first.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/planer/ADST/2024/kvartal/1/")
    page.context.close()
