"""End to end in headless Chromium: a reviewer of the department adds a group-wide beacon and
an institution from the ministry's overview; the pages pass axe at desktop and phone width and
fit a phone."""

import pytest

from goals.models import GroupGoal, Institution, MinistryBeacon, Section
from tests.browser import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    axe_violations,
    horizontal_overflow,
    log_in,
    page_problems,
    require_chromium,
)

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "ministry-data"
PASSWORD = "pw-carol-123"


def check(page, problems, where):
    report = axe_violations(page)
    if report:
        problems.append(f"{where}:\n{report}")
    overflow = horizontal_overflow(page)
    if overflow > 0:
        problems.append(f"{where} is {overflow} px too wide")


@pytest.mark.parametrize("device_name, device", [("1280", DESKTOP), ("390", PHONE)])
def test_a_reviewer_adds_a_beacon_and_an_institution(
    live_server, carol, plan, request, device_name, device
):
    from playwright.sync_api import expect

    require_chromium()
    browser = request.getfixturevalue("browser")
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    MinistryBeacon.objects.create(ministry=plan.ministry, number="1", order=1, title="Først")

    page = log_in(browser, live_server.url, "carol", PASSWORD, device)
    page.goto(f"{live_server.url}/overblik/TM/")
    page.get_by_role("link", name="Pejlemærker, mål og institutioner").click()
    expect(page.locator("main h1")).to_contain_text("Pejlemærker, mål og institutioner i")
    page.get_by_role("link", name="Nyt pejlemærke").click()
    expect(page.locator("main h1")).to_have_text("Nyt koncernfælles pejlemærke")
    # The same number twice, and no title: the plan file's words, on their fields; the
    # text is kept.
    page.fill("#id_number", "1")
    page.fill("#id_text", "Staten skal være digital.")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("#div_id_number")).to_contain_text('nummeret "1" står to gange')
    expect(page.locator("#div_id_title")).to_contain_text('"title" mangler')
    expect(page.locator("#id_text")).to_have_value("Staten skal være digital.")
    check(page, problems, f"the beacon form with mistakes at {device_name}")
    page.screenshot(path=str(SHOTS / f"beacon-errors-{device_name}.png"), full_page=True)
    page.fill("#id_number", "2")
    page.fill("#id_title", "Digital velfærd")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator(".alert-success")).to_contain_text("Pejlemærket er oprettet")
    expect(page.locator("#pejlemaerker tbody tr")).to_have_count(2)
    # Moved above the first.
    page.get_by_role("button", name="Op (flyt pejlemærke 2 op)").click()
    expect(page.locator("#pejlemaerker tbody tr").first).to_contain_text("Digital velfærd")
    check(page, problems, f"the page with beacons at {device_name}")

    page.get_by_role("link", name="Ny institution").click()
    expect(page.locator("main h1")).to_have_text("Ny institution")
    page.fill("#id_short_name", "TS")
    page.fill("#id_name", "Nystyrelsen")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("#div_id_short_name")).to_contain_text('Forkortelsen "TS" bruges allerede')
    check(page, problems, f"the institution form with a mistake at {device_name}")
    page.fill("#id_short_name", "NYS")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator(".alert-success")).to_contain_text("Institutionen er oprettet")
    expect(page.locator("#institutioner")).to_contain_text("Nystyrelsen")
    page.screenshot(path=str(SHOTS / f"page-{device_name}.png"), full_page=True)
    check(page, problems, f"the page with the new institution at {device_name}")
    page.context.close()

    assert Institution.objects.get(short_name="NYS").ministry == plan.ministry
    assert list(
        MinistryBeacon.objects.filter(ministry=plan.ministry).values_list("number", flat=True)
    ) == ["2", "1"]
    assert problems == [], "\n\n".join(problems)


def test_the_ministry_data_pages_pass_axe_and_fit_a_phone(live_server, carol, plan, request):
    require_chromium()
    browser = request.getfixturevalue("browser")
    ministry = plan.ministry
    used = MinistryBeacon.objects.create(
        ministry=ministry, number="1", order=1, title="Et pejlemærke med en lang titel " * 3
    )
    MinistryBeacon.objects.create(ministry=ministry, number="2", order=2, title="Ubrugt")
    Section.objects.create(plan=plan, title="Afsnit", ministry_beacon=used)
    goal = GroupGoal.objects.create(
        ministry=ministry, code="digital-forvaltning", title="Digital forvaltning"
    )
    institution = plan.institution
    pages = [
        ("carol", "/overblik/TM/koncern/", "page", "Pejlemærker, mål og institutioner"),
        ("carol", "/overblik/TM/koncern/pejlemaerker/ny/", "beacon-new", "Nyt koncernfælles"),
        ("carol", f"/overblik/TM/koncern/pejlemaerker/{used.pk}/", "beacon-edit", "Ret"),
        ("carol", f"/overblik/TM/koncern/maal/{goal.pk}/", "group-goal-edit", "Ret"),
        ("carol", f"/overblik/TM/koncern/institutioner/{institution.pk}/", "inst-edit", "Ret"),
    ]
    problems = page_problems(browser, live_server.url, pages, PASSWORD, SHOTS / "pages")
    assert problems == [], "\n\n".join(problems)
