"""End to end in headless Chromium: every way a requirement is measured, made in the editor.

A planner adds, in place, a requirement of each measure to a draft goal: described in text, a
threshold, a milestone, a relative target, cumulative quarter targets, a multi-year series
with a year's row, and two thresholds in one sentence as parts; then changes a threshold's
target in place. Each is read back from the database as the plan file would hold it. (The
drag, the buttons and the editor's axe and phone checks are in test_e2e_editor.py.)
"""

import datetime
from decimal import Decimal

import pytest

from goals.models import Goal, Membership, Plan, Requirement, Section
from tests.browser import ARTIFACTS, DESKTOP, log_in, require_chromium
from tests.conftest import member

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "editor"
PASSWORD = "pw-measures-123"
EDITOR = "/planer/TS/2024/rediger/"

# (number, text, the form's fields in the order a planner fills them: name, value, how)
REQUIREMENTS = [
    ("1)", "Der er etableret en fælles indgang.", [("measure", "text", "select")]),
    ("2)", "Mindst 95 pct. af sagerne afgøres til tiden.", [
        ("measure", "threshold", "select"), ("comparator", "at_least", "select"),
        ("target", "95", "fill"), ("unit", "pct", "select"),
    ]),
    ("3)", "Systemet er i drift senest ved udgangen af 3. kvartal.", [
        ("measure", "milestone", "select"), ("deadline", "2024-09-30", "fill"),
        ("deadline_text", "senest ved udgangen af 3. kvartal 2024", "fill"),
    ]),
    ("4)", "Sygefraværet er højst statens gennemsnit.", [
        ("measure", "relative", "select"), ("comparator", "at_most", "select"),
        ("reference", "statens gennemsnit", "fill"), ("unit", "days", "select"),
    ]),
    ("5)", "Robotter frigør 12.000 timer.", [
        ("measure", "cumulative", "select"), ("comparator", "at_least", "select"),
        ("unit", "hours", "select"), ("quarter_targets-1", "1.000", "target"),
        ("quarter_targets-2", "3.000", "target"), ("quarter_targets-3", "7.000", "target"),
        ("quarter_targets-4", "12.000", "target"),
    ]),
    ("6)", "Andelen af digitale ansøgninger er mindst 90 pct. hvert år.", [
        ("measure", "series", "select"), ("unit", "pct", "select"),
    ]),
    ("7)", "Tilfredsheden er min. 4,0 ved telefon og min. 3,2 ved mail.", [
        ("measure", "parts", "select"),
    ]),
]  # fmt: skip

PARTS = [
    ("telefon", "4,0"),
    ("mail", "3,2"),
]


@pytest.fixture
def drafted(plan):
    plan.state = Plan.State.DRAFT
    plan.save()
    section = Section.objects.create(plan=plan, number="1", title="Pejlemærke 1", order=1)
    goal = Goal.objects.create(plan=plan, section=section, number="1.1", title="Målet", order=1)
    user = member("mette", Membership.Role.PLANNER, institution=plan.institution)
    user.set_password(PASSWORD)
    user.save()
    return goal


def _fill(form, prefix, name, value, how):
    if how == "select":
        form.locator(f"[name='{name}']").select_option(value)
    elif how == "target":
        form.locator(f"#{prefix}-f-{name}").fill(value)
    else:
        form.locator(f"[name='{name}']").fill(value)


def _add(page, expect, level, parent, fields):
    """Open the part's form in place under `parent`, fill it in, save it; the new card."""
    page.locator(f"#add-{level}-{parent} a").click()
    form = page.locator(f"form#new-{level}")
    expect(form).to_be_visible()
    for name, value, how in fields:
        _fill(form, f"new-{level}", name, value, how)
    form.get_by_role("button", name="Gem").click()
    expect(page.locator(f"form#new-{level}")).to_have_count(0)


def test_a_requirement_of_every_measure_is_made_and_changed_in_the_editor(
    live_server, drafted, request
):
    from playwright.sync_api import expect

    require_chromium()
    browser = request.getfixturevalue("browser")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = log_in(browser, live_server.url, "mette", PASSWORD, DESKTOP)
    page.goto(live_server.url + EDITOR)
    goal = drafted

    for number, text, fields in REQUIREMENTS:
        _add(page, expect, "krav", goal.pk, [("number", number, "fill"), ("text", text, "fill"),
                                              *fields])  # fmt: skip
        expect(page.locator(".edit-card-krav", has_text=number)).to_be_visible()

    # The series gets a year's row, the parts their two thresholds, each in place.
    series = Requirement.objects.get(goal=goal, number="6)")
    _add(page, expect, "serieaar", series.pk, [
        ("year", "2023", "fill"), ("target", "90", "fill"), ("result", "91,5", "fill"),
    ])  # fmt: skip
    sentence = Requirement.objects.get(goal=goal, number="7)")
    for label, target in PARTS:
        _add(page, expect, "delkrav", sentence.pk, [
            ("label", label, "fill"), ("comparator", "at_least", "select"),
            ("target", target, "fill"), ("unit", "points", "select"),
        ])  # fmt: skip

    # A threshold's target changed in place.
    threshold = Requirement.objects.get(goal=goal, number="2)")
    card = page.locator(f"#edit-krav-{threshold.pk}")
    card.get_by_role("link", name="Rediger").first.click()
    form = page.locator(f"form#edit-krav-{threshold.pk}")
    form.locator("[name='target']").fill("95,5")
    form.get_by_role("button", name="Gem").click()
    expect(page.locator(f"#edit-krav-{threshold.pk}")).to_contain_text("95,5")
    page.screenshot(path=str(SHOTS / "every-measure.png"), full_page=True)
    page.context.close()

    made = {r.number: r for r in Requirement.objects.filter(goal=goal, part_of=None)}
    assert [made[n].measure for n, _t, _f in REQUIREMENTS] == [
        "text", "threshold", "milestone", "relative", "cumulative", "series", "parts",
    ]  # fmt: skip
    assert (made["2)"].comparator, made["2)"].target_value, made["2)"].unit) == (
        "at_least", Decimal("95.5"), "pct",
    )  # fmt: skip
    assert made["3)"].deadline == datetime.date(2024, 9, 30)
    assert made["3)"].deadline_text == "senest ved udgangen af 3. kvartal 2024"
    assert (made["4)"].comparator, made["4)"].reference) == ("at_most", "statens gennemsnit")
    assert dict(made["5)"].quarter_targets.values_list("quarter", "target_value")) == {
        1: 1000, 2: 3000, 3: 7000, 4: 12000,
    }  # fmt: skip
    point = made["6)"].series.get()
    assert (point.year, point.target_value, point.result_value) == (2023, 90, Decimal("91.5"))
    parts = list(made["7)"].parts.order_by("order", "pk"))
    assert [(p.label, p.target_value, p.unit) for p in parts] == [
        ("telefon", Decimal("4.0"), "points"), ("mail", Decimal("3.2"), "points"),
    ]  # fmt: skip
