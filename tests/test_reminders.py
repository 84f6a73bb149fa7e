"""Reminders before a quarter's deadline and once it has passed, by `manage.py send_reminders`.

The plan's Q3 2024 ends 30 September; with a 14-day rule its deadline is 14 October 2024.
"""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goals import notifications
from goals.models import (
    Institution,
    Membership,
    Notice,
    Plan,
    QuarterReport,
    ReportState,
    StatusEntry,
    UserPreference,
)
from tests.conftest import member

DEADLINE = datetime.date(2024, 10, 14)
COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def setup(plan, alice, carol, requirement, settings):
    settings.REMINDER_DAYS = [7, 1]
    settings.SITE_URL = "https://mrplan.example.dk"
    plan.deadline_days = 14
    plan.save()
    alice.email, alice.first_name = "alice@example.invalid", "Alice"
    alice.save()
    carol.email = "carol@example.invalid"
    carol.save()
    return plan


def days_before(days, hour=6):
    """A morning `days` days before the deadline (negative: after), in Copenhagen."""
    day = DEADLINE - datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=COPENHAGEN)


def run(days, **options):
    """`manage.py send_reminders` as the daily timer runs it, `days` before the deadline;
    returns the subjects of the e-mails it sent and its output."""
    before = len(mail.outbox)
    out = io.StringIO()
    with time_machine.travel(days_before(days), tick=False):
        call_command("send_reminders", stdout=out, stderr=io.StringIO(), **options)
    return [message.subject for message in mail.outbox[before:]], out.getvalue()


def test_reminded_seven_and_one_day_before_and_once_when_overdue(setup):
    sent = {days: run(days)[0] for days in [8, 7, 6, 2, 1, 0, -1, -2, -10]}
    assert sent == {
        8: [],
        7: ["TS 2024: frist for 3. kvartal 14. oktober 2024"],
        6: [],
        2: [],
        1: ["TS 2024: frist for 3. kvartal 14. oktober 2024"],
        0: [],
        -1: ["TS 2024: fristen for 3. kvartal er overskredet"],
        -2: [],
        -10: [],
    }
    assert [m.to for m in mail.outbox] == [["alice@example.invalid"]] * 3
    assert sorted(Notice.objects.values_list("key", flat=True)) == ["1", "7", "overdue"]


def test_the_reminder_says_days_left_what_is_missing_and_links_the_quarter(setup):
    run(7)
    body = mail.outbox[0].body
    assert "Kære Alice" in body
    assert "Fristen for 3. kvartal er om 7 dage." in body
    assert "1 af 1 krav mangler et resultat." in body
    assert "Frist: 14. oktober 2024" in body
    assert "https://mrplan.example.dk/planer/TS/2024/kvartal/3/" in body
    assert "https://mrplan.example.dk/konto/" in body  # where to turn them off


def test_a_result_entered_is_no_longer_missing(setup, requirement):
    report = QuarterReport.objects.create(plan=setup, quarter=3)
    StatusEntry.objects.create(
        report=report, goal=requirement.goal, requirement=requirement, result_text="Godt i gang"
    )
    run(1)
    assert "Alle krav har et resultat; kvartalet mangler kun at blive indsendt." in (
        mail.outbox[0].body
    )
    assert "Fristen for 3. kvartal er om 1 dag." in mail.outbox[0].body


def test_a_missed_run_still_reminds_and_only_the_most_urgent_when_several_are_due(setup):
    assert run(5)[0] == ["TS 2024: frist for 3. kvartal 14. oktober 2024"]  # the 7-day one
    assert Notice.objects.get().key == "7"
    Notice.objects.all().delete()
    mail.outbox.clear()
    # First run on the deadline day: the 7- and the 1-day reminder are both due; one is sent.
    subjects, _out = run(0)
    assert len(subjects) == 1
    assert Notice.objects.get().key == "1"
    assert "Fristen for 3. kvartal er i dag." in mail.outbox[0].body


@pytest.mark.parametrize("state", [ReportState.SUBMITTED, ReportState.APPROVED])
def test_a_quarter_handed_in_gets_no_reminder(setup, state):
    QuarterReport.objects.create(plan=setup, quarter=3, state=state)
    assert [run(days)[0] for days in (7, 1, -1)] == [[], [], []]


@pytest.mark.parametrize("state", [ReportState.DRAFT, ReportState.RETURNED])
def test_a_draft_or_returned_quarter_is_reminded(setup, state):
    QuarterReport.objects.create(plan=setup, quarter=3, state=state)
    assert len(run(1)[0]) == 1


