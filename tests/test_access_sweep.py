"""Every URL of the URLconf, tried by each kind of visitor: only what DOMAIN.md's roles allow.

anonymous, reporter of the institution (alice), reporter of another institution of the same
ministry (bob), reviewer of the ministry (carol), reviewer of another ministry (dave), and an
administrator. A URL without a rule here fails `test_every_url_has_a_rule`, so a new page
cannot be added without deciding who may open it. The admin site's URLs are checked as one
rule: only staff get past its log-in.
"""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from goals.models import Membership, QuarterReport, ReportState
from reporting.models import ReportJob

PEOPLE = ["anonymous", "alice", "bob", "carol", "dave", "admin_user_"]

PLAN = {"institution": "TS", "year": 2024}
QUARTER = {**PLAN, "quarter": 2}

# name -> (URL kwargs from the objects, expected GET status per person in PEOPLE order,
#          expected POST status per person, or None where a GET says all)
PLAN_VIEW = [302, 200, 404, 200, 404, 200]
PLAN_REVIEW = [302, 403, 404, 200, 404, 200]
MINISTRY = [302, 403, 403, 200, 404, 200]
POST_ONLY = [405] * 6
PEOPLE_ADMIN = [302, 403, 403, 403, 404, 200]
PEOPLE_ACT = [302, 403, 403, 403, 404, 302]


def person_of(objects, **extra):
    """The people pages' URL of alice, the sweep's reporter (of nobody, 0, where a test has
    no alice: a 404 for those who may open the pages)."""
    role = Membership.objects.filter(user__username="alice").first()
    return {"ministry": "TM", "user_id": role.user_id if role else 0, **extra}


def alice_role(objects):
    role = Membership.objects.filter(user__username="alice").first()
    return person_of(objects, membership_id=role.pk if role else 0)


def _beacon_row(objects):
    """The address of a group-wide beacon of the sweep's ministry."""
    from goals.models import MinistryBeacon

    beacon, _ = MinistryBeacon.objects.get_or_create(
        ministry=objects["plan"].ministry, number="9", defaults={"title": "Pejlemærke 9"}
    )
    return {"ministry": "TM", "kind": "pejlemaerker", "pk": beacon.pk}


