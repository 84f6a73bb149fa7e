"""End to end in headless Chromium: a quarter from empty to approved.

The issue's scenario: a reporter of the 2024 plan logs in, fills in Q2 including one red
goal (first submitting without a cause, sees the error, then with it), saves a draft, submits; a
reviewer returns it with a comment; the reporter resubmits; the reviewer approves; the page
is then read-only. axe-core checks the page for WCAG 2.1 A/AA violations when it is empty,
when it shows errors, for the reviewer, and read-only.

Every step leaves a full-page screenshot in test-artifacts/e2e/ (gitignored), numbered in
the order of the scenario. The test needs Debian's Chromium (`apt-get install chromium`);
it fails, rather than skips, when it is missing, so a missing browser is never mistaken
for a passing suite.
"""

import re
from decimal import Decimal

import pytest

from goals.figures import takes_number
from goals.models import Membership, QuarterReport, StatusEntry
from tests.browser import ARTIFACTS as ALL_ARTIFACTS
from tests.browser import TIMEOUT_MS, axe_violations, require_chromium
from tests.conftest import load_reference, member

ARTIFACTS = ALL_ARTIFACTS / "e2e"
QUARTER = 2
# A full-page capture keeps the sticky save bar where the viewport ended, over the middle of
# the page; in screenshots it goes back to its place at the end of the form.
SHOT_STYLE = ".sticky-bottom { position: static !important; }"

RED_CAUSE = "Sygdom i rejseteamet i april og maj."
RED_CONSEQUENCE = "Færre rejsebestillinger blev behandlet inden for fristen."
RED_ACTION = "Ekstra bemanding fra 1. juni og ugentlig opfølgning."
RED_ACTION_REVISED = RED_ACTION + " Status på bemandingen gives i 3. kvartal."
RETURN_COMMENT = "Uddyb venligst handlingen for mål 1.1: hvornår ser vi effekten?"

pytestmark = pytest.mark.browser


