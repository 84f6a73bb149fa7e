"""The pages of the plan register: who sees what, and the admin a non-developer uses."""

import pytest
from django.urls import reverse


def plan_url(plan):
    return reverse("reporting:plan_detail", args=[plan.institution.short_name, plan.year])


def test_home_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert reverse("login") in response.content.decode()


def test_home_lists_only_the_users_plans(client, plan, alice, bob):
    client.force_login(alice)
    assert plan.title in client.get("/").content.decode()
    client.force_login(bob)
    assert plan.title not in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [(None, 302), ("alice", 200), ("bob", 404), ("carol", 200), ("admin_user_", 200)],
)
def test_plan_page_access(
    client, request, plan, goal, alice, bob, carol, admin_user_, who, expected
):
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get(plan_url(plan)).status_code == expected


def test_plan_page_shows_goals_under_their_beacons(client, reference_plans, admin_user_):
    plan = reference_plans["adst-2024.yaml"]
    client.force_login(admin_user_)
    page = client.get(plan_url(plan)).content.decode()
    assert page.index("Pejlemærke 1") < page.index("1.1") < page.index("Pejlemærke 2")
    assert "Styrelsen leverer shared service ydelser til tiden" in page


def test_plan_page_query_count_does_not_grow_with_goals(
    client, reference_plans, admin_user_, django_assert_max_num_queries
):
    client.force_login(admin_user_)
    # 12, two for what the page says of other years: whether next year's plan exists (to
    # offer it) and the plan's series rows (reporting/documents/last_year.py); two read the
    # plan's amendments and their changes ("Ændringer i planen").
    with django_assert_max_num_queries(16):
        client.get(plan_url(reference_plans["adst-2024.yaml"]))


def test_login_page_is_danish(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "Log ind" in page and 'lang="da"' in page


@pytest.mark.parametrize(
    "name",
    ["plan", "goal", "requirement", "institution", "ministry", "quarterreport", "membership"],
)
def test_admin_pages_open(client, reference_plans, admin_user_, name):
    from goals.models import Goal, Plan, Requirement

    client.force_login(admin_user_)
    assert client.get(reverse(f"admin:goals_{name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:goals_{name}_changelist"), {"q": "1.1"}).status_code == 200
    objects = {"plan": Plan, "goal": Goal, "requirement": Requirement}
    if name in objects:
        obj = objects[name].objects.first()
        assert client.get(reverse(f"admin:goals_{name}_change", args=[obj.pk])).status_code == 200


def test_admin_plan_page_has_goal_inlines_in_plan_order(client, reference_plans, admin_user_):
    plan = reference_plans["adst-2024.yaml"]
    plan.state = plan.State.DRAFT  # the admin edits only a draft's contents
    plan.save()
    client.force_login(admin_user_)
    page = client.get(reverse("admin:goals_plan_change", args=[plan.pk])).content.decode()
    positions = [page.index(f'value="{n}"') for n in ("1.1", "1.2", "2.1", "4.1")]
    assert positions == sorted(positions)


def test_admin_goal_page_shows_requirements(client, reference_plans, admin_user_):
    goal = reference_plans["adst-2024.yaml"].goals.get(number="3.1")
    client.force_login(admin_user_)
    page = client.get(reverse("admin:goals_goal_change", args=[goal.pk])).content.decode()
    assert page.count("kundetilfredshed") >= 5


def test_password_change_in_danish(client, alice):
    client.force_login(alice)
    url = reverse("password_change")
    assert "Skift adgangskode" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "old_password": "pw-alice-123",
            "new_password1": "Et-nyt-kodeord-2024",
            "new_password2": "Et-nyt-kodeord-2024",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("Et-nyt-kodeord-2024")
    wrong = client.post(
        url, {"old_password": "forkert", "new_password1": "x", "new_password2": "y"}
    )
    assert "gamle adgangskode" in wrong.content.decode().lower()


def test_reported_data_is_read_only_in_the_admin(client, plan, goal, admin_user_):
    from goals.models import QuarterReport

    report = QuarterReport.objects.create(plan=plan, quarter=1)
    report.entries.create(goal=goal, status="red", cause="c")
    client.force_login(admin_user_)
    url = reverse("admin:goals_quarterreport_change", args=[report.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"state": "approved"}).status_code == 403
    report.refresh_from_db()
    assert report.state == "draft"
    assert client.get(reverse("admin:goals_historyrecord_changelist")).status_code == 200