RULES = {
    "goals:home": (lambda o: {}, [200] * 6, None),
    "reporting:plan_detail": (lambda o: PLAN, PLAN_VIEW, None),
    "goals:quarter": (lambda o: QUARTER, PLAN_VIEW, [302, 302, 404, 403, 404, 302]),
    "goals:quarter_workbook": (lambda o: QUARTER, PLAN_VIEW, POST_ONLY),
    # A POST without a file: the page with what is wrong (200), for those who may report.
    "goals:quarter_upload": (lambda o: QUARTER, POST_ONLY, [302, 200, 404, 403, 404, 200]),
    # The sweep posts version 9 of a quarter at 0: those who may act get the refusal (200).
    "goals:approve": (lambda o: QUARTER, POST_ONLY, [302, 403, 404, 200, 404, 200]),
    "goals:return": (lambda o: QUARTER, POST_ONLY, [302, 403, 404, 200, 404, 200]),
    "goals:reopen": (lambda o: QUARTER, POST_ONLY, [302, 403, 404, 200, 404, 200]),
    # The institution takes back its submitted quarter; the stale version 9 is refused (302).
    "goals:withdraw": (lambda o: QUARTER, POST_ONLY, [302, 302, 404, 403, 404, 302]),
    "goals:history": (lambda o: {**PLAN, "goal_id": o["goal"].pk}, PLAN_VIEW, None),
    "goals:year_end": (lambda o: PLAN, PLAN_REVIEW, [302, 403, 404, 200, 404, 200]),
    "reporting:index": (lambda o: {}, [302, 403, 403, 302, 302, 200], None),
    "reporting:overview": (lambda o: {"ministry": "TM"}, MINISTRY, None),
    "reporting:attention": (lambda o: {"ministry": "TM"}, MINISTRY, None),
    "reporting:group_goals": (lambda o: {"ministry": "TM"}, MINISTRY, None),
    "reporting:summary": (lambda o: {"ministry": "TM"}, MINISTRY, None),
    "reporting:start_summary": (
        lambda o: {"ministry": "TM"}, POST_ONLY, [302, 403, 403, 302, 404, 302],
    ),
    "reporting:job": (lambda o: {"ministry": "TM", "job_id": o["job"].pk}, MINISTRY, None),
    "reporting:job_download": (
        lambda o: {"ministry": "TM", "job_id": o["job"].pk}, MINISTRY, None,
    ),
    "reporting:follow_up": (lambda o: QUARTER, PLAN_VIEW, None),
    "reporting:follow_up_pdf": (lambda o: QUARTER, PLAN_VIEW, None),
    "reporting:follow_up_xlsx": (lambda o: QUARTER, PLAN_VIEW, None),
    "reporting:annual": (lambda o: PLAN, PLAN_VIEW, None),
    "reporting:annual_pdf": (lambda o: PLAN, PLAN_VIEW, None),
    "reporting:annual_xlsx": (lambda o: PLAN, PLAN_VIEW, None),
    "reporting:plan_document": (lambda o: PLAN, PLAN_VIEW, None),
    "reporting:plan_document_pdf": (lambda o: PLAN, PLAN_VIEW, None),
    "goals:plans": (lambda o: {}, [302, 200, 200, 200, 200, 200], None),
    # Planners and the department make plans; a POST without the form's fields: the page
    # with what is missing (200). dave's ministry has no institutions to plan for.
    "goals:plan_create": (
        lambda o: {}, [302, 403, 403, 200, 403, 200], [302, 403, 403, 200, 403, 200],
    ),
    # carol copies the plan to 2025 (302); the administrator then finds it made (302).
    "goals:plan_copy": (lambda o: PLAN, POST_ONLY, [302, 403, 404, 302, 404, 302]),
    # The plan as an agreement (the sweep's plan is agreed): everyone who sees it sees its
    # page; a step the state does not allow is refused with a message (302, or the page 200).
    "goals:agreement": (lambda o: PLAN, PLAN_VIEW, POST_ONLY),
    "goals:propose": (lambda o: PLAN, POST_ONLY, [302, 403, 404, 200, 404, 200]),
    "goals:send_back": (lambda o: PLAN, POST_ONLY, [302, 403, 404, 200, 404, 200]),
    "goals:agree": (lambda o: PLAN, POST_ONLY, [302, 403, 404, 200, 404, 200]),
    "goals:comment": (lambda o: PLAN, POST_ONLY, [302, 403, 404, 200, 404, 200]),
    "goals:start_amendment": (lambda o: PLAN, POST_ONLY, [302, 403, 404, 200, 404, 200]),
    # An open amendment (made by the sweep): carol closes it, so the admin's close is refused.
    "goals:close_amendment": (
        lambda o: {**PLAN, "number": _amendment(o)}, POST_ONLY, [302, 403, 404, 302, 404, 302],
    ),
    "goals:approve_amendment": (
        lambda o: {**PLAN, "number": _amendment(o)}, POST_ONLY, [302, 403, 404, 302, 404, 302],
    ),
    "login": (lambda o: {}, [200] * 6, None),
    "logout": (lambda o: {}, POST_ONLY, [302] * 6),
    # Single sign-on is off in the tests' settings: not there for anyone (tests/test_oidc.py).
    "sign_on_start": (lambda o: {}, [404] * 6, None),
    "sign_on_callback": (lambda o: {}, [404] * 6, None),
    # A POST without the form's fields: the page with what is missing (200).
    "account": (lambda o: {}, [302, 200, 200, 200, 200, 200], [302, 200, 200, 200, 200, 200]),
    "password_change": (lambda o: {}, [302, 200, 200, 200, 200, 200], None),
    "password_change_done": (lambda o: {}, [302, 200, 200, 200, 200, 200], None),
    "set_language": (lambda o: {}, [302] * 6, None),
    "health": (lambda o: {}, [200] * 6, POST_ONLY),
    # The people pages: the ministry's administrators (none among the sweep's people but the
    # superuser); a member of the ministry gets 403, dave of another ministry 404.
    "people:index": (lambda o: {}, [302, 403, 403, 403, 403, 200], None),
    "people:list": (lambda o: {"ministry": "TM"}, PEOPLE_ADMIN, None),
    # A POST without the form's fields: the page with what is missing (200).
    "people:invite": (lambda o: {"ministry": "TM"}, PEOPLE_ADMIN, PEOPLE_ADMIN),
    "people:person": (lambda o: person_of(o), PEOPLE_ADMIN, None),
    "people:add_role": (lambda o: person_of(o), POST_ONLY, PEOPLE_ADMIN),
    "people:remove_role": (alice_role, POST_ONLY, PEOPLE_ACT),
    "people:deactivate": (lambda o: person_of(o), POST_ONLY, PEOPLE_ACT),
    "people:reactivate": (lambda o: person_of(o), POST_ONLY, PEOPLE_ACT),
    "people:resend": (lambda o: person_of(o), POST_ONLY, PEOPLE_ACT),
    # Anyone with the link; a wrong token is told so (200).
    "people:accept": (lambda o: {"invitation_id": 1, "token": "x"}, [200] * 6, [200] * 6),
    "password_reset": (lambda o: {}, [200] * 6, [200] * 6),
    "password_reset_done": (lambda o: {}, [200] * 6, None),
    "password_reset_confirm": (lambda o: {"uidb64": "MQ", "token": "x-y"}, [200] * 6, None),
    "password_reset_complete": (lambda o: {}, [200] * 6, None),
    # The plan editor: for planners and the department. The sweep's plan is agreed without
    # an amendment, so it is shown read-only, and a change is refused with why (409) or, for
    # a move or new order, sent back to the page with why (302).
    "goals:plan_edit": (lambda o: PLAN, PLAN_REVIEW, None),
    "goals:plan_edit_new": (
        lambda o: {**PLAN, "level": "afsnit"}, PLAN_REVIEW, [302, 403, 404, 409, 404, 409],
    ),
    "goals:plan_edit_reorder": (
        lambda o: {**PLAN, "level": "maal"}, POST_ONLY, [302, 403, 404, 302, 404, 302],
    ),
    "goals:plan_edit_card": (
        lambda o: {**PLAN, "level": "maal", "pk": o["goal"].pk}, [302, 403, 404, 302, 404, 302],
        [302, 403, 404, 302, 404, 302],
    ),
    "goals:plan_edit_form": (
        lambda o: {**PLAN, "level": "maal", "pk": o["goal"].pk}, PLAN_REVIEW,
        [302, 403, 404, 409, 404, 409],
    ),
    "goals:plan_edit_delete": (
        lambda o: {**PLAN, "level": "maal", "pk": o["goal"].pk}, PLAN_REVIEW,
        [302, 403, 404, 302, 404, 302],
    ),
    "goals:plan_edit_move": (
        lambda o: {**PLAN, "level": "maal", "pk": o["goal"].pk}, POST_ONLY,
        [302, 403, 404, 302, 404, 302],
    ),
    # The ministry's beacons, group goals and institutions: its department's (and for
    # institutions its administrators'). A POST without the form's fields, or with a stale
    # version: the form with what is wrong (200); carol deletes the beacon, so the
    # administrator is told it is gone (302).
    "goals:ministry_data": (lambda o: {"ministry": "TM"}, MINISTRY, [405] * 6),
    "goals:ministry_data_new": (
        lambda o: {"ministry": "TM", "kind": "pejlemaerker"}, MINISTRY, MINISTRY,
    ),
    "goals:ministry_data_edit": (_beacon_row, MINISTRY, MINISTRY),
    "goals:ministry_data_delete": (_beacon_row, POST_ONLY, [302, 403, 403, 302, 404, 302]),
    "goals:ministry_data_move": (
        lambda o: {"ministry": "TM", "pk": _beacon_row(o)["pk"]}, POST_ONLY,
        [302, 403, 403, 302, 404, 302],
    ),
}  # fmt: skip


