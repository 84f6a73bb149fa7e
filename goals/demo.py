"""Demo data: the reference plans, a user for each role and three quarters of follow-up.

Safe to run again: what exists already is left as it is.

The demo users' password is the README's (`DEMO_PASSWORD`) for local use only. On a
database that others can reach, the users get a random password instead, shown once
(`load_demo(password=None)`; the command does so when DEBUG is off and it is told
`--on-production`).
"""

import datetime
import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from goals.copying import link_predecessors
from goals.figures import is_running_total, propose, quarter_target, takes_number
from goals.generate import InstitutionName, generate_ministry, goal_entry
from goals.models import (
    INSTITUTION_ROLES,
    MINISTRY_ROLES,
    Comparator,
    HistoryRecord,
    Institution,
    Membership,
    Ministry,
    Plan,
    QuarterReport,
    ReportState,
    Status,
    StatusEntry,
    quarter_end,
)
from goals.planfile import import_plan, parse_plan_text, read_plan_file
from goals.scoring import goal_status
from goals.selectors import goals_with_requirements

PLAN_DIR = Path(settings.BASE_DIR) / "fixtures" / "plans"
DEMO_PASSWORD = "mrplan-demo-2024"

# (username, full name, role, institution or ministry short name); role None = administrator
USERS = [
    ("admin", "Ada Administrator", None, None),
    ("adst", "Claus Henrik Larsen", Membership.Role.REPORTER, "ADST"),
    ("adst-medarbejder", "Mette Madsen", Membership.Role.REPORTER, "ADST"),
    ("be", "Peter Østergaard", Membership.Role.REPORTER, "BE"),
    # Drafts BE's next plan with the department (goals/planning.py; the demo's draft).
    ("be-planlaegger", "Birgitte Holm", Membership.Role.PLANNER, "BE"),
    # A director of this year's plan: the home page's deadlines and the reminders are live.
    ("sds", "Signe Dahl", Membership.Role.REPORTER, "SDS"),
    ("skm-departement", "Sofie Kjær", Membership.Role.REVIEWER, "SKM"),
    ("ism-departement", "Ibrahim Said", Membership.Role.REVIEWER, "ISM"),
    ("ekm-departement", "Eva Krogh", Membership.Role.REVIEWER, "EKM"),
    # Drafts next year's plan with the department.
    ("adst-planlaegger", "Lars Holm", Membership.Role.PLANNER, "ADST"),
    # Invites and manages the people of the ministry's department and institutions.
    ("skm-administrator", "Karen Vestergaard", Membership.Role.ADMIN, "SKM"),
]

# A made-up ministry beside the reference plans, so the dashboards have institutions to
# compare: last year complete, this year reported up to the last quarter that has ended.
EXAMPLE_MINISTRY = ("Eksempelministeriet (fiktive demodata)", "EKM")
EXAMPLE_INSTITUTIONS = [
    InstitutionName("Styrelsen for Digital Service", "SDS"),
    InstitutionName("Tilsynsstyrelsen", "TILS"),
    InstitutionName("Styrelsen for Data og Analyse", "SDA"),
    InstitutionName("Udbetalingsstyrelsen", "UDS"),
    InstitutionName("Klagenævnsenheden", "KLE"),
    InstitutionName("Styrelsen for Borgerkontakt", "SBK"),
    InstitutionName("Bygge- og Driftsstyrelsen", "BDS"),
    InstitutionName("Rådgivningsenheden", "RGE"),
]

# How far each quarter's result lies from its target, in percent; negative is worse.
# A fixed pattern, so the demo looks the same on every machine.
DEVIATIONS = [2.1, 0.6, -0.8, 3.4, 1.2, -6.0, 0.3, 4.8, -1.5, 1.9, 0.9, 2.6]

# States of the demo's quarterly reports: (institution, year) -> {quarter: state}
REPORT_STATES = {
    ("ADST", 2024): {
        1: ReportState.APPROVED,
        2: ReportState.APPROVED,
        3: ReportState.SUBMITTED,
    },
    ("BE", 2024): {3: ReportState.DRAFT},
}


