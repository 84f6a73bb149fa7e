"""Making a plan in the browser: blank, from a plan file, or as a copy; the list of plans."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from goals.limits import PLAN_FILE_BYTES
from goals.models import Goal, Membership, MinistryBeacon, Plan, PlanState
from tests.conftest import member

CREATE = reverse("goals:plan_create")

PLAN_FILE = """\
format: mrplan-plan/1
ministry:
  short_name: TM
  name: Testministeriet
institution:
  short_name: TS
  name: Teststyrelsen
plan:
  year: {year}
  title: Plan fra fil {year}
goals:
  - number: "1"
    title: Et mål fra filen
    requirements:
      - text: Mindst 90 pct.
        measure: threshold
        comparator: at_least
        target: 90
        unit: pct
"""


@pytest.fixture
def pia(institution):
    """A planner of the institution."""
    return member("pia", Membership.Role.PLANNER, institution=institution)


def blank(**fields):
    return {
        "institution": "",
        "year": "2025",
        "how": "blank",
        "title": "Mål- og resultatplan 2025",
        "reporting_quarters": ["1", "2", "3", "4"],
        **fields,
    }


def upload(text, name="plan.yaml"):
    return SimpleUploadedFile(name, text.encode(), content_type="application/yaml")


def test_a_planner_makes_a_blank_draft(client, pia, institution):
    client.force_login(pia)
    data = blank(institution=institution.pk, reporting_quarters=["2", "4"], deadline_days="14")
    response = client.post(CREATE, data)
    plan = Plan.objects.get(institution=institution, year=2025)
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:plan_detail", args=["TS", 2025])
    assert plan.state == PlanState.DRAFT
    assert plan.title == "Mål- og resultatplan 2025"
    assert (plan.valid_from, plan.valid_to) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
    )
    assert (plan.reporting_quarters, plan.deadline_days) == ("24", 14)
    assert plan.ministry == institution.ministry
    page = client.get(response["Location"])
    assert "Planen TS 2025 er oprettet som udkast." in page.content.decode()


def test_a_blank_plan_without_a_title_keeps_what_was_typed(client, pia, institution):
    client.force_login(pia)
    data = blank(
        institution=institution.pk, title="", valid_from="2025-07-01", valid_to="2025-03-01"
    )
    response = client.post(CREATE, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "title" in form.errors and "valid_to" in form.errors
    assert 'value="2025-07-01"' in response.content.decode()
    assert not Plan.objects.filter(year=2025).exists()


def test_a_plan_that_exists_is_refused_on_the_year_field(client, pia, plan, institution):
    client.force_login(pia)
    response = client.post(CREATE, blank(institution=institution.pk, year="2024"))
    assert response.status_code == 200
    assert response.context["form"].errors["year"] == ["TS har allerede en plan for 2024."]
    assert Plan.objects.filter(institution=institution).count() == 1


def test_a_plan_file_makes_a_draft(client, pia, institution):
    client.force_login(pia)
    data = {"institution": institution.pk, "year": "2025", "how": "file",
            "file": upload(PLAN_FILE.format(year=2025))}  # fmt: skip
    response = client.post(CREATE, data)
    assert response.status_code == 302
    plan = Plan.objects.get(institution=institution, year=2025)
    assert plan.state == PlanState.DRAFT
    assert plan.title == "Plan fra fil 2025"
    assert plan.goals.get().title == "Et mål fra filen"


def test_a_broken_plan_file_lists_its_problems_with_their_lines(client, pia, institution):
    client.force_login(pia)
    broken = PLAN_FILE.format(year=2025).replace("target: 90", "target: lots")
    broken = broken.replace(
        "  title: Plan fra fil 2025\n", "  title: Plan fra fil 2025\n  colour: red\n"
    )
    response = client.post(
        CREATE,
        {"institution": institution.pk, "year": "2025", "how": "file", "file": upload(broken)},
    )
    assert response.status_code == 200
    html = response.content.decode()
    problems = response.context["problems"]
    assert len(problems) == 2
    assert any("linje 11" in p.where and "colour" in p.message for p in problems), problems
    assert any("target" in p.message for p in problems), problems
    assert 'id="file-problems"' in html and "colour" in html
    assert not Plan.objects.filter(year=2025).exists()


def test_a_file_that_is_not_yaml_is_a_problem_not_an_error(client, pia, institution):
    client.force_login(pia)
    data = {"institution": institution.pk, "year": "2025", "how": "file",
            "file": upload("plan: [unclosed\n  - {")}  # fmt: skip
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert response.context["problems"]


def test_a_file_over_the_limit_is_refused_unread(client, pia, institution):
    client.force_login(pia)
    big = upload("#" * (PLAN_FILE_BYTES + 1))
    response = client.post(
        CREATE, {"institution": institution.pk, "year": "2025", "how": "file", "file": big}
    )
    assert response.status_code == 200
    assert "Filen er for stor" in response.context["form"].errors["file"][0]
    assert not Plan.objects.filter(year=2025).exists()


def test_a_file_for_another_institution_or_year_is_refused(client, pia, institution, bob):
    client.force_login(pia)
    other = (
        PLAN_FILE.format(year=2026)
        .replace("short_name: TS", "short_name: AS")
        .replace("name: Teststyrelsen", "name: Andenstyrelsen")
    )
    response = client.post(
        CREATE,
        {"institution": institution.pk, "year": "2025", "how": "file", "file": upload(other)},
    )
    messages = [p.message for p in response.context["problems"]]
    assert "filen er en plan for AS, ikke for TS" in messages
    assert "filen er planen for 2026, ikke for 2025" in messages
    assert not Plan.objects.filter(year__in=(2025, 2026)).exists()


def test_a_planner_cannot_change_the_ministrys_beacons_by_a_file(client, pia, carol, institution):
    MinistryBeacon.objects.create(ministry=institution.ministry, number="1", title="Fælles")
    changed = PLAN_FILE.format(year=2025).replace(
        "  name: Testministeriet\n",
        '  name: Testministeriet\n  beacons:\n    - number: "1"\n      title: Ændret\n',
    )
    client.force_login(pia)
    data = {"institution": institution.pk, "year": "2025", "how": "file", "file": upload(changed)}
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert [p.where for p in response.context["problems"]] == ["ministry.beacons[1]"]
    assert MinistryBeacon.objects.get().title == "Fælles"
    # The department may.
    client.force_login(carol)
    data["file"] = upload(changed)
    assert client.post(CREATE, data).status_code == 302
    assert MinistryBeacon.objects.get().title == "Ændret"


def test_a_copy_defaults_to_the_latest_agreed_plan(client, pia, plan, goal, institution):
    Plan.objects.create(
        institution=institution, ministry=institution.ministry, year=2023, title="Plan 2023",
        valid_from=datetime.date(2023, 1, 1), valid_to=datetime.date(2023, 12, 31),
    )  # fmt: skip
    client.force_login(pia)
    response = client.post(CREATE, {"institution": institution.pk, "year": "2025", "how": "copy"})
    assert response.status_code == 302
    new = Plan.objects.get(institution=institution, year=2025)
    assert new.predecessor == plan and new.state == PlanState.DRAFT
    assert new.title == "Testplan 2025"
    assert new.goals.get().predecessor == goal


def test_a_copy_of_a_chosen_plan(client, pia, plan, institution):
    older = Plan.objects.create(
        institution=institution, ministry=institution.ministry, year=2023, title="Plan 2023",
        valid_from=datetime.date(2023, 1, 1), valid_to=datetime.date(2023, 12, 31),
    )  # fmt: skip
    client.force_login(pia)
    data = {"institution": institution.pk, "year": "2025", "how": "copy", "source": older.pk}
    assert client.post(CREATE, data).status_code == 302
    assert Plan.objects.get(institution=institution, year=2025).predecessor == older


def test_a_copy_needs_a_plan_to_copy(client, pia, institution):
    client.force_login(pia)
    response = client.post(CREATE, {"institution": institution.pk, "year": "2025", "how": "copy"})
    assert response.status_code == 200
    assert response.context["form"].errors["source"] == ["TS har ingen aftalt plan at kopiere."]


def test_a_planner_may_plan_only_for_their_institution(client, pia, bob):
    other = bob.memberships.get().institution
    client.force_login(pia)
    page = client.get(CREATE)
    assert list(page.context["form"].fields["institution"].queryset) == [
        pia.memberships.get().institution
    ]
    response = client.post(CREATE, blank(institution=other.pk))
    assert "institution" in response.context["form"].errors
    assert not Plan.objects.filter(institution=other).exists()


def test_a_reviewer_plans_for_the_ministrys_institutions(client, carol, bob, institution):
    client.force_login(carol)
    page = client.get(CREATE)
    assert {i.short_name for i in page.context["form"].fields["institution"].queryset} == {
        "TS",
        "AS",
    }


def test_who_may_open_the_form(client, alice, bob, carol, dave, pia, admin_user_):
    answers = {}
    for person in (alice, bob, carol, dave, pia, admin_user_):
        client.force_login(person)
        answers[person.username] = client.get(CREATE).status_code
    client.logout()
    answers["anonymous"] = client.get(CREATE).status_code
    assert answers == {"alice": 403, "bob": 403, "carol": 200, "dave": 403, "pia": 200,
                       "root": 200, "anonymous": 302}  # fmt: skip


# --- the plan page's "Opret plan for <year + 1>" ---------------------------------------------


def copy_url(plan):
    return reverse("goals:plan_copy", args=[plan.institution.short_name, plan.year])


def test_the_plan_page_offers_next_year_to_planners(client, pia, alice, plan):
    page = reverse("reporting:plan_detail", args=["TS", 2024])
    client.force_login(pia)
    assert "Opret plan for 2025" in client.get(page).content.decode()
    client.force_login(alice)
    assert "Opret plan for 2025" not in client.get(page).content.decode()


def test_the_offer_is_gone_for_a_draft_or_once_next_year_exists(client, pia, plan):
    page = reverse("reporting:plan_detail", args=["TS", 2024])
    client.force_login(pia)
    plan.state = PlanState.DRAFT
    plan.save()
    assert "Opret plan for 2025" not in client.get(page).content.decode()
    plan.state = PlanState.AGREED
    plan.save()
    client.post(copy_url(plan))
    assert "Opret plan for 2025" not in client.get(page).content.decode()


def test_copying_from_the_plan_page(client, pia, plan, goal):
    client.force_login(pia)
    response = client.post(copy_url(plan))
    assert response["Location"] == reverse("reporting:plan_detail", args=["TS", 2025])
    new = Plan.objects.get(year=2025)
    assert new.state == PlanState.DRAFT and new.predecessor == plan
    assert Goal.objects.get(plan=new).predecessor == goal
    # Twice: refused with a message, not an error.
    again = client.post(copy_url(plan), follow=True)
    assert "TS har allerede en plan for 2025." in again.content.decode()
    assert Plan.objects.filter(year=2025).count() == 1


def test_copying_from_the_plan_page_per_role(client, alice, bob, dave, plan):
    for person, code in ((alice, 403), (bob, 404), (dave, 404)):
        client.force_login(person)
        assert client.post(copy_url(plan)).status_code == code
    assert client.get(copy_url(plan)).status_code == 405
    assert not Plan.objects.filter(year=2025).exists()


# --- the list of plans ---------------------------------------------------------------------


def test_the_list_shows_what_the_user_sees_with_its_state(client, alice, bob, plan, institution):
    Plan.objects.create(
        institution=institution, ministry=institution.ministry, year=2025, title="Udkastet",
        valid_from=datetime.date(2025, 1, 1), valid_to=datetime.date(2025, 12, 31),
        state=PlanState.DRAFT,
    )  # fmt: skip
    client.force_login(alice)
    html = client.get(reverse("goals:plans")).content.decode()
    assert "Udkast" in html and "Aftalt" in html
    assert reverse("reporting:plan_detail", args=["TS", 2025]) in html
    assert html.index(">2025<") < html.index(">2024<")
    assert 'id="new-plan"' not in html
    client.force_login(bob)
    html = client.get(reverse("goals:plans")).content.decode()
    assert "Teststyrelsen" not in html


def test_the_list_offers_a_new_plan_to_planners(client, pia):
    client.force_login(pia)
    assert 'id="new-plan"' in client.get(reverse("goals:plans")).content.decode()


def make_plans(ministry, count):
    from goals.models import Institution

    for n in range(count):
        inst = Institution.objects.create(ministry=ministry, name=f"Inst {n}", short_name=f"I{n}")
        year = 2024 + n % 2
        Plan.objects.create(
            institution=inst, ministry=ministry, year=year, title=f"Plan {n}",
            valid_from=datetime.date(year, 1, 1), valid_to=datetime.date(year, 12, 31),
        )  # fmt: skip


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_does_not_grow_in_queries_with_the_plans(
    client, carol, ministry, count, django_assert_max_num_queries
):
    make_plans(ministry, count)
    client.force_login(carol)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("goals:plans"))
    assert response.content.decode().count("plan-state") == count


# --- several people making the same plan at once (PostgreSQL) -----------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="thread races need PostgreSQL (see tests/test_races.py)",
)
@pytest.mark.django_db(transaction=True)
def test_eight_copies_and_files_of_the_same_year_at_once_make_one_plan(plan, goal, ministry):
    from tests.test_races import at_once, poster, reviewers

    people = reviewers(ministry, 8)
    jobs = []
    for i, person in enumerate(people):
        if i % 2:
            data = {"institution": plan.institution.pk, "year": "2025", "how": "copy"}
        else:
            data = {"institution": plan.institution.pk, "year": "2025", "how": "file",
                    "file": upload(PLAN_FILE.format(year=2025))}  # fmt: skip
        jobs.append(poster(person, CREATE, data))
    codes = [code for code, _html in at_once(jobs)]
    assert codes.count(302) == 1 and codes.count(200) == 7, codes
    made = Plan.objects.get(institution=plan.institution, year=2025)
    assert made.state == PlanState.DRAFT
    # The one made is whole: a copy with its goal, or the file's.
    assert made.goals.count() == 1
