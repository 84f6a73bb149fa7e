"""End to end in headless Chromium: signing on through a real OpenID Connect provider and
out again, under the browser's own Content Security Policy; the log-in page with sign-on,
without the password form, and with a refusal passes axe at desktop and phone width
(docs/sign-on.md).

The sign-on runs against mrplan under gunicorn (tests/oidc_provider/running.py), which serves
no static files without `collectstatic`; the pages are checked with axe on the live server,
styled, with the sign-on settings turned on in the test's settings.
"""

import pytest

from tests.browser import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    TIMEOUT_MS,
    axe_violations,
    horizontal_overflow,
)
from tests.oidc_provider import PASSWORD
from tests.oidc_provider.running import PROVIDER_NAME, signed_on_mrplan

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "sign-on"


@pytest.fixture(scope="module")
def sign_on_setup(tmp_path_factory):
    with signed_on_mrplan(tmp_path_factory.mktemp("oidc-e2e")) as setup:
        yield setup


def sign_on(page, app, username):
    """From mrplan's log-in page through the provider's log-in and consent, and back."""
    page.goto(f"{app}/konto/log-ind/")
    page.get_by_role("link", name=f"Log ind med {PROVIDER_NAME}").click()
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.click("input[name=allow]")


def new_page(browser, device):
    """A page in a fresh context; its list of what the browser's CSP blocked form-action."""
    context = browser.new_context(**device)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: "form-action" in m.text and blocked.append(m.text))
    return page, blocked


def problems_of(page, name, device_name):
    page.screenshot(path=str(SHOTS / f"{name}-{device_name}.png"), full_page=True)
    problems = []
    report = axe_violations(page)
    if report:
        problems.append(f"{name} at {device_name} px:\n{report}")
    overflow = horizontal_overflow(page)
    if overflow > 0:
        problems.append(f"{name} at {device_name} px is {overflow} px too wide")
    return problems


def test_the_log_in_page_with_sign_on_passes_axe(live_server, settings, request):
    from playwright.sync_api import expect

    browser = request.getfixturevalue("browser")
    settings.OIDC_ENABLED = True
    settings.OIDC_PROVIDER_NAME = PROVIDER_NAME
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for device_name, device in (("1280", DESKTOP), ("390", PHONE)):
        page, _blocked = new_page(browser, device)
        settings.PASSWORD_LOGIN = True
        page.goto(f"{live_server.url}/konto/log-ind/")
        expect(page.get_by_role("link", name=f"Log ind med {PROVIDER_NAME}")).to_be_visible()
        expect(page.get_by_label("Brugernavn")).to_be_visible()
        problems += problems_of(page, "log-ind", device_name)
        # The provider's refusal (here: the person declined) comes back as a message.
        page.goto(f"{live_server.url}/konto/log-ind/sso/svar/?error=access_denied")
        expect(page.locator("main .alert-danger")).to_contain_text("lykkedes ikke")
        problems += problems_of(page, "afvist", device_name)
        settings.PASSWORD_LOGIN = False
        page.goto(f"{live_server.url}/konto/log-ind/")
        expect(page.get_by_label("Brugernavn")).to_have_count(0)
        problems += problems_of(page, "uden-adgangskode", device_name)
        page.context.close()
    assert problems == [], "\n\n".join(problems)


def test_signing_on_and_out_in_the_browser(sign_on_setup, request):
    from playwright.sync_api import expect

    browser = request.getfixturevalue("browser")
    app, provider_base, _database = sign_on_setup
    for _device_name, device in (("1280", DESKTOP), ("390", PHONE)):
        page, _blocked = new_page(browser, device)
        # Someone the provider knows and mrplan does not: back with the message.
        sign_on(page, app.base, "ukendt")
        expect(page.get_by_text("Din konto er ikke oprettet i mrplan.")).to_be_visible()
        assert page.url == f"{app.base}/konto/log-ind/"

        # The provider keeps its session: the next sign-on asks for consent only.
        page.get_by_role("link", name=f"Log ind med {PROVIDER_NAME}").click()
        page.click("input[name=allow]")
        expect(page.get_by_text("Din konto er ikke oprettet i mrplan.")).to_be_visible()
        page.context.close()

        page, blocked = new_page(browser, device)
        sign_on(page, app.base, "anna")
        expect(page.get_by_role("button", name="Log ud")).to_be_attached()
        assert page.url == f"{app.base}/"
        # The log-out form's answer leads to the provider's end-session endpoint and back.
        with page.expect_request(f"{provider_base}/openid/end-session*"):
            page.get_by_role("button", name="Log ud").click()
        page.wait_for_url(f"{app.base}/")
        expect(page.get_by_role("button", name="Log ud")).to_have_count(0)
        assert blocked == [], blocked
        # The provider's session ended too: signing on asks for the password again.
        page.goto(f"{app.base}/konto/log-ind/sso/")
        assert page.url.startswith(f"{provider_base}/login/"), page.url
        page.context.close()
