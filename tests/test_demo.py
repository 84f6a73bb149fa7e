"""`make run` loads a living system: the reference plans, a user per role, Q1-Q3 follow-up."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from goals.demo import DEMO_PASSWORD, EXAMPLE_INSTITUTIONS, EXAMPLE_MINISTRY, USERS, load_demo
from goals.models import Membership, Ministry, Plan, QuarterReport, Status, StatusEntry, quarter_end


def test_demo_loads_everything_once(db):
    lines = []
    load_demo(out=lines.append)
    first = (Plan.objects.count(), QuarterReport.objects.count(), StatusEntry.objects.count())
    load_demo(out=lines.append)  # running it again changes nothing
    assert (
        Plan.objects.count(),
        QuarterReport.objects.count(),
        StatusEntry.objects.count(),
    ) == first
    # The three reference plans, two years of the made-up ministry's institutions, and BE's
    # next year's plan as a draft.
    assert first[0] == 3 + 2 * len(EXAMPLE_INSTITUTIONS) + 1
    assert any(DEMO_PASSWORD in line for line in lines)
    assert sum("Indlæst plan" in line for line in lines) == 3
    assert sum("Indlæst eksempelministerium" in line for line in lines) == 1


def test_demo_has_a_user_for_each_role(db):
    load_demo(out=lambda line: None)
    User = get_user_model()
    for username, _name, _role, _scope in USERS:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Membership.Role)


def test_demo_follow_up_covers_q1_to_q3_of_the_2024_plans(db):
    load_demo(out=lambda line: None)
    adst = Plan.objects.get(institution__short_name="ADST", year=2024)
    assert sorted(adst.reports.values_list("quarter", "state")) == [
        (1, "approved"), (2, "approved"), (3, "submitted"),
    ]  # fmt: skip
    for report in adst.reports.all():
        due = {g.pk for g in adst.goals.all() if g.is_due_in(report.quarter)}
        reported = set(
            report.entries.filter(requirement__isnull=True).values_list("goal", flat=True)
        )
        assert reported == due
    be = Plan.objects.get(institution__short_name="BE", year=2024)
    assert list(be.reports.values_list("quarter", flat=True)) == [3]  # BE reports in Q3 and Q4
    flagged = StatusEntry.objects.filter(status__in=[Status.RED, Status.YELLOW])
    assert flagged.exists()
    assert not flagged.filter(requirement__isnull=True, cause="").exists()
    assert not flagged.filter(requirement__isnull=True, action="").exists()
    assert StatusEntry.objects.filter(result_value__isnull=False).exists()


def test_demo_follow_up_has_its_history(db):
    load_demo(out=lambda line: None)
    q1 = QuarterReport.objects.get(plan__institution__short_name="ADST", quarter=1)
    states = q1.history.filter(field="state").order_by("changed_at")
    assert [(r.before, r.after) for r in states] == [
        ("draft", "submitted"),
        ("submitted", "approved"),
    ]
    assert q1.version == states.last().report_version
    entry = q1.entries.filter(requirement__isnull=True).first()
    assert q1.history.filter(goal=entry.goal, field="status", after=entry.status).exists()


def test_demo_has_a_made_up_ministry_reported_up_to_the_last_ended_quarter(db, client):
    load_demo(out=lambda line: None)
    name, short_name = EXAMPLE_MINISTRY
    ministry = Ministry.objects.get(short_name=short_name)
    assert "fiktive" in ministry.name
    today = timezone.localdate()
    this_year = Plan.objects.filter(ministry=ministry, year=today.year)
    assert this_year.count() == len(EXAMPLE_INSTITUTIONS)
    ended = [q for q in (1, 2, 3, 4) if quarter_end(today.year, q) < today]
    reported = set(
        QuarterReport.objects.filter(plan__in=this_year).values_list("quarter", flat=True)
    )
    assert reported <= set(ended)
    last_year = Plan.objects.filter(ministry=ministry, year=today.year - 1)
    assert set(
        QuarterReport.objects.filter(plan__in=last_year).values_list("state", flat=True)
    ) == {"approved"}
    # Its department sees it on the dashboards.
    client.force_login(get_user_model().objects.get(username="ekm-departement"))
    page = client.get(f"/overblik/{short_name}/").content.decode()
    for institution in EXAMPLE_INSTITUTIONS:
        assert institution.name in page


def run_command(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_demo_command_with_debug_on_gives_the_readme_password(db, settings):
    settings.DEBUG = True  # as `make run` sets it
    output = run_command()
    assert DEMO_PASSWORD in output
    assert get_user_model().objects.get(username="admin").check_password(DEMO_PASSWORD)


def test_demo_command_refuses_a_database_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--on-production"):
        run_command()
    assert not get_user_model().objects.exists()
    assert not Plan.objects.exists()


def test_demo_on_production_gives_a_random_password_shown_once(db, settings):
    settings.DEBUG = False
    output = run_command("--on-production")
    assert DEMO_PASSWORD not in output
    password = re.search(r"vises kun denne gang: (\S+)\)", output).group(1)
    assert len(password) >= 16 and output.count(password) == 1
    User = get_user_model()
    for username, _name, _role, _scope in USERS:
        user = User.objects.get(username=username)
        assert user.check_password(password) and not user.check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser

    # Run again: a new password is made, but nobody gets it; the old ones stand.
    again = run_command("--on-production")
    assert "uændrede" in again and "vises kun" not in again
    assert User.objects.get(username="admin").check_password(password)


def test_demo_on_production_replaces_the_readme_password(db, settings):
    load_demo(out=lambda line: None)  # once loaded locally, then the database went live
    settings.DEBUG = False
    output = run_command("--on-production")
    password = re.search(r"vises kun denne gang: (\S+)\)", output).group(1)
    User = get_user_model()
    assert not User.objects.filter(username="admin").first().check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").check_password(password)
    assert password not in run_command("--on-production")  # shown once only


def test_demo_has_a_draft_with_comments_and_an_amended_plan(db):
    from goals.models import Amendment, PlanComment, PlanState

    load_demo(out=lambda line: None)
    draft = Plan.objects.get(institution__short_name="BE", year=2025)
    assert draft.state == PlanState.DRAFT
    assert draft.predecessor.year == 2024
    assert set(PlanComment.objects.filter(plan=draft).values_list("by_department", flat=True)) == {
        True,
        False,
    }
    amendment = Amendment.objects.get()
    assert amendment.plan.institution.short_name == "SDS"
    assert amendment.plan.is_agreed and amendment.state == "approved"
    assert amendment.changes.count() == 1