def test_a_reporter_who_turned_reminders_off_gets_none(setup, alice):
    erin = member("erin", Membership.Role.REPORTER, institution=setup.institution)
    erin.email = "erin@example.invalid"
    erin.save()
    UserPreference.objects.create(user=alice, reminders=False)
    run(7)
    run(-1)
    assert [m.to for m in mail.outbox] == [["erin@example.invalid"]] * 2


def test_a_reminder_is_in_the_reporters_language(setup, alice):
    UserPreference.objects.create(user=alice, language="en")
    run(7)
    assert "Oct. 14, 2024" in mail.outbox[0].body
    assert "oktober" not in mail.outbox[0].body


def test_only_the_institutions_reporters_are_reminded(setup, bob, dave):
    bob.email, dave.email = "bob@example.invalid", "dave@example.invalid"
    bob.save()
    dave.save()
    run(7)
    assert [m.to for m in mail.outbox] == [["alice@example.invalid"]]


def test_running_twice_a_day_sends_nothing_twice(setup):
    assert len(run(7)[0]) == 1
    assert run(7)[0] == []
    assert len(mail.outbox) == 1


def test_quarters_long_overdue_are_not_mailed_about_on_a_first_run(setup):
    # 16 October 2024 is past Q3's deadline by two days, Q2's (14 July) by months.
    subjects, _out = run(-(notifications.OVERDUE_WITHIN + 1))
    assert subjects == []
    subjects, _out = run(-2)
    assert subjects == ["TS 2024: fristen for 3. kvartal er overskredet"]


def test_a_plan_without_a_deadline_or_quarters_it_does_not_report_get_none(setup):
    setup.reporting_quarters = "24"
    setup.save()
    assert run(7)[0] == []  # Q3 is not reported
    setup.reporting_quarters = "1234"
    setup.deadline_days = None
    setup.save()
    assert run(7)[0] == []


def test_reminder_days_come_from_the_settings(setup, settings):
    settings.REMINDER_DAYS = [10, 3]
    assert [len(run(days)[0]) for days in (11, 10, 7, 3, 1)] == [0, 1, 0, 1, 0]


def test_dry_run_prints_what_is_due_and_sends_nothing(setup):
    subjects, out = run(7, dry_run=True)
    assert subjects == []
    assert "Ville minde: TS 2024 3. kvartal, frist 14.10.2024 om 7 dage" in out
    assert "alice@example.invalid" in out
    assert Notice.objects.count() == 0


def test_the_command_prints_what_it_sent(setup):
    _subjects, out = run(1)
    assert "Påmindelse: TS 2024 3. kvartal, frist 14.10.2024 om 1 dag" in out
    assert "Sendt: 1 e-mails." in out
    _subjects, out = run(1)
    assert "Ingen påmindelser i dag" in out
    assert "Sendt: 0 e-mails." in out


def add_institutions(ministry, numbers):
    """An institution per number, each with a 2024 plan due like the test's and a reporter."""
    for number in numbers:
        institution = Institution.objects.create(
            ministry=ministry, name=f"Styrelse {number}", short_name=f"S{number}"
        )
        Plan.objects.create(
            institution=institution, ministry=ministry, year=2024, title=f"Plan {number}",
            valid_from=datetime.date(2024, 1, 1), valid_to=datetime.date(2024, 12, 31),
            deadline_days=14,
        )  # fmt: skip
        user = member(f"reporter{number}", Membership.Role.REPORTER, institution=institution)
        user.email = f"reporter{number}@example.invalid"
        user.save()


def reminders_and_queries():
    with CaptureQueriesContext(connection) as queries:
        due = notifications.due_reminders(DEADLINE - datetime.timedelta(days=7))
    return len(due), len(queries)


def test_finding_the_reminders_does_not_grow_with_the_number_of_plans(setup):
    add_institutions(setup.ministry, range(2))
    few, few_queries = reminders_and_queries()
    add_institutions(setup.ministry, range(2, 29))
    many, many_queries = reminders_and_queries()
    assert (few, many) == (3, 30)
    assert many_queries == few_queries


def test_a_reminder_sent_late_or_for_a_plan_without_a_deadline_still_reads(setup, alice):
    # Recorded the day before the deadline, sent after it (the worker was down).
    Notice.objects.create(recipient=alice, kind="reminder", plan=setup, quarter=3, key="1")
    with time_machine.travel(days_before(-1), tick=False):
        notifications.deliver()
    assert "Fristen for 3. kvartal var 14. oktober 2024, og kvartalet er ikke indsendt." in (
        mail.outbox[0].body
    )
    setup.deadline_days = None
    setup.save()
    Notice.objects.create(recipient=alice, kind="reminder", plan=setup, quarter=4, key="1")
    notifications.deliver()
    assert "Husk at indsende 4. kvartal." in mail.outbox[1].body
