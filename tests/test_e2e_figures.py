"""End to end in headless Chromium: Danish numbers typed one key at a time on the quarter
page. After every keystroke the page's proposal and the ticked status must be what the
figure typed so far gives, also while a number is half typed ("1." on the way to "1.100"),
and a running total's other figure must follow. The plan is the tests' own
(tests/plans/figures-2025.yaml).
"""

import pytest

from goals.models import Membership
from tests.browser import axe_violations, log_in, require_chromium
from tests.conftest import member
from tests.helpers import load_test_plan, requirement_of

pytestmark = pytest.mark.browser


def ticked(page, requirement):
    return page.eval_on_selector_all(
        f"input[name='r{requirement.pk}-status']:checked", "els => els.map(e => e.value)"
    )


def type_and_check(page, field, requirement, steps):
    """Type each key of the steps' text; after each, the ticked status must be the step's."""
    box = page.locator(f"#id_r{requirement.pk}-{field}")
    box.fill("")
    for key, expected in steps:
        box.press(key)
        assert ticked(page, requirement) == [expected], (box.input_value(), expected)


def test_numbers_typed_key_by_key_tick_the_status_they_give(live_server, request):
    require_chromium()
    browser = request.getfixturevalue("browser")
    plan = load_test_plan()
    member("rita", Membership.Role.REPORTER, institution=plan.institution)
    hours = requirement_of(plan, "B", "Robotter")
    days = requirement_of(plan, "D", "Sagsbehandlingstiden")
    page = log_in(browser, live_server.url, "rita", "pw-rita-123")

    page.goto(f"{live_server.url}/planer/FIG/2025/kvartal/1/")
    # "1.100" hours against the 1.000 printed for Q1: red until the last key makes it green.
    type_and_check(
        page,
        "result_value",
        hours,
        [("1", "red"), (".", "red"), ("1", "red"), ("0", "red"), ("0", "green")],
    )
    row = page.locator(f"#row-r{hours.pk}")
    assert row.locator(".live-proposal .status").inner_text() == "Grøn"
    # The total so far follows the quarter's amount, and the goal its requirement.
    assert page.locator(f"#id_r{hours.pk}-ytd_value").input_value() == "1.100"
    goal = f"input[name='g{hours.goal_id}-status']:checked"
    assert page.eval_on_selector_all(goal, "els => els.map(e => e.value)") == ["green"]

    # "10,4" days against "højst 9,8" (yellow up to 10,29 with the 5 pct. tolerance).
    type_and_check(
        page, "result_value", days, [("1", "green"), ("0", "yellow"), (",", "yellow"), ("4", "red")]
    )

    # A status the reporter ticks stays while they go on typing; ticking the proposed one
    # again hands it back to the figure.
    page.locator(f"#id_r{days.pk}-status_1").check()  # Gul
    type_and_check(page, "result_value", days, [("9", "yellow"), (",", "yellow"), ("5", "yellow")])
    page.locator(f"#id_r{days.pk}-status_2").check()  # Grøn, what 9,5 gives
    type_and_check(page, "result_value", days, [("1", "green"), ("2", "red")])

    page.goto(f"{live_server.url}/planer/FIG/2025/kvartal/4/")
    # "12.500" hours as the total so far against the 12.000 printed for Q4.
    type_and_check(
        page,
        "ytd_value",
        hours,
        [("1", "red"), ("2", "red"), (".", "red"), ("5", "red"), ("0", "red"), ("0", "green")],
    )
    assert page.locator(f"#id_r{hours.pk}-result_value").input_value() == "12.500"
    assert axe_violations(page) == ""


def test_the_year_end_rule_follows_the_reviewers_ticks_before_saving(live_server, request):
    require_chromium()
    browser = request.getfixturevalue("browser")
    plan = load_test_plan()
    member("ruth", Membership.Role.REVIEWER, ministry=plan.ministry)
    days = requirement_of(plan, "D", "Sagsbehandlingstiden")
    letters = requirement_of(plan, "D", "Mindst 50 breve")
    page = log_in(browser, live_server.url, "ruth", "pw-ruth-123")
    page.goto(f"{live_server.url}/planer/FIG/2025/aarsafslutning/")
    rule = page.locator(f"#goal-{days.goal_id} .rule-value")
    assert rule.inner_text() == "afventer vurdering af alle krav"
    page.select_option(f"#id_met_{days.pk}", "no")
    assert rule.inner_text() == "afventer vurdering af alle krav"
    page.select_option(f"#id_met_{letters.pk}", "yes")
    assert rule.inner_text() == "Opfyldt"  # at least one of the two
    page.select_option(f"#id_met_{letters.pk}", "no")
    assert rule.inner_text() == "Ikke opfyldt"
    assert axe_violations(page) == ""
