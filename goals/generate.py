"""Generated ministries: many institutions with plans, follow-up and verdicts, made up.

Used by the demo (a fictitious ministry beside the reference plans), by the tests that
prove a dashboard's query count does not grow with the ministry, and by the benchmarks in
`bench/`. The data come from a seeded random source, so the same arguments always give the
same ministry, and are written with bulk inserts, so a ministry of 200 institutions with
five years of plans takes seconds.

Every year but the last is complete: four approved quarters and the department's verdicts.
The last year is reported up to `last_quarter`; its last quarter has the mix of states a
deadline day has (approved, submitted, draft, returned, not started).
"""

import datetime
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from goals.models import (
    Comparator,
    FigureKind,
    Goal,
    GoalKind,
    GoalVerdict,
    GroupGoal,
    HistoryRecord,
    Institution,
    Measure,
    Ministry,
    MinistryBeacon,
    Plan,
    QuarterReport,
    ReportState,
    Requirement,
    ScoringMethod,
    Section,
    Status,
    StatusEntry,
    Unit,
    quarter_end,
)
from goals.numbers import format_number
from goals.scoring import STATUS_VERDICT

BEACONS = [
    ("1", "Effektiv og rettidig opgaveløsning"),
    ("2", "Tillid og retssikkerhed"),
    ("3", "En attraktiv og udviklende arbejdsplads"),
]

GROUP_GOALS = [
    ("budget", "Budgetoverholdelse", "Forbruget afviger højst 2 pct. fra budgettet."),
    ("sygefravaer", "Lavt sygefravær", "Sygefraværet er højst 7 dage pr. medarbejder."),
]

GOAL_TITLES = [
    "Rettidig sagsbehandling",
    "Korrekte afgørelser",
    "Tilfredse brugere",
    "Digital selvbetjening",
    "Kortere ventetid i telefonen",
    "Rettidig betaling af fakturaer",
    "Færre klager",
    "Stabil it-drift",
    "Korrekt udbetaling",
    "Datadrevet styring",
    "Grønne indkøb",
    "Kompetenceudvikling",
    "Sikker håndtering af persondata",
    "Forenkling af regler og blanketter",
    "Samarbejde med kommunerne",
]

CAUSES = {
    Status.YELLOW: (
        "Flere sager end ventet og en vakant stilling i kvartalet.",
        "Målet kan stadig nås for året, men marginen er lille.",
        "Opgaverne omprioriteres, og der følges op hver måned.",
    ),
    Status.RED: (
        "En systemomlægning har forsinket sagsbehandlingen i kvartalet.",
        "Der er risiko for, at målet ikke nås for året.",
        "Der er nedsat en task force, og departementet orienteres månedligt.",
    ),
}

GOAL_RESULTS = {
    Status.GREEN: "Målet forventes nået.",
    Status.YELLOW: "Målet er under pres, men forventes nået.",
    Status.RED: "Målet er i risiko for ikke at blive nået.",
}

# How often each status is drawn for a requirement; a goal takes its worst requirement's.
REQUIREMENT_STATUS_WEIGHTS = {Status.GREEN: 88, Status.YELLOW: 8, Status.RED: 4}

# States of the last reported quarter of the last year, as on a deadline day; None: no report.
LAST_QUARTER_STATES = {
    ReportState.APPROVED: 35,
    ReportState.SUBMITTED: 30,
    ReportState.DRAFT: 12,
    ReportState.RETURNED: 8,
    None: 15,
}

WORST_FIRST = (Status.RED, Status.YELLOW, Status.GREEN)


@dataclass(frozen=True)
class InstitutionName:
    name: str
    short_name: str


def numbered_institutions(count, prefix="I"):
    """Names for `count` generated institutions: "Institution 001" (I001), ..."""
    return [
        InstitutionName(f"Institution {n:03d} ({prefix})", f"{prefix}{n:03d}")
        for n in range(1, count + 1)
    ]


@transaction.atomic
def generate_ministry(
    *,
    name,
    short_name,
    institutions,
    years,
    goals=15,
    requirements=3,
    last_quarter=4,
    seed=0,
):
    """Create a ministry with one plan per institution and year; return the Ministry.

    `institutions` is a list of InstitutionName (see `numbered_institutions`), `years` the
    plan years in ascending order. Each plan has `goals` goals under three beacons, each goal
    `requirements` requirements. The last year is reported up to `last_quarter` (0: not yet).
    """
    rng = random.Random(seed)
    ministry = Ministry.objects.create(name=name, short_name=short_name)
    beacons = MinistryBeacon.objects.bulk_create(
        MinistryBeacon(ministry=ministry, number=number, order=order, title=title)
        for order, (number, title) in enumerate(BEACONS, start=1)
    )
    group_goals = GroupGoal.objects.bulk_create(
        GroupGoal(ministry=ministry, code=code, title=title, description=description)
        for code, title, description in GROUP_GOALS
    )
    bodies = Institution.objects.bulk_create(
        Institution(ministry=ministry, name=n.name, short_name=n.short_name) for n in institutions
    )
    for year in years:
        reported = 4 if year != years[-1] else last_quarter
        _generate_year(rng, ministry, bodies, beacons, group_goals, year, goals, requirements,
                       reported, complete=year != years[-1])  # fmt: skip
    return ministry


