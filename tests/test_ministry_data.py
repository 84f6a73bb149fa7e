"""The ministry's own data in the browser: its group-wide beacons and goals, kept by its
department, and its institutions, kept by the department and its administrators."""

import pytest
import yaml
from django.urls import reverse

from goals import ministry_data
from goals.ministry_data import BEACON, GROUP_GOAL, INSTITUTION
from goals.models import (
    Goal,
    GroupGoal,
    Institution,
    Membership,
    Ministry,
    MinistryBeacon,
    Section,
)
from goals.planfile import PlanFileError, read_plan_file
from tests.conftest import member
from tests.schema_cases import embed

PAGE = "goals:ministry_data"


def page_url(ministry="TM"):
    return reverse(PAGE, args=[ministry])


def new_url(kind, ministry="TM"):
    return reverse("goals:ministry_data_new", args=[ministry, kind.slug])


def edit_url(kind, row, ministry="TM"):
    return reverse("goals:ministry_data_edit", args=[ministry, kind.slug, row.pk])


def delete_url(kind, row, ministry="TM"):
    return reverse("goals:ministry_data_delete", args=[ministry, kind.slug, row.pk])


def move_url(row):
    return reverse("goals:ministry_data_move", args=["TM", row.pk])


def beacon(ministry, number, order=0, title=None):
    return MinistryBeacon.objects.create(
        ministry=ministry, number=number, order=order, title=title or f"Pejlemærke {number}"
    )


def errors_of(response, key):
    """The messages the form shows on a field ("" for the form as a whole)."""
    form = response.context["form"]
    return form.non_field_errors() if key == "" else form.errors.get(key, [])


def file_messages(**ministry):
    """The plan-file checker's messages for a file whose ministry holds `ministry`."""
    data, _where = embed("plan", {})
    data["ministry"].update(ministry)
    try:
        read_plan_file(yaml.safe_dump(data, allow_unicode=True).encode())
    except PlanFileError as error:
        return [p.message for p in error.problems]
    return []


@pytest.fixture
def department(client, carol):
    client.force_login(carol)
    return client


@pytest.fixture
def administrator(client, ministry):
    """A ministry administrator: keeps its people and institutions, not its beacons."""
    user = member("mads", Membership.Role.ADMIN, ministry=ministry)
    client.force_login(user)
    return client


# -- beacons --


