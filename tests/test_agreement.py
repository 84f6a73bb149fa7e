"""The plan as an agreement: its steps per role, refusals in the wrong state, locks, what a
draft's follow-up does (nothing), comments, e-mail, and the agreement page's size."""

import datetime

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from goals import notifications, planning
from goals.agreement import agreement_page, plans_waiting
from goals.models import (
    Goal,
    Membership,
    PlanComment,
    PlanEvent,
    PlanPart,
    PlanState,
    QuarterReport,
    Signatory,
    StatusEntry,
)
from goals.permissions import Rights
from goals.selectors import reporter_todo, reviewer_todo
from tests.conftest import member
from tests.test_races import at_once, on_postgresql, poster, reviewers

PEOPLE = ["anonymous", "pia", "alice", "bob", "carol", "dave", "admin_user_"]


def url(name, plan, **extra):
    return reverse(name, kwargs={"institution": "TS", "year": plan.year, **extra})


@pytest.fixture
def pia(institution):
    """A planner of the plan's institution."""
    return member("pia", Membership.Role.PLANNER, institution=institution)


@pytest.fixture
def people(pia, alice, bob, carol, dave, admin_user_):
    for user in (pia, alice, bob, carol, dave):
        user.email = f"{user.username}@example.invalid"
        user.first_name = user.username.title()
        user.save()
    return {
        "pia": pia,
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "dave": dave,
        "admin_user_": admin_user_,
    }


@pytest.fixture
def draft(plan, goal):
    plan.state = PlanState.DRAFT
    plan.deadline_days = 14
    plan.save()
    Signatory.objects.create(plan=plan, order=1, name="Dorte Dir", title="Direktør")
    Signatory.objects.create(plan=plan, order=2, name="Per Perm", title="Departementschef")
    return plan


def proposed(plan, user):
    planning.propose(plan=plan, user=user)
    plan.refresh_from_db()
    return plan


def post_as(client, people, person, address, data=None):
    client.logout()
    if person != "anonymous":
        client.force_login(people[person])
    return client.post(address, data or {})


# --- each step, by each person ---------------------------------------------------------------


@pytest.mark.parametrize(
    "person, status, state",
    [
        ("anonymous", 302, PlanState.DRAFT),
        ("pia", 302, PlanState.PROPOSED),
        ("alice", 403, PlanState.DRAFT),
        ("bob", 404, PlanState.DRAFT),
        ("carol", 302, PlanState.PROPOSED),
        ("dave", 404, PlanState.DRAFT),
        ("admin_user_", 302, PlanState.PROPOSED),
    ],
)
def test_who_may_put_a_draft_forward(client, draft, people, person, status, state):
    response = post_as(
        client, people, person, url("goals:propose", draft), {"propose-seen": "draft"}
    )
    assert response.status_code == status
    draft.refresh_from_db()
    assert draft.state == state


@pytest.mark.parametrize(
    "person, status, state",
    [
        ("anonymous", 302, PlanState.PROPOSED),
        ("pia", 403, PlanState.PROPOSED),
        ("alice", 403, PlanState.PROPOSED),
        ("bob", 404, PlanState.PROPOSED),
        ("carol", 302, PlanState.DRAFT),
        ("dave", 404, PlanState.PROPOSED),
        ("admin_user_", 302, PlanState.DRAFT),
    ],
)
def test_who_may_send_a_plan_back(client, draft, people, person, status, state):
    proposed(draft, people["pia"])
    response = post_as(
        client,
        people,
        person,
        url("goals:send_back", draft),
        {"send_back-seen": "proposed", "send_back-comment": "Mål 1.1 skal skærpes."},
    )
    assert response.status_code == status
    draft.refresh_from_db()
    assert draft.state == state


