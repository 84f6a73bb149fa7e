import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from goals.models import Goal, Institution, Membership, Ministry, Plan, Requirement, Section
from goals.planfile import import_plan, read_plan_file

PLAN_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "plans"
REFERENCE_FILES = ["adst-2024.yaml", "be-2024.yaml", "be-2021.yaml"]


def load_reference(name):
    return import_plan(read_plan_file((PLAN_DIR / name).read_bytes()))


@pytest.fixture
def reference_plans(db):
    return {name: load_reference(name) for name in REFERENCE_FILES}


@pytest.fixture
def ministry(db):
    return Ministry.objects.create(name="Testministeriet", short_name="TM")


@pytest.fixture
def institution(ministry):
    return Institution.objects.create(ministry=ministry, name="Teststyrelsen", short_name="TS")


@pytest.fixture
def plan(institution):
    return Plan.objects.create(
        institution=institution,
        ministry=institution.ministry,
        year=2024,
        title="Testplan 2024",
        valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2024, 12, 31),
    )


@pytest.fixture
def section(plan):
    return Section.objects.create(plan=plan, title="Pejlemærke 1", number="1", order=1)


@pytest.fixture
def goal(plan, section):
    return Goal.objects.create(
        plan=plan, section=section, number="1.1", title="Et mål", kind=Goal.Kind.OPERATIONS
    )


@pytest.fixture
def requirement(goal):
    return Requirement.objects.create(goal=goal, number="1)", text="Et krav")


@pytest.fixture
def threshold(goal):
    """A requirement with a number to hold against a target: at least 95 pct."""
    return Requirement.objects.create(
        goal=goal,
        number="1)",
        order=1,
        text="Mindst 95 pct. af sagerne behandles til tiden.",
        measure=Requirement.Measure.THRESHOLD,
        comparator=Requirement.Comparator.AT_LEAST,
        target_value=Decimal("95"),
        unit=Requirement.Unit.PERCENT,
    )


def member(username, role, **scope):
    """A user with one membership: `institution=` for a reporter, `ministry=` for a reviewer."""
    user = get_user_model().objects.create_user(username, password=f"pw-{username}-123")
    Membership.objects.create(user=user, role=role, **scope)
    return user


def planner_and_reviewer(plan, planner, reviewer, password):
    """A planner of the plan's institution and a reviewer of its ministry, by name, who log in
    with `password` and have e-mail addresses (the browser tests of the plan's life)."""
    people = {
        planner: member(planner, Membership.Role.PLANNER, institution=plan.institution),
        reviewer: member(reviewer, Membership.Role.REVIEWER, ministry=plan.ministry),
    }
    for user in people.values():
        user.set_password(password)
        user.email = f"{user.username}@example.invalid"
        user.save()
    return people


# The people of the tests: a reporter of the institution, a reporter of another
# institution, a reviewer of the ministry, a reviewer of another ministry and an
# administrator.
@pytest.fixture
def alice(institution):
    return member("alice", Membership.Role.REPORTER, institution=institution)


@pytest.fixture
def bob(ministry):
    other = Institution.objects.create(ministry=ministry, name="Andenstyrelsen", short_name="AS")
    return member("bob", Membership.Role.REPORTER, institution=other)


@pytest.fixture
def carol(ministry):
    return member("carol", Membership.Role.REVIEWER, ministry=ministry)


@pytest.fixture
def dave(db):
    other = Ministry.objects.create(name="Andetministeriet", short_name="AM")
    return member("dave", Membership.Role.REVIEWER, ministry=other)


@pytest.fixture
def fig(db):
    """The tests' own plan (tests/plans/figures-2025.yaml), unlike the reference plans."""
    from tests.helpers import load_test_plan

    return load_test_plan()


@pytest.fixture
def rita(fig):
    """A reporter of the tests' own plan's institution."""
    return member("rita", Membership.Role.REPORTER, institution=fig.institution)


@pytest.fixture
def reporter(rita, client):
    """rita, logged in on the test client."""
    client.force_login(rita)
    return rita


@pytest.fixture
def admin_user_(db):
    return get_user_model().objects.create_superuser("root", password="pw-root-123")


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    """The test client and the browser tests speak plain HTTP to the test server.

    Session-wide and set before anything else, since the live server used by the browser
    tests builds its middleware (which reads these) once, before any test's own settings.
    """
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    # Strong password hashing costs seconds per user and proves nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Hashed static names need `collectstatic`; tests render pages without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def browser():
    """Headless Debian Chromium (see tests/browser.py); fails when it is missing."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch, require_chromium

    require_chromium()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()
            # The test's ORM calls ran while Playwright's loop was active and opened their own
            # connection; close it so the test database can be dropped afterwards.
            connections.close_all()
