"""Withdrawing a submitted quarter: the service's states and checks, the view's rights, the
history and the notification it announces."""

import pytest
from django.urls import reverse

from goals import notifications, services
from goals.models import HistoryRecord, QuarterReport, ReportState
from tests.helpers import save_entries
from tests.test_races import at_once, on_postgresql, poster


@pytest.fixture
def announced(monkeypatch):
    """The events goals.notifications.announce was called with, in order."""
    events = []
    monkeypatch.setattr(
        notifications,
        "announce",
        lambda *, report, event, user: events.append((report.quarter, event, user.username)),
    )
    return events


@pytest.fixture
def submitted(plan, goal, alice):
    return save_entries(plan, 2, alice, {goal: {"status": "green"}}, submit=True)


def url(plan, name="withdraw"):
    return reverse(f"goals:{name}", args=[plan.institution.short_name, plan.year, 2])


def test_a_first_submission_goes_back_to_a_draft(plan, goal, alice, submitted, announced):
    version = submitted.version
    services.withdraw_quarter(report=submitted, user=alice, version=version)
    submitted.refresh_from_db()
    assert submitted.state == ReportState.DRAFT
    assert (submitted.submitted_at, submitted.submitted_by) == (None, None)
    assert submitted.version == version + 1
    assert announced == [(2, notifications.WITHDRAWN, "alice")]
    state = HistoryRecord.objects.get(report=submitted, field="state", after="draft")
    assert (state.subject, state.before, state.changed_by) == ("report", "submitted", alice)
    assert state.report_version == submitted.version
    # The draft is the reporter's again, with what was entered.
    assert submitted.is_editable and submitted.entries.get().status == "green"


def test_a_withdrawn_resubmission_goes_back_to_returned_with_the_comment(
    plan, goal, alice, carol, announced, submitted
):
    services.return_quarter(report=submitted, user=carol, comment="Uddyb")
    save_entries(plan, 2, alice, {goal: {"result_text": "Uddybet"}}, submit=True)
    report = QuarterReport.objects.get(plan=plan, quarter=2)
    services.withdraw_quarter(report=report, user=alice)
    report.refresh_from_db()
    assert (report.state, report.review_comment) == (ReportState.RETURNED, "Uddyb")
    assert announced[-1] == (2, notifications.WITHDRAWN, "alice")
    assert [event for _q, event, _u in announced] == [
        notifications.SUBMITTED,
        notifications.RETURNED,
        notifications.RESUBMITTED,
        notifications.WITHDRAWN,
    ]


@pytest.mark.parametrize("state", [ReportState.DRAFT, ReportState.APPROVED, ReportState.RETURNED])
def test_only_a_submitted_quarter_can_be_withdrawn(plan, alice, state, announced):
    report = QuarterReport.objects.create(plan=plan, quarter=2, state=state)
    with pytest.raises(services.ServiceError, match="Kun et indsendt kvartal"):
        services.withdraw_quarter(report=report, user=alice, version=0)
    report.refresh_from_db()
    assert report.state == state and announced == []
    assert not HistoryRecord.objects.exists()


def test_a_quarter_changed_since_the_page_was_opened_is_not_withdrawn(
    plan, alice, carol, submitted, announced
):
    seen = submitted.version
    services.approve_quarter(report=submitted, user=carol)
    with pytest.raises(services.StaleReview):
        services.withdraw_quarter(report=submitted, user=alice, version=seen)
    submitted.refresh_from_db()
    assert submitted.state == ReportState.APPROVED
    assert announced == [(2, notifications.APPROVED, "carol")]


def test_the_reporter_withdraws_from_the_page(client, plan, alice, submitted, announced):
    client.force_login(alice)
    response = client.post(url(plan), {"version": submitted.version}, follow=True)
    assert response.redirect_chain[-1][0] == url(plan, "quarter")
    html = response.content.decode()
    assert "Kvartalet er trukket tilbage." in html
    assert 'id="quarter-form"' in html and "Gem og indsend" in html  # a draft to edit again
    assert QuarterReport.objects.get().state == ReportState.DRAFT
    assert announced == [(2, notifications.WITHDRAWN, "alice")]


def test_a_stale_withdrawal_says_so_and_does_nothing(client, plan, alice, submitted):
    client.force_login(alice)
    response = client.post(url(plan), {"version": submitted.version - 1}, follow=True)
    assert "Kvartalet er ændret, siden du åbnede det." in response.content.decode()
    assert QuarterReport.objects.get().state == ReportState.SUBMITTED
    response = client.post(url(plan), {}, follow=True)
    assert "hvilken udgave af kvartalet du så" in response.content.decode()
    assert QuarterReport.objects.get().state == ReportState.SUBMITTED


@pytest.mark.parametrize(
    ("person", "status"),
    [("carol", 403), ("bob", 404), ("dave", 404), ("anonymous", 302)],
)
def test_only_the_institutions_reporters_may_withdraw(
    client, request, plan, submitted, person, status
):
    if person != "anonymous":
        client.force_login(request.getfixturevalue(person))
    response = client.post(url(plan), {"version": submitted.version})
    assert response.status_code == status
    if person == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    assert QuarterReport.objects.get().state == ReportState.SUBMITTED


def test_withdraw_is_post_only(client, plan, alice, submitted):
    client.force_login(alice)
    assert client.get(url(plan)).status_code == 405
    assert QuarterReport.objects.get().state == ReportState.SUBMITTED


def test_the_withdrawal_is_in_the_goals_history(client, plan, goal, alice, carol, submitted):
    services.withdraw_quarter(report=submitted, user=alice)
    client.force_login(carol)
    html = client.get(reverse("goals:history", args=["TS", 2024, goal.pk])).content.decode()
    assert "Trukket tilbage af institutionen" in html


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_and_an_approval_at_once_cannot_both_win(plan, goal, alice, carol):
    report = save_entries(plan, 2, alice, {goal: {"status": "green"}}, submit=True)
    version = {"version": str(report.version)}
    at_once(
        [
            poster(alice, url(plan), version),
            poster(carol, url(plan, "approve"), version),
        ]
    )
    report.refresh_from_db()
    assert report.state in (ReportState.DRAFT, ReportState.APPROVED)
    assert report.version == int(version["version"]) + 1
    states = HistoryRecord.objects.filter(report=report, field="state").order_by("id")
    assert [(r.before, r.after) for r in states] == [
        (ReportState.DRAFT, ReportState.SUBMITTED),
        (ReportState.SUBMITTED, report.state),
    ]