@pytest.fixture
def shots():
    """Save a numbered full-page screenshot: shots(page, "login") -> 01-login.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    count = 0

    def shot(page, name):
        nonlocal count
        count += 1
        page.screenshot(
            path=str(ARTIFACTS / f"{count:02d}-{name}.png"), full_page=True, style=SHOT_STYLE
        )

    return shot


def _number(value):
    """A Decimal written the Danish way, as a reporter types it: 95 or 4,5."""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def _q2_rows(plan):
    """The goals due in Q2, each with its due requirements, in plan order."""
    rows = []
    for goal in plan.goals.order_by("section__order", "order"):
        requirements = [r for r in goal.requirements.order_by("order") if r.is_due_in(QUARTER)]
        if goal.is_due_in(QUARTER) or requirements:
            rows.append((goal, requirements))
    return rows


def _log_in(browser, base_url, username, shots, shot_name):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{base_url}/konto/log-ind/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}-123")
    shots(page, shot_name)
    page.click("main button[type=submit]")
    expect(page.locator("nav")).to_contain_text(username)
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()
    return page


def test_quarter_from_empty_to_approved(live_server, shots, request):
    from playwright.sync_api import expect

    # Checked in the test, not only in the fixture, so a missing browser is a FAILED test
    # and not an ERROR at setup.
    require_chromium()
    browser = request.getfixturevalue("browser")

    plan = load_reference("adst-2024.yaml")
    assert plan.institution.short_name == "ADST"
    member("rita", Membership.Role.REPORTER, institution=plan.institution)
    member("ruben", Membership.Role.REVIEWER, ministry=plan.ministry)
    url = f"{live_server.url}/planer/ADST/2024/kvartal/{QUARTER}/"

    rows = _q2_rows(plan)
    assert len(rows) > 1, "the 2024 ADST plan should have several goals due in Q2"
    red_goal, red_requirements = rows[0]
    numeric = [r for r in red_requirements if takes_number(r)]
    assert len(numeric) >= 2, "goal 1.1 of the ADST plan has two threshold requirements"
    # 95,5 pct. meets "minimum 95 pct."; the status is left empty so the number's proposal
    # (green) is taken. 90 pct. against "minimum 97 pct." proposes red.
    green_req, red_req = numeric[0], numeric[1]
    typed = {green_req.pk: "95,5", red_req.pk: "90"}

    # --- The reporter logs in and opens the empty quarter. -----------------------------
    reporter = _log_in(browser, live_server.url, "rita", shots, "login")
    reporter.goto(url)
    form = reporter.locator("#quarter-form")
    expect(reporter.locator("#quarter-state")).to_contain_text("Ikke påbegyndt")
    expect(form).to_be_visible()
    for goal, requirements in rows:
        expect(reporter.locator(f"section#row-g{goal.pk}")).to_be_visible()
        for requirement in requirements:
            expect(reporter.locator(f"#row-r{requirement.pk}")).to_be_visible()
    shots(reporter, "q2-empty")
    assert axe_violations(reporter) == ""  # WCAG 2.1 A/AA

    # --- Fill every row: all goals green but the first, which is red without a cause. ---
    for goal, requirements in rows:
        for requirement in requirements:
            prefix = f"r{requirement.pk}"
            if takes_number(requirement):
                value = typed.get(requirement.pk) or _number(requirement.target_value)
                form.locator(f"[name='{prefix}-result_value']").fill(value)
                form.locator(f"[name='{prefix}-ytd_value']").fill(value)
            else:
                form.locator(f"[name='{prefix}-result_text']").fill(f"Krav {requirement} nået.")
                form.locator(f"[name='{prefix}-status'][value=green]").check()
        prefix = f"g{goal.pk}"
        form.locator(f"[name='{prefix}-result_text']").fill(f"Resultat for mål {goal.number}.")
        form.locator(f"[name='{prefix}-ytd_text']").fill(f"Året til dato for mål {goal.number}.")
        status = "red" if goal == red_goal else "green"
        form.locator(f"[name='{prefix}-status'][value={status}]").check()
    red = reporter.locator(f"section#row-g{red_goal.pk}")
    red.locator(f"[name='g{red_goal.pk}-consequence']").fill(RED_CONSEQUENCE)
    red.locator(f"[name='g{red_goal.pk}-action']").fill(RED_ACTION)
    shots(reporter, "q2-filled-red-without-cause")

    # A draft would save without the cause; handing the quarter in needs it.
    reporter.click("button[name=action][value=submit]")
    errors = reporter.locator("#form-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text(f"Mål {red_goal.number}")
    expect(reporter.locator("main .alert-danger").first).to_contain_text(
        "Intet er gemt: ret de markerede felter."
    )
    cause = red.locator(f"[name='g{red_goal.pk}-cause']")
    expect(cause).to_have_class(re.compile(r"\bis-invalid\b"))
    cause_error = red.locator(f"#div_id_g{red_goal.pk}-cause .invalid-feedback")
    expect(cause_error).to_be_visible()
    expect(cause_error).to_contain_text("Skal udfyldes, når status er rød.")
    # Only the cause was missing: consequence and action carry no error.
    expect(red.locator(".invalid-feedback")).to_have_count(1)
    # Everything typed is still there, the Danish decimal as typed.
    expect(form.locator(f"[name='r{green_req.pk}-result_value']")).to_have_value("95,5")
    expect(form.locator(f"[name='r{red_req.pk}-result_value']")).to_have_value("90")
    expect(red.locator(f"[name='g{red_goal.pk}-status'][value=red]")).to_be_checked()
    expect(red.locator(f"[name='g{red_goal.pk}-consequence']")).to_have_value(RED_CONSEQUENCE)
    expect(red.locator(f"[name='g{red_goal.pk}-action']")).to_have_value(RED_ACTION)
    last_goal = rows[-1][0]
    expect(form.locator(f"[name='g{last_goal.pk}-status'][value=green]")).to_be_checked()
    expect(cause).to_have_value("")
    assert not QuarterReport.objects.filter(plan=plan).exists(), "a refused save saved"
    shots(reporter, "q2-red-without-cause-refused")
    assert axe_violations(reporter) == ""  # WCAG 2.1 A/AA

    # --- With the cause the draft saves. -------------------------------------------------
    cause.fill(RED_CAUSE)
    expect(cause).to_have_value(RED_CAUSE)
    shots(reporter, "q2-red-with-cause")
    reporter.click("button[name=action][value=save]")
    expect(reporter.locator(".alert-success")).to_contain_text("Kladden er gemt.")
    expect(reporter.locator("#form-errors")).to_have_count(0)
    expect(reporter.locator("#quarter-state .badge")).to_have_text("Kladde")
    form = reporter.locator("#quarter-form")
    red = reporter.locator(f"section#row-g{red_goal.pk}")
    expect(form.locator(f"[name='r{green_req.pk}-result_value']")).to_have_value("95,5")
    expect(red.locator(f"[name='g{red_goal.pk}-cause']")).to_have_value(RED_CAUSE)
    # The number's proposals are shown and were taken as the statuses left empty.
    expect(reporter.locator(f"#row-r{green_req.pk} .proposal")).to_contain_text("Grøn")
    expect(reporter.locator(f"#row-r{red_req.pk} .proposal")).to_contain_text("Rød")
    expect(form.locator(f"[name='r{green_req.pk}-status'][value=green]")).to_be_checked()
    expect(form.locator(f"[name='r{red_req.pk}-status'][value=red]")).to_be_checked()
    assert QuarterReport.objects.get(plan=plan, quarter=QUARTER).state == "draft"
    shots(reporter, "q2-draft-saved")

    # --- Submit. --------------------------------------------------------------------------
    reporter.click("button[name=action][value=submit]")
    expect(reporter.locator(".alert-success")).to_contain_text(
        "Kvartalet er indsendt til departementet."
    )
    expect(reporter.locator("#quarter-state .badge")).to_have_text("Indsendt")
    expect(reporter.locator("button[name=action]")).to_have_count(0)
    # Submitted, the quarter reads as a document (tests/test_e2e_review.py).
    expect(reporter.locator("#quarter-form")).to_have_count(0)
    expect(reporter.locator(f"#doc-g{red_goal.pk} .doc-cause")).to_have_text(RED_CAUSE)
    expect(reporter.locator("#review")).to_have_count(0)  # a reporter does not review
    shots(reporter, "q2-submitted")

    # --- The reviewer returns it with a comment. -----------------------------------------
    reviewer = _log_in(browser, live_server.url, "ruben", shots, "reviewer-login")
    reviewer.goto(url)
    expect(reviewer.locator("#quarter-state .badge")).to_have_text("Indsendt")
    review = reviewer.locator("#review")
    expect(review.locator("#approve-step summary")).to_have_text("Godkend kvartalet")
    expect(reviewer.locator("button[name=action]")).to_have_count(0)
    expect(reviewer.locator(f"#doc-r{green_req.pk} .doc-figure")).to_have_text("95,5 pct.")
    shots(reviewer, "reviewer-sees-submitted")
    assert axe_violations(reviewer) == ""  # WCAG 2.1 A/AA
    review.locator("#return-step summary").click()
    reviewer.fill("#return-comment", RETURN_COMMENT)
    shots(reviewer, "reviewer-return-comment")
    review.get_by_role("button", name="Send retur med kommentaren").click()
    expect(reviewer.locator(".alert-success")).to_contain_text(
        "Kvartalet er sendt retur til institutionen."
    )
    expect(reviewer.locator("#quarter-state .badge")).to_have_text("Sendt retur")
    shots(reviewer, "reviewer-returned")

    # --- The reporter sees the comment, revises and resubmits. ---------------------------
    reporter.goto(url)
    expect(reporter.locator("#quarter-state .badge")).to_have_text("Sendt retur")
    comment = reporter.locator("#review-comment")
    expect(comment).to_be_visible()
    expect(comment).to_contain_text(RETURN_COMMENT)
    expect(comment).to_contain_text("ruben")
    action = reporter.locator(f"[name='g{red_goal.pk}-action']")
    expect(action).to_be_enabled()
    expect(action).to_have_value(RED_ACTION)
    action.fill(RED_ACTION_REVISED)
    shots(reporter, "reporter-sees-comment-and-revises")
    reporter.click("button[name=action][value=submit]")
    expect(reporter.locator(".alert-success")).to_contain_text(
        "Kvartalet er indsendt til departementet."
    )
    expect(reporter.locator("#quarter-state .badge")).to_have_text("Indsendt")
    expect(reporter.locator("#review-comment")).to_have_count(0)
    expect(reporter.locator(f"#doc-g{red_goal.pk} .doc-action")).to_have_text(RED_ACTION_REVISED)
    shots(reporter, "reporter-resubmitted")

    # --- The reviewer approves. ------------------------------------------------------------
    reviewer.goto(url)
    expect(reviewer.locator("#quarter-state .badge")).to_have_text("Indsendt")
    shots(reviewer, "reviewer-sees-resubmitted")
    expect(reviewer.locator("#changes-summary")).to_contain_text("1 felt ændret")
    reviewer.locator("#approve-step summary").click()
    reviewer.locator("#review").get_by_role("button", name="Ja, godkend kvartalet").click()
    expect(reviewer.locator(".alert-success").first).to_have_text("Kvartalet er godkendt.")
    expect(reviewer.locator("#quarter-state .badge")).to_have_text("Godkendt")
    expect(reviewer.locator("#approve-step")).to_have_count(0)
    shots(reviewer, "reviewer-approved")

    # --- The page is read-only now. ----------------------------------------------------------
    reporter.goto(url)
    expect(reporter.locator("#quarter-state .badge")).to_have_text("Godkendt")
    expect(reporter.get_by_text("Kvartalet er godkendt og kan ikke længere ændres")).to_be_visible()
    expect(reporter.locator("button[name=action]")).to_have_count(0)
    expect(reporter.get_by_role("button", name="Gem kladde")).to_have_count(0)
    expect(reporter.get_by_role("button", name="Gem og indsend")).to_have_count(0)
    # A document, not a form: not one field of the goals' left.
    expect(reporter.locator("#quarter-form")).to_have_count(0)
    expect(reporter.locator("main input:not([type=hidden]), main textarea")).to_have_count(0)
    expect(reporter.locator(f"#doc-r{green_req.pk} .doc-figure")).to_have_text("95,5 pct.")
    shots(reporter, "reporter-read-only")
    assert axe_violations(reporter) == ""  # WCAG 2.1 A/AA

    reporter.context.close()
    reviewer.context.close()

    # --- What the database holds. ------------------------------------------------------------
    report = QuarterReport.objects.get(plan=plan, quarter=QUARTER)
    assert report.state == QuarterReport.State.APPROVED
    assert report.submitted_by.username == "rita"
    assert report.reviewed_by.username == "ruben"
    assert report.review_comment == RETURN_COMMENT
    entries = {(e.goal_id, e.requirement_id): e for e in StatusEntry.objects.filter(report=report)}
    expected_rows = sum(1 + len(requirements) for _goal, requirements in rows)
    assert len(entries) == expected_rows
    red_entry = entries[(red_goal.pk, None)]
    assert red_entry.status == "red"
    assert (red_entry.cause, red_entry.consequence, red_entry.action) == (
        RED_CAUSE,
        RED_CONSEQUENCE,
        RED_ACTION_REVISED,
    )
    assert red_entry.updated_by.username == "rita"
    green_entry = entries[(red_goal.pk, green_req.pk)]
    assert green_entry.result_value == Decimal("95.5")
    assert green_entry.ytd_value == Decimal("95.5")
    assert green_entry.status == "green"
    red_req_entry = entries[(red_goal.pk, red_req.pk)]
    assert red_req_entry.result_value == Decimal("90")
    assert red_req_entry.status == "red"
    for goal, requirements in rows[1:]:
        assert entries[(goal.pk, None)].status == "green", goal.number
        for requirement in requirements:
            entry = entries[(goal.pk, requirement.pk)]
            assert entry.status == "green", str(requirement)
            if takes_number(requirement):
                assert entry.result_value == requirement.target_value, str(requirement)
            else:
                assert entry.result_text == f"Krav {requirement} nået.", str(requirement)
    assert sorted(p.name for p in ARTIFACTS.glob("*.png"))[0] == "01-login.png"


def test_a_typed_number_proposes_its_status_at_once(live_server, request):
    """Before any save, the page shows the status a number gives and selects it, unless the
    reporter chose another; the reporter's own choice is left alone."""
    from playwright.sync_api import expect

    require_chromium()
    browser = request.getfixturevalue("browser")
    plan = load_reference("adst-2024.yaml")
    member("rita", Membership.Role.REPORTER, institution=plan.institution)
    page = _log_in(browser, live_server.url, "rita", lambda page, name: None, "login")
    page.goto(f"{live_server.url}/planer/ADST/2024/kvartal/{QUARTER}/")

    row = page.locator("[data-comparator='at_least']").first
    target = Decimal(row.get_attribute("data-target"))
    result = row.locator("input[name$='-result_value']")
    proposal = row.locator(".live-proposal .status")
    checked = row.locator("input[name$='-status']:checked")
    for typed, status, word in [
        (_number(target), "green", "Grøn"),
        (_number(target * Decimal("0.98")), "yellow", "Gul"),  # within the 5 pct. tolerance
        (_number(target * Decimal("0.5")), "red", "Rød"),
    ]:
        result.fill(typed)
        expect(proposal).to_have_text(word)
        expect(checked).to_have_value(status)
    row.locator("input[name$='-status'][value='green']").check()  # the reporter's own choice
    result.fill(_number(target * Decimal("0.97")))
    expect(proposal).to_have_text("Gul")
    expect(checked).to_have_value("green")
    assert not QuarterReport.objects.exists()  # nothing saved by typing
