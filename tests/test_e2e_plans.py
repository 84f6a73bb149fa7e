"""End to end in headless Chromium: the list of plans and the new-plan page pass axe and fit
at desktop and phone width; a planner makes a blank plan and next year's plan as a copy."""

import datetime

import pytest

from goals.models import Goal, Membership, Plan, PlanState
from tests.browser import ARTIFACTS, DESKTOP, PHONE, log_in, page_problems, require_chromium
from tests.conftest import member

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "plans"
PASSWORD = "pw-x-123"


@pytest.fixture
def people(plan, goal, institution):
    planner = member("pia", Membership.Role.PLANNER, institution=institution)
    reviewer = member("rune", Membership.Role.REVIEWER, ministry=institution.ministry)
    for user in (planner, reviewer):
        user.set_password(PASSWORD)
        user.save()
    Plan.objects.create(
        institution=institution, ministry=institution.ministry, year=2023,
        title="Mål- og resultatplan for Teststyrelsen 2023",
        valid_from=datetime.date(2023, 1, 1), valid_to=datetime.date(2023, 12, 31),
    )  # fmt: skip
    return planner, reviewer


def test_the_plan_pages_pass_axe_on_desktop_and_phone(live_server, people, request):
    require_chromium()
    browser = request.getfixturevalue("browser")
    pages = [
        ("pia", "/planer/", "plans-planner", "Planer"),
        ("pia", "/planer/ny/", "create-planner", "Ny plan"),
        ("rune", "/planer/", "plans-reviewer", "Planer"),
        ("rune", "/planer/ny/", "create-reviewer", "Ny plan"),
    ]
    problems = page_problems(browser, live_server.url, pages, PASSWORD, SHOTS)
    assert problems == [], "\n\n".join(problems)


def test_the_form_with_its_errors_passes_axe_on_a_phone(live_server, people, request):
    require_chromium()
    from playwright.sync_api import expect

    from tests.browser import axe_violations, horizontal_overflow

    browser = request.getfixturevalue("browser")
    page = log_in(browser, live_server.url, "pia", PASSWORD, PHONE)
    page.goto(f"{live_server.url}/planer/ny/")
    page.get_by_label("År").fill("2024")
    page.get_by_role("button", name="Opret planen").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.get_by_text("TS har allerede en plan for 2024.")).to_be_visible()
    assert axe_violations(page) == ""
    assert horizontal_overflow(page) == 0
    page.context.close()


def test_a_planner_makes_a_blank_plan_from_the_list(live_server, people, request):
    require_chromium()
    from playwright.sync_api import expect

    browser = request.getfixturevalue("browser")
    page = log_in(browser, live_server.url, "pia", PASSWORD, DESKTOP)
    page.get_by_role("link", name="Planer", exact=True).click()
    expect(page.locator("main h1")).to_have_text("Planer")
    expect(page.locator("main")).to_contain_text("Aftalt")
    page.get_by_role("link", name="Ny plan").click()
    page.get_by_label("År").fill("2026")
    page.get_by_label("En tom plan").check()
    page.get_by_label("Titel").fill("Mål- og resultatplan for Teststyrelsen 2026")
    page.get_by_label("1. kvartal").uncheck()
    page.get_by_label("3. kvartal").uncheck()
    page.get_by_role("button", name="Opret planen").click()
    expect(page).to_have_url(f"{live_server.url}/planer/TS/2026/")
    expect(page.locator("main")).to_contain_text("er oprettet som udkast")
    plan = Plan.objects.get(year=2026)
    assert (plan.state, plan.reporting_quarters) == (PlanState.DRAFT, "24")
    page.goto(f"{live_server.url}/planer/")
    expect(page.locator("main")).to_contain_text("Udkast")
    page.context.close()


def test_a_planner_makes_next_years_plan_as_a_copy(live_server, people, request, goal):
    require_chromium()
    from playwright.sync_api import expect

    browser = request.getfixturevalue("browser")
    page = log_in(browser, live_server.url, "pia", PASSWORD, DESKTOP)
    page.goto(f"{live_server.url}/planer/ny/")
    page.get_by_label("År").fill("2025")
    page.get_by_label("Som kopi af en tidligere plan").check()
    page.get_by_role("button", name="Opret planen").click()
    expect(page).to_have_url(f"{live_server.url}/planer/TS/2025/")
    copied = Plan.objects.get(year=2025)
    assert copied.predecessor.year == 2024 and copied.state == PlanState.DRAFT
    assert Goal.objects.get(plan=copied).predecessor == goal
    page.context.close()


def test_the_plan_page_button_makes_next_year(live_server, people, request):
    require_chromium()
    from playwright.sync_api import expect

    browser = request.getfixturevalue("browser")
    page = log_in(browser, live_server.url, "rune", PASSWORD, PHONE)
    page.goto(f"{live_server.url}/planer/TS/2024/")
    page.get_by_role("button", name="Opret plan for 2025").click()
    expect(page).to_have_url(f"{live_server.url}/planer/TS/2025/")
    expect(page.locator("main h1")).to_have_text("Testplan 2025")
    page.context.close()


def test_the_choice_of_way_shows_only_its_fields(live_server, people, request):
    require_chromium()
    from playwright.sync_api import expect

    browser = request.getfixturevalue("browser")
    page = log_in(browser, live_server.url, "pia", PASSWORD, PHONE)
    page.goto(f"{live_server.url}/planer/ny/")
    expect(page.locator("#how-blank")).to_be_visible()
    expect(page.locator("#how-file")).to_be_hidden()
    page.get_by_label("Fra en planfil (YAML)").check()
    expect(page.locator("#how-file")).to_be_visible()
    expect(page.locator("#how-blank")).to_be_hidden()
    expect(page.locator("#how-copy")).to_be_hidden()
    page.context.close()


@pytest.fixture
def last_year(people, plan, goal):
    """TS 2024's goal met at 96 pct. with a series, copied to 2025."""
    from decimal import Decimal

    from goals.copying import copy_plan
    from goals.models import (
        GoalVerdict,
        QuarterReport,
        ReportState,
        Requirement,
        SeriesPoint,
        StatusEntry,
    )

    requirement = Requirement.objects.create(
        goal=goal, number="1)", text="Mindst 95 pct. til tiden",
        measure=Requirement.Measure.THRESHOLD, comparator=Requirement.Comparator.AT_LEAST,
        target_value=Decimal("95"), unit=Requirement.Unit.PERCENT,
    )  # fmt: skip
    for year in (2022, 2023, 2024):
        SeriesPoint.objects.create(requirement=requirement, year=year, target_value=95)
    report = QuarterReport.objects.create(plan=plan, quarter=4, state=ReportState.APPROVED)
    StatusEntry.objects.create(
        report=report, goal=goal, requirement=requirement, result_value=Decimal("96")
    )
    GoalVerdict.objects.create(goal=goal, rule_verdict="met", verdict="met")
    return copy_plan(plan, year=2025, user=None)


def test_last_year_beside_this_year_passes_axe_on_desktop_and_phone(
    live_server, last_year, request
):
    require_chromium()
    browser = request.getfixturevalue("browser")
    pages = [
        ("rune", "/planer/TS/2025/", "plan-last-year", "Testplan 2025"),
        ("rune", "/planer/TS/2025/rapporter/aarsrapport/", "annual-last-year", "Målopfyldelse"),
    ]
    problems = page_problems(browser, live_server.url, pages, PASSWORD, SHOTS / "last-year")
    assert problems == [], "\n\n".join(problems)
