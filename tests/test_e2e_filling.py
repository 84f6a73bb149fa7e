"""End to end in headless Chromium: filling in a quarter of the 2024 ADST plan as the page
now helps. The progress follows what is typed; goals fold and unfold; last quarter's cause,
consequence and action come over with one click into the empty boxes only; the reason box
appears when the chosen status differs from the proposed one; Gem kladde with a malformed
number saves the rest and keeps the number as typed; a requirement in parts counts once all
its parts have their figure. axe-core finds no WCAG 2.1 A/AA
violation at 1280 and 390 px.
"""

import pytest

from goals.figures import takes_number
from goals.models import Membership, QuarterReport, StatusEntry
from tests.browser import (
    ARTIFACTS,
    PHONE,
    axe_violations,
    horizontal_overflow,
    log_in,
    require_chromium,
)
from tests.conftest import load_reference, member
from tests.helpers import load_test_plan, requirement_of

pytestmark = pytest.mark.browser

QUARTER = 2
Q1_CAUSE = "Sygdom i rejseteamet."
Q1_CONSEQUENCE = "Færre bestillinger til tiden."
Q1_ACTION = "Vikarer fra 1. marts."
MY_CAUSE = "Ferie i juli."


def _first_goal_with_numbers(plan):
    for goal in plan.goals.order_by("section__order", "order"):
        numeric = [
            r
            for r in goal.requirements.order_by("order")
            if r.is_due_in(QUARTER) and takes_number(r)
        ]
        if goal.is_due_in(QUARTER) and numeric:
            return goal, numeric
    raise AssertionError("the ADST plan has goals with figures in Q2")


SHOTS = ARTIFACTS / "e2e-filling"


