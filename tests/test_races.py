"""Concurrent and stale writes by reviewers: refused with what changed, never lost.

The year-end page and the quarter's approve, return and reopen carry the version the
reviewer's page showed. A write from an older version is refused and says what changed
since; of several writes from the same version exactly one goes through.

The tests named `*_at_once` run real threads, each with its own test client and database
connection, released together by a barrier. They need PostgreSQL, whose row locks they
exercise; CI runs the suite once on PostgreSQL, where they run. On SQLite they are skipped:
its test database lives in memory in shared-cache mode, where a second writer gets "table is
locked" at once instead of waiting, so a thread race there would test SQLite's cache, not
the application. Every single-threaded test here runs on both databases.
"""

import re
import threading
from html import unescape

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from goals import services
from goals.limits import REPORT_TEXT
from goals.models import (
    Fulfilment,
    GoalVerdict,
    HistoryRecord,
    Membership,
    QuarterReport,
    ReportState,
    RequirementVerdict,
    StatusEntry,
)
from tests.conftest import member
from tests.helpers import quarter_data, quarter_url

THREADS = 8
JOIN_SECONDS = 60

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="thread races need PostgreSQL (SQLite's in-memory test database fails a second "
    "writer at once); CI's PostgreSQL run runs them",
)


def year_end_url(plan):
    return reverse("goals:year_end", args=[plan.institution.short_name, plan.year])


def hidden_version(html, action=None):
    """The version a page's form carries: the year-end or quarter form's, or the review
    form posting to `action`."""
    if action:
        html = html[html.index(f'action="{action}"') :]
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


def verdict_data(goal, requirement, version, reason, verdict=Fulfilment.NOT_MET):
    """The year-end page's POST: the requirement met, the goal overridden with a reason."""
    return {
        "version": str(version),
        f"met_{requirement.pk}": "yes",
        f"verdict_{goal.pk}": verdict,
        f"reason_{goal.pk}": reason,
    }


def reviewers(ministry, count):
    return [
        member(f"reviewer{i}", Membership.Role.REVIEWER, ministry=ministry) for i in range(count)
    ]


def at_once(jobs):
    """Run each job (a function of no arguments) in its own thread, all released together;
    the jobs' results in order. Each thread closes its database connection when done."""
    barrier = threading.Barrier(len(jobs), timeout=JOIN_SECONDS)
    results, errors = [None] * len(jobs), []

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish in time"
    assert errors == []
    return results


def poster(user, url, data):
    client = Client()
    client.force_login(user)

    def post():
        response = client.post(url, data)
        return response.status_code, response.content.decode()

    return post


def year_end_history(plan):
    return list(
        HistoryRecord.objects.filter(plan=plan, subject__in=services.YEAR_END_SUBJECTS).order_by(
            "id"
        )
    )


# The year end, one reviewer after another


def test_the_year_end_page_carries_its_version(client, plan, goal, requirement, carol):
    client.force_login(carol)
    assert hidden_version(client.get(year_end_url(plan)).content.decode()) == 0
    client.post(year_end_url(plan), verdict_data(goal, requirement, 0, "Forsinket af IT"))
    version = hidden_version(client.get(year_end_url(plan)).content.decode())
    assert version == services.year_end_version(plan) == year_end_history(plan)[-1].pk


def test_a_year_end_save_from_an_older_page_is_refused_with_what_changed(
    client, plan, goal, requirement, carol, ministry
):
    (other,) = reviewers(ministry, 1)
    other.first_name, other.last_name = "Ole", "Olsen"
    other.save()
    client.force_login(carol)
    opened = hidden_version(client.get(year_end_url(plan)).content.decode())

    # Ole saves first from the same page version.
    first = Client()
    first.force_login(other)
    ole_data = verdict_data(goal, requirement, opened, "Oles begrundelse")
    assert first.post(year_end_url(plan), ole_data).status_code == 302
    kept = year_end_history(plan)

    # Carol's save from her older page is refused; her input stays on the page.
    mine = verdict_data(goal, requirement, opened, "Carols begrundelse", Fulfilment.PARTLY_MET)
    response = client.post(year_end_url(plan), mine)
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert 'id="conflict"' in html
    conflict = html[html.index('id="conflict"') : html.index("</div>", html.index('id="conflict"'))]
    assert "Ole Olsen" in conflict and "Oles begrundelse" in conflict  # who, and the after
    assert "Ikke opfyldt" in conflict  # the verdict Ole gave
    assert "Carols begrundelse" in html  # her text, still in the form
    assert re.search(r'value="partly_met"\s+selected', html)
    verdict = GoalVerdict.objects.get(goal=goal)
    assert (verdict.verdict, verdict.reason) == (Fulfilment.NOT_MET, "Oles begrundelse")
    assert year_end_history(plan) == kept  # nothing of Carol's recorded

    # Having seen Ole's change, she saves again from the page she got: now it goes through.
    again = hidden_version(html)
    assert again == services.year_end_version(plan) != opened
    assert client.post(year_end_url(plan), {**mine, "version": str(again)}).status_code == 302
    verdict.refresh_from_db()
    assert (verdict.verdict, verdict.reason) == (Fulfilment.PARTLY_MET, "Carols begrundelse")
    reasons = [(r.before, r.after) for r in year_end_history(plan) if r.field == "reason"]
    assert reasons == [("", "Oles begrundelse"), ("Oles begrundelse", "Carols begrundelse")]


