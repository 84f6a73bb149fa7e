"""End to end in headless Chromium: the account page passes axe at desktop and phone width,
and a reporter turns reminders off and switches to English there."""

import pytest

from goals.models import Membership, UserPreference
from tests.browser import ARTIFACTS, DESKTOP, log_in, page_problems, require_chromium
from tests.conftest import member

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "account"
PASSWORD = "pw-{}-123"


@pytest.fixture
def people(institution):
    reporter = member("ane", Membership.Role.REPORTER, institution=institution)
    reviewer = member("rune", Membership.Role.REVIEWER, ministry=institution.ministry)
    for user, name in ((reporter, "Ane Andersen"), (reviewer, "Rune Rasmussen")):
        user.first_name, _space, user.last_name = name.partition(" ")
        user.email = f"{user.username}@example.invalid"
        user.save()
    return reporter, reviewer


def test_the_account_page_passes_axe_on_desktop_and_phone(live_server, people, request):
    require_chromium()
    browser = request.getfixturevalue("browser")
    reporter, reviewer = people
    # page_problems logs each user in with one password: give both the same.
    for user in people:
        user.set_password(PASSWORD.format("x"))
        user.save()
    pages = [
        (reporter.username, "/konto/", "account-reporter", "Din konto"),
        (reviewer.username, "/konto/", "account-reviewer", "Din konto"),
    ]
    problems = page_problems(browser, live_server.url, pages, PASSWORD.format("x"), SHOTS)
    assert problems == [], "\n\n".join(problems)


def test_a_reporter_turns_reminders_off_and_chooses_english(live_server, people, request):
    require_chromium()
    from playwright.sync_api import expect

    browser = request.getfixturevalue("browser")
    reporter, _reviewer = people
    page = log_in(browser, live_server.url, "ane", PASSWORD.format("ane"), DESKTOP)
    page.get_by_role("link", name="Ane Andersen").click()  # the name in the header
    expect(page.locator("main h1")).to_have_text("Din konto")
    reminders = page.get_by_label("Send mig påmindelser om frister")
    expect(reminders).to_be_checked()
    reminders.uncheck()
    page.get_by_label("English").check()
    page.get_by_role("button", name="Gem indstillinger").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log out")).to_be_attached()
    preference = UserPreference.objects.get(user=reporter)
    assert (preference.language, preference.reminders) == ("en", False)
    page.context.close()
