"""Last year beside this year: a carried-over goal's verdict and figures, a series' every year,
on the plan page, in the annual report (HTML, PDF, xlsx) and on the group-wide page."""

import datetime
import html as markup
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from goals.copying import copy_plan
from goals.models import (
    Goal,
    GoalVerdict,
    GroupGoal,
    Plan,
    QuarterReport,
    ReportState,
    Requirement,
    SeriesPoint,
    StatusEntry,
)
from tests.test_reports import squash, text_of


def hand_in(plan, quarter, values, state=ReportState.APPROVED):
    """A handed-in quarter with `values` mapping a requirement to its result."""
    report = QuarterReport.objects.create(plan=plan, quarter=quarter, state=state)
    for requirement, value in values.items():
        StatusEntry.objects.create(
            report=report, goal=requirement.goal, requirement=requirement, result_value=value
        )
    return report


@pytest.fixture
def years(plan, goal, threshold):
    """TS 2024 with goal 1.1 met at 96 pct. (target at least 95), copied to 2025."""
    hand_in(plan, 4, {threshold: Decimal("96")})
    GoalVerdict.objects.create(goal=goal, rule_verdict="met", verdict="met")
    return copy_plan(plan, year=2025, user=None)


def text(page_html):
    """A page's text as a reader reads it: tags gone, white space single, none before a
    closing bracket or a colon."""
    words = squash(markup.unescape(re.sub(r"<[^>]+>", " ", page_html)))
    return re.sub(r"\(\s+", "(", re.sub(r"\s+([):])", r"\1", words))


def page(client, name, plan, **kwargs):
    return client.get(reverse(name, args=[plan.institution.short_name, plan.year]), kwargs)


def test_the_plan_page_shows_last_years_verdict_and_figure(client, carol, years):
    client.force_login(carol)
    html = text(page(client, "reporting:plan_detail", years).content.decode())
    assert "Sidste år (2024): Opfyldt" in html
    assert "1) 96 pct. (mål: mindst 95 pct.)" in html


def test_last_year_not_decided_and_not_reported_says_so(client, carol, plan, goal, threshold):
    new = copy_plan(plan, year=2025, user=None)
    # A draft quarter of last year is not last year's result.
    hand_in(plan, 4, {threshold: Decimal("99")}, state=ReportState.DRAFT)
    client.force_login(carol)
    html = text(page(client, "reporting:plan_detail", new).content.decode())
    assert "Sidste år (2024): Ikke afgjort" in html
    assert "1) –" in html and "99 pct." not in html


def test_a_goal_without_last_year_shows_none(client, carol, plan, goal):
    client.force_login(carol)
    assert "Sidste år" not in page(client, "reporting:plan_detail", plan).content.decode()


def test_the_annual_report_shows_last_year(client, carol, years):
    client.force_login(carol)
    html = text(page(client, "reporting:annual", years).content.decode())
    assert "Sidste år (2024): Opfyldt" in html
    assert "1) 96 pct. (mål: mindst 95 pct.)" in html


def test_the_annual_pdf_shows_last_year(client, carol, years):
    client.force_login(carol)
    text = text_of(page(client, "reporting:annual_pdf", years).content)
    assert "Sidste år (2024): Opfyldt" in text
    assert "96 pct." in text


def test_the_annual_workbook_has_a_last_year_column(client, carol, years):
    client.force_login(carol)
    book = load_workbook(BytesIO(page(client, "reporting:annual_xlsx", years).content))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    column = header.index("Sidste år")
    values = [row[column].value for row in sheet.iter_rows(min_row=2)]
    assert "2024: Opfyldt; 1) 96 pct. (mål: mindst 95 pct.)" in values


def agreed_copy(plan):
    """Next year's plan, agreed: the group-wide page shows agreed plans only."""
    new = copy_plan(plan, year=2025, user=None)
    Plan.objects.filter(pk=new.pk).update(state=Plan.State.AGREED)
    return new


