"""Shared by the end-to-end tests: Debian's Chromium through Playwright, and axe-core.

The tests need `/usr/bin/chromium` (`apt-get install chromium`) and fail, rather than skip,
when it is missing, so a missing browser is never mistaken for a passing suite. No browser is
ever downloaded. axe-core comes with the axe-playwright-python package and runs offline.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; without this Django refuses
# the ORM calls a test makes between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
TIMEOUT_MS = 10_000

# The WCAG 2.1 A and AA rules of axe-core.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def require_chromium():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the end-to-end tests need Debian's Chromium. "
            "Install it with `apt-get install chromium`.",
            pytrace=False,
        )


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )


def log_in(browser, base_url, username, password, device=DESKTOP):
    """A new browser context of the given size with the user logged in; returns its page."""
    from playwright.sync_api import expect

    context = browser.new_context(**device)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{base_url}/konto/log-ind/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    expect(page.get_by_role("button", name="Log ud")).to_be_attached()
    return page


def axe_violations(page):
    """Every WCAG 2.1 A/AA violation axe-core finds on the page, as a readable report or ""."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        },
    )
    return results.generate_report() if results.violations_count else ""


def horizontal_overflow(page):
    """How many CSS pixels the page is wider than the screen (0 when it fits)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def page_problems(browser, base_url, pages, password, shots):
    """Open every page at desktop and phone width; the accessibility and width problems.

    `pages` is a list of (username, path, screenshot name, text of the main heading). Each
    page must answer 200 and show its heading; a screenshot goes to `shots`; axe-core's
    WCAG 2.1 A/AA violations and any width beyond the screen are returned as readable lines.
    """
    from playwright.sync_api import expect

    shots.mkdir(parents=True, exist_ok=True)
    for old in shots.glob("*.png"):
        old.unlink()
    problems = []
    for device_name, device in (("1280", DESKTOP), ("390", PHONE)):
        logged_in = {}
        for username, path, name, heading in pages:
            if username not in logged_in:
                logged_in[username] = log_in(browser, base_url, username, password, device)
            page = logged_in[username]
            response = page.goto(base_url + path)
            assert response.status == 200, (path, response.status)
            expect(page.locator("main h1")).to_contain_text(heading)
            page.screenshot(path=str(shots / f"{name}-{device_name}.png"), full_page=True)
            report = axe_violations(page)
            if report:
                problems.append(f"{path} at {device_name} px:\n{report}")
            overflow = horizontal_overflow(page)
            if overflow > 0:
                problems.append(f"{path} at {device_name} px is {overflow} px too wide")
        for page in logged_in.values():
            page.context.close()
    return problems
