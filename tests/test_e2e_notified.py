"""End to end in headless Chromium: the work comes to the user by e-mail.

A director gets the reminder a week before the deadline, follows its link, fills in the
quarter and submits it; the reviewer gets the e-mail, follows its link and returns the
quarter with a comment typed in the bar; the director gets that e-mail with the comment,
fixes the goal and resubmits; the reviewer sees what changed since the return and approves;
the director is told. The plan is the tests' own (tests/plans/figures-2025.yaml), not a
reference plan. E-mail goes through Django's test outbox; the worker's task runs as soon as
it is queued. axe-core checks every page on the way, and each new page at 1280 and 390 px.
Screenshots go to test-artifacts/notified/.
"""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from goals.models import Membership, QuarterReport, ReportState
from goals.numbers import format_number
from goals.selectors import build_quarter
from tests.browser import (
    ARTIFACTS,
    DESKTOP,
    axe_violations,
    log_in,
    page_problems,
    require_chromium,
)
from tests.conftest import member
from tests.helpers import load_test_plan

SHOTS = ARTIFACTS / "notified"
PASSWORD = "pw-notified-123"
QUARTER = 2
COMMENT = "Mål A: skriv, hvad resultatet bygger på."
FIXED = "Resultatet bygger på inddrivelsesopgørelsen for juni."

pytestmark = pytest.mark.browser


@pytest.fixture
def people(db):
    plan = load_test_plan()
    people = {
        "rita": member("rita", Membership.Role.REPORTER, institution=plan.institution),
        "ruben": member("ruben", Membership.Role.REVIEWER, ministry=plan.ministry),
    }
    for username, user in people.items():
        user.first_name = username.capitalize()
        user.email = f"{username}@example.invalid"
        user.set_password(PASSWORD)
        user.save()
    return plan, people


def _mail_to(username, *, containing):
    """The one e-mail to the user whose subject contains the words; its link to the quarter."""
    found = [
        message
        for message in mail.outbox
        if message.to == [f"{username}@example.invalid"] and containing in message.subject
    ]
    assert len(found) == 1, [(m.to, m.subject) for m in mail.outbox]
    return found[0]


def _link(message, base_url):
    found = re.findall(rf"{re.escape(base_url)}/\S+", message.body)
    assert found, message.body
    return found[0]


def _fill_quarter(page, plan):
    """Every requirement due in the quarter at its target (text ones green in words) and
    every goal green: nothing for the proposals to disagree with."""
    for row in build_quarter(plan, QUARTER).rows:
        for requirement_row in row.requirements:
            for piece in requirement_row.parts or (requirement_row,):
                form = piece.form
                if form.numeric:
                    value = form.target.value if form.target else Decimal(1)
                    page.fill(f"#id_{form.prefix}-result_value", format_number(value))
                else:
                    page.fill(f"#id_{form.prefix}-result_text", f"{piece.requirement} er nået.")
                    page.locator(f"label[for='id_{form.prefix}-status_2']").click()
        prefix = row.form.prefix
        page.fill(f"#id_{prefix}-result_text", f"Mål {row.goal.number} følger planen.")
        page.locator(f"label[for='id_{prefix}-status_2']").click()