def test_the_department_adds_beacons_and_they_come_in_order(department, ministry):
    response = department.post(
        new_url(BEACON), {"number": "1", "title": "Digital velfærd", "text": "Tekst"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{page_url()}#pejlemaerker"
    department.post(new_url(BEACON), {"number": "2", "title": "Grøn omstilling"})
    made = list(MinistryBeacon.objects.filter(ministry=ministry))
    assert [(b.number, b.title, b.order) for b in made] == [
        ("1", "Digital velfærd", 1),
        ("2", "Grøn omstilling", 2),
    ]
    page = department.get(page_url()).content.decode()
    assert page.index("Digital velfærd") < page.index("Grøn omstilling")


def test_a_beacon_is_edited_with_the_version_it_was_opened_at(department, ministry):
    row = beacon(ministry, "1")
    form = department.get(edit_url(BEACON, row)).context["form"]
    assert form.initial["title"] == "Pejlemærke 1"
    response = department.post(
        edit_url(BEACON, row),
        {"number": "1", "title": "Ny titel", "text": "", "version": form.initial["version"]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.title == "Ny titel"


def test_a_beacon_changed_meanwhile_is_not_overwritten(department, ministry):
    row = beacon(ministry, "1")
    version = department.get(edit_url(BEACON, row)).context["form"].initial["version"]
    MinistryBeacon.objects.filter(pk=row.pk).update(title="Rettet af en anden")
    mine = {"number": "1", "title": "Min titel", "text": "Min tekst", "version": version}
    response = department.post(edit_url(BEACON, row), mine)
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.title == "Rettet af en anden"
    assert "siden du åbnede formularen" in errors_of(response, "")[0]
    assert response.context["changes"] == [("titel", "Pejlemærke 1", "Rettet af en anden")]
    # What the user typed is kept, and the form now carries the row as it is.
    form = response.context["form"]
    assert form["title"].value() == "Min titel"
    assert form["text"].value() == "Min tekst"
    assert form["version"].value() != version
    # Sent again, knowingly, it is saved.
    again = department.post(edit_url(BEACON, row), {**mine, "version": form["version"].value()})
    assert again.status_code == 302
    row.refresh_from_db()
    assert row.title == "Min titel"


def test_a_beacons_mistakes_get_the_plan_files_words_on_their_field(department, ministry):
    beacon(ministry, "1")
    response = department.post(new_url(BEACON), {"number": "1", "title": "  ", "text": "x"})
    assert response.status_code == 200
    assert MinistryBeacon.objects.count() == 1
    in_file = file_messages(beacons=[{"number": "1", "title": "Et"}, {"number": "1", "title": " "}])
    number, title = errors_of(response, "number"), errors_of(response, "title")
    assert number == ['nummeret "1" står to gange']
    assert title == ['"title" mangler']
    assert set(number + title) <= set(in_file), in_file
    # The rest is kept.
    assert response.context["form"]["text"].value() == "x"
    assert 'aria-invalid="true"' in response.content.decode() or "is-invalid" in (
        response.content.decode()
    )


def test_a_beacon_too_long_is_refused_as_the_file_refuses_it(department, ministry):
    response = department.post(new_url(BEACON), {"number": "1" * 21, "title": "T"})
    _typed, expected = ministry_data.check(
        BEACON, ministry, MinistryBeacon(), {"number": "1" * 21, "title": "T"}
    )
    assert errors_of(response, "number") == expected["number"]
    assert set(expected["number"]) <= set(
        file_messages(beacons=[{"number": "1" * 21, "title": "T"}])
    )


def test_beacons_are_moved_up_and_down(department, ministry):
    one, two, three = beacon(ministry, "1", 1), beacon(ministry, "2", 2), beacon(ministry, "3", 3)
    assert department.post(move_url(three), {"direction": "up"}).status_code == 302
    order = lambda: list(  # noqa: E731
        MinistryBeacon.objects.filter(ministry=ministry).values_list("number", flat=True)
    )
    assert order() == ["1", "3", "2"]
    department.post(move_url(one), {"direction": "down"})
    assert order() == ["3", "1", "2"]
    # Past the end nothing moves.
    department.post(move_url(two), {"direction": "down"})
    assert order() == ["3", "1", "2"]


def test_an_unused_beacon_is_deleted_a_used_one_is_not(department, ministry, plan):
    unused, used = beacon(ministry, "1"), beacon(ministry, "2")
    Section.objects.create(plan=plan, title="Afsnit", ministry_beacon=used)
    assert department.post(delete_url(BEACON, unused)).status_code == 302
    assert not MinistryBeacon.objects.filter(pk=unused.pk).exists()
    response = department.post(delete_url(BEACON, used), follow=True)
    assert MinistryBeacon.objects.filter(pk=used.pk).exists()
    page = response.content.decode()
    assert "kan ikke slettes" in page and "TS 2024" in page
    # The page offers no delete for what is used.
    assert delete_url(BEACON, used) not in page
    # A second delete of a deleted row is told so.
    again = department.post(delete_url(BEACON, unused), follow=True)
    assert "allerede slettet" in again.content.decode()


# -- group goals --


def test_the_department_adds_and_edits_a_group_goal(department, ministry):
    response = department.post(
        new_url(GROUP_GOAL), {"code": "digital", "title": "Digitalisering", "description": ""}
    )
    assert response.status_code == 302
    made = GroupGoal.objects.get(ministry=ministry)
    assert (made.code, made.title) == ("digital", "Digitalisering")
    version = department.get(edit_url(GROUP_GOAL, made)).context["form"].initial["version"]
    department.post(
        edit_url(GROUP_GOAL, made),
        {"code": "digital", "title": "Digital forvaltning", "version": version},
    )
    made.refresh_from_db()
    assert made.title == "Digital forvaltning"


def test_a_group_goals_mistakes_get_the_plan_files_words(department, ministry):
    GroupGoal.objects.create(ministry=ministry, code="digital", title="Digitalisering")
    bad = department.post(new_url(GROUP_GOAL), {"code": "grøn omstilling", "title": "Grøn"})
    twice = department.post(new_url(GROUP_GOAL), {"code": "digital", "title": "Igen"})
    assert GroupGoal.objects.count() == 1
    in_file = file_messages(
        group_goals=[
            {"code": "digital", "title": "Digitalisering"},
            {"code": "digital", "title": "Igen"},
            {"code": "grøn omstilling", "title": "Grøn"},
        ]
    )
    assert errors_of(bad, "code") == ['"code" må kun bestå af bogstaver a-z, cifre, - og _']
    assert errors_of(twice, "code") == ['koden "digital" står to gange']
    assert set(errors_of(bad, "code") + errors_of(twice, "code")) <= set(in_file), in_file


def test_a_group_goal_used_by_a_goal_is_not_deleted(department, ministry, plan):
    used = GroupGoal.objects.create(ministry=ministry, code="digital", title="Digitalisering")
    unused = GroupGoal.objects.create(ministry=ministry, code="groen", title="Grøn")
    Goal.objects.create(plan=plan, number="9", title="Mål", group_goal=used)
    response = department.post(delete_url(GROUP_GOAL, used), follow=True)
    assert GroupGoal.objects.filter(pk=used.pk).exists()
    assert "kan ikke slettes" in response.content.decode()
    department.post(delete_url(GROUP_GOAL, unused))
    assert not GroupGoal.objects.filter(pk=unused.pk).exists()


# -- institutions --


def test_the_department_adds_and_edits_an_institution(department, ministry):
    response = department.post(new_url(INSTITUTION), {"short_name": "NS", "name": "Nystyrelsen"})
    assert response.status_code == 302
    made = Institution.objects.get(short_name="NS")
    assert made.ministry == ministry
    version = department.get(edit_url(INSTITUTION, made)).context["form"].initial["version"]
    department.post(
        edit_url(INSTITUTION, made),
        {"short_name": "NYS", "name": "Nystyrelsen", "version": version},
    )
    made.refresh_from_db()
    assert made.short_name == "NYS"
    assert "Nystyrelsen" in department.get(page_url()).content.decode()


def test_an_institutions_names_are_unique_across_ministries_said_on_the_field(
    department, ministry, institution
):
    other = Ministry.objects.create(name="Andetministeriet", short_name="AM")
    Institution.objects.create(ministry=other, name="Fremmedstyrelsen", short_name="FS")
    response = department.post(
        new_url(INSTITUTION), {"short_name": "FS", "name": "Fremmedstyrelsen"}
    )
    assert response.status_code == 200
    assert "bruges allerede" in errors_of(response, "name")[0]
    assert "bruges allerede" in errors_of(response, "short_name")[0]
    assert "på tværs af ministerier" in errors_of(response, "name")[0]
    assert Institution.objects.filter(name="Fremmedstyrelsen").count() == 1
    # An institution keeps its own name when edited.
    version = department.get(edit_url(INSTITUTION, institution)).context["form"].initial["version"]
    kept = department.post(
        edit_url(INSTITUTION, institution),
        {"short_name": "TS", "name": "Teststyrelsen", "version": version},
    )
    assert kept.status_code == 302


def test_an_institutions_missing_name_is_the_plan_files_message(department):
    response = department.post(new_url(INSTITUTION), {"short_name": "NS", "name": ""})
    assert errors_of(response, "name") == ['"name" mangler']
    assert response.context["form"]["short_name"].value() == "NS"


def test_institutions_are_never_deleted(department, institution):
    response = department.post(delete_url(INSTITUTION, institution))
    assert response.status_code == 404
    assert Institution.objects.filter(pk=institution.pk).exists()


def test_a_users_text_is_shown_as_text(department, ministry):
    beacon(ministry, "1", title='<script>alert("x")</script>')
    page = department.get(page_url()).content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page


# -- who may --


@pytest.mark.parametrize(
    ("person", "status"), [("alice", 403), ("bob", 403), ("dave", 404), ("carol", 200)]
)
def test_the_page_is_the_departments(client, request, ministry, person, status):
    client.force_login(request.getfixturevalue(person))
    assert client.get(page_url()).status_code == status
    assert client.get(new_url(BEACON)).status_code == status
    assert client.get(new_url(INSTITUTION)).status_code == status


def test_an_anonymous_visitor_is_sent_to_log_in(client, ministry):
    response = client.get(page_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_ministry_administrator_keeps_institutions_not_beacons(administrator, ministry):
    row = beacon(ministry, "1")
    page = administrator.get(page_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert new_url(INSTITUTION) in html
    assert new_url(BEACON) not in html and edit_url(BEACON, row) not in html
    assert administrator.get(new_url(BEACON)).status_code == 403
    assert administrator.get(edit_url(BEACON, row)).status_code == 403
    assert administrator.post(delete_url(BEACON, row)).status_code == 403
    assert administrator.post(move_url(row)).status_code == 403
    assert administrator.get(new_url(GROUP_GOAL)).status_code == 403
    made = administrator.post(new_url(INSTITUTION), {"short_name": "NS", "name": "Nystyrelsen"})
    assert made.status_code == 302
    assert Institution.objects.get(short_name="NS").ministry == ministry


def test_another_ministrys_rows_are_not_found(department, dave):
    other = Ministry.objects.get(short_name="AM")
    row = beacon(other, "1")
    assert department.get(edit_url(BEACON, row)).status_code == 404
    assert department.get(edit_url(BEACON, row, ministry="AM")).status_code == 404


def test_the_overview_and_the_people_pages_link_the_page(client, carol, admin_user_, ministry):
    client.force_login(carol)
    assert page_url() in client.get(reverse("reporting:overview", args=["TM"])).content.decode()
    client.force_login(admin_user_)
    people = client.get(reverse("people:list", args=["TM"])).content.decode()
    assert page_url() in people


# -- queries --


def _fill(ministry, plan, n):
    for i in range(n):
        b = beacon(ministry, str(i + 1), i)
        g = GroupGoal.objects.create(ministry=ministry, code=f"g{i}", title=f"Mål {i}")
        Institution.objects.create(ministry=ministry, name=f"Styrelse {i}", short_name=f"S{i}")
        Section.objects.create(plan=plan, title=f"Afsnit {i}", ministry_beacon=b)
        Goal.objects.create(plan=plan, number=str(i + 1), title=f"Mål {i}", group_goal=g)


@pytest.mark.parametrize("rows", [3, 12])
def test_the_page_takes_the_same_queries_for_3_rows_as_for_12(
    department, ministry, plan, rows, django_assert_max_num_queries
):
    _fill(ministry, plan, rows)
    with django_assert_max_num_queries(8):
        response = department.get(page_url())
    assert response.status_code == 200
    assert len(response.context["beacons"]) == rows
    assert all(b.uses == 1 for b in response.context["beacons"])


def test_a_number_taken_a_moment_ago_is_said_on_the_field(ministry, monkeypatch):
    """Two people adding the same number at once: the database refuses the second, and the
    form says why on the field rather than failing."""
    real = ministry_data._siblings
    calls = []

    def first_blind(kind, ministry, instance):
        calls.append(kind)
        # The first check misses the row the other person saves meanwhile.
        return {} if len(calls) == 1 else real(kind, ministry, instance)

    beacon(ministry, "1")
    monkeypatch.setattr(ministry_data, "_siblings", first_blind)
    with pytest.raises(ministry_data.DataError) as refused:
        ministry_data.save(kind=BEACON, ministry=ministry, values={"number": "1", "title": "T"})
    assert refused.value.errors == {"number": ['nummeret "1" står to gange']}
    assert MinistryBeacon.objects.count() == 1


def test_a_move_without_a_direction_moves_nothing(department, ministry):
    one, _two = beacon(ministry, "1", 1), beacon(ministry, "2", 2)
    department.post(move_url(one), {"direction": "sideways"})
    assert list(MinistryBeacon.objects.values_list("number", flat=True)) == ["1", "2"]
