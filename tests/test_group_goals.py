"""The group-wide goals page of a large ministry: a page of institutions at a time, sorted
by institution or worst first in a quarter, with every institution counted above the table."""

import pytest
from django.urls import reverse

from goals.generate import generate_ministry, numbered_institutions
from goals.models import HANDED_IN_STATES, GroupGoal, Membership, StatusEntry
from reporting.selectors import GROUP_PAGE_SIZE
from tests.conftest import member

INSTITUTIONS = GROUP_PAGE_SIZE + 7
SEVERITY = {"red": 3, "yellow": 2, "green": 1, None: 0}


@pytest.fixture
def big(db, client):
    ministry = generate_ministry(
        name="Stort ministerium", short_name="ST",
        institutions=numbered_institutions(INSTITUTIONS), years=[2024],
        goals=6, requirements=1, last_quarter=3, seed=4,
    )  # fmt: skip
    client.force_login(member("revisor", Membership.Role.REVIEWER, ministry=ministry))
    chosen = GroupGoal.objects.filter(ministry=ministry).order_by("title").first()
    return chosen


def get(client, query=""):
    response = client.get(reverse("reporting:group_goals", args=["ST"]) + "?aar=2024" + query)
    assert response.status_code == 200
    return response.context


def names(context):
    return [row.goal.plan.institution.short_name for row in context["rows"]]


def handed_in_statuses(group_goal, quarter):
    """Institution -> the group goal's handed-in status in the quarter, from the database."""
    return dict(
        StatusEntry.objects.filter(
            goal__group_goal=group_goal,
            requirement__isnull=True,
            report__quarter=quarter,
            report__state__in=HANDED_IN_STATES,
        )
        .exclude(status="")
        .values_list("goal__plan__institution__short_name", "status")
    )


def test_pages_together_show_every_institution_once(client, big):
    first = get(client)
    second = get(client, "&side=2")
    assert len(first["rows"]) == GROUP_PAGE_SIZE
    assert len(second["rows"]) == INSTITUTIONS - GROUP_PAGE_SIZE
    assert set(names(first)).isdisjoint(names(second))
    everyone = names(first) + names(second)
    assert len(everyone) == INSTITUTIONS
    assert everyone == sorted(everyone)  # by institution name, as the default sort
    assert first["entries"].paginator.num_pages == 2


def test_sorting_by_a_quarter_puts_the_worst_first_across_pages(client, big):
    statuses = handed_in_statuses(big, 2)
    seen = names(get(client, "&sorter=k2")) + names(get(client, "&sorter=k2&side=2"))
    severities = [SEVERITY[statuses.get(name)] for name in seen]
    assert severities == sorted(severities, reverse=True)
    assert len(set(severities)) > 1  # the data has more than one status to sort by
    reversed_ = names(get(client, "&sorter=-k2"))
    assert [SEVERITY[statuses.get(n)] for n in reversed_] == sorted(
        SEVERITY[statuses.get(n)] for n in reversed_
    )


def test_totals_count_every_institution_not_only_the_page(client, big):
    context = get(client)
    for total in context["totals"]:
        statuses = handed_in_statuses(big, total["quarter"])
        for status in ("green", "yellow", "red"):
            expected = sum(1 for value in statuses.values() if value == status)
            assert total[status] == expected, (total, status)
    assert sum(context["totals"][0][s] for s in ("green", "yellow", "red")) > GROUP_PAGE_SIZE


def test_page_links_keep_the_sort_and_sort_links_start_from_the_first_page(client, big):
    response = client.get(reverse("reporting:group_goals", args=["ST"]) + "?aar=2024&sorter=k1")
    html = response.content.decode()
    assert "?aar=2024&amp;sorter=k1&amp;side=2" in html
    assert 'aria-sort="descending"' in html
    html = client.get(
        reverse("reporting:group_goals", args=["ST"]) + "?aar=2024&sorter=k1&side=2"
    ).content.decode()
    assert "?aar=2024&amp;sorter=-k1" in html and "sorter=-k1&amp;side" not in html


def test_an_unknown_sort_falls_back_to_institutions_and_an_unknown_page_to_one_that_is(client, big):
    context = get(client, "&sorter=grad&side=99")
    assert names(context) == sorted(names(context))
    context = get(client, "&sorter=bogus&side=x")
    assert len(context["rows"]) == GROUP_PAGE_SIZE