def _amendment(objects):
    """The number of an open amendment of the sweep's plan, begun by its administrator."""
    from django.contrib.auth import get_user_model

    from goals.models import Amendment

    plan = objects["plan"]
    found = plan.amendments.first() or Amendment.objects.create(
        plan=plan, number=1, reason="Ny lov", made_by=get_user_model().objects.get(username="root")
    )
    return found.number


def url_names():
    """Every named URL of the URLconf, with its namespace."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return sorted(set(walk(get_resolver().url_patterns, None)))


ADMIN_KWARGS = {"app_label": "goals", "object_id": "1", "content_type_id": "1", "id": "1"}


def admin_url(name):
    """The admin URL of `name` with placeholder arguments, or None if it has arguments we
    cannot fill (then the admin's own rule is checked on its other URLs)."""
    for kwargs in ({}, {"app_label": "goals"}, {"object_id": "1"}, ADMIN_KWARGS):
        try:
            return reverse(name, kwargs=kwargs)
        except Exception:  # noqa: BLE001 - try the next combination of arguments
            continue
    return None


def test_every_url_has_a_rule():
    missing = [n for n in url_names() if not n.startswith("admin:") and n not in RULES]
    assert missing == [], f"URLs without an access rule: {missing}"
    gone = [n for n in RULES if n not in url_names()]
    assert gone == [], f"rules for URLs that no longer exist: {gone}"


@pytest.fixture
def objects(plan, goal, alice, bob, carol, dave, admin_user_):
    QuarterReport.objects.create(plan=plan, quarter=2, state=ReportState.SUBMITTED)
    job = ReportJob.objects.create(
        ministry=plan.ministry, year=2024, format="pdf", state=ReportJob.State.DONE,
        file_name="tm-2024-maalopfyldelse.pdf", content=b"%PDF-1.7",
    )  # fmt: skip
    return {"plan": plan, "goal": goal, "job": job}


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_url_answers_each_person_as_their_role_allows(client, request, objects, name):
    build, get_codes, post_codes = RULES[name]
    url = reverse(name, kwargs=build(objects))
    answers = {}
    for person in PEOPLE:
        client.logout()
        if person != "anonymous":
            client.force_login(request.getfixturevalue(person))
        get = client.get(url).status_code
        post = client.post(url, {"action": "save", "version": "9"}).status_code
        answers[person] = (get, post)
        assert get < 500 and post < 500, (name, person, get, post)
        if person == "anonymous" and get == 302 and name not in ("set_language",):
            assert client.get(url)["Location"].startswith(reverse("login"))
    assert [a[0] for a in answers.values()] == get_codes, ("GET", name, answers)
    if post_codes is not None:
        assert [a[1] for a in answers.values()] == post_codes, ("POST", name, answers)


def test_the_admin_site_is_for_staff_only(client, objects, alice, carol, admin_user_):
    # Its log-in page is for everyone; its log-out is a POST like ours.
    public = {"admin:login", "admin:logout"}
    names = [n for n in url_names() if n.startswith("admin:") and n not in public]
    urls = {n: u for n in names if (u := admin_url(n))}
    assert len(urls) > 50
    for person in (None, alice, carol):
        client.logout()
        if person:
            client.force_login(person)
        for url in urls.values():
            response = client.get(url)
            assert response.status_code == 302, (url, response.status_code)
            assert response["Location"].startswith(reverse("admin:login")), url
    client.force_login(admin_user_)
    for url in urls.values():
        # 403 where the admin refuses a view to everyone: autocomplete without its field's
        # parameters, and adding or changing by hand what only the app writes (verdicts,
        # history, django-axes' and the task queue's logs).
        assert client.get(url).status_code in (200, 302, 403), url


SCRIPT = '<script>alert("mrplan")</script><img src=x onerror=alert(1)>'


def test_markup_in_free_text_is_inert_on_every_page(client, objects, admin_user_):
    """Script and markup typed into every free-text field the pages show come back as text,
    on every page an administrator can open (PDFs: tests/test_reports.py)."""
    from goals.models import GoalVerdict, Section, StatusEntry

    plan, goal = objects["plan"], objects["goal"]
    report = plan.reports.get(quarter=2)
    report.review_comment = SCRIPT
    report.save()
    StatusEntry.objects.create(
        report=report, goal=goal, status="red", result_text=SCRIPT, cause=SCRIPT,
        consequence=SCRIPT, action=SCRIPT, ytd_text=SCRIPT,
    )  # fmt: skip
    GoalVerdict.objects.create(goal=goal, rule_verdict="met", verdict="not_met", reason=SCRIPT)
    Section.objects.filter(plan=plan).update(text=SCRIPT)
    goal.description = goal.success_text = goal.remarks = SCRIPT
    goal.save()
    for field in ("introduction", "strategic_context", "vision", "narrative", "agreement"):
        setattr(plan, field, SCRIPT)
    plan.save()
    client.force_login(admin_user_)
    pages = 0
    for name, (build, get_codes, _post) in RULES.items():
        if get_codes[-1] != 200:
            continue
        response = client.get(reverse(name, kwargs=build(objects)))
        if "html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        html = response.content.decode()
        assert "<script>alert" not in html, name
        assert "<img src=x onerror" not in html, name
    assert pages >= 15
