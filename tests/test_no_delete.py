"""What has been reported is never deleted: not in the admin, not by a plan file, not in a shell.

A goal or requirement with status entries, verdicts or history, a plan or quarter with follow-up:
the database refuses to delete them (PROTECT), the admin offers no delete box for them, and a
plan file cannot replace such a plan. Users are deactivated, not deleted, and should one be
deleted all the same, the history still names who made each change.
"""

import importlib
import io

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import ProtectedError
from django.forms import modelform_factory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from goals.admin import GoalInline, NotDeletable
from goals.limits import PLAN_TEXT, REPORT_TEXT
from goals.models import (
    Goal,
    GoalVerdict,
    HistoryRecord,
    Plan,
    QuarterReport,
    Requirement,
    RequirementVerdict,
    StatusEntry,
)
from goals.planfile import PlanFileError, import_plan, read_plan_file
from tests.conftest import PLAN_DIR, load_reference

NOT_DELETABLE = "Kan ikke slettes: der er indberettet på det."


@pytest.fixture
def plan(plan):
    """A draft: the admin changes a plan's contents only until it is agreed (an agreed plan
    is changed by an amendment, test_an_agreed_plan_is_read_only_in_the_admin)."""
    plan.state = Plan.State.DRAFT
    plan.save()
    return plan


@pytest.fixture
def reported(plan, goal, requirement, alice):
    """A quarter's follow-up on the goal and its requirement, their verdicts and history."""
    report = QuarterReport.objects.create(plan=plan, quarter=1)
    StatusEntry.objects.create(report=report, goal=goal, status="green")
    StatusEntry.objects.create(report=report, goal=goal, requirement=requirement, status="green")
    GoalVerdict.objects.create(goal=goal, rule_verdict="met", verdict="met")
    RequirementVerdict.objects.create(requirement=requirement, met=True)
    HistoryRecord.objects.create(
        plan=plan, report=report, goal=goal, requirement=requirement, subject="entry",
        field="status", before="", after="green", changed_by=alice,
    )  # fmt: skip
    return report


def everything_reported():
    return (
        StatusEntry.objects.count(),
        GoalVerdict.objects.count(),
        RequirementVerdict.objects.count(),
        HistoryRecord.objects.count(),
        QuarterReport.objects.count(),
    )


REPORTED = (2, 1, 1, 1, 1)


def admin_form_data(response):
    """The POST data of an admin change form as it stands, its inlines included."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            else:
                data[bound.html_name] = "" if value is None else value
    return data


def delete_box(response, instance):
    """The name of the delete box of `instance`'s row in an inline of the change form."""
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            if form.instance.pk == instance.pk and type(form.instance) is type(instance):
                return form.add_prefix("DELETE")
    raise AssertionError(f"{instance!r} has no row")


def test_the_goal_inline_keeps_a_goal_that_has_been_reported_on(
    client, admin_user_, plan, section, goal, reported
):
    spare = Goal.objects.create(plan=plan, section=section, number="1.2", title="Ny")
    client.force_login(admin_user_)
    url = reverse("admin:goals_plan_change", args=[plan.pk])
    page = client.get(url)
    assert NOT_DELETABLE in page.content.decode()
    data = admin_form_data(page)
    # Ticked by hand, as a crafted request would: the box is not even offered.
    data[delete_box(page, goal)] = "on"
    data[delete_box(page, spare)] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert Goal.objects.filter(pk=goal.pk).exists()
    assert not Goal.objects.filter(pk=spare.pk).exists()  # nothing reported: deleted
    assert everything_reported() == REPORTED


def test_the_requirement_inline_keeps_a_requirement_that_has_been_reported_on(
    client, admin_user_, goal, requirement, reported
):
    spare = Requirement.objects.create(goal=goal, number="2)", text="Ubrugt")
    verdict_only = Requirement.objects.create(goal=goal, number="3)", text="Kun vurderet")
    RequirementVerdict.objects.create(requirement=verdict_only, met=False)
    client.force_login(admin_user_)
    url = reverse("admin:goals_goal_change", args=[goal.pk])
    page = client.get(url)
    assert page.content.decode().count(NOT_DELETABLE) == 2
    data = admin_form_data(page)
    for row in (requirement, spare, verdict_only):
        data[delete_box(page, row)] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert set(goal.requirements.values_list("pk", flat=True)) == {requirement.pk, verdict_only.pk}
    assert RequirementVerdict.objects.count() == 2
    assert StatusEntry.objects.count() == 2


