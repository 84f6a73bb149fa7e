"""The home page as each role's to-do list, and the header's count of what waits for the user.

The institution TS (alice reports for it) has a plan for 2024 with a deadline 14 days after
each quarter; today is 20 October 2024:

    1.1 every quarter: 1) at least 95 pct., 2) in text, 3) in two parts (phone, mail)
    1.2 in Q4 only:    1) at least 10 count
    Q1 approved · Q2 draft, 1) and phone filled, 1.1 green · Q3 returned by carol · Q4 none

Two more institutions of the ministry (Zeta, Alfa) have quarters waiting for approval.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from goals.context_processors import todo
from goals.figures import Progress, is_filled, quarter_progress
from goals.generate import generate_ministry, numbered_institutions
from goals.models import (
    Goal,
    Institution,
    Membership,
    Plan,
    QuarterReport,
    ReportState,
    Requirement,
    StatusEntry,
)
from goals.selectors import reporter_todo, reviewer_todo, todo_counts
from tests.conftest import member

TODAY = datetime.datetime(2024, 10, 20, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def at(day, month):
    return datetime.datetime(2024, month, day, 10, 0, tzinfo=datetime.UTC)


def threshold(goal, number, order, target="95", unit="pct", **fields):
    return Requirement.objects.create(
        goal=goal, number=number, order=order, text=f"Krav {number}", measure="threshold",
        comparator="at_least", target_value=Decimal(target), unit=unit, **fields,
    )  # fmt: skip


def other_plan(ministry, name, short_name):
    institution = Institution.objects.create(ministry=ministry, name=name, short_name=short_name)
    return Plan.objects.create(
        institution=institution, ministry=ministry, year=2024, title=f"Plan for {name}",
        valid_from=datetime.date(2024, 1, 1), valid_to=datetime.date(2024, 12, 31),
        deadline_days=14,
    )  # fmt: skip


@pytest.fixture
def scenario(plan, goal, carol):
    plan.deadline_days = 14
    plan.save()
    carol.first_name, carol.last_name = "Carol", "Departement"
    carol.save()
    r1 = threshold(goal, "1)", 1)
    r2 = Requirement.objects.create(goal=goal, number="2)", order=2, text="Tekstkrav")
    r3 = Requirement.objects.create(goal=goal, number="3)", order=3, text="To dele",
                                    measure="parts")  # fmt: skip
    phone = threshold(goal, "", 1, target="4", unit="points", part_of=r3, label="telefon")
    threshold(goal, "", 2, target="4", unit="points", part_of=r3, label="mail")
    g2 = Goal.objects.create(plan=plan, number="1.2", order=2, title="Årsmål",
                             reporting_quarters="4")  # fmt: skip
    threshold(g2, "1)", 1, target="10", unit="count")

    QuarterReport.objects.create(plan=plan, quarter=1, state=ReportState.APPROVED)
    q2 = QuarterReport.objects.create(plan=plan, quarter=2, state=ReportState.DRAFT)
    StatusEntry.objects.create(report=q2, goal=goal, requirement=r1, result_value=96)
    StatusEntry.objects.create(report=q2, goal=goal, requirement=r2, result_text="  ")
    StatusEntry.objects.create(report=q2, goal=goal, requirement=phone, result_value=4)
    StatusEntry.objects.create(report=q2, goal=goal, status="green")
    QuarterReport.objects.create(
        plan=plan, quarter=3, state=ReportState.RETURNED, review_comment="Ret tallet for 1).",
        reviewed_by=carol, reviewed_at=at(16, 10), submitted_at=at(10, 10),
    )  # fmt: skip

    zeta = other_plan(plan.ministry, "Zetastyrelsen", "ZZ")
    alfa = other_plan(plan.ministry, "Alfastyrelsen", "AA")
    QuarterReport.objects.create(plan=zeta, quarter=2, state=ReportState.SUBMITTED,
                                 submitted_at=at(1, 7))  # fmt: skip
    QuarterReport.objects.create(plan=alfa, quarter=1, state=ReportState.SUBMITTED,
                                 submitted_at=at(5, 7))  # fmt: skip
    QuarterReport.objects.create(plan=alfa, quarter=2, state=ReportState.SUBMITTED,
                                 submitted_at=at(3, 9))  # fmt: skip
    return plan


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("goals:home"))
    assert response.status_code == 200
    return response


def states(home_plan):
    return [(q.quarter, q.state) for q in home_plan.quarters]


# --- anonymous ---------------------------------------------------------------------------


def test_anonymous_visitors_are_asked_to_log_in_and_cost_no_todo_queries(client, db):
    html = client.get(reverse("goals:home")).content.decode()
    assert reverse("login") in html and "Dine opgaver" not in html
    assert 'id="todo-count"' not in html
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as queries:
        assert todo(request)["todo"].total == 0
    assert len(queries) == 0


# --- the reporter ------------------------------------------------------------------------


def test_reporter_sees_each_quarter_with_state_deadline_and_days(client, scenario, alice, frozen):
    response = home(client, alice)
    reporter = response.context["reporter"]
    [row] = reporter.plans
    assert states(row) == [(1, "approved"), (2, "draft"), (3, "returned"), (4, "not_started")]
    deadlines = [q.deadline for q in row.quarters]
    assert deadlines[1] == datetime.date(2024, 7, 14) and deadlines[3] == datetime.date(2025, 1, 14)
    assert [q.days_left for q in row.quarters] == [-189, -98, -6, 86]
    assert [q.overdue for q in row.quarters] == [False, True, True, False]
    # Q2 has ended as a draft and Q3 is returned; Q4 has not ended.
    assert [q.waits for q in row.quarters] == [False, True, True, False]
    assert reporter.count == 2
    html = response.content.decode()
    for text in ("Ikke påbegyndt", "Kladde", "Sendt retur", "Godkendt", "98 dage over fristen",
                 "om 86 dage", "14. juli 2024", "Fristen er overskredet",
                 "Venter på jer"):  # fmt: skip
        assert text in html, text
    for quarter in (1, 2, 3, 4):
        assert reverse("goals:quarter", args=["TS", 2024, quarter]) in html


def test_a_returned_quarter_is_at_the_top_with_the_comment_and_who_returned_it(
    client, scenario, alice, frozen
):
    response = home(client, alice)
    [returned] = response.context["reporter"].returned
    assert (returned.quarter, returned.state) == (3, "returned")
    html = response.content.decode()
    assert "Ret tallet for 1)." in html and "Carol Departement" in html
    assert "16. oktober 2024" in html
    assert html.index("Ret tallet for 1).") < html.index("Testplan 2024")


def test_what_each_open_quarter_still_lacks(client, scenario, alice, frozen):
    response = home(client, alice)
    [row] = response.context["reporter"].plans
    progress = {q.quarter: q.progress for q in row.quarters}
    # Q2: 1) has its figure; 2) has only blanks; of the requirement in parts, the phone part
    # has its figure and mail has nothing, so it is not filled in yet.
    assert progress[2] == Progress(requirements=3, requirements_filled=1, goals=1,
                                   goals_with_status=1)  # fmt: skip
    assert progress[3] == Progress(3, 0, 1, 0)
    # Q4 adds 1.2 and its requirement, due only then.
    assert progress[4] == Progress(4, 0, 2, 0)
    assert progress[1] is None  # approved: nothing to fill in
    html = response.content.decode()
    for text in ("2 af 3 krav mangler tal", "3 af 3 krav mangler tal", "1 af 1 mål mangler status",
                 "4 af 4 krav mangler tal", "2 af 2 mål mangler status"):  # fmt: skip
        assert text in html, text


def test_the_filled_rule(requirement):
    number = Requirement(measure="threshold")
    text = Requirement(measure="text")
    blank = StatusEntry(result_text="  ")
    entries = {}
    number.pk, text.pk = 1, 2
    assert not is_filled(number, entries.get)
    assert not is_filled(text, lambda piece: blank)
    assert is_filled(number, lambda piece: StatusEntry(result_value=0))
    assert not is_filled(number, lambda piece: StatusEntry(result_text="96"))
    assert is_filled(text, lambda piece: StatusEntry(result_text="Sket"))
    assert is_filled(text, lambda piece: StatusEntry(status="red"))
    entries = {number: None, text: blank}
    progress = quarter_progress([number, text], entries.get, [StatusEntry(status="green"), None])
    assert (progress.requirements_missing, progress.goals_missing) == (2, 1)
    assert not progress.complete


def test_the_reporter_sees_only_their_institutions_plans(client, scenario, bob, frozen):
    response = home(client, bob)
    # bob reports for Andenstyrelsen, which has no plan.
    assert response.context["reporter"] is None
    assert "Testplan 2024" not in response.content.decode()


def test_earlier_plans_with_everything_handed_in_fold_into_links(client, scenario, alice, frozen):
    old = Plan.objects.create(
        institution=scenario.institution, ministry=scenario.ministry, year=2022,
        title="Gammel plan 2022", valid_from=datetime.date(2022, 1, 1),
        valid_to=datetime.date(2022, 12, 31), reporting_quarters="24",
    )  # fmt: skip
    for quarter in (2, 4):
        QuarterReport.objects.create(plan=old, quarter=quarter, state=ReportState.APPROVED)
    unfinished = Plan.objects.create(
        institution=scenario.institution, ministry=scenario.ministry, year=2023,
        title="Åben plan 2023", valid_from=datetime.date(2023, 1, 1),
        valid_to=datetime.date(2023, 12, 31), reporting_quarters="4",
    )  # fmt: skip
    reporter = home(client, alice).context["reporter"]
    assert [row.plan for row in reporter.plans] == [scenario, unfinished]
    assert reporter.older == [old]
    html = client.get("/").content.decode()
    assert "<details" in html and "Gammel plan 2022" in html


# --- the reviewer ------------------------------------------------------------------------


def test_reviewer_sees_waiting_oldest_first_then_returned_and_overdue(
    client, scenario, carol, frozen
):
    response = home(client, carol)
    reviewer = response.context["reviewer"]
    assert [(q.plan.institution.short_name, q.quarter) for q in reviewer.waiting] == [
        ("ZZ", 2), ("AA", 1), ("AA", 2),
    ]  # fmt: skip
    assert [(q.plan.institution.short_name, q.quarter) for q in reviewer.returned] == [("TS", 3)]
    overdue = [(q.plan.institution.short_name, q.quarter, q.state) for q in reviewer.overdue]
    # Oldest deadline first; TS Q3 is with the returned ones, the submitted ones are in.
    assert overdue == [
        ("ZZ", 1, "not_started"), ("TS", 2, "draft"), ("AA", 3, "not_started"),
        ("ZZ", 3, "not_started"),
    ]  # fmt: skip
    html = response.content.decode()
    assert "3 venter på godkendelse" in html and "1 sendt retur" in html
    assert "4 med overskredet frist" in html
    assert html.index("Zetastyrelsen") < html.index("Alfastyrelsen")
    assert reverse("goals:quarter", args=["ZZ", 2024, 2]) in html
    assert reverse("reporting:index") in html
    assert reverse("reporting:attention", args=["TM"]) in html
    assert response.context["reporter"] is None


def test_each_reviewer_list_shows_its_oldest_and_counts_them_all(client, scenario, carol, frozen):
    todo_list = reviewer_todo(carol, limit=2)
    assert [(q.plan.institution.short_name, q.quarter) for q in todo_list.waiting] == [
        ("ZZ", 2), ("AA", 1),
    ]  # fmt: skip
    assert (todo_list.waiting_count, todo_list.returned_count, todo_list.overdue_count) == (3, 1, 4)
    assert [(q.plan.institution.short_name, q.quarter) for q in todo_list.overdue] == [
        ("ZZ", 1), ("TS", 2),
    ]  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("goals.views.plans.LIST_LIMIT", 2)
        html = home(client, carol).content.decode()
    assert "Viser de ældste 2 af 3." in html and "Viser de ældste 2 af 4." in html
    assert "3 venter på godkendelse" in html


def test_a_reviewer_of_another_ministry_sees_none_of_it(client, scenario, dave, frozen):
    reviewer = home(client, dave).context["reviewer"]
    assert (reviewer.waiting, reviewer.returned, reviewer.overdue) == ([], [], [])
    assert "Zetastyrelsen" not in client.get("/").content.decode()


def test_a_user_with_both_roles_sees_both_lists(client, scenario, alice, frozen):
    Membership.objects.create(user=alice, role="reviewer", ministry=scenario.ministry)
    response = home(client, alice)
    assert len(response.context["reviewer"].waiting) == 3
    assert len(response.context["reporter"].plans) == 1
    assert response.context["todo"].total == 2 + 3


def test_an_administrator_sees_the_reviewer_list_of_every_ministry(
    client, scenario, admin_user_, dave, frozen
):
    far = other_plan(dave.memberships.get().ministry, "Fjernstyrelsen", "FJ")
    QuarterReport.objects.create(plan=far, quarter=1, state="submitted", submitted_at=at(1, 4))
    response = home(client, admin_user_)
    waiting = [q.plan.institution.short_name for q in response.context["reviewer"].waiting]
    assert waiting == ["FJ", "ZZ", "AA", "AA"]
    assert response.context["reporter"] is None


# --- the header ----------------------------------------------------------------------------


def test_the_header_counts_what_waits_for_the_user_on_every_page(client, scenario, alice, carol,
                                                                 frozen):  # fmt: skip
    assert todo_counts(alice).total == 2  # Q2 ended as a draft, Q3 returned
    assert todo_counts(carol).total == 3  # three quarters to approve
    client.force_login(alice)
    plan_page = client.get(reverse("reporting:plan_detail", args=["TS", 2024])).content.decode()
    assert 'id="todo-count"' in plan_page
    assert '2<span class="todo-word"> venter på dig</span>' in plan_page
    assert home(client, alice).context["todo"].total == 2
    client.force_login(carol)
    assert '3<span class="todo-word"> venter på dig</span>' in client.get("/").content.decode()


def test_no_count_in_the_header_when_nothing_waits(client, plan, alice):
    client.force_login(alice)
    # Nothing of the plan's year has ended yet.
    with time_machine.travel(datetime.datetime(2024, 2, 1, tzinfo=datetime.UTC), tick=False):
        assert 'id="todo-count"' not in client.get("/").content.decode()
        assert todo_counts(alice).total == 0


# --- query counts --------------------------------------------------------------------------


def count_queries(action):
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def _ministry(short_name, institutions, years):
    return generate_ministry(
        name=f"Ministeriet {short_name}", short_name=short_name,
        institutions=numbered_institutions(institutions, prefix=short_name),
        years=years, goals=3, requirements=2, seed=4, last_quarter=3,
    )  # fmt: skip


@pytest.mark.django_db
def test_the_reporters_home_page_costs_the_same_for_3_and_30_plans(client):
    small = _ministry("S", 1, list(range(2022, 2025)))
    large = _ministry("L", 1, list(range(1995, 2025)))
    counts = []
    for ministry in (small, large):
        user = member(f"rep-{ministry.short_name}", "reporter",
                      institution=ministry.institutions.get())  # fmt: skip
        assert Plan.objects.filter(institution__memberships__user=user).count() in (3, 30)
        client.force_login(user)
        with time_machine.travel(datetime.datetime(2025, 2, 1, tzinfo=datetime.UTC), tick=False):
            counts.append(count_queries(lambda: client.get("/")))
            assert reporter_todo(user).count > 0
            counts.append(count_queries(lambda u=user: todo_counts(u)))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    assert counts[1] <= 3


@pytest.mark.django_db
def test_the_reviewers_home_page_costs_the_same_for_3_and_30_institutions(client):
    counts = []
    for ministry in (_ministry("S", 3, [2023, 2024]), _ministry("L", 30, [2023, 2024])):
        user = member(f"rev-{ministry.short_name}", "reviewer", ministry=ministry)
        client.force_login(user)
        with time_machine.travel(datetime.datetime(2025, 2, 1, tzinfo=datetime.UTC), tick=False):
            counts.append(count_queries(lambda: client.get("/")))
            todo_list = reviewer_todo(user)
            assert todo_list.waiting and todo_list.overdue
            counts.append(count_queries(lambda u=user: todo_counts(u)))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    assert counts[1] <= 2


def test_the_dates_are_the_ones_frozen(frozen):
    # The scenario's days left above rest on this.
    assert timezone.localdate() == datetime.date(2024, 10, 20)


# --- one rule with the quarter page ------------------------------------------------------


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_the_home_page_counts_what_the_quarter_page_lists(fig, rita, quarter):
    """The tests' own plan has a survey due in Q3 only, a requirement in two parts and a
    goal due by one requirement: the home page finds the same due items as the quarter page."""
    from goals.selectors import build_quarter

    report = QuarterReport.objects.create(plan=fig, quarter=quarter, state=ReportState.DRAFT)
    goal_rows = build_quarter(fig, quarter).rows
    # Fill in every other requirement (or part) and give the first goal a status.
    leaves = [leaf for row in goal_rows for r in row.requirements for leaf in (r.parts or [r])]
    for index, leaf in enumerate(leaves[::2]):
        StatusEntry.objects.create(report=report, goal=leaf.requirement.goal,
                                   requirement=leaf.requirement, result_value=index,
                                   result_text="Tekst")  # fmt: skip
    StatusEntry.objects.create(report=report, goal=goal_rows[0].goal, status="green")

    page = build_quarter(fig, quarter)
    with time_machine.travel(datetime.datetime(2025, 11, 1, tzinfo=datetime.UTC), tick=False):
        [row] = reporter_todo(rita).plans
    found = {q.quarter: q.progress for q in row.quarters}[quarter]
    # The quarter page's "12 af 21 krav udfyldt" and the home page's count are the same.
    assert (found.requirements_filled, found.requirements) == (page.filled, page.due)
    assert found.goals == len(page.rows)
    assert found.goals_with_status == sum(1 for r in page.rows if r.entry and r.entry.status)
    assert 0 < found.requirements_filled < found.requirements


def test_a_member_with_nothing_waiting_is_told_so_and_someone_without_a_role_to_ask(
    client, institution, plan
):
    """A planner whose plan is agreed has nothing to do on the home page, but has access; a
    user without any role has none."""
    from django.contrib.auth import get_user_model

    from tests.conftest import member

    client.force_login(member("planner-idle", Membership.Role.PLANNER, institution=institution))
    html = client.get("/").content.decode()
    assert "Intet venter på dig lige nu." in html
    assert reverse("goals:plans") in html
    assert "ikke adgang" not in html
    client.force_login(get_user_model().objects.create_user("nobody"))
    html = client.get("/").content.decode()
    assert "Du har ikke adgang til nogen planer endnu." in html
    assert "Intet venter på dig" not in html
