"""End to end in headless Chromium: the department reviews quarters read as documents.

A reviewer opens a submitted quarter of the 2024 ADST plan, scrolls to its end with the bar
still in view, returns it with a comment typed in the bar; approves another quarter after its
confirmation step. axe-core checks the document pages (submitted, returned, approved; the
reviewer's and the reporter's) at 1280 and 390 px. Screenshots go to test-artifacts/review/.
"""

import time

import pytest

from goals.figures import takes_number
from goals.models import Membership, QuarterReport, ReportState
from tests.browser import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    axe_violations,
    log_in,
    page_problems,
    require_chromium,
)
from tests.conftest import load_reference, member
from tests.helpers import save_entries

SHOTS = ARTIFACTS / "review"
PASSWORD = "pw-review-123"
COMMENT = "Uddyb venligst handlingen for mål 1.1: hvornår ser vi effekten?"

pytestmark = pytest.mark.browser


def _submit(plan, quarter, user):
    """Every goal due in the quarter filled in green and submitted through the service."""
    values = {}
    for goal in plan.goals.order_by("section__order", "order"):
        due = [r for r in goal.requirements.filter(part_of=None) if r.is_due_in(quarter)]
        if not (goal.is_due_in(quarter) or due):
            continue
        for requirement in due:
            for part in requirement.parts.all() or [requirement]:
                if takes_number(part) and part.target_value is not None:
                    values[part] = {"result_value": part.target_value, "status": "green"}
                else:
                    values[part] = {"result_text": f"{part} er nået.", "status": "green"}
        values[goal] = {
            "status": "green",
            "result_text": f"Mål {goal.number} følger planen.",
            "action": "Ingen ændringer.",
        }
    return save_entries(plan, quarter, user, values, submit=True)


def _people(plan):
    people = {
        "rita": member("rita", Membership.Role.REPORTER, institution=plan.institution),
        "ruben": member("ruben", Membership.Role.REVIEWER, ministry=plan.ministry),
    }
    for user in people.values():
        user.set_password(PASSWORD)
        user.save()
    return people


def _wait_until_scrolled(page, timeout=5.0):
    """Until the page has scrolled from its top. Asked from the test, not with
    `wait_for_function`, whose polling evaluates a string, which the pages' CSP refuses."""
    deadline = time.monotonic() + timeout
    while page.evaluate("window.scrollY") <= 0:
        assert time.monotonic() < deadline, "the page did not scroll"
        page.wait_for_timeout(50)


def _bar_in_view(page):
    box = page.locator("#quarter-bar").bounding_box()
    return box is not None and -1 <= box["y"] <= 1


