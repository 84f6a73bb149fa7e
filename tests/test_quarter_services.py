"""The life of a quarter's report: saves, the state machine, concurrent edits and history."""

from decimal import Decimal

import pytest

from goals import services
from goals.models import HistoryRecord, QuarterReport, ReportState, StatusEntry
from goals.services import ConcurrentEdit, Row, ServiceError

STATES = [state for state, _label in ReportState.choices]


def save(plan, goal, user, version, quarter=1, **values):
    values.setdefault("status", "green")
    return services.save_quarter(
        plan=plan,
        quarter=quarter,
        user=user,
        rows=[Row(goal=goal, values=values)],
        version=version,
    )


def report_in(plan, state, quarter=1):
    return QuarterReport.objects.create(plan=plan, quarter=quarter, state=state, version=3)


def test_first_save_creates_the_draft_and_records_each_value(plan, goal, alice):
    report, changed = save(plan, goal, alice, 0, result_text="Godt på vej")
    assert (report.state, report.version, changed) == (ReportState.DRAFT, 1, 2)
    entry = StatusEntry.objects.get(report=report, goal=goal, requirement=None)
    assert (entry.status, entry.result_text, entry.updated_by) == ("green", "Godt på vej", alice)
    records = HistoryRecord.objects.filter(report=report).order_by("field")
    assert [(r.field, r.before, r.after, r.changed_by) for r in records] == [
        ("result_text", "", "Godt på vej", alice),
        ("status", "", "green", alice),
    ]
    assert {r.report_version for r in records} == {1}


def test_a_save_records_before_and_after_of_what_changed_only(plan, goal, requirement, alice):
    rows = [
        Row(goal=goal, values={"status": "green"}),
        Row(goal=goal, requirement=requirement, values={"result_value": Decimal("95.5")}),
    ]
    services.save_quarter(plan=plan, quarter=1, user=alice, rows=rows, version=0)
    rows[1].values = {"result_value": Decimal("96.2500")}
    report, changed = services.save_quarter(plan=plan, quarter=1, user=alice, rows=rows, version=1)
    assert changed == 1
    latest = HistoryRecord.objects.filter(report=report).first()
    assert (latest.field, latest.before, latest.after) == ("result_value", "95.5", "96.25")
    assert (latest.before_display, latest.after_display) == ("95,5", "96,25")
    assert latest.requirement == requirement


def test_saving_nothing_new_changes_nothing(plan, goal, alice):
    save(plan, goal, alice, 0)
    report, changed = save(plan, goal, alice, 1)
    assert (changed, report.version) == (0, 1)
    assert HistoryRecord.objects.count() == 1


def test_second_save_from_an_older_version_is_refused_and_names_the_change(
    plan, goal, alice, django_user_model
):
    other = django_user_model.objects.create_user("anne")
    save(plan, goal, alice, 0, status="yellow", cause="c", consequence="k", action="a")
    # Anne opened the page before Alice saved (version 0) and now saves her own status.
    with pytest.raises(ConcurrentEdit) as refused:
        save(plan, goal, other, 0, status="red")
    changes = {(c.field, c.after, c.changed_by) for c in refused.value.changes}
    assert ("status", "yellow", alice) in changes
    assert refused.value.report.version == 1
    assert StatusEntry.objects.get(goal=goal).status == "yellow"  # nothing overwritten
    # Having seen the change, Anne saves again from the current version.
    report, _changed = save(
        plan, goal, other, 1, status="red", cause="c", consequence="k", action="a"
    )
    assert StatusEntry.objects.get(goal=goal).status == "red"
    assert report.version == 2


def test_two_first_saves_of_a_new_quarter_cannot_both_win(plan, goal, alice, django_user_model):
    other = django_user_model.objects.create_user("anne")
    save(plan, goal, alice, 0)
    with pytest.raises(ConcurrentEdit):
        save(plan, goal, other, 0, status="red")


@pytest.mark.parametrize("state", STATES)
def test_saving_is_allowed_only_in_draft_and_returned(plan, goal, alice, state):
    report = report_in(plan, state)
    if state in (ReportState.DRAFT, ReportState.RETURNED):
        assert save(plan, goal, alice, report.version)[1] == 1
    else:
        with pytest.raises(ServiceError):
            save(plan, goal, alice, report.version)
        assert not StatusEntry.objects.exists()


