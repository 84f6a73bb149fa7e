"""Generated ministries (demo, query-count tests, benchmarks): the shape asked for, coherent."""

import pytest

from goals.figures import propose, quarter_target
from goals.generate import generate_ministry, numbered_institutions
from goals.models import (
    Goal,
    GoalVerdict,
    Plan,
    QuarterReport,
    Requirement,
    StatusEntry,
)


@pytest.fixture
def generated(db):
    return generate_ministry(
        name="Genereret", short_name="GEN", institutions=numbered_institutions(4),
        years=[2022, 2023, 2024], goals=10, requirements=3, last_quarter=2, seed=7,
    )  # fmt: skip


def test_generated_ministry_has_the_shape_asked_for(generated):
    assert Plan.objects.filter(ministry=generated).count() == 4 * 3
    assert Goal.objects.filter(plan__ministry=generated).count() == 4 * 3 * 10
    assert Requirement.objects.filter(goal__plan__ministry=generated).count() == 4 * 3 * 10 * 3
    assert generated.beacons.count() == 3 and generated.group_goals.count() == 2


def test_earlier_years_are_complete_and_the_last_is_reported_so_far(generated):
    for year in (2022, 2023):
        reports = QuarterReport.objects.filter(plan__ministry=generated, plan__year=year)
        assert sorted(set(reports.values_list("quarter", flat=True))) == [1, 2, 3, 4]
        assert set(reports.values_list("state", flat=True)) == {"approved"}
        goals = Goal.objects.filter(plan__ministry=generated, plan__year=year)
        assert GoalVerdict.objects.filter(goal__in=goals).count() == goals.count()
    last = QuarterReport.objects.filter(plan__ministry=generated, plan__year=2024)
    assert set(last.values_list("quarter", flat=True)) <= {1, 2}
    assert not GoalVerdict.objects.filter(goal__plan__year=2024).exists()


def test_every_due_goal_of_a_report_has_a_status(generated):
    for report in QuarterReport.objects.filter(plan__ministry=generated)[:20]:
        due = {g.pk for g in report.plan.goals.all() if g.is_due_in(report.quarter)}
        statuses = report.entries.filter(requirement__isnull=True).exclude(status="")
        assert set(statuses.values_list("goal", flat=True)) == due


def test_generated_numbers_agree_with_the_status_they_carry(generated):
    entries = StatusEntry.objects.filter(
        report__plan__ministry=generated, result_value__isnull=False
    ).select_related("requirement", "report__plan")[:300]
    assert len(entries) == 300
    for entry in entries:
        requirement, quarter = entry.requirement, entry.report.quarter
        adds_up = requirement.over_year == "running_total"
        proposal = propose(
            requirement, quarter_target(requirement, quarter),
            entry.ytd_value if adds_up else entry.result_value,
            entry.report.plan.status_tolerance,
        )  # fmt: skip
        assert proposal.status == entry.status, (entry.result_value, entry.requirement.text)


def test_generated_annual_totals_add_up_over_the_year(generated):
    totals = StatusEntry.objects.filter(
        report__plan__ministry=generated, requirement__figure_kind="running_total"
    ).order_by("requirement", "report__quarter")
    assert totals.exists()
    by_requirement = {}
    for entry in totals:
        by_requirement.setdefault(entry.requirement_id, []).append(entry)
    for entries in by_requirement.values():
        running = 0
        for entry in entries:
            running += entry.result_value
            assert entry.ytd_value == running
            assert entry.result_value > 0


def test_same_seed_gives_the_same_ministry(db):
    def statuses(short_name, seed):
        generate_ministry(name=short_name, short_name=short_name, years=[2024], seed=seed,
                          institutions=numbered_institutions(2, prefix=short_name))  # fmt: skip
        return list(
            StatusEntry.objects.filter(report__plan__ministry__short_name=short_name)
            .order_by(
                "report__plan__institution__name",
                "report__quarter",
                "goal__order",
                "requirement__order",
            )  # fmt: skip
            .values_list("status", "result_value")
        )

    first = statuses("A", seed=5)
    assert first == statuses("B", seed=5)
    assert first != statuses("C", seed=6)
