"""Every URL of quarterly reporting, tried by each of the six kinds of visitor.

anonymous, reporter of the institution (alice), reporter of another institution (bob),
reviewer of the ministry (carol), reviewer of another ministry (dave), administrator.
Not a member -> 404, member without the right -> 403, anonymous -> the login page (302).
The ministry's dashboards are tried the same way: a reporter of one of its institutions is a
member without the right.
"""

import pytest
from django.urls import reverse

from goals.models import QuarterReport, ReportState
from reporting.models import ReportJob

PEOPLE = ["anonymous", "alice", "bob", "carol", "dave", "admin_user_"]


def _job(plan, content=None):
    return ReportJob.objects.create(
        ministry=plan.ministry,
        year=2024,
        format="pdf",
        state=ReportJob.State.DONE if content else ReportJob.State.QUEUED,
        file_name="tm-2024-maalopfyldelse.pdf",
        content=content,
    )


def _quarter(plan):
    return reverse("goals:quarter", args=["TS", 2024, 2])


# (name, method, report state needed or None, url builder, POST data,
#  expected status per person in the order of PEOPLE)
MATRIX = [
    ("quarter page", "get", None, _quarter, None, [302, 200, 404, 200, 404, 200]),
    ("quarter page, submitted", "get", "submitted", _quarter, None,
     [302, 200, 404, 200, 404, 200]),
    ("save draft", "post", None, _quarter, {"action": "save", "version": "0"},
     [302, 302, 404, 403, 404, 302]),
    ("figures workbook", "get", None,
     lambda p: reverse("goals:quarter_workbook", args=["TS", 2024, 2]), None,
     [302, 200, 404, 200, 404, 200]),
    ("read figures workbook in", "post", None,
     lambda p: reverse("goals:quarter_upload", args=["TS", 2024, 2]), {},
     [302, 200, 404, 403, 404, 200]),
    ("approve", "post", "submitted",
     lambda p: reverse("goals:approve", args=["TS", 2024, 2]), {"version": "0"},
     [302, 403, 404, 302, 404, 302]),
    ("return", "post", "submitted",
     lambda p: reverse("goals:return", args=["TS", 2024, 2]),
     {"comment": "Ret 1.1", "version": "0"},
     [302, 403, 404, 302, 404, 302]),
    ("reopen", "post", "approved",
     lambda p: reverse("goals:reopen", args=["TS", 2024, 2]), {"version": "0"},
     [302, 403, 404, 302, 404, 302]),
    ("withdraw", "post", "submitted",
     lambda p: reverse("goals:withdraw", args=["TS", 2024, 2]), {"version": "0"},
     [302, 302, 404, 403, 404, 302]),
    ("approve by GET", "get", "submitted",
     lambda p: reverse("goals:approve", args=["TS", 2024, 2]), None,
     [405, 405, 405, 405, 405, 405]),
    ("goal history", "get", None,
     lambda p: reverse("goals:history", args=["TS", 2024, p.goals.get().pk]), None,
     [302, 200, 404, 200, 404, 200]),
    ("year end", "get", None, lambda p: reverse("goals:year_end", args=["TS", 2024]), None,
     [302, 403, 404, 200, 404, 200]),
    ("year end save", "post", None,
     lambda p: reverse("goals:year_end", args=["TS", 2024]), {},
     [302, 403, 404, 302, 404, 302]),
    ("plan page", "get", None, lambda p: reverse("reporting:plan_detail", args=["TS", 2024]), None,
     [302, 200, 404, 200, 404, 200]),
    ("change password", "get", None, lambda p: reverse("password_change"), None,
     [302, 200, 200, 200, 200, 200]),
    ("unknown quarter", "get", None, lambda p: reverse("goals:quarter", args=["TS", 2024, 5]),
     None, [302, 404, 404, 404, 404, 404]),
    ("unknown plan", "get", None, lambda p: reverse("goals:quarter", args=["TS", 1999, 1]),
     None, [302, 404, 404, 404, 404, 404]),
    # The dashboards are the department's: reporters of the ministry's institutions get 403.
    ("dashboards", "get", None, lambda p: reverse("reporting:index"), None,
     [302, 403, 403, 302, 302, 200]),
    ("ministry overview", "get", None, lambda p: reverse("reporting:overview", args=["TM"]),
     None, [302, 403, 403, 200, 404, 200]),
    ("needs attention", "get", None, lambda p: reverse("reporting:attention", args=["TM"]),
     None, [302, 403, 403, 200, 404, 200]),
    ("group-wide goals", "get", None,
     lambda p: reverse("reporting:group_goals", args=["TM"]), None,
     [302, 403, 403, 200, 404, 200]),
    ("unknown ministry", "get", None, lambda p: reverse("reporting:overview", args=["XX"]),
     None, [302, 404, 404, 404, 404, 404]),
    # The printed reports follow the plan's rules: whoever sees the plan sees its reports.
    *[
        (f"report {name}", "get", None,
         lambda p, name=name, args=args: reverse(f"reporting:{name}", args=["TS", 2024, *args]),
         None, [302, 200, 404, 200, 404, 200])
        for name, args in [
            ("follow_up", [2]), ("follow_up_pdf", [2]), ("follow_up_xlsx", [2]),
            ("annual", []), ("annual_pdf", []), ("annual_xlsx", []),
            ("plan_document", []), ("plan_document_pdf", []),
        ]
    ],
    ("report of unknown quarter", "get", None,
     lambda p: reverse("reporting:follow_up", args=["TS", 2024, 9]), None,
     [302, 404, 404, 404, 404, 404]),
    # The ministry summary and its background files are the department's.
    ("ministry summary", "get", None, lambda p: reverse("reporting:summary", args=["TM"]),
     None, [302, 403, 403, 200, 404, 200]),
    ("start summary file", "post", None,
     lambda p: reverse("reporting:start_summary", args=["TM"]), {"aar": "2024", "format": "pdf"},
     [302, 403, 403, 302, 404, 302]),
    ("summary file progress", "get", None,
     lambda p: reverse("reporting:job", args=["TM", _job(p).pk]), None,
     [302, 403, 403, 200, 404, 200]),
    ("summary file download", "get", None,
     lambda p: reverse("reporting:job_download", args=["TM", _job(p, b"%PDF").pk]), None,
     [302, 403, 403, 200, 404, 200]),
]  # fmt: skip