def test_a_year_end_save_of_nothing_new_from_an_older_page_is_refused_too(
    client, plan, goal, requirement, carol
):
    client.force_login(carol)
    data = verdict_data(goal, requirement, 0, "Samme tekst")
    assert client.post(year_end_url(plan), data).status_code == 302
    response = client.post(year_end_url(plan), data)  # the same page, posted twice
    assert response.status_code == 200 and 'id="conflict"' in response.content.decode()
    assert len(year_end_history(plan)) == 4  # met, and the goal's rule, verdict and reason


def test_a_refused_form_keeps_the_version_it_was_built_from(
    client, plan, goal, requirement, carol, ministry
):
    """Fixing a field after someone else saved must not overwrite them unseen."""
    (other,) = reviewers(ministry, 1)
    client.force_login(carol)
    stale = {**verdict_data(goal, requirement, 0, ""), f"verdict_{goal.pk}": Fulfilment.NOT_MET}
    first = Client()
    first.force_login(other)
    ole = verdict_data(goal, requirement, 0, "Ole")
    assert first.post(year_end_url(plan), ole).status_code == 302
    response = client.post(year_end_url(plan), stale)  # an override without a reason
    html = response.content.decode()
    assert response.status_code == 200 and 'id="conflict"' not in html
    assert hidden_version(html) == 0  # not Ole's: her next save is checked against his
    fixed = {**stale, f"reason_{goal.pk}": "Carol"}
    response = client.post(year_end_url(plan), fixed)
    assert response.status_code == 200 and 'id="conflict"' in response.content.decode()
    assert GoalVerdict.objects.get(goal=goal).reason == "Ole"


# Approve, return and reopen, one reviewer after another


def submitted(plan, goal, alice, text="Første udgave"):
    rows = [services.Row(goal=goal, values={"status": "green", "result_text": text})]
    report = QuarterReport.objects.filter(plan=plan, quarter=1).first()
    report, _changed = services.save_quarter(
        plan=plan,
        quarter=1,
        user=alice,
        rows=rows,
        version=report.version if report else 0,
        submit=True,
    )
    return report


def review_url(plan, action):
    return reverse(f"goals:{action}", args=[plan.institution.short_name, plan.year, 1])


def test_the_review_buttons_carry_the_version_of_the_quarter_shown(
    client, plan, goal, alice, carol
):
    report = submitted(plan, goal, alice)
    client.force_login(carol)
    html = client.get(quarter_url(plan, 1)).content.decode()
    for action in ("approve", "return"):
        assert hidden_version(html, review_url(plan, action)) == report.version
    shown = report.version
    services.approve_quarter(report=report, user=carol, version=shown)
    html = client.get(quarter_url(plan, 1)).content.decode()
    assert hidden_version(html, review_url(plan, "reopen")) == shown + 1


