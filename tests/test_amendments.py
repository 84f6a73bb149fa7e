"""Amendments: a reason is required, every changed value is kept with before and after, the
department approves what the institution made, and the record is shown on the plan page, in
the plan document's version history and in the annual report (HTML, PDF and Excel). Reported
figures outlive an amendment. A plan not yet agreed is printed as a draft."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from goals import notifications, planning
from goals.models import (
    Amendment,
    AmendmentState,
    Membership,
    PlanPart,
    PlanState,
    QuarterReport,
    ReportState,
    StatusEntry,
)
from tests.conftest import member
from tests.test_reports import squash, text_of

REASON = "Finansloven 2024 beskar bevillingen; målet for sagsbehandlingen sænkes."


def agreement_url(name, plan, **extra):
    return reverse(f"goals:{name}", kwargs={"institution": "TS", "year": plan.year, **extra})


def report_url(name, plan):
    return reverse(f"reporting:{name}", args=["TS", plan.year])


@pytest.fixture
def pia(institution):
    user = member("pia", Membership.Role.PLANNER, institution=institution)
    user.email, user.first_name, user.last_name = "pia@example.invalid", "Pia", "Plan"
    user.save()
    return user


@pytest.fixture
def department(carol):
    carol.email, carol.first_name, carol.last_name = "carol@example.invalid", "Carol", "Dep"
    carol.save()
    return carol


@pytest.fixture
def agreed(plan, goal, threshold, pia, department):
    """The plan agreed in the app, by the department, from a draft."""
    plan.state = PlanState.DRAFT
    plan.save()
    planning.agree(plan=plan, user=department, seen=PlanState.DRAFT)
    plan.refresh_from_db()
    return plan


def change_target(plan, requirement, user, value):
    """What the editor does when a target changes within an amendment: save and record."""
    with transaction.atomic():
        before = str(requirement.target_value)
        requirement.target_value = Decimal(value)
        requirement.save()
        planning.record_changes(
            plan=plan,
            user=user,
            part=PlanPart.REQUIREMENT,
            instance=requirement,
            name=f"Mål {requirement.goal.number}, krav {requirement.number}",
            before={"target_value": f"mindst {before} pct."},
            after={"target_value": f"mindst {value} pct."},
            labels={"target_value": "Målværdi"},
        )


@pytest.fixture
def amended(agreed, threshold, pia, department):
    """Amendment 1, made by the institution and approved by the department: the target of
    requirement 1) goes from 95 to 90 pct."""
    amendment = planning.start_amendment(plan=agreed, user=pia, reason=REASON)
    change_target(agreed, threshold, pia, "90")
    planning.close_amendment(amendment=amendment, user=pia, by_department=False)
    planning.approve_amendment(amendment=amendment, user=department)
    return agreed


# --- beginning one --------------------------------------------------------------------------


def test_an_amendment_needs_a_reason(client, agreed, pia):
    client.force_login(pia)
    response = client.post(agreement_url("start_amendment", agreed), {"amendment-reason": "  "})
    assert response.status_code == 200
    assert "Skriv, hvorfor planen ændres." in response.content.decode()
    assert not Amendment.objects.exists()


def test_a_refused_reason_is_kept_as_typed(client, agreed, pia):
    client.force_login(pia)
    typed = "Ny lov\x0b om statens regnskaber"
    response = client.post(agreement_url("start_amendment", agreed), {"amendment-reason": typed})
    page = response.content.decode()
    assert "usynligt styretegn" in page
    assert "om statens regnskaber" in page
    assert not Amendment.objects.exists()


def test_only_an_agreed_plan_is_amended(client, plan, goal, pia):
    plan.state = PlanState.DRAFT
    plan.save()
    client.force_login(pia)
    response = client.post(agreement_url("start_amendment", plan), {"amendment-reason": REASON})
    assert "Kun en aftalt plan" in response.content.decode()
    assert not Amendment.objects.exists()


def test_one_amendment_at_a_time(agreed, pia, department):
    planning.start_amendment(plan=agreed, user=pia, reason=REASON)
    with pytest.raises(planning.PlanningError, match="allerede en ændring i gang"):
        planning.start_amendment(plan=agreed, user=department, reason="Noget andet")


def test_a_reporter_may_not_amend(client, agreed, alice):
    client.force_login(alice)
    response = client.post(agreement_url("start_amendment", agreed), {"amendment-reason": REASON})
    assert response.status_code == 403


# --- what is kept, and who approves ---------------------------------------------------------


def test_before_and_after_are_kept_with_who_and_when(agreed, threshold, pia):
    planning.start_amendment(plan=agreed, user=pia, reason=REASON)
    change_target(agreed, threshold, pia, "90")
    change = Amendment.objects.get().changes.get()
    assert (change.label, change.before, change.after) == (
        "Målværdi",
        "mindst 95 pct.",
        "mindst 90 pct.",
    )
    assert change.changed_by == pia and change.changed_at is not None
    assert change.object_id == threshold.pk


def test_the_institutions_amendment_awaits_the_department(
    client, agreed, threshold, pia, department
):
    client.force_login(pia)
    client.post(agreement_url("start_amendment", agreed), {"amendment-reason": REASON})
    change_target(agreed, threshold, pia, "90")
    notifications.deliver()  # what the agreement told, before the amendment
    mail.outbox.clear()
    client.post(agreement_url("close_amendment", agreed, number=1))
    amendment = Amendment.objects.get()
    assert amendment.state == AmendmentState.MADE
    notifications.deliver()
    assert [m.to for m in mail.outbox] == [["carol@example.invalid"]]
    assert REASON in mail.outbox[0].body
    # The institution cannot approve its own amendment.
    assert client.post(agreement_url("approve_amendment", agreed, number=1)).status_code == 403
    # The department's home page lists it.
    client.force_login(department)
    assert "plan-waiting-amendment" in client.get(reverse("goals:home")).content.decode()
    mail.outbox.clear()
    client.post(agreement_url("approve_amendment", agreed, number=1))
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.APPROVED
    assert amendment.approved_by == department
    notifications.deliver()
    assert [m.to for m in mail.outbox] == [["pia@example.invalid"]]
    # Approving twice is refused with a message.
    response = client.post(agreement_url("approve_amendment", agreed, number=1), follow=True)
    assert "afventer ikke godkendelse" in response.content.decode()


def test_the_departments_amendment_is_approved_as_it_is_closed(client, agreed, department):
    client.force_login(department)
    client.post(agreement_url("start_amendment", agreed), {"amendment-reason": REASON})
    client.post(agreement_url("close_amendment", agreed, number=1))
    amendment = Amendment.objects.get()
    assert amendment.state == AmendmentState.APPROVED
    assert amendment.approved_by == department


def test_an_unknown_amendment_is_not_found(client, agreed, department):
    client.force_login(department)
    assert client.post(agreement_url("close_amendment", agreed, number=7)).status_code == 404


# --- where it is shown ----------------------------------------------------------------------


def test_shown_on_the_agreement_page_and_the_plan_page(client, amended, alice):
    client.force_login(alice)
    for address in (agreement_url("agreement", amended), report_url("plan_detail", amended)):
        page = client.get(address).content.decode()
        assert "Ændringer i planen" in page
        assert REASON in page
        assert "mindst 95 pct." in page and "mindst 90 pct." in page
        assert "Godkendt af departementet" in page


def test_in_the_plan_documents_version_history_html_and_pdf(client, amended, department):
    client.force_login(department)
    html = client.get(report_url("plan_document", amended)).content.decode()
    assert "Versionshistorik" in html and REASON in html
    text = text_of(client.get(report_url("plan_document_pdf", amended)).content)
    for words in ("Versionshistorik", "Aftalt", "Carol Dep", "Ændring 1", REASON):
        assert squash(words) in text, words
    assert squash("mindst 95 pct.") in text and squash("mindst 90 pct.") in text


def test_in_the_annual_report_html_pdf_and_workbook(client, amended, department):
    client.force_login(department)
    html = client.get(report_url("annual", amended)).content.decode()
    assert "Ændringer i planen i årets løb" in html
    assert REASON in html and "mindst 90 pct." in html
    text = text_of(client.get(report_url("annual_pdf", amended)).content)
    assert squash("Ændringer i planen i årets løb") in text
    assert squash(REASON) in text
    workbook = load_workbook(BytesIO(client.get(report_url("annual_xlsx", amended)).content))
    sheet = workbook["Ændringer"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0][0] == 1 and rows[0][2] == REASON
    assert rows[0][6:] == ["mindst 95 pct.", "mindst 90 pct."]


def test_an_annual_report_of_a_plan_agreed_here_says_when_nothing_changed(
    client, agreed, department
):
    client.force_login(department)
    html = client.get(report_url("annual", agreed)).content.decode()
    assert "Planen er ikke ændret i årets løb." in html


def test_reported_figures_are_kept_when_an_amendment_changes_a_target(
    client, agreed, goal, threshold, pia, department
):
    report = QuarterReport.objects.create(plan=agreed, quarter=1, state=ReportState.APPROVED)
    StatusEntry.objects.create(
        report=report, goal=goal, requirement=threshold, result_value=Decimal("92"), status="red"
    )
    amendment = planning.start_amendment(plan=agreed, user=pia, reason=REASON)
    change_target(agreed, threshold, pia, "90")
    with pytest.raises(planning.PlanningError):
        planning.ensure_deletable(threshold)
    planning.close_amendment(amendment=amendment, user=department, by_department=True)
    entry = StatusEntry.objects.get(requirement=threshold)
    assert entry.result_value == Decimal("92")
    threshold.refresh_from_db()
    assert threshold.target_value == Decimal("90")
    client.force_login(department)
    html = client.get(report_url("annual", agreed)).content.decode()
    assert "92" in html


# --- a draft's plan document ----------------------------------------------------------------


def test_a_drafts_plan_document_is_marked_on_every_page(client, plan, goal, department):
    plan.state = PlanState.DRAFT
    plan.introduction = "Indledning. " * 800  # several pages
    plan.save()
    client.force_login(department)
    html = client.get(report_url("plan_document", plan)).content.decode()
    assert "UDKAST" in html and 'id="draft-mark"' in html
    response = client.get(report_url("plan_document_pdf", plan))
    assert "udkast" in response["Content-Disposition"]
    pages = PdfReader(BytesIO(response.content)).pages
    assert len(pages) > 1
    assert all("UDKAST" in page.extract_text() for page in pages)


def test_an_agreed_plans_document_is_not_marked(client, agreed, department):
    client.force_login(department)
    response = client.get(report_url("plan_document_pdf", agreed))
    assert "udkast" not in response["Content-Disposition"]
    assert "UDKAST" not in text_of(response.content)