def load_demo(*, out=print, password=DEMO_PASSWORD):
    """Load the demo; `password=None` gives the demo users a new random one, printed once,
    and replaces the README's password where an existing demo user still has it."""
    fresh = password is None
    if fresh:
        password = secrets.token_urlsafe(16)
    with transaction.atomic():
        for path in sorted(PLAN_DIR.glob("*.yaml")):
            _load_plan(path, out)
        _load_example_ministry(out)
        users, given = _load_users(password, replace_known=fresh)
        for (short_name, year), states in REPORT_STATES.items():
            plan = Plan.objects.filter(institution__short_name=short_name, year=year).first()
            if plan:
                load_follow_up(plan, states, users)
        _load_agreement(users, out)
    out("")
    if not fresh:
        out(f"Demo-brugere (adgangskode for alle: {password}):")
    elif given:
        out(f"Demo-brugere (tilfældig adgangskode, vises kun denne gang: {password}):")
    else:
        out("Demo-brugere (de fandtes allerede; deres adgangskoder er uændrede):")
    for username, full_name, role, scope in USERS:
        what = "administrator" if role is None else f"{Membership.Role(role).label}, {scope}"
        mark = " (ny adgangskode)" if fresh and username in given else ""
        out(f"  {username:<18} {full_name:<22} {what}{mark}")


def _load_plan(path, out):
    raw = path.read_bytes()
    data = parse_plan_text(raw)
    short_name = data["institution"]["short_name"]
    year = data["plan"]["year"]
    if Plan.objects.filter(institution__short_name=short_name, year=year).exists():
        return
    import_plan(read_plan_file(raw))
    out(f"Indlæst plan: {short_name} {year} ({path.name})")


def _load_example_ministry(out, today=None):
    name, short_name = EXAMPLE_MINISTRY
    if Ministry.objects.filter(short_name=short_name).exists():
        return
    today = today or timezone.localdate()
    ended = sum(1 for quarter in (1, 2, 3, 4) if quarter_end(today.year, quarter) < today)
    ministry = generate_ministry(
        name=name,
        short_name=short_name,
        institutions=EXAMPLE_INSTITUTIONS,
        years=[today.year - 1, today.year],
        goals=8,
        requirements=2,
        last_quarter=ended,
        seed=2024,
    )
    # This year's plans carry last year's goals over, so their pages show last year's result.
    plans = {(p.institution_id, p.year): p for p in ministry.plans.all()}
    for (institution_id, year), plan in plans.items():
        if (institution_id, year - 1) in plans:
            link_predecessors(plan, plans[institution_id, year - 1])
    out(f"Indlæst eksempelministerium: {name} med {len(EXAMPLE_INSTITUTIONS)} institutioner")


def _load_users(password, *, replace_known=False):
    User = get_user_model()
    users = {}
    given = set()
    for username, full_name, role, scope in USERS:
        first, _space, last = full_name.partition(" ")
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.invalid",
                "is_staff": role is None,
                "is_superuser": role is None,
            },
        )
        if created or (replace_known and user.check_password(DEMO_PASSWORD)):
            user.set_password(password)
            user.save()
            given.add(username)
        if role in INSTITUTION_ROLES:
            institution = Institution.objects.filter(short_name=scope).first()
            if institution:
                Membership.objects.get_or_create(user=user, role=role, institution=institution)
        elif role in MINISTRY_ROLES:
            ministry = Ministry.objects.filter(short_name=scope).first()
            if ministry:
                Membership.objects.get_or_create(user=user, role=role, ministry=ministry)
        users[username] = user
    return users, given