def test_the_group_wide_page_shows_last_year_per_institution(client, carol, plan, goal, threshold):
    group = GroupGoal.objects.create(ministry=plan.ministry, code="sygefravaer", title="Fravær")
    Goal.objects.filter(pk=goal.pk).update(group_goal=group)
    hand_in(plan, 4, {threshold: Decimal("96")})
    GoalVerdict.objects.create(goal=goal, rule_verdict="met", verdict="partly_met", reason="Næsten")
    agreed_copy(plan)
    client.force_login(carol)
    url = reverse("reporting:group_goals", args=["TM"])
    html = text(client.get(url, {"aar": 2025}).content.decode())
    assert "Teststyrelsen" in html
    assert "Sidste år (2024): Delvist opfyldt" in html
    # And 2024's own page has nothing of the year before.
    assert "Sidste år (2023)" not in squash(client.get(url, {"aar": 2024}).content.decode())


@pytest.fixture
def series_chain(plan, goal):
    """A series requirement through 2023, 2024 and 2025: the 2025 plan's own rows say only
    the targets and 2022's result; 2023's and 2024's results come from those plans' reports."""
    older = Plan.objects.create(
        institution=plan.institution, ministry=plan.ministry, year=2023, title="Plan 2023",
        valid_from=datetime.date(2023, 1, 1), valid_to=datetime.date(2023, 12, 31),
    )  # fmt: skip
    old_goal = Goal.objects.create(plan=older, number="1.1", title="Et mål")
    fields = dict(
        number="1)", text="Afvigelse højst 1,0 mio. kr.", measure=Requirement.Measure.THRESHOLD,
        comparator=Requirement.Comparator.WITHIN, target_value=Decimal("1"),
        unit=Requirement.Unit.MIO_KR, decimals=1,
    )  # fmt: skip
    r2023 = Requirement.objects.create(goal=old_goal, **fields)
    goal.predecessor = old_goal
    goal.save()
    r2024 = Requirement.objects.create(goal=goal, predecessor=r2023, **fields)
    for year in (2022, 2023, 2024):
        SeriesPoint.objects.create(
            requirement=r2024, year=year, target_value=Decimal("1"),
            result_value=Decimal("0.2") if year == 2022 else None,
        )  # fmt: skip
    hand_in(older, 4, {r2023: Decimal("0.4")})
    hand_in(plan, 4, {r2024: Decimal("0.7")})
    return copy_plan(plan, year=2025, user=None)


def series_rows(html):
    start = html.index("Flerårige resultatkrav")
    return text(html[start:])


def test_a_series_shows_every_years_target_and_result_on_the_plan_page(client, carol, series_chain):
    client.force_login(carol)
    html = page(client, "reporting:plan_detail", series_chain).content.decode()
    rows = series_rows(html)
    for expected in (
        "2022 1,0 mio. kr. 0,2 mio. kr.",
        "2023 1,0 mio. kr. 0,4 mio. kr. (indberettet)",
        "2024 1,0 mio. kr. 0,7 mio. kr. (indberettet)",
        "2025 1,0 mio. kr. –",
    ):
        assert expected in rows, rows


def test_a_series_shows_every_year_in_the_annual_report_and_workbook(client, carol, series_chain):
    client.force_login(carol)
    rows = series_rows(page(client, "reporting:annual", series_chain).content.decode())
    assert "2023 1,0 mio. kr. 0,4 mio. kr. (indberettet)" in rows
    assert "2024 1,0 mio. kr. 0,7 mio. kr. (indberettet)" in rows
    book = load_workbook(BytesIO(page(client, "reporting:annual_xlsx", series_chain).content))
    sheet = book["Flerårige krav"]
    found = [[c.value for c in row][2:5] for row in sheet.iter_rows(min_row=2)]
    assert [2023, "1,0 mio. kr.", "0,4 mio. kr."] in found
    assert [2025, "1,0 mio. kr.", None] in found