@pytest.mark.parametrize(
    "person, status, agreed",
    [
        ("anonymous", 302, False),
        ("pia", 403, False),
        ("alice", 403, False),
        ("bob", 404, False),
        ("carol", 302, True),
        ("dave", 404, False),
        ("admin_user_", 302, True),
    ],
)
def test_who_may_agree_a_plan(client, draft, people, person, status, agreed):
    proposed(draft, people["pia"])
    response = post_as(
        client, people, person, url("goals:agree", draft), {"agree-seen": "proposed"}
    )
    assert response.status_code == status
    draft.refresh_from_db()
    assert draft.is_agreed is agreed
    assert (draft.agreed_at is not None) is agreed


@pytest.mark.parametrize(
    "person, status",
    [
        ("anonymous", 302),
        ("pia", 302),
        ("alice", 403),
        ("bob", 404),
        ("carol", 302),
        ("dave", 404),
        ("admin_user_", 302),
    ],
)
def test_who_may_comment(client, draft, goal, people, person, status):
    response = post_as(
        client,
        people,
        person,
        url("goals:comment", draft),
        {"comment-text": f"Kommentar fra {person}", "comment-goal": goal.pk},
    )
    assert response.status_code == status
    written = person in ("pia", "carol", "admin_user_")
    assert PlanComment.objects.filter(text=f"Kommentar fra {person}").exists() is written


@pytest.mark.parametrize(
    "person, get",
    [
        ("anonymous", 302),
        ("pia", 200),
        ("alice", 200),
        ("bob", 404),
        ("carol", 200),
        ("dave", 404),
        ("admin_user_", 200),
    ],
)
def test_who_sees_the_agreement_page(client, draft, people, person, get):
    client.logout()
    if person != "anonymous":
        client.force_login(people[person])
    response = client.get(url("goals:agreement", draft))
    assert response.status_code == get
    if get == 200:
        page = response.content.decode()
        assert "Udkast" in page
        # Only those who may take the step are offered it.
        assert ('id="propose-form"' in page) is (person in ("pia", "carol", "admin_user_"))
        assert ('id="agree-form"' in page) is (person in ("carol", "admin_user_"))


def test_a_ministry_administrator_has_no_right_on_the_plan(client, draft, ministry):
    admin = member("mia", Membership.Role.ADMIN, ministry=ministry)
    client.force_login(admin)
    assert client.post(url("goals:propose", draft), {"propose-seen": "draft"}).status_code == 404


# --- the wrong state, two clicks, a page out of date -------------------------------------------


def test_a_plan_already_put_forward_is_not_put_forward_again(client, draft, people):
    client.force_login(people["pia"])
    first = client.post(url("goals:propose", draft), {"propose-seen": "draft"})
    second = client.post(url("goals:propose", draft), {"propose-seen": "draft"})
    assert first.status_code == 302
    assert second.status_code == 200
    assert "Planen er ændret, siden du åbnede siden: den er nu til godkendelse" in (
        second.content.decode()
    )
    assert PlanEvent.objects.filter(plan=draft, kind="proposed").count() == 1


def test_two_clicks_on_agree_agree_once(client, draft, people):
    proposed(draft, people["pia"])
    client.force_login(people["carol"])
    client.post(url("goals:agree", draft), {"agree-seen": "proposed"})
    second = client.post(url("goals:agree", draft), {"agree-seen": "proposed"})
    assert "Intet er gjort" in second.content.decode()
    assert PlanEvent.objects.filter(plan=draft, kind="agreed").count() == 1


def test_agree_and_send_back_cannot_both_win(draft, people):
    proposed(draft, people["pia"])
    planning.agree(plan=draft, user=people["carol"])
    with pytest.raises(planning.PlanningError):
        planning.send_back(plan=draft, user=people["admin_user_"], comment="Nej")
    draft.refresh_from_db()
    assert draft.state == PlanState.AGREED