@pytest.mark.parametrize("state", STATES)
def test_submit(plan, goal, alice, state):
    report = report_in(plan, state)
    rows = [Row(goal=goal, values={"status": "green"})]
    if state in (ReportState.DRAFT, ReportState.RETURNED):
        report, _changed = services.save_quarter(
            plan=plan, quarter=1, user=alice, rows=rows, version=3, submit=True
        )
        assert (report.state, report.submitted_by) == (ReportState.SUBMITTED, alice)
        assert report.submitted_at is not None
    else:
        with pytest.raises(ServiceError):
            services.save_quarter(
                plan=plan, quarter=1, user=alice, rows=rows, version=3, submit=True
            )
        assert QuarterReport.objects.get().state == state


def test_submit_needs_a_status_for_every_goal(plan, goal, alice):
    with pytest.raises(ServiceError, match=goal.number):
        services.save_quarter(
            plan=plan,
            quarter=1,
            user=alice,
            rows=[Row(goal=goal, values={"result_text": "Kommer"})],
            version=0,
            submit=True,
        )
    # Refused as a whole: not even the draft of that attempt is kept.
    assert not StatusEntry.objects.exists()


@pytest.mark.parametrize("state", STATES)
def test_approve(plan, carol, state):
    report = report_in(plan, state)
    if state == ReportState.SUBMITTED:
        services.approve_quarter(report=report, user=carol)
        report.refresh_from_db()
        assert (report.state, report.reviewed_by, report.version) == ("approved", carol, 4)
    else:
        with pytest.raises(ServiceError):
            services.approve_quarter(report=report, user=carol)
        report.refresh_from_db()
        assert (report.state, report.version) == (state, 3)


@pytest.mark.parametrize("state", STATES)
def test_return_with_a_comment(plan, carol, state):
    report = report_in(plan, state)
    if state == ReportState.SUBMITTED:
        services.return_quarter(report=report, user=carol, comment="  Uddyb mål 1.1  ")
        report.refresh_from_db()
        assert (report.state, report.review_comment) == ("returned", "Uddyb mål 1.1")
    else:
        with pytest.raises(ServiceError):
            services.return_quarter(report=report, user=carol, comment="Uddyb")
        assert QuarterReport.objects.get().state == state


def test_return_needs_a_comment(plan, carol):
    report = report_in(plan, ReportState.SUBMITTED)
    with pytest.raises(ServiceError):
        services.return_quarter(report=report, user=carol, comment="   ")
    assert QuarterReport.objects.get().state == ReportState.SUBMITTED


@pytest.mark.parametrize("state", STATES)
def test_reopen(plan, carol, state):
    report = report_in(plan, state)
    if state == ReportState.APPROVED:
        services.reopen_quarter(report=report, user=carol, comment="Tal for 1.1 rettes")
        report.refresh_from_db()
        assert report.state == ReportState.RETURNED
        assert report.is_editable
    else:
        with pytest.raises(ServiceError):
            services.reopen_quarter(report=report, user=carol)
        assert QuarterReport.objects.get().state == state


def test_every_transition_is_in_the_history(plan, goal, alice, carol):
    rows = [Row(goal=goal, values={"status": "green"})]
    report, _ = services.save_quarter(
        plan=plan, quarter=1, user=alice, rows=rows, version=0, submit=True
    )
    services.return_quarter(report=report, user=carol, comment="Ret")
    report, _ = services.save_quarter(
        plan=plan, quarter=1, user=alice, rows=rows, version=report.version, submit=True
    )
    services.approve_quarter(report=report, user=carol)
    services.reopen_quarter(report=report, user=carol)
    states = [
        (r.before, r.after, r.changed_by.username)
        for r in HistoryRecord.objects.filter(subject="report", field="state").order_by("id")
    ]
    assert states == [
        ("draft", "submitted", "alice"),
        ("submitted", "returned", "carol"),
        ("returned", "submitted", "alice"),
        ("submitted", "approved", "carol"),
        ("approved", "returned", "carol"),
    ]
    comments = HistoryRecord.objects.filter(subject="report", field="review_comment")
    assert [(c.before, c.after) for c in comments.order_by("id")] == [("", "Ret"), ("Ret", "")]


def test_a_submitted_quarter_is_not_editable_from_an_old_page(plan, goal, alice):
    report, _ = services.save_quarter(
        plan=plan,
        quarter=1,
        user=alice,
        rows=[Row(goal=goal, values={"status": "green"})],
        version=0,
        submit=True,
    )
    with pytest.raises(ServiceError):
        save(plan, goal, alice, 1, status="red")
    assert StatusEntry.objects.get().status == "green"