def carried_over(plan, section, count):
    """`count` goals in `plan` with a threshold each, met last year, copied to next year."""
    for n in range(1, count + 1):
        g = Goal.objects.create(plan=plan, section=section, number=f"9.{n}", order=n, title="M")
        r = Requirement.objects.create(
            goal=g, number="1)", text="Mindst 95 pct.", measure=Requirement.Measure.THRESHOLD,
            comparator=Requirement.Comparator.AT_LEAST, target_value=95,
            unit=Requirement.Unit.PERCENT,
        )  # fmt: skip
        SeriesPoint.objects.create(requirement=r, year=2024, target_value=95)
        GoalVerdict.objects.create(goal=g, rule_verdict="met", verdict="met")
    report = QuarterReport.objects.create(plan=plan, quarter=4, state=ReportState.APPROVED)
    for r in Requirement.objects.filter(goal__plan=plan):
        StatusEntry.objects.create(report=report, goal=r.goal, requirement=r, result_value=96)
    return copy_plan(plan, year=2025, user=None)


@pytest.mark.parametrize("count", [3, 12])
@pytest.mark.parametrize("name", ["reporting:plan_detail", "reporting:annual"])
def test_last_year_does_not_grow_in_queries_with_the_goals(
    client, carol, plan, section, count, name, django_assert_max_num_queries
):
    new = carried_over(plan, section, count)
    client.force_login(carol)
    # 23, and one for the plan's amendments ("Ændringer i planen").
    with django_assert_max_num_queries(24):
        html = text(page(client, name, new).content.decode())
    assert html.count("Sidste år (2024): Opfyldt") == count


def group_wide(ministry, count):
    """`count` institutions with a group-wide goal in 2024, judged, and copied to 2025."""
    from goals.models import Institution

    group = GroupGoal.objects.create(ministry=ministry, code="faelles", title="Fælles")
    for n in range(count):
        inst = Institution.objects.create(
            ministry=ministry, name=f"Inst {n:02}", short_name=f"I{n}"
        )
        plan = Plan.objects.create(
            institution=inst, ministry=ministry, year=2024, title="Plan 2024",
            valid_from=datetime.date(2024, 1, 1), valid_to=datetime.date(2024, 12, 31),
        )  # fmt: skip
        goal = Goal.objects.create(plan=plan, number="1", title="Fælles", group_goal=group)
        Requirement.objects.create(
            goal=goal, number="1)", text="Mindst 95 pct.", measure=Requirement.Measure.THRESHOLD,
            comparator=Requirement.Comparator.AT_LEAST, target_value=95,
            unit=Requirement.Unit.PERCENT,
        )  # fmt: skip
        GoalVerdict.objects.create(goal=goal, rule_verdict="met", verdict="met")
        agreed_copy(plan)


@pytest.mark.parametrize("count", [3, 12])
def test_the_group_wide_page_does_not_grow_in_queries_with_the_institutions(
    client, carol, ministry, count, django_assert_max_num_queries
):
    group_wide(ministry, count)
    client.force_login(carol)
    url = reverse("reporting:group_goals", args=["TM"])
    with django_assert_max_num_queries(20):
        html = text(client.get(url, {"aar": 2025}).content.decode())
    assert html.count("Sidste år (2024): Opfyldt") == count


def test_the_demos_plans_of_this_year_show_last_years_results(db, client):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from goals.demo import load_demo

    load_demo(out=lambda line: None)
    year = timezone.localdate().year
    plan = Plan.objects.get(institution__short_name="SDS", year=year)
    assert plan.predecessor.year == year - 1
    assert plan.goals.exclude(predecessor=None).count() == plan.goals.count()
    client.force_login(get_user_model().objects.get(username="ekm-departement"))
    html = text(page(client, "reporting:plan_detail", plan).content.decode())
    assert f"Sidste år ({year - 1}):" in html