def test_the_reviewer_returns_and_approves_from_the_bar(live_server, request):
    from playwright.sync_api import expect

    require_chromium()
    browser = request.getfixturevalue("browser")
    plan = load_reference("adst-2024.yaml")
    people = _people(plan)
    for quarter in (2, 3):
        _submit(plan, quarter, people["rita"])
    base = f"{live_server.url}/planer/ADST/2024/kvartal"
    SHOTS.mkdir(parents=True, exist_ok=True)

    for device_name, device in (("1280", DESKTOP), ("390", PHONE)):
        page = log_in(browser, live_server.url, "ruben", PASSWORD, device)
        page.goto(f"{base}/2/")
        expect(page.locator("#quarter-document")).to_be_visible()
        expect(page.locator("#quarter-form")).to_have_count(0)
        expect(page.locator(".quarter-tabs .active .tab-state")).to_have_text("Indsendt")
        # At the end of a long page the bar is still at the top of the screen.
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height > 2 * device["viewport"]["height"], height
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        _wait_until_scrolled(page)
        assert _bar_in_view(page), page.locator("#quarter-bar").bounding_box()
        expect(page.locator("#return-step summary")).to_be_in_viewport()
        page.screenshot(path=str(SHOTS / f"scrolled-{device_name}.png"))
        page.context.close()

    # --- Return with a comment typed in the bar, at the end of the page. ---------------------
    page = log_in(browser, live_server.url, "ruben", PASSWORD, DESKTOP)
    page.goto(f"{base}/2/")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    comment = page.locator("#return-comment")
    expect(comment).to_be_hidden()
    page.locator("#return-step summary").click()
    expect(comment).to_be_visible()
    expect(comment).to_be_focused()
    assert page.url == f"{base}/2/"  # in place: nothing loaded
    comment.fill(COMMENT)
    assert axe_violations(page) == ""  # WCAG 2.1 A/AA, the step open
    page.screenshot(path=str(SHOTS / "return-comment.png"))
    page.get_by_role("button", name="Send retur med kommentaren").click()
    expect(page.locator(".alert-success")).to_contain_text("sendt retur til institutionen")
    expect(page.locator("#quarter-bar .badge")).to_have_text("Sendt retur")
    expect(page.locator("#review-comment")).to_contain_text(COMMENT)
    report = QuarterReport.objects.get(plan=plan, quarter=2)
    assert (report.state, report.review_comment) == (ReportState.RETURNED, COMMENT)

    # --- Approve another quarter: the first click only asks. ---------------------------------
    page.goto(f"{base}/3/")
    confirm = page.get_by_role("button", name="Ja, godkend kvartalet")
    expect(confirm).to_be_hidden()
    page.locator("#approve-step summary").click()
    expect(confirm).to_be_visible()
    assert QuarterReport.objects.get(plan=plan, quarter=3).state == ReportState.SUBMITTED
    page.screenshot(path=str(SHOTS / "approve-confirm.png"))
    confirm.click()
    expect(page.locator(".alert-success").first).to_have_text("Kvartalet er godkendt.")
    expect(page.locator("#quarter-bar .badge")).to_have_text("Godkendt")
    expect(page.locator(".quarter-tabs a").nth(2).locator(".tab-state")).to_have_text("Godkendt")
    expect(page.locator(".quarter-tabs a").nth(1).locator(".tab-state")).to_have_text("Sendt retur")
    assert QuarterReport.objects.get(plan=plan, quarter=3).state == ReportState.APPROVED
    page.context.close()


def test_the_document_pages_are_accessible_at_desktop_and_phone_width(live_server, request):
    require_chromium()
    browser = request.getfixturevalue("browser")
    plan = load_reference("adst-2024.yaml")
    people = _people(plan)
    from goals import services

    for quarter in (2, 3, 4):
        _submit(plan, quarter, people["rita"])
    services.approve_quarter(
        report=QuarterReport.objects.get(plan=plan, quarter=3), user=people["ruben"]
    )
    q2 = QuarterReport.objects.get(plan=plan, quarter=2)
    services.return_quarter(report=q2, user=people["ruben"], comment=COMMENT)
    goal = plan.goals.order_by("section__order", "order").first()
    # A resubmission with a change, so the marks of what changed are on the page too.
    save_entries(plan, 2, people["rita"], {goal: {"action": "Vikar fra 1. juni."}}, submit=True)
    path = "/planer/ADST/2024/kvartal"
    pages = [
        ("ruben", f"{path}/2/", "resubmitted", "2. kvartal"),
        ("ruben", f"{path}/3/", "approved", "3. kvartal"),
        ("rita", f"{path}/4/", "reporter-submitted", "4. kvartal"),
        ("ruben", f"/planer/ADST/2024/maal/{goal.pk}/historik/", "history", "Historik"),
    ]
    problems = page_problems(browser, live_server.url, pages, PASSWORD, SHOTS / "axe")
    assert problems == [], "\n".join(problems)

    # The summary's link takes the reader to the changed field, below the bar, not under it.
    from playwright.sync_api import expect

    for device in (DESKTOP, PHONE):
        page = log_in(browser, live_server.url, "ruben", PASSWORD, device)
        page.goto(f"{live_server.url}{path}/2/")
        expect(page.locator("#changes-summary")).to_contain_text("1 felt ændret")
        page.locator("#changes-summary a").first.click()
        _wait_until_scrolled(page)
        target = page.locator(f"#doc-g{goal.pk}-own").bounding_box()
        bar = page.locator("#quarter-bar").bounding_box()
        assert target["y"] >= bar["y"] + bar["height"] - 1, (target, bar)
        expect(page.locator(f"#doc-g{goal.pk} .changed-mark")).to_be_in_viewport()
        page.context.close()