def test_reminder_submit_return_resubmit_approve_by_email(live_server, people, settings, request):
    from playwright.sync_api import expect

    require_chromium()
    browser = request.getfixturevalue("browser")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SITE_URL = live_server.url
    plan, users = people
    deadline = plan.deadline_for(QUARTER)
    assert deadline == datetime.date(2025, 7, 14)
    quarter_path = f"/planer/FIG/2025/kvartal/{QUARTER}/"
    SHOTS.mkdir(parents=True, exist_ok=True)

    # --- A week before the deadline, the daily run reminds the director. ------------------
    week_before = datetime.datetime(2025, 7, 7, 6, 0, tzinfo=datetime.UTC)
    with time_machine.travel(week_before, tick=False):
        call_command("send_reminders", stdout=open("/dev/null", "w"))
    reminder = _mail_to("rita", containing=f"{QUARTER}. kvartal")
    assert "14. juli 2025" in reminder.body
    assert "7 dage" in reminder.body
    link = _link(reminder, live_server.url)
    assert link == live_server.url + quarter_path
    mail.outbox.clear()

    # --- The director follows the link, fills in and submits. -----------------------------
    director = log_in(browser, live_server.url, "rita", PASSWORD, DESKTOP)
    director.goto(live_server.url + "/")
    expect(director.locator("main")).to_contain_text(f"{QUARTER}. kvartal")
    assert axe_violations(director) == ""  # the to-do list
    director.goto(link)
    expect(director.locator("#quarter-form")).to_be_visible()
    _fill_quarter(director, plan)
    director.screenshot(path=str(SHOTS / "filled.png"), full_page=True)
    director.get_by_role("button", name="Gem og indsend").click()
    expect(director.locator(".alert-success")).to_contain_text("indsendt til departementet")
    assert QuarterReport.objects.get(plan=plan, quarter=QUARTER).state == ReportState.SUBMITTED

    # --- The reviewer gets the e-mail, follows it and returns the quarter. ----------------
    submitted = _mail_to("ruben", containing="indsendt til godkendelse")
    assert "Rita" in submitted.body
    reviewer = log_in(browser, live_server.url, "ruben", PASSWORD, DESKTOP)
    reviewer.goto(live_server.url + "/")
    expect(reviewer.locator("main")).to_contain_text(plan.institution.name)
    assert axe_violations(reviewer) == ""  # the reviewer's to-do list
    reviewer.goto(_link(submitted, live_server.url))
    expect(reviewer.locator("#quarter-document")).to_be_visible()
    assert axe_violations(reviewer) == ""  # the quarter as a document
    reviewer.locator("#return-step summary").click()
    reviewer.locator("#return-comment").fill(COMMENT)
    reviewer.get_by_role("button", name="Send retur med kommentaren").click()
    expect(reviewer.locator("#quarter-bar .badge")).to_have_text("Sendt retur")
    mail.outbox[:] = [m for m in mail.outbox if m is not submitted]

    # --- The director gets the comment, fixes the goal and resubmits. ---------------------
    returned = _mail_to("rita", containing="retur")
    assert COMMENT in returned.body
    director.goto(_link(returned, live_server.url))
    expect(director.locator("#review-comment")).to_contain_text(COMMENT)
    first_goal = build_quarter(plan, QUARTER).rows[0]
    director.fill(f"#id_{first_goal.form.prefix}-result_text", FIXED)
    director.get_by_role("button", name="Gem og indsend").click()
    expect(director.locator(".alert-success")).to_contain_text("indsendt til departementet")

    # --- The reviewer sees what changed since the return, and approves. -------------------
    resubmitted = _mail_to("ruben", containing="igen")
    reviewer.goto(_link(resubmitted, live_server.url))
    changes = reviewer.locator("#changes-summary")
    expect(changes).to_contain_text("1 felt ændret siden returneringen")
    mark = reviewer.locator(f"#doc-g{first_goal.goal.pk} .changed-mark")
    expect(mark.first).to_be_visible()
    expect(reviewer.locator(f"#doc-g{first_goal.goal.pk}")).to_contain_text(FIXED)
    assert axe_violations(reviewer) == ""  # the marks of what changed
    reviewer.screenshot(path=str(SHOTS / "changed-since-return.png"), full_page=True)
    reviewer.locator("#approve-step summary").click()
    reviewer.get_by_role("button", name="Ja, godkend kvartalet").click()
    expect(reviewer.locator("#quarter-bar .badge")).to_have_text("Godkendt")
    assert QuarterReport.objects.get(plan=plan, quarter=QUARTER).state == ReportState.APPROVED

    # --- The director is told; the quarter is done on their home page. --------------------
    approved = _mail_to("rita", containing="er godkendt")
    assert _link(approved, live_server.url) == live_server.url + quarter_path
    director.context.close()
    reviewer.context.close()

    # Every page the scenario went through, at desktop and phone width.
    goal_pk = first_goal.goal.pk
    pages = [
        ("rita", "/", "home-reporter", "Dine opgaver"),
        ("rita", quarter_path, "quarter-approved-reporter", plan.institution.name),
        ("rita", "/konto/", "account", "Din konto"),
        ("ruben", "/", "home-reviewer", "Dine opgaver"),
        ("ruben", quarter_path, "quarter-approved-reviewer", plan.institution.name),
        ("ruben", f"/planer/FIG/2025/maal/{goal_pk}/historik/", "history", "Historik"),
    ]
    problems = page_problems(browser, live_server.url, pages, PASSWORD, SHOTS)
    assert problems == [], "\n".join(problems)