@pytest.mark.parametrize("model", ["goal", "requirement", "plan"])
def test_the_admin_delete_page_refuses(client, admin_user_, goal, requirement, reported, model):
    target = {"goal": goal, "requirement": requirement, "plan": goal.plan}[model]
    client.force_login(admin_user_)
    url = reverse(f"admin:goals_{model}_delete", args=[target.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["protected"]
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert response.context["protected"]
    assert type(target).objects.filter(pk=target.pk).exists()
    assert everything_reported() == REPORTED


@pytest.mark.parametrize("model", ["goal", "requirement", "plan"])
def test_the_bulk_delete_action_refuses(client, admin_user_, goal, requirement, reported, model):
    target = {"goal": goal, "requirement": requirement, "plan": goal.plan}[model]
    client.force_login(admin_user_)
    url = reverse(f"admin:goals_{model}_changelist")
    chosen = {"action": "delete_selected", "_selected_action": [target.pk]}
    page = client.post(url, chosen)
    assert page.status_code == 200
    assert page.context["protected"]
    response = client.post(url, {**chosen, "post": "yes"})
    assert response.status_code == 200
    assert response.context["protected"]
    assert type(target).objects.filter(pk=target.pk).exists()
    assert everything_reported() == REPORTED


def test_the_admin_still_deletes_a_goal_nothing_is_reported_on(
    client, admin_user_, plan, section, reported
):
    spare = Goal.objects.create(plan=plan, section=section, number="9", title="Ny")
    Requirement.objects.create(goal=spare, text="Et krav uden indberetning")
    client.force_login(admin_user_)
    response = client.post(reverse("admin:goals_goal_delete", args=[spare.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Goal.objects.filter(pk=spare.pk).exists()
    assert everything_reported() == REPORTED


def test_the_orm_refuses_every_delete_of_reported_data(goal, requirement, reported):
    for delete in [
        goal.delete,
        requirement.delete,
        goal.plan.delete,
        reported.delete,
        Goal.objects.all().delete,
        Requirement.objects.all().delete,
        Plan.objects.all().delete,
        QuarterReport.objects.all().delete,
        goal.plan.institution.delete,
    ]:
        with pytest.raises(ProtectedError):
            delete()
    assert everything_reported() == REPORTED
    assert Goal.objects.filter(pk=goal.pk).exists()


def test_a_goal_nothing_is_reported_on_can_be_deleted(goal, requirement):
    goal.delete()
    assert not Goal.objects.exists()
    assert not Requirement.objects.exists()


@pytest.mark.parametrize("kind", ["entry", "part entry", "verdict", "goal verdict", "history"])
def test_reported_on_finds_each_kind_of_report(plan, goal, requirement, kind):
    part = Requirement.objects.create(goal=goal, part_of=requirement, label="telefon", text="Del")
    report = QuarterReport.objects.create(plan=plan, quarter=2)
    if kind == "entry":
        StatusEntry.objects.create(report=report, goal=goal, requirement=requirement)
    elif kind == "part entry":
        StatusEntry.objects.create(report=report, goal=goal, requirement=part)
    elif kind == "verdict":
        RequirementVerdict.objects.create(requirement=requirement, met=True)
    elif kind == "goal verdict":
        GoalVerdict.objects.create(goal=goal, rule_verdict="met", verdict="met")
    else:
        HistoryRecord.objects.create(
            plan=plan, goal=goal, requirement=requirement, subject="requirement_verdict",
            field="met", after="True",
        )  # fmt: skip
    assert list(Goal.objects.reported_on()) == [goal]
    expected = [] if kind == "goal verdict" else [requirement]
    assert list(Requirement.objects.filter(part_of=None).reported_on()) == expected
    assert plan.has_reported_data()


def test_a_plan_with_only_a_quarter_report_is_reported_on(plan):
    assert not plan.has_reported_data()
    QuarterReport.objects.create(plan=plan, quarter=1)
    assert plan.has_reported_data()


@pytest.fixture
def judged_plan(db):
    """A reference plan with year-end verdicts and no quarter's follow-up."""
    plan = load_reference("be-2021.yaml")
    goal = plan.goals.first()
    GoalVerdict.objects.create(goal=goal, rule_verdict="met", verdict="met")
    return plan


def test_import_plan_replace_refuses_a_plan_with_verdicts(judged_plan):
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_plan", str(PLAN_DIR / "be-2021.yaml"), replace=True, stdout=io.StringIO()
        )
    assert "årsvurderinger" in str(caught.value)
    assert Plan.objects.get().pk == judged_plan.pk
    assert GoalVerdict.objects.count() == 1


def test_the_admin_replace_refuses_a_plan_with_verdicts(client, admin_user_, judged_plan):
    client.force_login(admin_user_)
    content = (PLAN_DIR / "be-2021.yaml").read_bytes()
    response = client.post(
        reverse("admin:goals_plan_import"),
        {"file": SimpleUploadedFile("be-2021.yaml", content), "replace": "on"},
    )
    assert response.status_code == 200
    assert "kan ikke erstattes med en fil" in response.content.decode()
    assert Plan.objects.get().pk == judged_plan.pk
    assert GoalVerdict.objects.count() == 1


def test_a_plan_reported_on_after_its_file_was_checked_is_still_not_replaced(db):
    plan = load_reference("be-2021.yaml")
    checked = read_plan_file((PLAN_DIR / "be-2021.yaml").read_bytes(), replace=True)
    HistoryRecord.objects.create(
        plan=plan, goal=plan.goals.first(), subject="goal_verdict", field="verdict", after="met"
    )
    with pytest.raises(PlanFileError) as caught:
        import_plan(checked)
    assert "kan ikke erstattes" in str(caught.value)
    assert Plan.objects.get().pk == plan.pk
    assert HistoryRecord.objects.count() == 1


def test_a_plan_without_reports_is_still_replaced(db):
    plan = load_reference("be-2021.yaml")
    call_command("import_plan", str(PLAN_DIR / "be-2021.yaml"), replace=True, stdout=io.StringIO())
    assert not Plan.objects.filter(pk=plan.pk).exists()
    assert Plan.objects.count() == 1


def test_history_keeps_the_name_of_a_deleted_user(client, admin_user_, plan, goal):
    anna = get_user_model().objects.create_user("anna", first_name="Anna", last_name="Ahl")
    bo = get_user_model().objects.create_user("bo")
    records = HistoryRecord.objects.bulk_create(
        HistoryRecord(plan=plan, goal=goal, subject="goal_verdict", field="verdict", **who)
        for who in [{"changed_by": anna}, {"changed_by_id": bo.pk}, {}]
    )
    saved = HistoryRecord.objects.create(
        plan=plan, goal=goal, subject="goal_verdict", field="reason", changed_by=anna
    )
    assert [r.changed_by_name for r in records] == ["Anna Ahl", "bo", ""]
    anna.delete()
    bo.delete()
    kept = HistoryRecord.objects.order_by("id")
    assert [r.changed_by_id for r in kept] == [None] * 4
    assert [r.changed_by_display for r in kept] == ["Anna Ahl", "bo", "", "Anna Ahl"]
    assert saved.pk in {r.pk for r in kept}
    client.force_login(admin_user_)
    url = reverse("goals:history", args=[plan.institution.short_name, plan.year, goal.pk])
    page = client.get(url).content.decode()
    assert page.count("Anna Ahl") == 2 and "<td>bo</td>" in page
    listing = client.get(reverse("admin:goals_historyrecord_changelist")).content.decode()
    assert listing.count("Anna Ahl") == 2


def test_the_migration_names_whoever_made_the_existing_history(plan, goal):
    anna = get_user_model().objects.create_user("anna", first_name="Anna", last_name="Ahl")
    HistoryRecord.objects.create(
        plan=plan, goal=goal, subject="goal_verdict", field="verdict", changed_by=anna
    )
    HistoryRecord.objects.update(changed_by_name="")  # as rows made before the field
    migration = importlib.import_module("goals.migrations.0005_protect_reported_data")
    migration.keep_names(apps, None)
    assert HistoryRecord.objects.get().changed_by_name == "Anna Ahl"


def test_users_are_deactivated_not_deleted(client, admin_user_, alice, carol):
    client.force_login(admin_user_)
    url = reverse("admin:auth_user_changelist")
    page = client.get(url)
    actions = [name for name, _label in page.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert "deactivate_users" in actions
    assert "Brugere slettes ikke, men deaktiveres" in page.content.decode()
    assert client.get(reverse("admin:auth_user_delete", args=[alice.pk])).status_code == 403
    response = client.post(
        url,
        {"action": "deactivate_users", "_selected_action": [alice.pk, admin_user_.pk]},
        follow=True,
    )
    assert "1 bruger er deaktiveret" in response.content.decode()
    alice.refresh_from_db()
    admin_user_.refresh_from_db()
    carol.refresh_from_db()
    assert not alice.is_active
    assert admin_user_.is_active  # never oneself
    assert carol.is_active  # not chosen
    assert get_user_model().objects.filter(pk=alice.pk).exists()


@pytest.mark.parametrize(
    ("text", "code"), [("x" * (REPORT_TEXT + 1), "max_length"), ("Ferie\x0bi juli", None)]
)
def test_a_report_text_too_long_or_with_a_control_character_is_refused(goal, reported, text, code):
    entry = StatusEntry.objects.filter(requirement=None).get()
    form = modelform_factory(StatusEntry, fields=["cause"])({"cause": text}, instance=entry)
    assert not form.is_valid()
    assert "cause" in form.errors
    entry.cause = text
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert "cause" in caught.value.message_dict
    if code is None:
        assert "U+000B" in " ".join(caught.value.message_dict["cause"])
    entry.cause = "x" * REPORT_TEXT
    entry.full_clean()


def test_plan_prose_is_limited_in_the_admin_too(client, admin_user_, goal):
    client.force_login(admin_user_)
    url = reverse("admin:goals_goal_change", args=[goal.pk])
    data = admin_form_data(client.get(url))
    data["description"] = "x" * (PLAN_TEXT + 1)
    data["title"] = "Et\x07mål"
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"description", "title"}
    goal.refresh_from_db()
    assert goal.title == "Et mål"


def test_the_inline_finds_its_reported_rows_in_one_query(rf, admin_user_, plan, section):
    report = QuarterReport.objects.create(plan=plan, quarter=1)

    def queries_for_rows(count):
        for n in range(count):
            goal = Goal.objects.create(plan=plan, section=section, number=f"{count}.{n}", title="M")
            StatusEntry.objects.create(report=report, goal=goal, status="green")
        url = reverse("admin:goals_plan_change", args=[plan.pk])
        request = rf.get(url)
        request.user = admin_user_
        request.resolver_match = resolve(url)
        inline = GoalInline(Plan, admin.site)
        formset = inline.get_formset(request, plan)(instance=plan, queryset=plan.goals.all())
        with CaptureQueriesContext(connection) as queries:
            forms = formset.forms
        assert {type(form.fields["DELETE"].widget) for form in forms} == {NotDeletable}
        assert len(forms) == Goal.objects.filter(plan=plan).count()
        return len(queries)

    assert queries_for_rows(2) == queries_for_rows(10) == 2


def test_no_path_deletes_an_amendment_or_its_record(plan, goal):
    """An amendment is what the annual report discloses: its plan, its changes and the
    amendment itself cannot be deleted."""
    from django.contrib.auth import get_user_model

    from goals.models import Amendment, AmendmentChange, PlanEvent

    user = get_user_model().objects.create_user("amender")
    amendment = Amendment.objects.create(plan=plan, number=1, reason="Ny lov", made_by=user)
    AmendmentChange.objects.create(
        amendment=amendment, part="goal", object_id=goal.pk, name="Mål 1.1", field="title",
        before="Et mål", after="Et bedre mål", changed_by=user,
    )  # fmt: skip
    PlanEvent.objects.create(plan=plan, kind="agreed", actor=user)
    for delete in [plan.delete, amendment.delete, Amendment.objects.all().delete, user.delete]:
        with pytest.raises(ProtectedError):
            delete()
    assert AmendmentChange.objects.filter(amendment=amendment).count() == 1


def test_an_agreed_plan_is_read_only_in_the_admin(client, admin_user_, plan, goal, requirement):
    """An agreed plan changes only by an amendment, where every change is kept: the admin
    shows its contents and refuses a change, a new row and a delete, saying why."""
    Plan.objects.filter(pk=plan.pk).update(state=Plan.State.AGREED)
    client.force_login(admin_user_)
    for model, obj in (("plan", plan), ("goal", goal), ("requirement", requirement)):
        url = reverse(f"admin:goals_{model}_change", args=[obj.pk])
        page = client.get(url).content.decode()
        assert 'name="_save"' not in page, model
        assert client.post(url, {"title": "Ændret uden begrundelse"}).status_code == 403
        delete = client.get(reverse(f"admin:goals_{model}_delete", args=[obj.pk]))
        assert delete.status_code == 403, model
    changelist = reverse("admin:goals_goal_changelist")
    page = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [goal.pk]}
    ).content.decode()
    assert "indholdet af en aftalt plan" in page
    assert Goal.objects.filter(pk=goal.pk).exists()
    goal.refresh_from_db()
    assert goal.title == "Et mål"
    # A draft is changed there as before.
    Plan.objects.filter(pk=plan.pk).update(state=Plan.State.DRAFT)
    page = client.get(reverse("admin:goals_goal_change", args=[goal.pk])).content.decode()
    assert 'name="_save"' in page


def test_a_plan_made_in_the_admin_is_a_draft(client, admin_user_, institution):
    client.force_login(admin_user_)
    response = client.post(
        reverse("admin:goals_plan_add"),
        {
            "institution": institution.pk, "ministry": institution.ministry_id, "year": 2031,
            "title": "Plan 2031", "valid_from": "2031-01-01", "valid_to": "2031-12-31",
            "reporting_quarters": "1234", "status_tolerance": "5", "partial_score": "50",
            "scoring_method": "binary",
            **{f"{prefix}-{key}": value for prefix in ("sections", "goals", "signatories")
               for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))},
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Plan.objects.get(year=2031).state == Plan.State.DRAFT


def test_the_admin_shows_amendments_comments_and_steps_and_changes_none(client, admin_user_, plan):
    from goals.models import Amendment, AmendmentChange, PlanComment, PlanEvent

    amendment = Amendment.objects.create(
        plan=plan, number=1, reason="Ny lov om digital post", made_by=admin_user_
    )
    AmendmentChange.objects.create(
        amendment=amendment, part="goal", name="Mål 1.1", field="title", label="Titel",
        before="Et mål", after="Et bedre mål", changed_by=admin_user_,
    )  # fmt: skip
    event = PlanEvent.objects.create(plan=plan, kind="proposed", actor=admin_user_)
    comment = PlanComment.objects.create(plan=plan, author=admin_user_, text="Skærp målet")
    client.force_login(admin_user_)
    page = client.get(reverse("admin:goals_amendment_change", args=[amendment.pk]))
    assert "Et bedre mål" in page.content.decode()
    for model, obj in (("amendment", amendment), ("planevent", event), ("plancomment", comment)):
        assert client.get(reverse(f"admin:goals_{model}_changelist")).status_code == 200
        url = reverse(f"admin:goals_{model}_change", args=[obj.pk])
        assert 'name="_save"' not in client.get(url).content.decode()
        assert client.post(url, {}).status_code == 403
        delete = reverse(f"admin:goals_{model}_delete", args=[obj.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Amendment.objects.count() == PlanEvent.objects.count() == PlanComment.objects.count()
