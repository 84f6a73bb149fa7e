"""End to end in headless Chromium: a plan's whole year, on a plan of our own.

In November the department makes the 2026 plan of Figurstyrelsen from its agreed 2025 plan;
the institution's planner changes a goal in the editor, comments on it and puts the draft
forward; in December the department agrees it. In May (the second quarter) the planner
amends it: a reason, a quarter target lowered in the editor; the department approves the
amendment, and the annual report tells it under "Ændringer i planen i årets løb" with the
reason and the target before and after. Every page of the plan's life that issue 17 added
passes axe at 1280 and 390 px and fits the screen.

Time is moved with time-machine, on the server only; session cookies last until the browser
closes, so the browser keeps them whatever its own clock says.
"""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from goals.models import AmendmentState, Plan, PlanState
from goals.planfile import import_plan, read_plan_file
from tests.browser import ARTIFACTS, DESKTOP, log_in, page_problems, require_chromium
from tests.conftest import planner_and_reviewer

pytestmark = pytest.mark.browser

PLAN_FILE = Path(__file__).resolve().parent / "plans" / "figures-2025.yaml"
SHOTS = ARTIFACTS / "plan-year"
PASSWORD = "pw-plan-year-123"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
NEW_TITLE = "Automatisering af sagsbehandlingen"
COMMENT = "Kan vi nå 12.000 timer, når robotterne først kommer i drift i marts?"
REASON = "Robotterne kom i drift tre måneder senere end planlagt; årets mål sænkes."


def on(year, month, day):
    """The server's clock at 10 o'clock in Copenhagen on the day, running on from there."""
    return time_machine.travel(datetime.datetime(year, month, day, 10, tzinfo=COPENHAGEN))


def test_a_plans_year_from_copy_to_annual_report(live_server, request, settings):
    from playwright.sync_api import expect

    require_chromium()
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    browser = request.getfixturevalue("browser")
    SHOTS.mkdir(parents=True, exist_ok=True)
    last_year = import_plan(read_plan_file(PLAN_FILE.read_bytes()))
    planner_and_reviewer(last_year, "pia", "dorte", PASSWORD)
    base = live_server.url

    # --- November: the department makes next year's plan from this year's. -----------------
    with on(2025, 11, 10):
        page = log_in(browser, base, "dorte", PASSWORD, DESKTOP)
        page.goto(f"{base}/planer/FIG/2025/")
        page.locator("#next-year button[type=submit]").click()
        expect(page).to_have_url(f"{base}/planer/FIG/2026/")
        page.context.close()
    plan = Plan.objects.get(institution__short_name="FIG", year=2026)
    assert plan.state == PlanState.DRAFT
    assert plan.predecessor == last_year
    goal = plan.goals.get(number="B")
    assert goal.predecessor == last_year.goals.get(number="B")
    requirement = goal.requirements.get()

    # --- The planner changes the goal in the editor, comments, and puts it forward. ---------
    with on(2025, 11, 17):
        page = log_in(browser, base, "pia", PASSWORD, DESKTOP)
        page.goto(f"{base}/planer/FIG/2026/rediger/")
        page.locator(f"#edit-maal-{goal.pk}").get_by_role("link", name="Rediger").first.click()
        form = page.locator(f"form#edit-maal-{goal.pk}")
        form.locator("[name=title]").fill(NEW_TITLE)
        form.get_by_role("button", name="Gem").click()
        expect(page.locator(f"#edit-maal-{goal.pk}")).to_contain_text(NEW_TITLE)
        goal.refresh_from_db()
        assert goal.title == NEW_TITLE

        page.goto(f"{base}/planer/FIG/2026/aftale/")
        page.locator(f"#goal-comment-{goal.pk}").fill(COMMENT)
        page.locator(f"#goal-comments-{goal.pk} button[type=submit]").click()
        expect(page.locator(f"#goal-comments-{goal.pk} .comment-text")).to_have_text(COMMENT)
        page.locator("#propose-form button[type=submit]").click()
        expect(page.locator("#state .plan-state")).to_have_text("Til godkendelse")
        page.context.close()

    # --- December: the department agrees it. -------------------------------------------------
    with on(2025, 12, 8):
        page = log_in(browser, base, "dorte", PASSWORD, DESKTOP)
        page.goto(f"{base}/planer/FIG/2026/aftale/")
        expect(page.locator(f"#goal-comments-{goal.pk}")).to_contain_text(COMMENT)
        page.locator("#agree-form button[type=submit]").click()
        expect(page.locator("#state .plan-state")).to_have_text("Aftalt")
        page.context.close()
    plan.refresh_from_db()
    assert plan.is_agreed
    assert plan.agreed_at.astimezone(COPENHAGEN).date() == datetime.date(2025, 12, 8)

    # --- May, the second quarter: the planner amends the plan. ------------------------------
    with on(2026, 5, 12):
        page = log_in(browser, base, "pia", PASSWORD, DESKTOP)
        page.goto(f"{base}/planer/FIG/2026/rediger/")
        page.locator("#editor-amendment-reason").fill(REASON)
        page.locator("form.start-amendment button[type=submit]").click()
        expect(page.locator("#editor-bar .amendment-open")).to_contain_text("Planændring 1")
        card = page.locator(f"#edit-krav-{requirement.pk}")
        card.get_by_role("link", name="Rediger").first.click()
        form = page.locator(f"form#edit-krav-{requirement.pk}")
        form.locator(f"#edit-krav-{requirement.pk}-f-quarter_targets-4").fill("10.000")
        form.get_by_role("button", name="Gem").click()
        expect(page.locator(f"#edit-krav-{requirement.pk}")).to_contain_text("10.000")
        page.locator("#editor-bar").get_by_role("button", name="Afslut ændringen").click()
        page.context.close()
    amendment = plan.amendments.get()
    assert amendment.state == AmendmentState.MADE
    assert amendment.created_at.astimezone(COPENHAGEN).date() == datetime.date(2026, 5, 12)
    assert requirement.quarter_targets.get(quarter=4).target_value == 10000

    with on(2026, 5, 13):
        page = log_in(browser, base, "dorte", PASSWORD, DESKTOP)
        page.goto(f"{base}/planer/FIG/2026/aftale/")
        page.locator("#amendment-1").get_by_role("button", name="Godkend ændring 1").click()
        expect(page.locator("#amendment-1 .amendment-state")).to_have_text(
            "Godkendt af departementet"
        )

        # The annual report tells the amendment, its reason, and the target before and after.
        page.goto(f"{base}/planer/FIG/2026/rapporter/aarsrapport/")
        told = page.locator(".amendment-note")
        expect(told).to_contain_text("12. maj 2026")
        expect(told).to_contain_text(REASON)
        row = told.locator("tr", has_text="12.000")
        expect(row).to_contain_text("10.000")
        page.screenshot(path=str(SHOTS / "annual-report.png"), full_page=True)
        page.context.close()

        # Every page of the plan's life at both widths.
        pages = [
            ("dorte", "/planer/", "plans", "Planer"),
            ("dorte", "/planer/ny/", "new-plan", "Ny plan"),
            ("dorte", "/planer/FIG/2026/aftale/", "agreement", "Aftale og ændringer"),
            ("dorte", "/planer/FIG/2026/", "plan-page", plan.title[:20]),
            ("dorte", "/planer/FIG/2026/rapporter/aarsrapport/", "annual", "Målopfyldelse 2026"),
            ("pia", "/planer/FIG/2026/rediger/", "editor", "Rediger planen"),
        ]
        problems = page_problems(browser, base, pages, PASSWORD, SHOTS / "axe")
    assert problems == [], "\n".join(problems)
