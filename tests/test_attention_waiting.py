""" "Kræver opmærksomhed" lists the quarters waiting for the department's approval, oldest
submission first, beside the overdue and returned ones: the same rule as the reviewer's home
page (goals.selectors.waiting_for_department)."""

import datetime

import pytest
from django.urls import reverse

from goals.models import Institution, Plan, QuarterReport, ReportState
from goals.selectors import reviewer_todo
from reporting.selectors import attention_reports


def make_plan(ministry, name, short_name, year=2024):
    institution = Institution.objects.create(ministry=ministry, name=name, short_name=short_name)
    return Plan.objects.create(
        institution=institution, ministry=ministry, year=year, title=f"Plan for {name}",
        valid_from=datetime.date(year, 1, 1), valid_to=datetime.date(year, 12, 31),
        deadline_days=14,
    )  # fmt: skip


def submitted(plan, quarter, day, month):
    return QuarterReport.objects.create(
        plan=plan, quarter=quarter, state=ReportState.SUBMITTED,
        submitted_at=datetime.datetime(plan.year, month, day, 9, tzinfo=datetime.UTC),
    )  # fmt: skip


@pytest.fixture
def waiting(ministry):
    zeta = make_plan(ministry, "Zetastyrelsen", "ZZ")
    alfa = make_plan(ministry, "Alfastyrelsen", "AA")
    submitted(alfa, 2, 20, 7)
    submitted(zeta, 2, 2, 7)
    submitted(alfa, 1, 10, 4)
    QuarterReport.objects.create(plan=zeta, quarter=1, state=ReportState.APPROVED)
    QuarterReport.objects.create(plan=alfa, quarter=3, state=ReportState.RETURNED,
                                 review_comment="Uddyb.")  # fmt: skip
    # Another year is another page.
    submitted(make_plan(ministry, "Alfastyrelsen 2023", "A23", year=2023), 4, 5, 1)
    return alfa, zeta


def test_waiting_quarters_come_first_oldest_submission_first(ministry, waiting):
    alerts = attention_reports(ministry, 2024, today=datetime.date(2024, 8, 1))
    listed = [(a.plan.institution.short_name, a.quarter, a.state, a.waiting) for a in alerts]
    assert listed == [
        ("AA", 1, "submitted", True), ("ZZ", 2, "submitted", True), ("AA", 2, "submitted", True),
        ("AA", 3, "returned", False),
    ]  # fmt: skip


def test_the_home_page_and_the_attention_page_agree_on_what_waits(ministry, waiting, carol):
    on_page = [
        (a.plan.pk, a.quarter)
        for a in attention_reports(ministry, 2024, today=datetime.date(2024, 8, 1))
        if a.waiting
    ]
    at_home = [
        (q.plan.pk, q.quarter)
        for q in reviewer_todo(carol, today=datetime.date(2024, 8, 1)).waiting
        if q.plan.year == 2024
    ]
    assert on_page == at_home and len(on_page) == 3


def test_the_page_says_it_lists_quarters_waiting_for_approval(client, ministry, waiting, carol):
    client.force_login(carol)
    url = reverse("reporting:attention", args=[ministry.short_name]) + "?aar=2024"
    html = client.get(url).content.decode()
    assert "venter på godkendelse, overskredet frist eller sendt retur" in html
    assert html.count('class="list-group-item alert-waiting"') == 3
    assert "Venter på godkendelse" in html and "10. april 2024" in html
    alerts = html[html.index('id="report-alerts"') :]
    assert alerts.index("Alfastyrelsen") < alerts.index("Zetastyrelsen")


def test_without_anything_waiting_the_page_says_so(client, ministry, carol):
    make_plan(ministry, "Ny styrelse", "NY", year=2030)
    client.force_login(carol)
    url = reverse("reporting:attention", args=[ministry.short_name]) + "?aar=2030"
    html = client.get(url).content.decode()
    assert "Ingen afrapporteringer for 2030 venter på godkendelse" in html


def test_the_reports_needing_someone_come_a_page_at_a_time_oldest_first(client, ministry, carol):
    from reporting.views import REPORTS_PAGE_SIZE

    plans = [make_plan(ministry, f"Styrelse {n:02d}", f"S{n:02d}") for n in range(15)]
    for n, plan in enumerate(plans):
        submitted(plan, 1, 1 + n, 4)
        submitted(plan, 2, 1 + n, 7)
    client.force_login(carol)
    url = reverse("reporting:attention", args=[ministry.short_name]) + "?aar=2024"
    first = client.get(url)
    reports = first.context["reports"]
    everything = attention_reports(ministry, 2024)
    assert reports.paginator.count == len(everything) > REPORTS_PAGE_SIZE
    assert len(reports) == REPORTS_PAGE_SIZE
    second = client.get(url + "&rapporter=2").context["reports"]
    shown = [(a.plan.pk, a.quarter) for a in list(reports) + list(second)]
    # Together the pages list each waiting quarter once, in the order of the whole list.
    waiting = [(a.plan.pk, a.quarter) for a in everything if a.waiting]
    assert shown[: len(waiting)] == waiting
    assert len(set(shown)) == len(shown)
    html = first.content.decode()
    assert f"1-{REPORTS_PAGE_SIZE} af {reports.paginator.count} afrapporteringer" in html
    assert "rapporter=2" in html