CASES = [
    pytest.param(name, method, state, build, data, person, expected, id=f"{name}-{person}")
    for name, method, state, build, data, codes in MATRIX
    for person, expected in zip(PEOPLE, codes, strict=True)
]


@pytest.mark.parametrize(("name", "method", "state", "build", "data", "person", "expected"), CASES)
def test_access(
    client, request, plan, goal, alice, bob, carol, dave, admin_user_,
    name, method, state, build, data, person, expected,
):  # fmt: skip
    if state:
        QuarterReport.objects.create(plan=plan, quarter=2, state=state)
    if person != "anonymous":
        client.force_login(request.getfixturevalue(person))
    before = list(QuarterReport.objects.values_list("state", "version"))
    response = getattr(client, method)(build(plan), data)
    assert response.status_code == expected
    if expected == 302 and person == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if expected in (403, 404, 405):
        # Refused means nothing changed.
        assert list(QuarterReport.objects.values_list("state", "version")) == before


def test_a_reporter_never_sees_another_institutions_draft(client, plan, goal, bob):
    report = QuarterReport.objects.create(plan=plan, quarter=2, state=ReportState.DRAFT)
    report.entries.create(goal=goal, status="red", cause="Hemmelig årsag")
    client.force_login(bob)
    assert client.get(reverse("goals:quarter", args=["TS", 2024, 2])).status_code == 404
    assert client.get(reverse("goals:history", args=["TS", 2024, goal.pk])).status_code == 404
    assert "Hemmelig årsag" not in client.get("/").content.decode()


def test_a_goal_of_another_plan_is_not_found_through_this_plan(
    client, plan, goal, alice, reference_plans
):
    other_goal = reference_plans["be-2024.yaml"].goals.first()
    client.force_login(alice)
    response = client.get(reverse("goals:history", args=["TS", 2024, other_goal.pk]))
    assert response.status_code == 404


def test_reviewer_sees_review_buttons_and_reporter_does_not(client, plan, goal, alice, carol):
    QuarterReport.objects.create(plan=plan, quarter=2, state=ReportState.SUBMITTED)
    url = reverse("goals:quarter", args=["TS", 2024, 2])
    client.force_login(carol)
    html = client.get(url).content.decode()
    assert "Godkend kvartalet" in html and "Gem kladde" not in html
    client.force_login(alice)
    assert "Godkend kvartalet" not in client.get(url).content.decode()