def test_an_approve_from_a_tab_opened_before_a_return_and_resubmit_is_refused(
    client, plan, goal, alice, carol
):
    report = submitted(plan, goal, alice)
    client.force_login(carol)
    tab = hidden_version(
        client.get(quarter_url(plan, 1)).content.decode(), review_url(plan, "approve")
    )

    # Meanwhile: returned (in another tab), changed and submitted again by the institution.
    services.return_quarter(report=report, user=carol, comment="Uddyb", version=tab)
    submitted(plan, goal, alice, text="Anden udgave")
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.version == tab + 3

    response = client.post(review_url(plan, "approve"), {"version": str(tab)})
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Kvartalet er ændret, siden du åbnede det" in html
    assert "Anden udgave" in html  # the page shows the quarter as it is now
    changes = html[html.index('id="review-refused"') :]
    assert "Første udgave" in changes and "Anden udgave" in changes  # before and after
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED  # not approved
    assert not HistoryRecord.objects.filter(report=report, after=ReportState.APPROVED).exists()
    # The page offers the approve again, now of what it shows.
    assert hidden_version(html, review_url(plan, "approve")) == report.version
    assert (
        client.post(review_url(plan, "approve"), {"version": str(report.version)}).status_code
        == 302
    )
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED


def test_a_refused_return_keeps_the_comment_typed(client, plan, goal, alice, carol):
    report = submitted(plan, goal, alice)
    tab = report.version
    services.approve_quarter(report=report, user=carol, version=tab)  # in another tab
    client.force_login(carol)
    comment = "Tallet for 1.1 mangler <b>kilden</b>"
    response = client.post(review_url(plan, "return"), {"version": str(tab), "comment": comment})
    html = response.content.decode()
    assert response.status_code == 200
    report.refresh_from_db()
    assert (report.state, report.review_comment) == (ReportState.APPROVED, "")
    # Approved now: the comment stands in the reopen form, escaped.
    reopen = html[html.index(f'action="{review_url(plan, "reopen")}"') :]
    assert "Tallet for 1.1 mangler &lt;b&gt;kilden&lt;/b&gt;</textarea>" in reopen


