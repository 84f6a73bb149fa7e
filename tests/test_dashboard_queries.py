"""Each dashboard page and report is built from the same number of SQL queries, for 3 and 60
institutions and for plans of 5 and 12 goals."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.generate import generate_ministry, numbered_institutions
from goals.models import Membership, Plan
from tests.conftest import member
from tests.helpers import delete_plans

# The most any dashboard page may use: session, user, memberships, ministry lookup and
# right, then the page's own reads (each a fixed number).
BUDGET = 16


@pytest.fixture(scope="module")
def ministries(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        small = generate_ministry(
            name="Lille ministerium", short_name="LILLE",
            institutions=numbered_institutions(3, prefix="L"),
            years=[2023, 2024], goals=5, requirements=2, seed=1,
        )  # fmt: skip
        large = generate_ministry(
            name="Stort ministerium", short_name="STOR",
            institutions=numbered_institutions(60, prefix="S"),
            years=[2023, 2024], goals=12, requirements=3, seed=2,
        )  # fmt: skip
        user = member("revisor", Membership.Role.REVIEWER, ministry=small)
        Membership.objects.create(user=user, role=Membership.Role.REVIEWER, ministry=large)
        yield small, large, user
        delete_plans(Plan.objects.all())
        for ministry in (small, large):
            ministry.institutions.all().delete()
            ministry.delete()
        user.delete()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


PAGES = [
    ("overview", ""),
    ("overview", "?aar=2024&kvartal=2&type=drift&sorter=-k2"),
    ("overview", "?aar=2023"),
    ("attention", "?aar=2024"),
    ("attention", "?aar=2024&kvartal=3&status=red&side=2"),
    ("group_goals", "?aar=2024"),
    ("group_goals", "?aar=2024&sorter=-k2&side=2"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "query"), PAGES)
def test_dashboard_query_count_does_not_grow_with_the_ministry(client, ministries, name, query):
    small, large, user = ministries
    client.force_login(user)
    counts = [
        count_queries(client, reverse(f"reporting:{name}", args=[m.short_name]) + query)
        for m in (small, large)
    ]
    assert counts[0] == counts[1], counts
    assert counts[0] <= BUDGET


@pytest.mark.django_db
def test_plan_page_query_count_does_not_grow_with_the_plan(client, ministries):
    small, large, user = ministries
    client.force_login(user)
    plans = [
        Plan.objects.filter(ministry=m, year=2024).select_related("institution").first()
        for m in (small, large)
    ]
    assert plans[0].goals.count() < plans[1].goals.count()
    counts = [
        count_queries(
            client, reverse("reporting:plan_detail", args=[p.institution.short_name, 2024])
        )
        for p in plans
    ]
    assert counts[0] == counts[1], counts
    assert counts[0] <= BUDGET


REPORTS = [
    ("follow_up", [3]),
    ("follow_up_xlsx", [3]),
    ("annual", []),
    ("annual_xlsx", []),
    ("plan_document", []),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), REPORTS)
def test_report_query_count_does_not_grow_with_the_plan(client, ministries, name, args):
    small, large, user = ministries
    client.force_login(user)
    plans = [
        Plan.objects.filter(ministry=m, year=2024).select_related("institution").first()
        for m in (small, large)
    ]
    counts = [
        count_queries(
            client, reverse(f"reporting:{name}", args=[p.institution.short_name, 2024, *args])
        )
        for p in plans
    ]
    assert counts[0] == counts[1], counts
    assert counts[0] <= BUDGET


@pytest.mark.django_db
def test_ministry_summary_query_count_does_not_grow_with_the_ministry(client, ministries):
    small, large, user = ministries
    client.force_login(user)
    counts = [
        count_queries(client, reverse("reporting:summary", args=[m.short_name]) + "?aar=2024")
        for m in (small, large)
    ]
    assert counts[0] == counts[1], counts
    assert counts[0] <= BUDGET