def _generate_year(
    rng, ministry, institutions, beacons, group_goals, year, goal_count, requirement_count,
    reported, complete,
):  # fmt: skip
    plans = Plan.objects.bulk_create(
        Plan(
            institution=institution,
            ministry=ministry,
            year=year,
            title=f"Mål- og resultatplan {year} for {institution.name}",
            valid_from=datetime.date(year, 1, 1),
            valid_to=datetime.date(year, 12, 31),
            deadline_days=14,
            scoring_method=ScoringMethod.BINARY if n % 3 else ScoringMethod.PARTIAL,
        )
        for n, institution in enumerate(institutions)
    )
    sections = Section.objects.bulk_create(
        Section(
            plan=plan,
            kind=Section.Kind.BEACON,
            number=beacon.number,
            order=beacon.order,
            title=f"Pejlemærke {beacon.number}: {beacon.title}",
            ministry_beacon=beacon,
        )
        for plan in plans
        for beacon in beacons
    )
    sections_by_plan = {}
    for section in sections:
        sections_by_plan.setdefault(section.plan_id, []).append(section)

    goals = Goal.objects.bulk_create(
        _goal(plan, sections_by_plan[plan.pk], group_goals, index, goal_count)
        for plan in plans
        for index in range(goal_count)
    )
    requirements = Requirement.objects.bulk_create(
        _requirement(goal, index, year) for goal in goals for index in range(requirement_count)
    )
    requirements_by_goal = {}
    for requirement in requirements:
        requirements_by_goal.setdefault(requirement.goal_id, []).append(requirement)

    states = {}
    for plan in plans:
        for quarter in range(1, reported + 1):
            if complete or quarter < reported - 1:
                states[plan.pk, quarter] = ReportState.APPROVED
            elif quarter < reported:
                states[plan.pk, quarter] = rng.choice(
                    [ReportState.APPROVED] * 4 + [ReportState.SUBMITTED]
                )
            else:
                states[plan.pk, quarter] = _draw(rng, LAST_QUARTER_STATES)
    reports = QuarterReport.objects.bulk_create(
        _report(plan, quarter, state)
        for plan in plans
        for quarter in range(1, reported + 1)
        if (state := states[plan.pk, quarter]) is not None
    )

    goals_by_plan = {}
    for goal in goals:
        goals_by_plan.setdefault(goal.plan_id, []).append(goal)
    entries, history, last_status, running = [], [], {}, {}
    for report in reports:
        for goal in goals_by_plan[report.plan_id]:
            if not goal.is_due_in(report.quarter):
                continue
            statuses = []
            for requirement in requirements_by_goal.get(goal.pk, []):
                status = _draw(rng, REQUIREMENT_STATUS_WEIGHTS)
                statuses.append(status)
                entries.append(_requirement_entry(rng, report, goal, requirement, status, running))
            status = worst(statuses)
            entries.append(goal_entry(report, goal, status))
            last_status[goal.pk] = status
            history.append(
                HistoryRecord(
                    plan_id=report.plan_id,
                    report=report,
                    goal=goal,
                    subject=HistoryRecord.Subject.ENTRY,
                    field="status",
                    after=status,
                    changed_at=report.submitted_at or _moment(year, report.quarter, 8),
                    report_version=1,
                )
            )
    StatusEntry.objects.bulk_create(entries, batch_size=5000)
    # Entries were "changed" when their report was handed in (drafts: now), not when made here.
    StatusEntry.objects.filter(report__plan__in=plans).update(
        updated_at=Coalesce(
            Subquery(
                QuarterReport.objects.filter(pk=OuterRef("report")).values("submitted_at")[:1]
            ),
            Value(timezone.now()),
        )
    )
    HistoryRecord.objects.bulk_create(history, batch_size=5000)

    if complete:
        GoalVerdict.objects.bulk_create(
            GoalVerdict(goal=goal, rule_verdict=verdict, verdict=verdict)
            for goal in goals
            if (verdict := STATUS_VERDICT.get(last_status.get(goal.pk))) is not None
        )


