"""End to end in headless Chromium: a plan agreed in the browser, then amended.

The institution's planner comments on a goal of the draft 2024 ADST plan and puts it
forward; the department agrees it with the signatories' dates; the planner begins an
amendment. axe-core checks the agreement page in each state, the draft's quarter page and the
plan page with its amendments at 1280 and 390 px, none wider than the screen. Screenshots go
to test-artifacts/agreement/.
"""

import datetime

import pytest

from goals import planning
from goals.models import PlanComment, PlanPart, PlanState
from tests.browser import ARTIFACTS, DESKTOP, log_in, page_problems, require_chromium
from tests.conftest import load_reference, planner_and_reviewer

SHOTS = ARTIFACTS / "agreement"
PASSWORD = "pw-agreement-123"
COMMENT = "Kan målet for sagsbehandlingstid skærpes til 90 dage?"
REASON = "Ny lov om digital post fra 1. april; målet for 1.1 ændres."

pytestmark = pytest.mark.browser


def _draft():
    plan = load_reference("adst-2024.yaml")
    plan.state = PlanState.DRAFT
    plan.save()
    return plan


def test_a_plan_is_commented_put_forward_agreed_and_amended(live_server, request):
    from playwright.sync_api import expect

    require_chromium()
    browser = request.getfixturevalue("browser")
    plan = _draft()
    planner_and_reviewer(plan, "pia", "ruben", PASSWORD)
    goal = plan.goals.order_by("section__order", "order").first()
    agreement = f"{live_server.url}/planer/ADST/2024/aftale/"
    SHOTS.mkdir(parents=True, exist_ok=True)

    # --- The planner comments on a goal and puts the draft forward. -------------------------
    page = log_in(browser, live_server.url, "pia", PASSWORD, DESKTOP)
    page.goto(agreement)
    expect(page.locator("#state .plan-state")).to_have_text("Udkast")
    page.locator(f"#goal-comment-{goal.pk}").fill(COMMENT)
    page.locator(f"#goal-comments-{goal.pk} button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Kommentaren er gemt.")
    expect(page.locator(f"#goal-comments-{goal.pk} .comment-text")).to_have_text(COMMENT)
    assert PlanComment.objects.get().goal == goal
    page.locator("#propose-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("sendt til godkendelse")
    expect(page.locator("#state .plan-state")).to_have_text("Til godkendelse")
    expect(page.locator("#propose-form")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "proposed.png"), full_page=True)
    page.context.close()

    # --- The department agrees it with the signatories' dates. ------------------------------
    page = log_in(browser, live_server.url, "ruben", PASSWORD, DESKTOP)
    page.goto(agreement)
    signatories = list(plan.signatories.order_by("order", "pk"))
    assert signatories, "the ADST plan has signatories"
    page.locator(f"#id_agree-date_{signatories[0].pk}").fill("2023-12-15")
    page.locator(f"#id_agree-date_{signatories[-1].pk}").fill("")
    page.locator("#agree-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Planen er aftalt")
    expect(page.locator("#state .plan-state")).to_have_text("Aftalt")
    plan.refresh_from_db()
    assert plan.is_agreed
    dates = [s.date for s in plan.signatories.order_by("order", "pk")]
    assert dates[0] == datetime.date(2023, 12, 15)
    assert dates[-1] is not None
    page.context.close()

    # --- The planner begins an amendment; a missing reason is said on its field. ------------
    page = log_in(browser, live_server.url, "pia", PASSWORD, DESKTOP)
    page.goto(agreement)
    page.locator("#amendment-form button[type=submit]").click()
    expect(page.locator("#amendment-form .invalid-feedback")).to_contain_text(
        "Skriv, hvorfor planen ændres."
    )
    page.locator("#id_amendment-reason").fill(REASON)
    page.locator("#amendment-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Planændring 1 er begyndt")
    expect(page.locator("#amendment-1")).to_contain_text(REASON)
    expect(page.locator("#amendment-1")).to_contain_text("Under udarbejdelse")
    page.context.close()


def test_the_agreement_pages_are_accessible_at_desktop_and_phone_width(live_server, request):
    require_chromium()
    browser = request.getfixturevalue("browser")
    plan = _draft()
    people = planner_and_reviewer(plan, "pia", "ruben", PASSWORD)
    goal = plan.goals.order_by("section__order", "order").first()
    planning.add_comment(
        plan=plan, user=people["pia"], text=COMMENT, by_department=False, goal=goal
    )
    planning.add_comment(
        plan=plan, user=people["ruben"], text="Ja, 90 dage.", by_department=True, goal=goal
    )
    path = "/planer/ADST/2024"
    pages = [
        ("pia", f"{path}/aftale/", "draft-planner", "Aftale og ændringer"),
        ("pia", f"{path}/kvartal/1/", "draft-quarter", "1. kvartal"),
        ("pia", "/", "home-planner", "Dine opgaver"),
    ]
    problems = page_problems(browser, live_server.url, pages, PASSWORD, SHOTS / "axe-draft")

    planning.propose(plan=plan, user=people["pia"])
    pages = [
        ("ruben", f"{path}/aftale/", "proposed-department", "Aftale og ændringer"),
        ("ruben", "/", "home-department", "Dine opgaver"),
    ]
    problems += page_problems(browser, live_server.url, pages, PASSWORD, SHOTS / "axe-proposed")

    planning.agree(plan=plan, user=people["ruben"])
    amendment = planning.start_amendment(plan=plan, user=people["pia"], reason=REASON)
    planning.record_changes(
        plan=plan,
        user=people["pia"],
        part=PlanPart.GOAL,
        instance=goal,
        name=f"Mål {goal.number}",
        before={"title": goal.title},
        after={"title": f"{goal.title} (skærpet)"},
        labels={"title": "Titel"},
    )
    planning.close_amendment(amendment=amendment, user=people["pia"], by_department=False)
    pages = [
        ("ruben", f"{path}/aftale/", "agreed-department", "Aftale og ændringer"),
        ("pia", f"{path}/", "plan-page", plan.title[:20]),
        ("ruben", f"{path}/rapporter/plan/", "plan-document", plan.title[:20]),
    ]
    problems += page_problems(browser, live_server.url, pages, PASSWORD, SHOTS / "axe-agreed")
    assert problems == [], "\n".join(problems)