def test_wrong_state_refusals(draft, people):
    carol = people["carol"]
    with pytest.raises(planning.PlanningError, match="sendt til godkendelse"):
        planning.send_back(plan=draft, user=carol, comment="Nej", seen=None)
    planning.agree(plan=draft, user=carol, seen=PlanState.DRAFT)
    with pytest.raises(planning.PlanningError, match="allerede aftalt"):
        planning.agree(plan=draft, user=carol, seen=None)
    with pytest.raises(planning.PlanningError, match="Kun et udkast"):
        planning.propose(plan=draft, user=carol, seen=None)


def test_the_department_may_agree_a_draft_directly(draft, people):
    planning.agree(plan=draft, user=people["carol"], seen=PlanState.DRAFT)
    draft.refresh_from_db()
    assert draft.is_agreed


def test_send_back_needs_a_comment_and_keeps_the_rest(client, draft, people):
    proposed(draft, people["pia"])
    client.force_login(people["carol"])
    response = client.post(url("goals:send_back", draft), {"send_back-seen": "proposed"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Skriv, hvorfor planen sendes tilbage." in page
    draft.refresh_from_db()
    assert draft.state == PlanState.PROPOSED


def test_signatory_dates_are_set_blank_ones_to_today(client, draft, people):
    proposed(draft, people["pia"])
    first, second = draft.signatories.order_by("order")
    client.force_login(people["carol"])
    client.post(
        url("goals:agree", draft),
        {"agree-seen": "proposed", f"agree-date_{first.pk}": "2024-12-15"},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.date == datetime.date(2024, 12, 15)
    assert second.date == timezone.localdate()


def test_a_bad_signatory_date_is_refused_on_its_field(client, draft, people):
    proposed(draft, people["pia"])
    first = draft.signatories.order_by("order").first()
    client.force_login(people["carol"])
    response = client.post(
        url("goals:agree", draft),
        {"agree-seen": "proposed", f"agree-date_{first.pk}": "den femtende"},
    )
    assert response.status_code == 200
    assert "den femtende" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == PlanState.PROPOSED


# --- locks: what the editor may record ---------------------------------------------------------


def record(plan, user, goal):
    return planning.record_changes(
        plan=plan,
        user=user,
        part=PlanPart.GOAL,
        instance=goal,
        name=f"Mål {goal.number}",
        before={"title": "Et mål"},
        after={"title": "Et bedre mål"},
        labels={"title": "Titel"},
    )


def test_a_draft_is_edited_without_a_record(draft, goal, people):
    assert record(draft, people["pia"], goal) == []


def test_a_plan_put_forward_is_locked(draft, goal, people):
    proposed(draft, people["pia"])
    with pytest.raises(planning.PlanningError, match="sendt til godkendelse"):
        record(draft, people["carol"], goal)
    assert planning.edit_mode(draft, Rights(plan=True)) is None


def test_an_agreed_plan_is_changed_only_in_an_amendment(draft, goal, people):
    planning.agree(plan=draft, user=people["carol"], seen=PlanState.DRAFT)
    with pytest.raises(planning.PlanningError, match="Begynd en planændring"):
        record(draft, people["pia"], goal)
    assert planning.edit_mode(draft, Rights(plan=True)) is None
    planning.start_amendment(plan=draft, user=people["pia"], reason="Ny lov")
    assert planning.edit_mode(draft, Rights(plan=True)) == planning.AMENDING
    assert len(record(draft, people["pia"], goal)) == 1


def test_a_goal_with_reports_cannot_be_deleted(plan, goal, threshold, alice):
    planning.ensure_deletable(goal)
    planning.ensure_deletable(threshold)
    report = QuarterReport.objects.create(plan=plan, quarter=1)
    StatusEntry.objects.create(report=report, goal=goal, requirement=threshold, status="green")
    with pytest.raises(planning.PlanningError, match="har indberetninger"):
        planning.ensure_deletable(goal)
    with pytest.raises(planning.PlanningError, match="har indberetninger"):
        planning.ensure_deletable(threshold)
    with pytest.raises(planning.PlanningError):
        planning.ensure_deletable(plan)


# --- follow-up waits for agreement --------------------------------------------------------------


def test_the_quarter_page_of_a_draft_says_follow_up_opens_once_agreed(client, draft, people):
    client.force_login(people["alice"])
    response = client.get(reverse("goals:quarter", args=["TS", 2024, 1]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Opfølgningen åbner, når planen er aftalt." in page
    assert "<textarea" not in page
    # Entering anything is refused.
    post = client.post(reverse("goals:quarter", args=["TS", 2024, 1]), {"action": "save"})
    assert post.status_code == 403
    assert not QuarterReport.objects.filter(plan=draft).exists()


def test_the_plan_page_of_a_draft_shows_its_state_and_links_the_agreement(client, draft, people):
    client.force_login(people["alice"])
    page = client.get(reverse("reporting:plan_detail", args=["TS", 2024])).content.decode()
    assert 'id="follow-up-not-open"' in page
    assert "Udkast" in page and url("goals:agreement", draft) in page


def test_the_year_end_of_a_draft_waits_for_agreement(client, draft, goal, people):
    from goals.models import GoalVerdict

    client.force_login(people["carol"])
    address = reverse("goals:year_end", args=["TS", 2024])
    assert "Opfølgningen åbner, når planen er aftalt." in client.get(address).content.decode()
    client.post(address, {"version": "0", f"verdict_{goal.pk}": "met"})
    assert not GoalVerdict.objects.exists()


def test_no_reminder_or_to_do_for_a_drafts_quarters(draft, people):
    late = datetime.date(2025, 1, 10)  # every quarter of 2024 ended, Q4's deadline near
    assert notifications.due_reminders(late) == []
    assert reporter_todo(people["alice"], today=late).count == 0
    assert reviewer_todo(people["carol"], today=datetime.date(2025, 3, 1)).overdue_count == 0
    # Once agreed, the same plan's quarters are due.
    planning.agree(plan=draft, user=people["carol"], seen=PlanState.DRAFT)
    assert notifications.due_reminders(late) != []
    assert reporter_todo(people["alice"], today=late).count > 0
    assert reviewer_todo(people["carol"], today=datetime.date(2025, 3, 1)).overdue_count > 0


def test_the_attention_page_has_no_overdue_quarter_of_a_draft(draft, people):
    from reporting.selectors import attention_reports

    late = datetime.date(2025, 3, 1)
    assert attention_reports(draft.ministry, 2024, today=late) == []
    planning.agree(plan=draft, user=people["carol"], seen=PlanState.DRAFT)
    assert attention_reports(draft.ministry, 2024, today=late) != []


def test_the_overview_lists_a_draft_apart_without_counts(client, draft, people):
    client.force_login(people["carol"])
    page = client.get(reverse("reporting:overview", args=["TM"]), {"aar": 2024}).content.decode()
    assert 'id="not-agreed"' in page
    assert "Planer, der endnu ikke er aftalt" in page
    assert "overview-caption" not in page  # no table of counts: the only plan is a draft


# --- e-mail and the home page -------------------------------------------------------------------


def test_each_step_tells_the_side_that_acts_next(draft, people):
    pia, carol = people["pia"], people["carol"]
    mail.outbox.clear()
    proposed(draft, pia)
    notifications.deliver()
    assert [m.to for m in mail.outbox] == [["carol@example.invalid"]]
    assert "sendt til godkendelse" in mail.outbox[0].subject
    assert reverse("goals:agreement", args=["TS", 2024]) in mail.outbox[0].body

    mail.outbox.clear()
    planning.send_back(plan=draft, user=carol, comment="Mål 1.1 skal skærpes.")
    notifications.deliver()
    assert [m.to for m in mail.outbox] == [["pia@example.invalid"]]
    assert "Mål 1.1 skal skærpes." in mail.outbox[0].body

    mail.outbox.clear()
    proposed(draft, pia)
    planning.agree(plan=draft, user=carol)
    notifications.deliver()
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("carol@example.invalid", "TS 2024: planen er sendt til godkendelse"),
        ("pia@example.invalid", "TS 2024: planen er aftalt"),
    ]
    # Neither bob (another institution) nor dave (another ministry) hears of it, nor alice,
    # who reports but does not plan.
    assert not any(
        m.to[0] in ("bob@example.invalid", "dave@example.invalid", "alice@example.invalid")
        for m in mail.outbox
    )


def test_the_home_page_lists_plans_waiting(client, draft, people):
    client.force_login(people["pia"])
    page = client.get(reverse("goals:home")).content.decode()
    assert "Planer, der venter på jer" in page and "plan-waiting-draft" in page
    proposed(draft, people["pia"])
    client.force_login(people["carol"])
    page = client.get(reverse("goals:home")).content.decode()
    assert "plan-waiting-proposed" in page
    assert plans_waiting(people["dave"]).count == 0
    assert plans_waiting(people["alice"]).count == 0


# --- comments -----------------------------------------------------------------------------------


def test_comments_say_which_side_wrote_them(client, draft, goal, people):
    for person in ("pia", "carol"):
        client.force_login(people[person])
        client.post(
            url("goals:comment", draft),
            {"comment-text": f"Fra {person}", "comment-goal": goal.pk},
        )
    client.force_login(people["pia"])
    client.post(url("goals:comment", draft), {"comment-text": "Om planen"})
    by = dict(PlanComment.objects.values_list("text", "by_department"))
    assert by == {"Fra pia": False, "Fra carol": True, "Om planen": False}
    page = client.get(url("goals:agreement", draft)).content.decode()
    assert page.index("Fra pia") < page.index("Fra carol")
    assert "Om planen" in page


def test_an_empty_comment_is_refused_where_it_was_typed(client, draft, goal, people):
    client.force_login(people["pia"])
    response = client.post(
        url("goals:comment", draft), {"comment-text": "   ", "comment-goal": goal.pk}
    )
    assert response.status_code == 200
    assert "Skriv en kommentar." in response.content.decode()
    assert not PlanComment.objects.exists()


def test_a_comment_on_another_plans_goal_is_not_found(client, draft, people, fig):
    other_goal = Goal.objects.filter(plan=fig).first()
    client.force_login(people["carol"])
    response = client.post(
        url("goals:comment", draft), {"comment-text": "Hej", "comment-goal": other_goal.pk}
    )
    assert response.status_code == 404


def test_an_agreed_plan_takes_no_more_comments(client, draft, goal, people):
    planning.agree(plan=draft, user=people["carol"], seen=PlanState.DRAFT)
    client.force_login(people["pia"])
    response = client.post(url("goals:comment", draft), {"comment-text": "For sent"})
    assert "Planen er aftalt" in response.content.decode()
    assert not PlanComment.objects.exists()


def test_a_comment_returns_to_the_page_it_was_written_on(client, draft, goal, people):
    client.force_login(people["pia"])
    response = client.post(
        url("goals:comment", draft),
        {"comment-text": "Hej", "comment-goal": goal.pk, "next": "/planer/TS/2024/rediger/"},
    )
    assert response["Location"] == f"/planer/TS/2024/rediger/#goal-comments-{goal.pk}"
    response = client.post(
        url("goals:comment", draft),
        {"comment-text": "Hej", "next": "https://evil.example/"},
    )
    assert response["Location"].startswith(url("goals:agreement", draft))


def test_markup_in_a_comment_is_inert(client, draft, goal, people):
    client.force_login(people["pia"])
    client.post(
        url("goals:comment", draft),
        {"comment-text": "<script>alert(1)</script>", "comment-goal": goal.pk},
    )
    page = client.get(url("goals:agreement", draft)).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


# --- the editor's includes ----------------------------------------------------------------------


def test_the_editor_bar_offers_the_step_the_state_allows(draft, people):
    request = RequestFactory().get("/planer/TS/2024/rediger/")
    request.user = people["pia"]

    def bar(rights):
        amendment = planning.open_amendment(draft)
        return render_to_string(
            "goals/agreement/_editor_bar.html",
            {
                "plan": draft,
                "rights": rights,
                "amendment": amendment,
                "mode": planning.edit_mode(draft, rights, amendment),
            },
            request=request,
        )

    planner = Rights(plan=True)
    assert "Send til godkendelse" in bar(planner)
    proposed(draft, people["pia"])
    assert "Send til godkendelse" not in bar(planner)
    assert "Aftal eller send tilbage" in bar(Rights(plan=True, agree=True))
    planning.agree(plan=draft, user=people["carol"])
    assert "Begynd en planændring" in bar(planner)
    planning.start_amendment(plan=draft, user=people["pia"], reason="Ny lov")
    page = bar(planner)
    assert "Afslut ændringen" in page and "Ny lov" in page
    assert "Begynd en planændring" not in bar(Rights())


def test_the_goal_comments_include_lists_and_offers_a_form(draft, goal, people):
    planning.add_comment(
        plan=draft, user=people["carol"], text="Skærp", by_department=True, goal=goal
    )
    request = RequestFactory().get("/planer/TS/2024/rediger/")
    request.user = people["pia"]
    page = agreement_page(draft)
    html = render_to_string(
        "goals/agreement/_goal_comments.html",
        {
            "goal": goal,
            "comments_by_goal": page.comments_by_goal,
            "plan": draft,
            "rights": Rights(plan=True),
        },
        request=request,
    )
    assert "Skærp" in html and "Departementet" in html
    assert 'name="next" value="/planer/TS/2024/rediger/"' in html


# --- the page's size ----------------------------------------------------------------------------


def _add_goals(plan, section, people, numbers):
    for number in numbers:
        made = Goal.objects.create(
            plan=plan, section=section, number=f"9.{number}", title=f"Mål {number}", order=number
        )
        planning.add_comment(
            plan=plan, user=people["pia"], text=f"Om {number}", by_department=False, goal=made
        )


def test_the_agreement_page_does_not_grow_with_the_goals(
    client, draft, section, people, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    planning.add_comment(plan=draft, user=people["carol"], text="Om planen", by_department=True)
    client.force_login(people["carol"])
    counts = {}
    for size, numbers in ((3, range(2)), (12, range(2, 11))):
        _add_goals(draft, section, people, numbers)
        assert draft.goals.count() == size
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("goals:agreement", draft))
        assert response.status_code == 200
        assert response.content.decode().count('class="d-block pre-line comment-text"') == size
        counts[size] = len(captured)
    assert counts[3] == counts[12]
    with django_assert_max_num_queries(16):
        client.get(url("goals:agreement", draft))


# --- real races, on PostgreSQL ------------------------------------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_agreeing_and_sending_back_at_once_cannot_both_win(draft, ministry, pia):
    planning.propose(plan=draft, user=pia)
    people = reviewers(ministry, 8)
    jobs = [
        poster(person, url("goals:agree", draft), {"agree-seen": "proposed"})
        if i % 2
        else poster(
            person,
            url("goals:send_back", draft),
            {"send_back-seen": "proposed", "send_back-comment": f"Nej {i}"},
        )
        for i, person in enumerate(people)
    ]
    results = at_once(jobs)
    codes = [code for code, _html in results]
    assert codes.count(302) == 1, codes
    refused = [html for code, html in results if code != 302]
    assert all("Planen er ændret, siden du åbnede siden" in html for html in refused)
    steps = list(PlanEvent.objects.filter(plan=draft).exclude(kind="proposed"))
    assert len(steps) == 1
    draft.refresh_from_db()
    assert draft.state == (PlanState.AGREED if steps[0].kind == "agreed" else PlanState.DRAFT)
