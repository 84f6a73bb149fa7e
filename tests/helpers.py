"""Helpers shared by the tests: plan files of the tests' own, and the quarter page's input."""

from pathlib import Path

from django.urls import reverse

from goals.planfile import import_plan, read_plan_file

TEST_PLANS = Path(__file__).resolve().parent / "plans"

# A goal's cause, consequence and action, which a yellow or red status needs.
EXPLAINED = {"cause": "Ferie i kvartalet", "consequence": "Lidt forsinket", "action": "Vikar"}


def load_test_plan(name="figures-2025.yaml"):
    """A plan of the tests' own (tests/plans/), imported."""
    return import_plan(read_plan_file((TEST_PLANS / name).read_bytes()))


def requirement_of(plan, goal_number, text_start):
    """A requirement (or part) of the plan found by its goal and the start of its text."""
    return plan.goals.get(number=goal_number).requirements.get(text__startswith=text_start)


def quarter_url(plan, quarter):
    return reverse("goals:quarter", args=[plan.institution.short_name, plan.year, quarter])


def quarter_data(version=0, button="save", requirements=None, goals=None):
    """The quarter page's POST data: `requirements` maps a requirement to its fields
    ({"result_value": "7,1"}), `goals` a goal to its; everything else is left blank."""
    data = {"action": button, "version": str(version)}
    for requirement, fields in (requirements or {}).items():
        data.update({f"r{requirement.pk}-{name}": value for name, value in fields.items()})
    for goal, fields in (goals or {}).items():
        data.update({f"g{goal.pk}-{name}": value for name, value in fields.items()})
    return data


def delete_plans(plans):
    """Delete plans as a test's clean-up may: reported data first, which the app never deletes
    (the database refuses to delete a plan that has been reported on; tests/test_no_delete.py)."""
    from goals.models import GoalVerdict, HistoryRecord, RequirementVerdict, StatusEntry

    HistoryRecord.objects.filter(plan__in=plans).delete()
    StatusEntry.objects.filter(report__plan__in=plans).delete()
    GoalVerdict.objects.filter(goal__plan__in=plans).delete()
    RequirementVerdict.objects.filter(requirement__goal__plan__in=plans).delete()
    for plan in plans:
        plan.reports.all().delete()
    plans.delete()


def save_entries(plan, quarter, user, values, *, submit=False):
    """Save (and with `submit`, hand in) a quarter through the service, as the page does once
    its forms are read: `values` maps a goal or a requirement to its cleaned fields
    ({"status": "green", "result_value": Decimal("96")}). Returns the report."""
    from goals import services
    from goals.models import QuarterReport, Requirement

    report = QuarterReport.objects.filter(plan=plan, quarter=quarter).first()
    rows = [
        services.Row(goal=subject.goal, requirement=subject, values=fields)
        if isinstance(subject, Requirement)
        else services.Row(goal=subject, values=fields)
        for subject, fields in values.items()
    ]
    report, _changed = services.save_quarter(
        plan=plan,
        quarter=quarter,
        user=user,
        rows=rows,
        version=report.version if report else 0,
        submit=submit,
    )
    return report