def test_a_return_comment_over_the_limit_is_refused_and_kept(client, plan, goal, alice, carol):
    report = submitted(plan, goal, alice)
    client.force_login(carol)
    comment = "Uddyb " + "x" * REPORT_TEXT
    response = client.post(
        review_url(plan, "return"), {"version": str(report.version), "comment": comment}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Højst 2.000 tegn" in html or "højst 2.000 tegn" in html
    returning = html[html.index(f'action="{review_url(plan, "return")}"') :]
    assert f"{comment}</textarea>" in returning
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_a_refused_reopen_keeps_the_comment_where_no_form_takes_it(
    client, plan, goal, alice, carol
):
    report = submitted(plan, goal, alice)
    services.approve_quarter(report=report, user=carol, version=report.version)
    tab = report.version
    services.reopen_quarter(report=report, user=carol, version=tab)  # in another tab
    client.force_login(carol)
    response = client.post(review_url(plan, "reopen"), {"version": str(tab), "comment": "Ret 1.1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ret 1.1" in html[html.index('id="unsent-comment"') :]
    report.refresh_from_db()
    assert report.version == tab + 1  # reopened once only


def test_a_review_without_a_version_does_nothing(client, plan, goal, alice, carol):
    report = submitted(plan, goal, alice)
    before = report.version
    client.force_login(carol)
    for action, data in (
        ("approve", {}),
        ("return", {"comment": "Ret"}),
        ("approve", {"version": "x"}),
    ):
        response = client.post(review_url(plan, action), data)
        assert response.status_code == 200
        assert "intet er gjort" in response.content.decode()
    report.refresh_from_db()
    assert (report.state, report.version) == (ReportState.SUBMITTED, before)


@pytest.mark.parametrize("action", ["approve", "return", "reopen"])
def test_the_services_refuse_an_older_version(plan, goal, alice, carol, action):
    report = submitted(plan, goal, alice)
    if action == "reopen":
        services.approve_quarter(report=report, user=carol)
    old = report.version - 1
    call = {
        "approve": lambda: services.approve_quarter(report=report, user=carol, version=old),
        "return": lambda: services.return_quarter(
            report=report, user=carol, comment="Ret", version=old
        ),
        "reopen": lambda: services.reopen_quarter(report=report, user=carol, version=old),
    }[action]
    before = report.version
    with pytest.raises(services.StaleReview) as refused:
        call()
    assert refused.value.changes  # what happened after the reviewer's version
    report.refresh_from_db()
    assert report.version == before


# Real races, on PostgreSQL


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_eight_first_year_end_saves_at_once_one_wins_the_rest_are_refused(
    plan, goal, requirement, ministry
):
    people = reviewers(ministry, THREADS)
    url = year_end_url(plan)
    jobs = [
        poster(person, url, verdict_data(goal, requirement, 0, f"Begrundelse {i}"))
        for i, person in enumerate(people)
    ]
    results = at_once(jobs)
    codes = [code for code, _html in results]
    assert all(code < 500 for code in codes), codes
    assert codes.count(302) == 1, codes
    winner = codes.index(302)
    for i, (code, html) in enumerate(results):
        if i != winner:
            assert code == 200 and 'id="conflict"' in html
            assert f"Begrundelse {i}" in unescape(html)  # the loser's input kept
    verdict = GoalVerdict.objects.get(goal=goal)
    assert verdict.reason == f"Begrundelse {winner}"
    assert verdict.decided_by == people[winner]
    assert RequirementVerdict.objects.get(requirement=requirement).met is True
    history = year_end_history(plan)
    # Every change made is recorded, all by the winner: met, rule, verdict and reason.
    assert {(r.field, r.after) for r in history} == {
        ("met", "True"),
        ("rule_verdict", Fulfilment.MET),
        ("verdict", Fulfilment.NOT_MET),
        ("reason", f"Begrundelse {winner}"),
    }
    assert {r.changed_by_id for r in history} == {people[winner].pk}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_eight_later_year_end_saves_at_once_lose_nothing(plan, goal, requirement, ministry):
    people = reviewers(ministry, THREADS)
    services.save_year_end(
        plan=plan,
        user=people[0],
        requirement_verdicts={requirement: (True, "")},
        goal_verdicts={goal: (Fulfilment.NOT_MET, "Første")},
    )
    version = services.year_end_version(plan)
    url = year_end_url(plan)
    results = at_once(
        [
            poster(person, url, verdict_data(goal, requirement, version, f"Ny {i}"))
            for i, person in enumerate(people)
        ]
    )
    codes = [code for code, _html in results]
    assert codes.count(302) == 1 and codes.count(200) == THREADS - 1, codes
    winner = codes.index(302)
    reasons = [(r.before, r.after) for r in year_end_history(plan) if r.field == "reason"]
    assert reasons == [("", "Første"), ("Første", f"Ny {winner}")]
    assert GoalVerdict.objects.get(goal=goal).reason == f"Ny {winner}"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_approves_and_returns_at_once_from_the_same_version_one_wins(plan, goal, alice, ministry):
    report = submitted(plan, goal, alice)
    people = reviewers(ministry, THREADS)
    version = str(report.version)
    jobs = [
        poster(person, review_url(plan, "approve"), {"version": version})
        if i % 2
        else poster(person, review_url(plan, "return"), {"version": version, "comment": f"Ret {i}"})
        for i, person in enumerate(people)
    ]
    codes = [code for code, _html in at_once(jobs)]
    assert codes.count(302) == 1 and codes.count(200) == THREADS - 1, codes
    winner = codes.index(302)
    report.refresh_from_db()
    assert report.version == int(version) + 1
    assert report.reviewed_by == people[winner]
    if winner % 2:
        assert (report.state, report.review_comment) == (ReportState.APPROVED, "")
    else:
        assert (report.state, report.review_comment) == (ReportState.RETURNED, f"Ret {winner}")
    states = HistoryRecord.objects.filter(report=report, field="state").order_by("id")
    assert [(r.before, r.after) for r in states] == [
        (ReportState.DRAFT, ReportState.SUBMITTED),
        (ReportState.SUBMITTED, report.state),
    ]
    assert StatusEntry.objects.get(report=report).result_text == "Første udgave"


def test_a_refused_quarter_form_keeps_the_version_it_was_built_from(
    client, plan, goal, alice, institution
):
    """The quarter page likewise: fixing a field after someone else saved is still checked
    against the version the reporter started from."""
    other = member("anne", Membership.Role.REPORTER, institution=institution)
    services.save_quarter(
        plan=plan,
        quarter=1,
        user=other,
        rows=[services.Row(goal=goal, values={"result_text": "Annes tekst"})],
        version=0,
    )
    client.force_login(alice)
    # Submitting red needs cause, consequence and action.
    red = quarter_data(button="submit", goals={goal: {"status": "red"}})
    response = client.post(quarter_url(plan, 1), red)
    assert response.status_code == 200
    assert 'id="form-errors"' in response.content.decode()
    assert hidden_version(response.content.decode()) == 0
