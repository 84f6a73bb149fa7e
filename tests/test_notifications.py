"""E-mail when a quarter changes hands: who gets it, what it says, in their language, once."""

import smtplib
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, connections
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from goals import notifications, services
from goals.demo import USERS, load_demo
from goals.models import Membership, Notice, QuarterReport, ReportState, UserPreference
from tests.conftest import member

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def people(plan, alice, bob, carol, dave):
    """alice and erin report for the plan's institution, carol reviews for its ministry; bob
    (another institution) and dave (another ministry) must never hear of it."""
    plan.deadline_days = 14
    plan.save()
    erin = member("erin", Membership.Role.REPORTER, institution=plan.institution)
    for user, name in [(alice, "Alice Andersen"), (erin, "Erin Eriksen"), (bob, "Bob Berg"),
                       (carol, "Carol Carlsen"), (dave, "Dave Dahl")]:  # fmt: skip
        user.first_name, _space, user.last_name = name.partition(" ")
        user.email = f"{user.username}@example.invalid"
        user.save()
    return {"alice": alice, "erin": erin, "bob": bob, "carol": carol, "dave": dave}


@pytest.fixture
def immediate(settings):
    """The worker's task runs as soon as it is queued: in the test, after the commit."""
    settings.TASKS = IMMEDIATE
    settings.SITE_URL = "https://mrplan.example.dk"


def submit(plan, user, quarter=2):
    current = QuarterReport.objects.filter(plan=plan, quarter=quarter).first()
    report, _count = services.save_quarter(
        plan=plan,
        quarter=quarter,
        user=user,
        rows=[],
        version=current.version if current else 0,
        submit=True,
    )
    return report