def load_follow_up(plan, states, users):
    reporter = next(
        (u for name, u in users.items() if name == plan.institution.short_name.lower()),
        users["admin"],
    )
    reviewer = users.get("skm-departement") if plan.ministry.short_name == "SKM" else None
    goals = list(goals_with_requirements(plan))
    counter = 0
    running = {}  # each running total's sum so far
    for quarter, state in states.items():
        report, created = QuarterReport.objects.get_or_create(
            plan=plan, quarter=quarter, defaults={"state": state}
        )
        if not created:
            continue
        quarter_end = plan.quarter_end(quarter)
        moment = timezone.make_aware(
            datetime.datetime.combine(quarter_end + datetime.timedelta(days=10), datetime.time(10))
        )
        if state in (ReportState.SUBMITTED, ReportState.APPROVED):
            report.submitted_at, report.submitted_by = moment, reporter
        if state == ReportState.APPROVED:
            report.reviewed_at = moment + datetime.timedelta(days=3)
            report.reviewed_by = reviewer
        report.save()
        entries = []
        for goal in goals:
            if not goal.is_due_in(quarter):
                continue
            statuses = []
            for requirement in goal.requirements.all():
                if not requirement.is_due_in(quarter):
                    continue
                counter += 1
                entry = _requirement_entry(report, goal, requirement, quarter_end, counter, running)
                entry.updated_by = reporter
                statuses.append(entry.status)
                entries.append(entry)
            status = goal_status(goal.fulfilment_rule, goal.required_count, statuses)
            entries.append(goal_entry(report, goal, status or Status.GREEN, updated_by=reporter))
        StatusEntry.objects.bulk_create(entries)
        _record_history(plan, report, entries, reporter, reviewer, moment)


def _requirement_entry(report, goal, requirement, quarter_end, counter, running):
    """A requirement's result for the quarter: a number near its target with the status it
    gives, as the quarter page would propose it, or a text. A running total's amounts add up
    to its total so far, which is what lies near the target."""
    quarter = report.quarter
    target = quarter_target(requirement, quarter)
    if takes_number(requirement) and target is not None:
        deviation = Decimal(str(DEVIATIONS[counter % len(DEVIATIONS)]))
        worse_is_higher = requirement.comparator == Comparator.AT_MOST
        factor = 1 - deviation / 100 if worse_is_higher else 1 + deviation / 100
        places = Decimal(1).scaleb(-max(1, requirement.decimals))
        figure = (target.value * factor).quantize(places)
        if requirement.unit == "pct":
            figure = min(figure, Decimal(100))
        tolerance = report.plan.status_tolerance
        proposal = propose(requirement, target, figure, tolerance)
        values = {"result_value": figure}
        if is_running_total(requirement):
            previous = running.get(requirement.pk, Decimal(0))
            running[requirement.pk] = figure
            values = {"result_value": figure - previous, "ytd_value": figure}
        return StatusEntry(
            report=report, goal=goal, requirement=requirement, status=proposal.status, **values
        )
    if requirement.deadline and requirement.deadline <= quarter_end:
        text = f"Gennemført {requirement.deadline:%d.%m.%Y}."
    else:
        text = "Arbejdet forløber efter planen."
    return StatusEntry(
        report=report, goal=goal, requirement=requirement, result_text=text, status=Status.GREEN
    )


def _record_history(plan, report, entries, reporter, reviewer, moment):
    """The history the demo's follow-up would have left: values entered, then each step."""
    records = [
        HistoryRecord(
            plan=plan,
            report=report,
            goal=entry.goal,
            requirement=entry.requirement,
            subject=HistoryRecord.Subject.ENTRY,
            field=name,
            after=_text(getattr(entry, name)),
            changed_by=reporter,
            changed_at=moment - datetime.timedelta(days=2),
            report_version=1,
        )
        for entry in entries
        for name in ("status", "result_value", "result_text", "cause", "action")
        if getattr(entry, name) not in (None, "")
    ]
    steps = {
        ReportState.SUBMITTED: [("draft", "submitted", reporter, moment)],
        ReportState.APPROVED: [
            ("draft", "submitted", reporter, moment),
            ("submitted", "approved", reviewer, moment + datetime.timedelta(days=3)),
        ],
    }.get(report.state, [])
    for version, (before, after, user, when) in enumerate(steps, start=2):
        records.append(
            HistoryRecord(
                plan=plan,
                report=report,
                subject=HistoryRecord.Subject.REPORT,
                field="state",
                before=before,
                after=after,
                changed_by=user,
                changed_at=when,
                report_version=version,
            )
        )
    HistoryRecord.objects.bulk_create(records)
    QuarterReport.objects.filter(pk=report.pk).update(version=1 + len(steps))