def _draw(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _goal(plan, sections, group_goals, index, goal_count):
    section = sections[index * len(sections) // goal_count]
    position = sum(1 for i in range(index) if sections[i * len(sections) // goal_count] == section)
    group_goal = group_goals[index] if index < len(group_goals) else None
    if group_goal:
        kind = GoalKind.GROUP
    else:
        kind = GoalKind.DEVELOPMENT if index % 4 == 3 else GoalKind.OPERATIONS
    title = group_goal.title if group_goal else GOAL_TITLES[index % len(GOAL_TITLES)]
    if index >= len(GOAL_TITLES):
        title = f"{title} ({index // len(GOAL_TITLES) + 1})"
    return Goal(
        plan=plan,
        section=section,
        group_goal=group_goal,
        number=f"{section.number}.{position + 1}",
        order=index + 1,
        title=title,
        success_text="Alle resultatkrav er opfyldt ved årets udgang.",
        kind=kind,
        # Every fifth goal is reported only in the second and fourth quarters.
        reporting_quarters="24" if index % 5 == 4 else "1234",
    )


def _requirement(goal, index, year):
    number = f"{index + 1})"
    if index % 3 == 2:
        return Requirement(
            goal=goal,
            number=number,
            order=index + 1,
            text=f"Handlingsplanen for {goal.title.lower()} er godkendt af direktionen.",
            measure=Measure.MILESTONE,
            deadline=datetime.date(year, 9, 30),
            deadline_text=f"senest ved udgangen af 3. kvartal {year}",
        )
    if index % 3 == 1 and goal.order % 4 == 0:
        # Every fourth goal has an annual total: hours freed, which add up over the year.
        hours = 4000 + 400 * (goal.order % 5)
        return Requirement(
            goal=goal,
            number=number,
            order=index + 1,
            text=f"Digitale løsninger frigør samlet mindst {format_number(hours)} timer i året.",
            measure=Measure.THRESHOLD,
            comparator=Comparator.AT_LEAST,
            target_value=Decimal(hours),
            unit=Unit.HOURS,
            figure_kind=FigureKind.RUNNING_TOTAL,
        )
    target = Decimal(90 + (goal.order + index) % 9)
    return Requirement(
        goal=goal,
        number=number,
        order=index + 1,
        text=f"Minimum {target} pct. af sagerne er afsluttet inden for fristen.",
        measure=Measure.THRESHOLD,
        comparator=Comparator.AT_LEAST,
        target_value=target,
        unit=Unit.PERCENT,
        figure_kind=FigureKind.LEVEL,
    )


# How far a figure lies short of its target for each status drawn, in percent: green meets
# it, yellow lies within the default 5 pct. tolerance, red beyond it.
SHORTFALL = {Status.GREEN: (-2, 0), Status.YELLOW: (0.5, 4.5), Status.RED: (6, 15)}


def _requirement_entry(rng, report, goal, requirement, status, running):
    """A requirement's entry in a report, with a figure that gives the status drawn.

    A running total's amounts add up: `running` keeps each one's total so far, as the
    reports are made in quarter order.
    """
    if requirement.measure != Measure.THRESHOLD:
        text = "Arbejdet forløber efter planen." if status == Status.GREEN else "Forsinket."
        return StatusEntry(
            report=report, goal=goal, requirement=requirement, result_text=text, status=status
        )
    shortfall = Decimal(str(round(rng.uniform(*SHORTFALL[status]), 1)))
    if requirement.figure_kind == FigureKind.RUNNING_TOTAL:
        quarters = goal.quarters
        expected = requirement.target_value * (quarters.index(report.quarter) + 1) / len(quarters)
        total = (expected * (1 - shortfall / 100)).quantize(Decimal(1), ROUND_HALF_UP)
        amount = total - running.get(requirement.pk, Decimal(0))
        running[requirement.pk] = total
        return StatusEntry(
            report=report,
            goal=goal,
            requirement=requirement,
            result_value=amount,
            ytd_value=total,
            status=status,
        )
    value = min(Decimal(100), requirement.target_value * (1 - shortfall / 100))
    return StatusEntry(
        report=report,
        goal=goal,
        requirement=requirement,
        result_value=value.quantize(Decimal("0.1")),
        status=status,
    )


def _report(plan, quarter, state):
    handed_in = state in (ReportState.SUBMITTED, ReportState.APPROVED, ReportState.RETURNED)
    reviewed = state in (ReportState.APPROVED, ReportState.RETURNED)
    return QuarterReport(
        plan=plan,
        quarter=quarter,
        state=state,
        submitted_at=_moment(plan.year, quarter, 12) if handed_in else None,
        reviewed_at=_moment(plan.year, quarter, 16) if reviewed else None,
        review_comment="Uddyb venligst handlingen for de røde mål."
        if state == ReportState.RETURNED
        else "",
        version=1,
    )


def _moment(year, quarter, days_after):
    day = quarter_end(year, quarter) + datetime.timedelta(days=days_after)
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    return min(moment, timezone.now())


def worst(statuses):
    """The worst of a goal's requirements' statuses; green for a goal without any."""
    return next((s for s in WORST_FIRST if s in statuses), Status.GREEN)


def goal_entry(report, goal, status, **fields):
    """A goal's row of a quarter with its status and the words a director would write to it:
    a result, and for yellow and red a cause, a consequence and an action."""
    cause, consequence, action = CAUSES.get(status, ("", "", ""))
    return StatusEntry(
        report=report,
        goal=goal,
        status=status,
        result_text=GOAL_RESULTS[status],
        ytd_text=GOAL_RESULTS[status],
        cause=cause,
        consequence=consequence,
        action=action,
        **fields,
    )