def flush():
    """Send what the steps before the one under test recorded, and forget it."""
    notifications.deliver()
    mail.outbox.clear()


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_submitting_tells_the_ministrys_reviewers_only(
    people, plan, immediate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(plan, people["alice"])
    assert recipients() == ["carol@example.invalid"]
    message = mail.outbox[0]
    assert message.subject == "TS 2024: 2. kvartal er indsendt til godkendelse"
    assert "Kære Carol Carlsen" in message.body
    assert "Alice Andersen har indsendt 2. kvartal til godkendelse." in message.body
    assert "https://mrplan.example.dk/planer/TS/2024/kvartal/2/" in message.body
    assert "Institution: Teststyrelsen\nPlan: Testplan 2024\n" in message.body
    assert "Frist: 14. juli 2024" in message.body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "&" not in message.body  # plain text: nothing HTML-escaped


def test_return_tells_the_institutions_reporters_with_the_comment(
    people, plan, immediate, django_capture_on_commit_callbacks
):
    report = submit(plan, people["alice"])
    flush()
    with django_capture_on_commit_callbacks(execute=True):
        services.return_quarter(
            report=report, user=people["carol"], comment="Mål 1.1 mangler årsag & handling."
        )
    assert recipients() == ["alice@example.invalid", "erin@example.invalid"]
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "TS 2024: 2. kvartal er sendt retur"
    assert "Carol Carlsen har sendt 2. kvartal retur med denne kommentar:" in body
    assert "Mål 1.1 mangler årsag & handling." in body


def test_an_action_by_a_user_since_deleted_is_told_by_their_side(
    people, plan, immediate, django_capture_on_commit_callbacks
):
    report = submit(plan, people["alice"])
    flush()
    services.return_quarter(report=report, user=people["carol"], comment="Ret.")
    people["carol"].delete()
    notifications.deliver()
    assert "Departementet har sendt 2. kvartal retur" in mail.outbox[0].body


def test_resubmission_approval_and_reopening_each_tell_the_other_side(
    people, plan, immediate, django_capture_on_commit_callbacks
):
    alice, carol = people["alice"], people["carol"]
    report = submit(plan, alice)
    services.return_quarter(report=report, user=carol, comment="Ret tallet.")
    flush()
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(plan, alice)
    assert recipients() == ["carol@example.invalid"]
    assert mail.outbox[0].subject == "TS 2024: 2. kvartal er indsendt igen"

    flush()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_quarter(report=report, user=carol)
    assert recipients() == ["alice@example.invalid", "erin@example.invalid"]
    assert mail.outbox[0].subject == "TS 2024: 2. kvartal er godkendt"
    assert "Carol Carlsen har godkendt 2. kvartal." in mail.outbox[0].body

    flush()
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen_quarter(report=report, user=carol, comment="Tallet i mål 1.1 er forkert.")
    assert recipients() == ["alice@example.invalid", "erin@example.invalid"]
    assert mail.outbox[0].subject == "TS 2024: 2. kvartal er genåbnet"
    assert "Tallet i mål 1.1 er forkert." in mail.outbox[0].body


def test_returns_and_approvals_reach_a_reporter_who_turned_reminders_off(
    people, plan, immediate, django_capture_on_commit_callbacks
):
    UserPreference.objects.create(user=people["alice"], reminders=False)
    report = submit(plan, people["alice"])
    flush()
    with django_capture_on_commit_callbacks(execute=True):
        services.return_quarter(report=report, user=people["carol"], comment="Ret.")
    assert "alice@example.invalid" in recipients()


def test_withdrawal_tells_the_reviewers(
    people, plan, immediate, django_capture_on_commit_callbacks
):
    report = submit(plan, people["alice"])
    flush()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_quarter(report=report, user=people["alice"])
    assert recipients() == ["carol@example.invalid"]
    assert mail.outbox[0].subject == "TS 2024: indsendelsen af 2. kvartal er trukket tilbage"
    assert "Alice Andersen har trukket indsendelsen af 2. kvartal tilbage" in mail.outbox[0].body


def test_the_actor_is_not_told_of_their_own_action(
    people, plan, immediate, django_capture_on_commit_callbacks
):
    # Someone who both reports for the institution and reviews for the ministry.
    both = member("both", Membership.Role.REVIEWER, ministry=plan.ministry)
    Membership.objects.create(
        user=both, role=Membership.Role.REPORTER, institution=plan.institution
    )
    both.email = "both@example.invalid"
    both.save()
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(plan, both)
    assert recipients() == ["carol@example.invalid"]
    flush()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_quarter(report=report, user=both)
    assert recipients() == ["alice@example.invalid", "erin@example.invalid"]


def test_users_without_an_address_or_inactive_get_nothing(
    people, plan, immediate, django_capture_on_commit_callbacks
):
    people["erin"].is_active = False
    people["erin"].save()
    people["alice"].email = ""
    people["alice"].save()
    report = submit(plan, people["alice"])
    with django_capture_on_commit_callbacks(execute=True):
        services.return_quarter(report=report, user=people["carol"], comment="Ret.")
    assert [m.subject for m in mail.outbox if "retur" in m.subject] == []


def test_each_email_is_in_its_recipients_language(
    people, plan, immediate, django_capture_on_commit_callbacks
):
    UserPreference.objects.create(user=people["erin"], language="en")
    report = submit(plan, people["alice"])
    flush()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_quarter(report=report, user=people["carol"])
    bodies = {message.to[0]: message.body for message in mail.outbox}
    # Dates are written by Django's own catalogue, so they show the language the mail was
    # made in whatever locale/ holds yet for the rest of the text.
    assert "14. juli 2024" in bodies["alice@example.invalid"]
    assert "July 14, 2024" in bodies["erin@example.invalid"]


def test_an_event_is_mailed_once_however_often_it_is_sent(
    people, plan, immediate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(plan, people["alice"])
    # The same change announced again (a retried task, a second worker) makes nothing new.
    notifications.announce(report=report, event=notifications.SUBMITTED, user=people["alice"])
    assert Notice.objects.count() == 1
    assert notifications.deliver().sent == []
    notifications.send_notices.call()
    assert len(mail.outbox) == 1
    assert Notice.objects.get().sent_at is not None


def test_the_worker_sends_what_the_request_queued(
    people, plan, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    with django_capture_on_commit_callbacks(execute=True):
        submit(plan, people["alice"])
    # Queued after the commit, not sent in the request.
    assert mail.outbox == []
    task = DBTaskResult.objects.get()
    assert task.task_path == "goals.notifications.send_notices"
    notifications.send_notices.call()  # what `manage.py db_worker` runs
    assert recipients() == ["carol@example.invalid"]


def test_nothing_is_queued_when_the_transaction_is_rolled_back(
    people, plan, immediate, django_capture_on_commit_callbacks
):
    report = QuarterReport.objects.create(plan=plan, quarter=2, state=ReportState.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(services.ServiceError):
            # A return without a comment is refused inside the service's transaction.
            services.return_quarter(report=report, user=people["carol"], comment=" ")
    assert callbacks == []
    assert mail.outbox == []


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses every recipient."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x": (550, b"No such user")})


class UnreachableBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


def test_a_failed_send_does_not_fail_the_users_request_and_is_sent_later(
    people, plan, client, immediate, settings, django_capture_on_commit_callbacks
):
    report = submit(plan, people["alice"])
    settings.EMAIL_BACKEND = "tests.test_notifications.UnreachableBackend"
    client.force_login(people["carol"])
    url = reverse("goals:approve", args=["TS", 2024, 2])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"version": report.version, "comment": ""})
    assert response.status_code == 302
    assert QuarterReport.objects.get(pk=report.pk).state == ReportState.APPROVED
    approvals = Notice.objects.filter(kind="approved")
    assert approvals.count() == 2
    assert not approvals.filter(sent_at__isnull=False).exists()
    # The run stopped at the first: the server was not there; nothing counted against them.
    assert sorted(approvals.values_list("attempts", flat=True)) == [0, 0]
    assert "ConnectionRefusedError" in Notice.objects.get(kind="submitted").error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    result = notifications.deliver()
    assert len(result.sent) == 3  # the submission's, which failed too, and the two approvals
    assert "alice@example.invalid" in recipients()