def _text(value):
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


# --- the plan as an agreement ---------------------------------------------------------------

AMENDMENT_REASON = (
    "Finansloven for året gav styrelsen en ny opgave med digital post; målets forudsætning "
    "er skrevet ind i bemærkningerne."
)


def _load_agreement(users, out):
    """BE's next year's plan as a draft, with a comment from each side; and this year's plan
    of the made-up ministry's SDS as agreed in the app, with one amendment approved. Left as
    it is once there."""
    from goals import planning
    from goals.models import (
        Amendment,
        Goal,
        PlanComment,
        PlanPart,
        PlanState,
        Requirement,
        Section,
    )

    be = Plan.objects.filter(institution__short_name="BE", year=2024).first()
    planner, department = users.get("be-planlaegger"), users.get("ism-departement")
    if be and planner and department:
        draft, created = Plan.objects.get_or_create(
            institution=be.institution,
            year=be.year + 1,
            defaults={
                "ministry": be.ministry,
                "title": be.title.replace(str(be.year), str(be.year + 1)),
                "valid_from": datetime.date(be.year + 1, 1, 1),
                "valid_to": datetime.date(be.year + 1, 12, 31),
                "reporting_quarters": be.reporting_quarters,
                "deadline_days": be.deadline_days,
                "state": PlanState.DRAFT,
                "predecessor": be,
            },
        )
        if created:
            sections = {
                section.pk: Section.objects.create(
                    plan=draft,
                    kind=section.kind,
                    number=section.number,
                    order=section.order,
                    title=section.title,
                    text=section.text,
                )
                for section in be.sections.order_by("order", "pk")
            }
            for goal in be.goals.order_by("order", "pk")[:3]:
                copy = Goal.objects.create(
                    plan=draft,
                    section=sections.get(goal.section_id),
                    number=goal.number,
                    title=goal.title,
                    kind=goal.kind,
                    success_text=goal.success_text,
                    reporting_quarters=goal.reporting_quarters,
                    order=goal.order,
                    predecessor=goal,
                )
                for requirement in goal.requirements.filter(part_of=None).order_by("order"):
                    Requirement.objects.create(
                        goal=copy,
                        number=requirement.number,
                        text=requirement.text,
                        order=requirement.order,
                        predecessor=requirement,
                    )
            first = draft.goals.order_by("order", "pk").first()
            if first is not None:
                PlanComment.objects.create(
                    plan=draft,
                    goal=first,
                    author=planner,
                    text="Vi foreslår at fastholde målet, men med en skærpet frist.",
                )
                PlanComment.objects.create(
                    plan=draft,
                    goal=first,
                    author=department,
                    by_department=True,
                    text="Enig. Skriv fristen ind, før planen sendes til godkendelse.",
                )
            out(f"Udkast indlæst: BE {draft.year} med kommentarer")

    sds = Plan.objects.filter(institution__short_name="SDS").order_by("-year").first()
    reviewer = users.get("ekm-departement")
    if sds and reviewer and not Amendment.objects.filter(plan=sds).exists():
        goal = sds.goals.order_by("order", "pk").first()
        if goal is None:
            return
        with transaction.atomic():
            sds.state, sds.agreed_at = PlanState.AGREED, timezone.now()
            sds.save(update_fields=["state", "agreed_at"])
            sds.events.create(kind="agreed", actor=reviewer)
            amendment = planning.start_amendment(plan=sds, user=reviewer, reason=AMENDMENT_REASON)
            before = goal.remarks
            goal.remarks = "Målet forudsætter, at den digitale post er i drift fra 1. april."
            goal.save(update_fields=["remarks"])
            planning.record_changes(
                plan=sds,
                user=reviewer,
                part=PlanPart.GOAL,
                instance=goal,
                name=f"Mål {goal.number}",
                before={"remarks": before},
                after={"remarks": goal.remarks},
                labels={"remarks": "Bemærkninger"},
            )
            planning.close_amendment(amendment=amendment, user=reviewer, by_department=True)
        out(f"Planændring indlæst: SDS {sds.year}, ændring 1")
