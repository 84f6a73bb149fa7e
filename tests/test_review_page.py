"""The quarter page read as a document: a submitted or approved quarter (and a draft the
department opens) as text, the bar with approve, return and reopen, the marks of what changed
since a return, and the quarter tabs with their states."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals import services
from goals.models import Goal, QuarterReport, ReportState, Requirement
from tests.helpers import EXPLAINED, save_entries


@pytest.fixture
def submitted(plan, goal, threshold, alice):
    """Q2 submitted by alice: the requirement at 93,5 pct. (yellow), the goal red, explained."""
    return save_entries(
        plan,
        2,
        alice,
        {
            threshold: {"result_value": Decimal("93.5"), "status": "yellow"},
            goal: {"status": "red", "result_text": "Bagud på sagerne", **EXPLAINED},
        },
        submit=True,
    )


def url(plan, quarter=2, name="quarter"):
    return reverse(f"goals:{name}", args=[plan.institution.short_name, plan.year, quarter])


def html_of(client, plan, quarter=2):
    response = client.get(url(plan, quarter))
    assert response.status_code == 200
    return response.content.decode()


def block(html, element_id):
    """The markup from the element with the id to the next requirement or goal."""
    start = html.index(f'id="{element_id}"')
    end = min(
        (i for i in (html.find("doc-requirement", start + 1), html.find("<article", start + 1))
         if i > 0),
        default=len(html),
    )  # fmt: skip
    return html[start:end]


def test_a_submitted_quarter_reads_as_text_for_the_reviewer(
    client, carol, plan, goal, threshold, submitted
):
    client.force_login(carol)
    html = html_of(client, plan)
    assert 'id="quarter-document"' in html and 'id="quarter-form"' not in html
    # Not one field of the goals' form: the comment boxes of the bar are the only inputs.
    assert not re.findall(r'<(?:input|textarea|select)[^>]*name="[gr]\d+-', html)
    requirement = block(html, f"doc-r{threshold.pk}")
    # The figure beside its target, and the status as its symbol and word.
    assert "93,5 pct." in requirement and "mindst 95 pct." in requirement
    assert '<span class="status status-yellow"><span aria-hidden="true">!</span> Gul</span>' in (
        requirement
    )
    own = html[html.index('class="doc-goal-own') :]
    assert "status-red" in own and "Rød" in own
    for text in ("Bagud på sagerne", *EXPLAINED.values()):
        assert text in own
    assert "Årsag" in own and "Konsekvens" in own and "Handling" in own


def test_the_bar_offers_approve_with_a_confirmation_and_return_with_its_comment(
    client, carol, plan, submitted
):
    client.force_login(carol)
    html = html_of(client, plan)
    bar = html[html.index('id="quarter-bar"') : html.index("afventer departementets behandling")]
    assert "sticky-top" in html[html.index('<div class="quarter-bar') :][:80]
    assert "Indsendt" in bar
    approve = bar[bar.index('id="approve-step"') : bar.index('id="return-step"')]
    # Approving takes two clicks: the step opens, then its own button sends.
    assert "<summary" in approve and "Ja, godkend kvartalet" in approve
    assert f'action="{url(plan, name="approve")}"' in approve
    assert f'name="version" value="{submitted.version}"' in approve
    ret = bar[bar.index('id="return-step"') :]
    assert f'action="{url(plan, name="return")}"' in ret
    assert re.search(r'<textarea [^>]*id="return-comment"[^>]*required', ret)
    assert "withdraw-step" not in html  # the department does not withdraw


def test_the_bars_forms_approve_and_return_in_place(client, carol, plan, submitted):
    client.force_login(carol)
    response = client.post(
        url(plan, name="return"), {"comment": "Uddyb handlingen", "version": submitted.version}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.review_comment) == ("returned", "Uddyb handlingen")


def test_a_stale_review_is_refused_with_the_quarter_as_it_is_and_the_comment_kept(
    client, carol, plan, submitted
):
    client.force_login(carol)
    response = client.post(
        url(plan, name="return"), {"comment": "Min kommentar", "version": submitted.version - 1}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="review-refused"' in html and 'id="quarter-document"' in html
    assert re.search(r'id="return-step" open', html)
    assert ">Min kommentar</textarea>" in html
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_the_reporter_reads_a_submitted_quarter_and_may_only_withdraw_it(
    client, alice, plan, submitted
):
    client.force_login(alice)
    html = html_of(client, plan)
    assert 'id="quarter-document"' in html and "Gem kladde" not in html
    assert 'id="withdraw-step"' in html and f'action="{url(plan, name="withdraw")}"' in html
    assert 'id="review"' not in html and "approve-step" not in html


def test_a_draft_opened_by_the_department_is_a_document_without_review_actions(
    client, carol, plan, goal, threshold, alice
):
    save_entries(plan, 2, alice, {goal: {"status": "green", "result_text": "Godt på vej"}})
    client.force_login(carol)
    html = html_of(client, plan)
    assert 'id="quarter-document"' in html and "Godt på vej" in html
    assert "Institutionen har ikke indsendt kvartalet endnu." in html
    assert "approve-step" not in html and "return-comment" not in html


def test_an_approved_quarter_offers_reopening_in_the_bar(client, carol, plan, submitted):
    services.approve_quarter(report=submitted, user=carol)
    client.force_login(carol)
    html = html_of(client, plan)
    assert 'id="reopen-step"' in html and "Ja, genåbn kvartalet" in html
    assert "approve-step" not in html


def _return_and_resubmit(plan, goal, threshold, alice, carol, report):
    services.return_quarter(report=report, user=carol, comment="Uddyb årsagen")
    # Three fields changed, one changed and changed back: three marks.
    save_entries(
        plan,
        2,
        alice,
        {
            threshold: {"result_value": Decimal("94")},
            goal: {"cause": "Ferie og sygdom", "action": "Noget andet"},
        },
    )
    return save_entries(
        plan,
        2,
        alice,
        {goal: {"action": EXPLAINED["action"], "consequence": "Fire ugers forsinkelse"}},
        submit=True,
    )


def test_what_changed_since_the_return_is_marked_with_its_value_before(
    client, carol, alice, plan, goal, threshold, submitted
):
    client.force_login(carol)
    assert "Ændret siden retur" not in html_of(client, plan)  # never returned yet
    _return_and_resubmit(plan, goal, threshold, alice, carol, submitted)
    html = html_of(client, plan)
    summary = html[html.index('id="changes-summary"') : html.index('id="quarter-document"')]
    assert "3 felter ændret siden returneringen" in summary
    assert "Uddyb årsagen" in summary and "carol" in summary
    assert summary.count(f'href="#doc-g{goal.pk}-own"') == 2
    assert summary.count(f'href="#doc-r{threshold.pk}"') == 1
    assert "3 felter ændret siden retur" in html[html.index('id="quarter-bar"') :][:3000]
    document = html[html.index('id="quarter-document"') :]
    assert document.count('class="changed-mark"') == 3
    requirement = block(document, f"doc-r{threshold.pk}")
    assert "Ændret siden retur" in requirement and "<q" in requirement
    assert re.search(r"før <q[^>]*>93,5</q></span>, nu <q[^>]*>94</q>", requirement)
    own = document[document.index('class="doc-goal-own') :]
    assert re.search(rf"før <q[^>]*>{EXPLAINED['cause']}</q>", own)
    assert re.search(rf"før <q[^>]*>{EXPLAINED['consequence']}</q>", own)
    assert "Noget andet" not in own  # the action is as it was at the return: no mark


def test_the_marks_count_from_the_latest_return(
    client, carol, alice, plan, goal, threshold, submitted
):
    report = _return_and_resubmit(plan, goal, threshold, alice, carol, submitted)
    services.return_quarter(report=report, user=carol, comment="Og konsekvensen?")
    save_entries(plan, 2, alice, {goal: {"consequence": "Seks ugers forsinkelse"}}, submit=True)
    client.force_login(carol)
    html = html_of(client, plan)
    assert "1 felt ændret siden returneringen" in html
    assert html.count('class="changed-mark"') == 1 and "Og konsekvensen?" in html


def test_the_quarter_tabs_say_each_quarters_state(client, carol, plan, alice, goal):
    QuarterReport.objects.create(plan=plan, quarter=1, state=ReportState.APPROVED)
    QuarterReport.objects.create(plan=plan, quarter=2, state=ReportState.SUBMITTED)
    QuarterReport.objects.create(plan=plan, quarter=3, state=ReportState.RETURNED)
    client.force_login(carol)
    html = html_of(client, plan)
    tabs = html[html.index('class="nav nav-pills') : html.index("</ul>", html.index("nav-pills"))]
    states = re.findall(r'<span class="tab-state tab-state-(\w+)">([^<]+)</span>', tabs)
    assert states == [
        ("approved", "Godkendt"),
        ("submitted", "Indsendt"),
        ("returned", "Sendt retur"),
        ("none", "Ikke påbegyndt"),
    ]
    assert re.search(r'aria-current="page"[^>]*>2\. kvartal', tabs)


def _plan_of(plan, count, alice):
    """`count` goals, each with a threshold requirement, submitted in Q2."""
    values = {}
    for number in range(count):
        goal = Goal.objects.create(
            plan=plan, number=f"{number + 1}", title=f"Mål {number}", order=number
        )
        requirement = Requirement.objects.create(
            goal=goal,
            number="1)",
            text="Mindst 95 pct.",
            measure=Requirement.Measure.THRESHOLD,
            comparator=Requirement.Comparator.AT_LEAST,
            target_value=Decimal("95"),
            unit=Requirement.Unit.PERCENT,
        )
        values[requirement] = {"result_value": Decimal("96"), "status": "green"}
        values[goal] = {"status": "green"}
    return save_entries(plan, 2, alice, values, submit=True)


def _queries(client, plan):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(plan)).status_code == 200
    return len(queries)


def test_the_review_pages_queries_do_not_grow_with_the_number_of_goals(
    client, carol, alice, plan, institution
):
    from goals.models import Plan

    other = Plan.objects.create(
        institution=institution,
        ministry=institution.ministry,
        year=2025,
        title="Testplan 2025",
        valid_from=plan.valid_from.replace(year=2025),
        valid_to=plan.valid_to.replace(year=2025),
    )
    small, large = _plan_of(plan, 3, alice), _plan_of(other, 12, alice)
    for report in (small, large):  # with changes since a return to mark
        services.return_quarter(report=report, user=carol, comment="Ret")
    for each in (plan, other):
        save_entries(
            each,
            2,
            alice,
            {goal: {"action": "Rettet"} for goal in each.goals.all()},
            submit=True,
        )
    client.force_login(carol)
    _queries(client, plan)  # the session, the site's caches
    assert "3 felter ændret" in html_of(client, plan)
    assert "12 felter ændret" in html_of(client, other)
    assert _queries(client, plan) == _queries(client, other)


def test_a_refused_review_is_said_on_the_form_too(client, admin_user_, carol, plan, submitted):
    """An administrator may report as well: a quarter returned meanwhile is a form for them,
    and the refusal and their unsent comment are still shown above it."""
    seen = submitted.version
    services.return_quarter(report=submitted, user=carol, comment="Fra en anden fane")
    client.force_login(admin_user_)
    response = client.post(url(plan, name="return"), {"comment": "Min", "version": seen})
    html = response.content.decode()
    assert 'id="quarter-form"' in html and 'id="quarter-bar"' not in html
    assert 'id="review-refused"' in html
    assert "Min" in html[html.index('id="unsent-comment"') :]