def test_a_refused_address_is_tried_a_few_times_then_left(people, plan, immediate, settings):
    submit(plan, people["alice"])
    settings.EMAIL_BACKEND = "tests.test_notifications.RefusingBackend"
    for _run in range(notifications.MAX_ATTEMPTS + 2):
        assert notifications.deliver().sent == []
    notice = Notice.objects.get()
    assert notice.attempts == notifications.MAX_ATTEMPTS
    assert notice.sent_at is None
    assert "SMTPRecipientsRefused" in notice.error


class LockedOutBackend(BaseEmailBackend):
    """An SMTP server that does not accept mrplan's log-in."""

    def send_messages(self, messages):
        raise smtplib.SMTPAuthenticationError(535, b"Authentication failed")


def test_a_server_refusing_mrplans_log_in_stops_the_run_and_costs_no_attempt(
    people, plan, immediate, settings
):
    report = submit(plan, people["alice"])
    services.return_quarter(report=report, user=people["carol"], comment="Ret.")
    settings.EMAIL_BACKEND = "tests.test_notifications.LockedOutBackend"
    result = notifications.deliver()
    assert (len(result.sent), len(result.failed), result.left) == (0, 1, 2)
    assert list(Notice.objects.values_list("attempts", flat=True)) == [0, 0, 0]


def test_one_message_that_cannot_be_made_does_not_hold_up_the_others(
    people, plan, immediate, monkeypatch
):
    report = submit(plan, people["alice"])
    services.return_quarter(report=report, user=people["carol"], comment="Ret.")
    compose = notifications.compose

    def broken_for_carol(notice, **kwargs):
        if notice.recipient.username == "carol":
            raise ValueError("a fault in a template")
        return compose(notice, **kwargs)

    monkeypatch.setattr(notifications, "compose", broken_for_carol)
    result = notifications.deliver()
    assert recipients() == ["alice@example.invalid", "erin@example.invalid"]
    assert [n.recipient.username for n in result.failed] == ["carol"]
    assert Notice.objects.get(recipient__username="carol").attempts == 1


def test_every_demo_user_has_an_address_on_a_reserved_domain(db):
    load_demo(out=lambda line: None)
    users = get_user_model().objects.filter(username__in=[name for name, *_rest in USERS])
    assert users.count() == len(USERS)
    for user in users:
        assert user.email.endswith("@example.invalid"), user.email


class SlowBackend(BaseEmailBackend):
    """A mail server that takes its time, so two senders overlap."""

    lock = threading.Lock()
    delivered = []

    def send_messages(self, messages):
        time.sleep(0.1)
        with self.lock:
            self.delivered += [address for message in messages for address in message.to]
        return len(messages)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a race of two senders needs PostgreSQL's row locks (see tests/test_races.py)",
)
@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_email_once(people, plan, settings):
    settings.EMAIL_BACKEND = "tests.test_notifications.SlowBackend"
    SlowBackend.delivered = []
    for number in range(6):
        user = member(f"reviewer{number}", Membership.Role.REVIEWER, ministry=plan.ministry)
        user.email = f"reviewer{number}@example.invalid"
        user.save()
    submit(plan, people["alice"])
    assert Notice.objects.count() == 7
    barrier = threading.Barrier(2, timeout=30)
    results = []

    def sender():
        try:
            barrier.wait()
            results.append(len(notifications.deliver().sent))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert sum(results) == 7
    assert sorted(SlowBackend.delivered) == sorted(set(SlowBackend.delivered))
    assert len(SlowBackend.delivered) == 7
    assert not Notice.objects.filter(sent_at=None).exists()
