"""End to end in headless Chromium: a planner drafts a plan in the editor.

A goal and a cumulative requirement with quarter targets are added in place (htmx: the
address never changes), the requirement's fields follow its measure, a target is changed in
place, goals are reordered by button and by drag; the editor passes axe at 1280 and 390 px,
with a form open too, and is never wider than the screen.
"""

from decimal import Decimal

import pytest

from goals.models import Goal, Membership, Plan, Requirement, Section
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
from tests.conftest import member

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "editor"
PASSWORD = "pw-{}-123"
EDITOR = "/planer/TS/2024/rediger/"


@pytest.fixture
def drafted(plan):
    plan.state = Plan.State.DRAFT
    plan.save()
    section = Section.objects.create(plan=plan, number="1", title="Pejlemærke 1", order=1)
    first = Goal.objects.create(plan=plan, section=section, number="1.1", title="Første", order=1)
    Requirement.objects.create(
        goal=first, number="1)", text="Mindst 95 pct.", measure="threshold",
        comparator="at_least", target_value=Decimal(95), unit="pct",
    )  # fmt: skip
    member("pia", Membership.Role.PLANNER, institution=plan.institution)
    return plan


def _goal_numbers(plan):
    return list(plan.goals.order_by("order").values_list("number", flat=True))


def test_a_planner_adds_a_goal_and_a_cumulative_requirement_in_place(live_server, drafted, request):
    require_chromium()
    from playwright.sync_api import expect

    browser = request.getfixturevalue("browser")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = log_in(browser, live_server.url, "pia", PASSWORD.format("pia"), DESKTOP)
    page.goto(live_server.url + EDITOR)
    expect(page.locator("main h1")).to_contain_text("Rediger planen")

    # A goal, in place.
    page.get_by_role("link", name="Tilføj mål").first.click()
    form = page.locator("form#new-maal")
    expect(form).to_be_visible()
    assert page.url == live_server.url + EDITOR  # htmx: no new page
    form.locator("[name=number]").fill("1.2")
    form.locator("[name=title]").fill("Automatisering")
    form.get_by_label("2. kvartal").check()  # ticked already: the plan's quarters
    form.get_by_role("button", name="Gem").click()
    expect(page.locator(".edit-card-maal", has_text="Automatisering")).to_be_visible()
    assert page.url == live_server.url + EDITOR
    goal = Goal.objects.get(plan=drafted, number="1.2")
    assert goal.reporting_quarters == "1234"

    # A cumulative requirement under it: the fields follow the measure.
    page.locator(f"#add-krav-{goal.pk} a").click()
    form = page.locator("form#new-krav")
    expect(form).to_be_visible()
    deadline = form.get_by_label("Frist", exact=True)
    expect(deadline).to_be_hidden()  # a requirement described in text has no deadline
    form.get_by_label("Måling").select_option("milestone")
    expect(deadline).to_be_visible()
    expect(form.locator("#new-krav-f-quarter_targets-1")).to_be_hidden()
    form.get_by_label("Måling").select_option("cumulative")
    expect(deadline).to_be_hidden()
    form.locator("[name=number]").fill("i)")
    form.locator("[name=text]").fill("Robotter frigør 12.000 timer i løbet af året.")
    form.get_by_label("Sammenligning").select_option("at_least")
    form.get_by_label("Enhed", exact=True).select_option("hours")
    for quarter, target in ((1, "1.000"), (2, "3.000"), (3, "7.000"), (4, "12.000")):
        form.locator(f"#new-krav-f-quarter_targets-{quarter}").fill(target)
    page.screenshot(path=str(SHOTS / "01-cumulative-form.png"), full_page=True)
    report = axe_violations(page)
    assert report == "", report
    form.get_by_role("button", name="Gem").click()
    card = page.locator(".edit-card-krav", has_text="Robotter frigør")
    expect(card).to_be_visible()
    requirement = Requirement.objects.get(goal=goal, number="i)")
    assert requirement.measure == "cumulative"
    assert dict(requirement.quarter_targets.values_list("quarter", "target_value")) == {
        1: 1000,
        2: 3000,
        3: 7000,
        4: 12000,
    }

    # Changed in place: the year's target.
    card.get_by_role("link", name="Rediger").click()
    form = page.locator(f"form#edit-krav-{requirement.pk}")
    form.locator(f"#edit-krav-{requirement.pk}-f-quarter_targets-4").fill("12.500")
    form.get_by_role("button", name="Gem").click()
    expect(page.locator(f"#edit-krav-{requirement.pk}")).to_contain_text("12.500")
    assert requirement.quarter_targets.get(quarter=4).target_value == 12500

    # Reordered: by button, then back by drag.
    page.locator(f"#edit-maal-{goal.pk} button", has_text="Op").click()
    expect(page.locator(".edit-card-maal").first).to_contain_text("Automatisering")
    assert _goal_numbers(drafted) == ["1.2", "1.1"]
    first = page.locator(f"#edit-maal-{goal.pk} .drag-handle")
    second = page.locator(".edit-card-maal", has_text="Første")
    # Both rows on the screen at once, as a user drags one onto the other.
    page.set_viewport_size({"width": 1280, "height": 2400})
    first.scroll_into_view_if_needed()
    box = second.bounding_box()
    handle = first.bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2, steps=5)
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] - 4, steps=5)
    page.mouse.up()
    for _attempt in range(50):
        if _goal_numbers(drafted) == ["1.1", "1.2"]:
            break
        page.wait_for_timeout(100)
    assert _goal_numbers(drafted) == ["1.1", "1.2"]
    expect(page.locator(".edit-card-maal").first).to_contain_text("Første")
    page.screenshot(path=str(SHOTS / "02-after.png"), full_page=True)
    page.context.close()


def test_the_editor_passes_axe_and_fits_a_phone(live_server, drafted, request):
    require_chromium()
    from playwright.sync_api import expect

    browser = request.getfixturevalue("browser")
    pages = [("pia", EDITOR, "editor", "Rediger planen")]
    problems = page_problems(browser, live_server.url, pages, PASSWORD.format("pia"), SHOTS)
    # With a requirement's form open in place, on the phone.
    page = log_in(browser, live_server.url, "pia", PASSWORD.format("pia"), PHONE)
    page.goto(live_server.url + EDITOR)
    page.locator(".edit-card-krav").get_by_role("link", name="Rediger").click()
    expect(page.locator("form.edit-form")).to_be_visible()
    page.locator("form.edit-form").get_by_label("Målværdi").fill("ikke et tal")
    page.locator("form.edit-form").get_by_role("button", name="Gem").click()
    expect(page.locator("form.edit-form .invalid-feedback")).to_be_visible()
    page.screenshot(path=str(SHOTS / "form-errors-390.png"), full_page=True)
    report = axe_violations(page)
    if report:
        problems.append(f"the open form at 390 px:\n{report}")
    if horizontal_overflow(page) > 0:
        problems.append(f"the open form at 390 px is {horizontal_overflow(page)} px too wide")
    page.context.close()
    assert problems == [], "\n\n".join(problems)
