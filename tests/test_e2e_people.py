"""End to end in headless Chromium: the ministry's administrator invites a person, who follows
the link from the e-mail and sets a password; the people pages pass axe at desktop and phone
width and fit a phone."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from goals.models import Membership
from tests.browser import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    TIMEOUT_MS,
    axe_violations,
    horizontal_overflow,
    log_in,
    page_problems,
    require_chromium,
)
from tests.conftest import member

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "people"
PASSWORD = "pw-mona-123"
NEW_PASSWORD = "Korrekt-Hest-Batteri-42"


@pytest.fixture
def mona(institution, alice, carol):
    user = member("mona", Membership.Role.ADMIN, ministry=institution.ministry)
    user.first_name, user.last_name, user.email = "Mona", "Mortensen", "mona@tm.example"
    user.save()
    for person, name in ((alice, "Alice Andersen"), (carol, "Carol Carlsen")):
        person.first_name, _space, person.last_name = name.partition(" ")
        person.email = f"{person.username}@tm.example"
        person.save()
    return user


def check(page, problems, where):
    report = axe_violations(page)
    if report:
        problems.append(f"{where}:\n{report}")
    overflow = horizontal_overflow(page)
    if overflow > 0:
        problems.append(f"{where} is {overflow} px too wide")


@pytest.mark.parametrize("device_name, device", [("1280", DESKTOP), ("390", PHONE)])
def test_the_administrator_invites_and_the_person_sets_a_password(
    live_server, mona, institution, settings, request, device_name, device
):
    from playwright.sync_api import expect

    require_chromium()
    browser = request.getfixturevalue("browser")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SITE_URL = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []

    admin = log_in(browser, live_server.url, "mona", PASSWORD, device)
    admin.get_by_role("link", name="Personer").click()
    expect(admin.locator("main h1")).to_contain_text("Personer i Testministeriet")
    check(admin, problems, f"the list at {device_name}")
    admin.screenshot(path=str(SHOTS / f"list-{device_name}.png"), full_page=True)
    admin.get_by_role("link", name="Invitér en person").click()
    expect(admin.locator("main h1")).to_have_text("Invitér en person")
    # A reporter given the department is told so on the field, and the input is kept.
    admin.get_by_label("E-mail").fill("nina@ts.example")
    admin.get_by_label("Fornavn").fill("Nina")
    admin.get_by_label("Efternavn").fill("Nielsen")
    admin.get_by_label("Rolle").select_option("reporter")
    admin.get_by_label("Hvor").select_option("department")
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.locator("main")).to_contain_text(
        "En indberetter hører til en institution, ikke et ministerium."
    )
    expect(admin.get_by_label("Fornavn")).to_have_value("Nina")
    check(admin, problems, f"the invitation form with an error at {device_name}")
    admin.screenshot(path=str(SHOTS / f"invite-{device_name}.png"), full_page=True)
    admin.get_by_label("Hvor").select_option(str(institution.pk))
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.locator(".alert-success")).to_contain_text("Nina Nielsen er inviteret")
    expect(admin.locator("main h1")).to_have_text("Nina Nielsen")
    check(admin, problems, f"the person page at {device_name}")
    admin.screenshot(path=str(SHOTS / f"person-{device_name}.png"), full_page=True)

    # The e-mail, sent by the worker once the invitation was saved.
    assert len(mail.outbox) == 1
    found = re.search(rf"{re.escape(live_server.url)}/konto/invitation/\S+", mail.outbox[0].body)
    assert found, mail.outbox[0].body
    context = browser.new_context(**device)
    context.set_default_timeout(TIMEOUT_MS)
    invited = context.new_page()
    invited.goto(found.group(0))
    expect(invited.locator("main h1")).to_have_text("Vælg din adgangskode")
    check(invited, problems, f"the invitation's page at {device_name}")
    invited.screenshot(path=str(SHOTS / f"accept-{device_name}.png"), full_page=True)
    invited.fill("#id_new_password1", NEW_PASSWORD)
    invited.fill("#id_new_password2", NEW_PASSWORD)
    invited.get_by_role("button", name="Gem og log ind").click()
    expect(invited.locator(".alert-success")).to_contain_text("du er logget ind")
    expect(invited.get_by_role("button", name="Log ud")).to_be_attached()
    nina = get_user_model().objects.get(email="nina@ts.example")
    assert nina.check_password(NEW_PASSWORD) and nina.is_active

    # The same link again says it is used.
    invited.goto(found.group(0))
    expect(invited.locator("main")).to_contain_text("allerede brugt")
    check(invited, problems, f"a used link at {device_name}")
    context.close()
    admin.context.close()
    assert problems == [], "\n\n".join(problems)


def test_the_password_reset_pages_pass_axe(live_server, mona, request):
    require_chromium()
    browser = request.getfixturevalue("browser")
    pages = [
        ("mona", "/konto/adgangskode/nulstil/", "reset-form", "Glemt adgangskode"),
        ("mona", "/konto/adgangskode/nulstil/sendt/", "reset-done", "Se din e-mail"),
        ("mona", "/konto/adgangskode/nulstil/MQ/x-y/", "reset-bad-link", "Linket virker ikke"),
        ("mona", "/konto/adgangskode/nulstil/faerdig/", "reset-complete", "Adgangskoden er gemt"),
        ("mona", "/personer/TM/", "list", "Personer"),
        ("mona", "/konto/", "account", "Din konto"),
    ]
    problems = page_problems(browser, live_server.url, pages, PASSWORD, SHOTS / "reset")
    assert problems == [], "\n\n".join(problems)