def _shot(page, name):
    """A screenshot of the viewport for a reader of the test's run (gitignored)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _settled(page):
    """Bootstrap's buttons fade between colours, unless the user asks for less motion; axe
    must see the colours they settle on."""
    page.emulate_media(reduced_motion="reduce")


def _with_q1(plan, goal):
    report = QuarterReport.objects.create(plan=plan, quarter=1, state="approved")
    StatusEntry.objects.create(
        report=report,
        goal=goal,
        status="red",
        cause=Q1_CAUSE,
        consequence=Q1_CONSEQUENCE,
        action=Q1_ACTION,
    )


def test_filling_in_with_progress_folding_carry_over_reason_and_draft_save(live_server, request):
    from playwright.sync_api import expect

    require_chromium()
    browser = request.getfixturevalue("browser")
    plan = load_reference("adst-2024.yaml")
    member("rita", Membership.Role.REPORTER, institution=plan.institution)
    goal, numeric = _first_goal_with_numbers(plan)
    _with_q1(plan, goal)
    first, second = numeric[0], numeric[1]
    url = f"{live_server.url}/planer/ADST/2024/kvartal/{QUARTER}/"

    page = log_in(browser, live_server.url, "rita", "pw-rita-123")
    page.goto(url)
    _settled(page)
    card = page.locator(f"section#row-g{goal.pk}")
    progress = page.locator("#quarter-progress .filled-count")
    goal_progress = card.locator(".goal-progress .filled-count")
    expect(progress).to_have_text("0")
    assert axe_violations(page) == ""

    # --- Progress follows what is typed. ----------------------------------------------------
    page.fill(f"#id_r{first.pk}-result_value", "99")
    expect(progress).to_have_text("1")
    expect(goal_progress).to_have_text("1")
    page.fill(f"#id_r{first.pk}-result_value", "")
    expect(progress).to_have_text("0")
    page.fill(f"#id_r{first.pk}-result_value", "99")
    expect(progress).to_have_text("1")

    # --- The reason box only while the chosen status differs from the proposed one. -----
    row = page.locator(f"#row-r{first.pk}")
    reason = row.locator("[data-reason-box]")
    expect(reason).to_be_hidden()
    expect(row.locator(f"[name='r{first.pk}-status'][value=green]")).to_be_checked()
    row.locator(f"label[for='id_r{first.pk}-status_0']").click()  # red, against the green
    expect(reason).to_be_visible()
    _shot(page, "reason-box-shown")
    expect(row.locator(f"#id_r{first.pk}-status_reason")).to_be_editable()
    row.locator(f"label[for='id_r{first.pk}-status_2']").click()  # green again
    expect(reason).to_be_hidden()

    # --- Goals fold and unfold; a folded goal keeps its number, title and progress. --------
    body = page.locator(f"#goal-{goal.pk}-body")
    toggle = card.locator(".fold-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.click()
    expect(body).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(card.locator("h3")).to_contain_text(f"{goal.number} {goal.title}")
    expect(card.locator(".goal-progress")).to_contain_text("1 af")
    toggle.click()
    expect(body).to_be_visible()
    page.get_by_role("button", name="Fold alle sammen").click()
    expect(page.locator("section.goal .card-body:visible")).to_have_count(0)
    _shot(page, "all-folded")
    assert axe_violations(page) == ""  # folded
    page.get_by_role("button", name="Fold alle ud").click()
    expect(body).to_be_visible()
    # A goal folded away stays folded when the page comes back, in this tab.
    toggle.click()
    page.reload()
    expect(page.locator(f"#goal-{goal.pk}-body")).to_be_hidden()
    expect(card.locator(".fold-toggle")).to_have_attribute("aria-expanded", "false")
    card.locator(".fold-toggle").click()
    expect(body).to_be_visible()
    page.fill(f"#id_r{first.pk}-result_value", "99")  # typed again: a reload need not keep it

    # --- Last quarter's cause, consequence and action, into the empty boxes only. ----------
    cause = page.locator(f"#id_g{goal.pk}-cause")
    cause.fill(MY_CAUSE)
    carry = card.get_by_role("button", name="Hent fra 1. kvartal")
    carry.click()
    expect(cause).to_have_value(MY_CAUSE)
    expect(page.locator(f"#id_g{goal.pk}-consequence")).to_have_value(Q1_CONSEQUENCE)
    expect(page.locator(f"#id_g{goal.pk}-action")).to_have_value(Q1_ACTION)
    result = card.locator(".carry-over-result")
    expect(result).to_contain_text("Konsekvens, Handling")
    expect(result).to_contain_text("Ikke ændret")
    expect(result).to_contain_text("Årsag")
    card.locator(".carry-over").scroll_into_view_if_needed()
    _shot(page, "carried-over")

    # --- Gem kladde with a malformed number saves the rest and keeps it as typed. ----------
    page.fill(f"#id_r{second.pk}-result_value", "95.5")
    page.locator(f"label[for='id_g{goal.pk}-status_0']").click()  # red, with its texts
    page.get_by_role("button", name="Gem kladde").click()
    unsaved = page.locator("#unsaved")
    _settled(page)
    expect(unsaved).to_contain_text("Kladden er gemt, undtagen 1 felt")
    expect(page.locator(f"#id_r{second.pk}-result_value")).to_have_value("95.5")
    _shot(page, "draft-saved-but-one")
    link = unsaved.get_by_role("link")
    expect(link).to_have_attribute("href", f"#id_r{second.pk}-result_value")
    expect(page.locator(f"section#row-g{goal.pk} .fold-toggle")).to_have_count(0)  # not folded
    report = QuarterReport.objects.get(plan=plan, quarter=QUARTER)
    saved = {e.requirement_id: e for e in StatusEntry.objects.filter(report=report)}
    assert saved[first.pk].result_value == 99
    assert second.pk not in saved or saved[second.pk].result_value is None
    assert (saved[None].cause, saved[None].consequence) == (MY_CAUSE, Q1_CONSEQUENCE)
    assert page.locator("input[name=version]").input_value() == str(report.version)
    assert axe_violations(page) == ""  # with the messages
    page.context.close()


def test_the_quarter_page_is_accessible_and_fits_on_a_phone(live_server, request):
    from playwright.sync_api import expect

    require_chromium()
    browser = request.getfixturevalue("browser")
    plan = load_reference("adst-2024.yaml")
    member("rita", Membership.Role.REPORTER, institution=plan.institution)
    goal, _numeric = _first_goal_with_numbers(plan)
    _with_q1(plan, goal)
    page = log_in(browser, live_server.url, "rita", "pw-rita-123", PHONE)
    page.goto(f"{live_server.url}/planer/ADST/2024/kvartal/{QUARTER}/")
    _settled(page)
    expect(page.locator("#quarter-progress")).to_be_visible()
    expect(page.get_by_role("button", name="Hent fra 1. kvartal")).to_be_visible()
    assert axe_violations(page) == ""
    assert horizontal_overflow(page) == 0
    _shot(page, "phone")
    page.get_by_role("button", name="Fold alle sammen").click()
    assert axe_violations(page) == ""
    page.context.close()


def test_a_requirement_in_parts_counts_once_all_its_parts_have_their_figure(live_server, request):
    from playwright.sync_api import expect

    require_chromium()
    browser = request.getfixturevalue("browser")
    plan = load_test_plan()
    member("rita", Membership.Role.REPORTER, institution=plan.institution)
    whole = requirement_of(plan, "C", "Tilfredsheden er min.")
    phone, mail = whole.parts.order_by("order")
    page = log_in(browser, live_server.url, "rita", "pw-rita-123")
    page.goto(f"{live_server.url}/planer/FIG/2025/kvartal/1/")
    card = page.locator(f"section#row-g{whole.goal_id}")
    counted = card.locator(".goal-progress .filled-count")
    expect(counted).to_have_text("0")
    page.fill(f"#id_r{phone.pk}-result_value", "4,1")
    expect(counted).to_have_text("0")
    page.fill(f"#id_r{mail.pk}-result_value", "3,0")
    expect(counted).to_have_text("1")
    expect(page.locator("#quarter-progress .filled-count")).to_have_text("1")
    page.context.close()
