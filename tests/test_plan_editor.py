"""The plan editor: every part of a plan made and changed through its pages, with htmx and
without; the plan file's messages on the fields; versions; order; deletion; amendments."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goals import editing, planning
from goals.models import (
    AmendmentChange,
    Goal,
    Membership,
    Plan,
    QuarterReport,
    Requirement,
    Section,
    SeriesPoint,
    Signatory,
    StatusEntry,
)
from goals.planfile import dump_plan, export_plan, import_plan, read_plan_file
from tests.conftest import member

BASE = "/planer/TS/2024/rediger/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(plan):
    plan.state = Plan.State.DRAFT
    plan.save()
    return plan


@pytest.fixture
def pia(institution):
    """A planner of the institution."""
    return member("pia", Membership.Role.PLANNER, institution=institution)


@pytest.fixture
def planner(client, pia):
    client.force_login(pia)
    return pia


def version(client, level, pk):
    """The version a form opened now carries."""
    response = client.get(f"{BASE}{level}/{pk}/ret/", **HTMX)
    assert response.status_code == 200
    return response.context["form"].version


def form_data(level, obj, **changes):
    """What the form for `obj` would send unchanged, with `changes` (keys as in plan files)."""
    values = editing.form_values(level, obj)
    data = {key: value for key, value in values.items() if value not in (False, [])}
    data.update({key: value for key, value in changes.items() if value is not None})
    for key in [key for key, value in changes.items() if value is None]:
        data.pop(key, None)
    data["version"] = editing.version_of(level, obj)
    return data


def new(client, level, data, parent="", htmx=False):
    extra = HTMX if htmx else {}
    return client.post(f"{BASE}{level}/ny/", {**data, "parent": parent}, **extra)


def errors_of(response):
    return {row.field.key: row.errors for row in response.context["form"].rows if row.errors} | {
        row.field.key: row.errors for row in response.context["form"].quarter_rows if row.errors
    }


# -- access ---------------------------------------------------------------------------


def test_planners_and_the_department_open_the_editor_a_reporter_may_not(
    client, draft, goal, pia, alice, bob, carol
):
    for user, status in ((pia, 200), (carol, 200), (alice, 403), (bob, 404)):
        client.force_login(user)
        assert client.get(BASE).status_code == status, user


def test_the_plan_page_links_to_the_editor_for_those_who_may_plan(client, draft, pia, alice):
    client.force_login(pia)
    assert b'id="edit-plan-link"' in client.get("/planer/TS/2024/").content
    client.force_login(alice)
    assert b'id="edit-plan-link"' not in client.get("/planer/TS/2024/").content


# -- every measurement kind -----------------------------------------------------------

MEASURES = {
    "text": ({"text": "Styrelsen udarbejder en strategi."}, {"measure": "text"}),
    "threshold": (
        {"comparator": "at_least", "target": "95,5", "unit": "pct"},
        {"measure": "threshold", "target_value": Decimal("95.5"), "decimals": 1},
    ),
    "milestone": (
        {"deadline": "30.09.2024", "deadline_text": "senest ved udgangen af 3. kvartal 2024"},
        {"measure": "milestone", "deadline": datetime.date(2024, 9, 30)},
    ),
    "relative": (
        {"comparator": "at_most", "reference": "statens gennemsnit", "target": "0", "unit": "days"},
        {"measure": "relative", "reference": "statens gennemsnit"},
    ),
    "cumulative": (
        {
            "comparator": "at_least",
            "unit": "hours",
            "quarter_targets.1": "1.000",
            "quarter_targets.2": "3.000",
            "quarter_targets.3": "7.000",
            "quarter_targets.4": "12.000",
        },
        {"measure": "cumulative", "figure_kind": "running_total"},
    ),
    "series": (
        {"comparator": "within", "target": "1,0", "unit": "mio_kr"},
        {"measure": "series", "target_value": Decimal("1.0")},
    ),
    "parts": ({}, {"measure": "parts"}),
}


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("measure", sorted(MEASURES))
def test_every_measurement_kind_is_made_and_changed_through_the_editor(
    client, planner, draft, goal, measure, htmx
):
    given, expected = MEASURES[measure]
    data = {"number": "1)", "text": "Et krav.", "measure": measure, **given}
    response = new(client, "krav", data, parent=goal.pk, htmx=htmx)
    if htmx:
        assert response.status_code == 200
        assert response["HX-Retarget"] == "#editor-body"
        assert b"<html" not in response.content
    else:
        assert response.status_code == 302, errors_of(response)
    requirement = Requirement.objects.get(goal=goal, number="1)")
    for attr, value in expected.items():
        assert getattr(requirement, attr) == value, attr
    if measure == "cumulative":
        targets = dict(requirement.quarter_targets.values_list("quarter", "target_value"))
        assert targets == {1: 1000, 2: 3000, 3: 7000, 4: 12000}
    if measure == "series":
        for year, result in (("2023", "0,4"), ("2024", "")):
            row = {"year": year, "target": "1,0", "target_text": "+/- 1,0", "result": result}
            assert new(client, "serieaar", row, parent=requirement.pk, htmx=htmx).status_code in (
                200,
                302,
            )
        assert list(requirement.series.values_list("year", "result_value")) == [
            (2023, Decimal("0.4")),
            (2024, None),
        ]
    if measure == "parts":
        for label, target in (("telefon", "4,0"), ("mail", "3,2")):
            part = {"label": label, "comparator": "at_least", "target": target, "unit": "points"}
            assert new(client, "delkrav", part, parent=requirement.pk, htmx=htmx).status_code in (
                200,
                302,
            )
        parts = list(requirement.parts.order_by("order"))
        assert [(p.label, p.target_value, p.decimals) for p in parts] == [
            ("telefon", Decimal("4.0"), 1),
            ("mail", Decimal("3.2"), 1),
        ]

    # Changed: the text, and for a number its target.
    changes = {"text": "Et ændret krav."}
    if measure in ("threshold", "series", "relative"):
        changes["target"] = "96,5"
    extra = HTMX if htmx else {}
    response = client.post(
        f"{BASE}krav/{requirement.pk}/ret/", form_data("krav", requirement, **changes), **extra
    )
    if htmx:
        assert response.status_code == 200
        assert b'id="edit-krav-' in response.content and b"<html" not in response.content
        assert "Et ændret krav." in response.content.decode()
    else:
        assert response.status_code == 302
        assert response["Location"].endswith(f"#edit-krav-{requirement.pk}")
    requirement.refresh_from_db()
    assert requirement.text == "Et ændret krav."
    if "target" in changes:
        assert requirement.target_value == Decimal("96.5")


def test_a_part_of_a_requirement_is_changed_and_its_label_kept_unique(client, planner, draft, goal):
    parent = Requirement.objects.create(goal=goal, number="2)", text="To dele.", measure="parts")
    phone = Requirement.objects.create(
        goal=goal, part_of=parent, label="telefon", text="telefon", measure="threshold",
        comparator="at_least", target_value=Decimal("4"), unit="points", decimals=1,
    )  # fmt: skip
    Requirement.objects.create(
        goal=goal, part_of=parent, label="mail", text="mail", measure="threshold",
        comparator="at_least", target_value=Decimal("3.2"), unit="points", decimals=1,
    )  # fmt: skip
    response = client.post(
        f"{BASE}delkrav/{phone.pk}/ret/", form_data("delkrav", phone, label="mail"), **HTMX
    )
    assert errors_of(response) == {"label": ['delen "mail" står to gange']}
    response = client.post(
        f"{BASE}delkrav/{phone.pk}/ret/", form_data("delkrav", phone, target="4,5"), **HTMX
    )
    phone.refresh_from_db()
    assert phone.target_value == Decimal("4.5")


def test_goal_quarters_are_checkboxes_and_the_plan_texts_are_edited(client, planner, draft):
    response = client.get(f"{BASE}maal/ny/")
    html = response.content.decode()
    for quarter in (1, 2, 3, 4):
        assert f'type="checkbox" name="reporting.quarters" value="{quarter}"' in html
    data = {
        "number": "1.1",
        "title": "Hurtig sagsbehandling",
        "kind": "drift",
        "result_type": "kvalitet",
        "reporting.quarters": ["2", "4"],
        "reporting.text": "I 2. og 4. kvartal.",
        "fulfilment.rule": "at_least",
        "fulfilment.required": "1",
        "weight": "2,5",
    }
    response = new(client, "maal", data)
    # K of N needs N requirements: the goal has none yet.
    assert errors_of(response) == {
        "fulfilment.required": ["K er større end N: 1 af 0 resultatkrav kan ikke kræves"]
    }
    assert response.context["form"].rows[7].value == ["2", "4"]  # kept as ticked
    data["fulfilment.rule"] = "all"
    data.pop("fulfilment.required")
    assert new(client, "maal", data).status_code == 302
    goal = Goal.objects.get(plan=draft, number="1.1")
    assert (goal.reporting_quarters, goal.weight, goal.section) == ("24", Decimal("2.5"), None)

    plan_data = form_data(
        "plan",
        draft,
        vision="Vi leverer.",
        **{
            "reporting.deadline_days": "14",
            "reporting.template": "on",
            "scoring.method": "partial",
        },
    )
    response = client.post(f"{BASE}plan/{draft.pk}/ret/", plan_data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.vision, draft.deadline_days, draft.follow_up_template, draft.scoring_method) == (
        "Vi leverer.",
        14,
        True,
        "partial",
    )


def test_sections_with_a_ministry_beacon_and_signatories(client, planner, draft, ministry):
    ministry.beacons.create(number="1", title="Effektiv drift", order=1)
    data = {"kind": "beacon", "number": "1", "title": "Pejlemærke 1", "ministry_beacon": "9"}
    response = new(client, "afsnit", data)
    assert errors_of(response) == {
        "ministry_beacon": ['"ministry_beacon": ministeriet har intet pejlemærke nr. "9"']
    }
    data["ministry_beacon"] = "1"
    assert new(client, "afsnit", data).status_code == 302
    section = Section.objects.get(plan=draft)
    assert section.ministry_beacon.title == "Effektiv drift"
    # The same title twice, as a plan file may not have it.
    response = new(client, "afsnit", {"kind": "section", "title": "Pejlemærke 1"})
    assert errors_of(response) == {"title": ['titlen "Pejlemærke 1" står to gange']}

    signatory = {"name": "Anne Andersen", "title": "Direktør", "date": "2023-12-12"}
    assert new(client, "underskriver", signatory).status_code == 302
    assert Signatory.objects.get(plan=draft).date == datetime.date(2023, 12, 12)


# -- the plan file's messages, on the field, the rest kept ---------------------------


def test_a_mistake_gets_the_plan_files_message_on_its_field_and_the_input_is_kept(
    client, planner, draft, goal
):
    data = {
        "number": "1)",
        "text": "Minimum 95 pct. af sagerne.",
        "measure": "threshold",
        "comparator": "at_least",
        "target": "95,5,5",
        "unit": "pct",
        "reporting_quarters": ["5"],
    }
    response = new(client, "krav", data, parent=goal.pk, htmx=True)
    assert response.status_code == 200
    errors = errors_of(response)
    assert set(errors) == {"target", "reporting_quarters"}
    assert errors["target"][0].startswith('"target" skal være et tal')
    assert errors["reporting_quarters"] == ['"reporting_quarters": kvartal 5 findes ikke (1-4)']
    html = response.content.decode()
    assert 'value="95,5,5"' in html and "Minimum 95 pct. af sagerne." in html
    assert 'aria-invalid="true"' in html
    assert not Requirement.objects.filter(goal=goal).exists()

    # A threshold without a target: the plan file's message, on the target.
    data.update(target="", reporting_quarters=[])
    errors = errors_of(new(client, "krav", data, parent=goal.pk))
    assert errors == {"target": ['"target" mangler (en tærskel skal have "target")']}


def test_a_control_character_and_an_overlong_title_are_refused_on_their_fields(
    client, planner, draft, goal
):
    data = form_data("maal", goal, title="x" * 301, description="før\x0bpå")
    errors = errors_of(client.post(f"{BASE}maal/{goal.pk}/ret/", data))
    assert errors["title"] == ['"title" er for lang (højst 300 tegn, her 301)']
    assert "U+000B" in errors["description"][0]


# -- versions -------------------------------------------------------------------------


def test_a_save_over_a_change_made_meanwhile_is_refused_with_what_changed(
    client, planner, draft, goal, carol
):
    opened = version(client, "maal", goal.pk)
    # Someone else changes the title meanwhile.
    other = editing.read_form("maal", _query(form_data("maal", goal, title="Deres titel")))
    editing.save(
        plan=draft,
        user=carol,
        rights=_rights(carol, draft),
        level="maal",
        values=other,
        pk=goal.pk,
        version=editing.version_of("maal", goal),
    )
    data = form_data("maal", goal, title="Min titel", description="Min beskrivelse")
    data["version"] = opened
    response = client.post(f"{BASE}maal/{goal.pk}/ret/", data)
    assert response.status_code == 409
    form = response.context["form"]
    assert [(c.label, c.before, c.after) for c in form.conflict.changes] == [
        ("Titel", "Et mål", "Deres titel")
    ]
    html = response.content.decode()
    assert "Min titel" in html and "Min beskrivelse" in html  # the typed input is kept
    goal.refresh_from_db()
    assert goal.title == "Deres titel" and goal.description == ""
    # Sent again with the version the refusal carries, it is saved.
    data["version"] = form.version
    assert client.post(f"{BASE}maal/{goal.pk}/ret/", data).status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Min titel"


def test_a_forged_version_is_a_conflict_not_a_save(client, planner, draft, goal):
    data = form_data("maal", goal, title="Ny titel")
    data["version"] = "forged"
    assert client.post(f"{BASE}maal/{goal.pk}/ret/", data).status_code == 409
    goal.refresh_from_db()
    assert goal.title == "Et mål"


def _query(data):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def _rights(user, plan):
    from goals.permissions import rights

    return rights(user, plan)


# -- order ----------------------------------------------------------------------------


def _goals(plan, count, section=None):
    return [
        Goal.objects.create(plan=plan, section=section, number=f"{n}", title=f"Mål {n}", order=n)
        for n in range(1, count + 1)
    ]


def test_rows_move_up_and_down_by_button_and_in_any_order_by_drag(client, planner, draft):
    one, two, three = _goals(draft, 3)
    response = client.post(f"{BASE}maal/{three.pk}/flyt/", {"direction": "up"})
    assert response.status_code == 302
    assert list(draft.goals.order_by("order").values_list("number", flat=True)) == ["1", "3", "2"]
    response = client.post(f"{BASE}maal/{one.pk}/flyt/", {"direction": "down"}, **HTMX)
    assert response.status_code == 200 and response["HX-Retarget"] == "#editor-body"
    assert list(draft.goals.order_by("order").values_list("number", flat=True)) == ["3", "1", "2"]
    response = client.post(f"{BASE}maal/orden/", {"order": [two.pk, three.pk, one.pk]}, **HTMX)
    assert response.status_code == 200
    assert list(draft.goals.order_by("order").values_list("number", flat=True)) == ["2", "3", "1"]
    # An order that leaves a row out is refused, and nothing moves.
    client.post(f"{BASE}maal/orden/", {"order": [one.pk, two.pk]})
    assert list(draft.goals.order_by("order").values_list("number", flat=True)) == ["2", "3", "1"]


# -- deletion -------------------------------------------------------------------------


def test_what_has_been_reported_on_cannot_be_deleted(client, planner, draft, goal, requirement):
    report = QuarterReport.objects.create(plan=draft, quarter=1)
    StatusEntry.objects.create(report=report, goal=goal, requirement=requirement, status="green")
    spare = Requirement.objects.create(goal=goal, number="2)", text="Uden indberetning")
    page = client.get(BASE).content.decode()
    assert "Der er indberettet på kravet; det kan ikke slettes." in page
    response = client.post(f"{BASE}krav/{requirement.pk}/slet/", follow=True)
    assert "Resultatkravet kan ikke slettes, fordi der er indberettet på det" in (
        response.content.decode()
    )
    response = client.post(f"{BASE}maal/{goal.pk}/slet/", follow=True)
    assert "Målet kan ikke slettes" in response.content.decode()
    assert Requirement.objects.filter(pk=requirement.pk).exists()
    assert Goal.objects.filter(pk=goal.pk).exists()
    assert client.post(f"{BASE}krav/{spare.pk}/slet/").status_code == 302
    assert not Requirement.objects.filter(pk=spare.pk).exists()


# -- the plan's state -----------------------------------------------------------------


@pytest.mark.parametrize("state", ["proposed", "agreed"])
def test_a_plan_put_forward_or_agreed_without_an_amendment_is_read_only(
    client, planner, plan, goal, state
):
    plan.state = state
    plan.save()
    page = client.get(BASE)
    assert page.status_code == 200
    assert b'id="read-only"' in page.content and b"hx-get" not in page.content
    response = client.post(f"{BASE}maal/{goal.pk}/ret/", form_data("maal", goal, title="Ny"))
    assert response.status_code == 409
    assert response.context["form"].message == editing.read_only_reason(
        plan, _rights(planner, plan)
    )
    assert (
        new(client, "maal", {"number": "9", "title": "Nyt", "reporting.quarters": "1"}).status_code
        == 409
    )
    assert client.post(f"{BASE}maal/{goal.pk}/flyt/", {"direction": "up"}).status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Et mål" and draft_goals(plan) == ["1.1"]


def draft_goals(plan):
    return list(plan.goals.values_list("number", flat=True))


def test_an_amendment_keeps_each_change_as_a_reader_sees_it(client, planner, plan, goal, threshold):
    assert plan.is_agreed
    amendment = planning.start_amendment(plan=plan, user=planner, reason="Ny lov")
    data = form_data("krav", threshold, target="95,5", deadline="30.09.2024")
    assert client.post(f"{BASE}krav/{threshold.pk}/ret/", data).status_code == 302
    spare = Requirement.objects.create(goal=goal, number="2)", text="Overflødigt", order=2)
    assert client.post(f"{BASE}krav/{spare.pk}/slet/").status_code == 302
    changes = list(
        AmendmentChange.objects.filter(amendment=amendment).values_list(
            "name", "label", "before", "after"
        )
    )
    assert ("Mål 1.1, krav 1)", "Målværdi", "95", "95,5") in changes
    assert ("Mål 1.1, krav 1)", "Frist", "", "30.09.2024") in changes
    assert ("Mål 1.1, krav 2)", "Slettet", "Overflødigt", "slettet") in changes
    cumulative = Requirement.objects.create(
        goal=goal, number="3)", text="Timer", measure="cumulative", comparator="at_least",
        unit="hours", order=3,
    )  # fmt: skip
    cumulative.quarter_targets.create(quarter=1, target_value=1000)
    data = form_data("krav", cumulative, **{"quarter_targets.1": "1.500"})
    assert client.post(f"{BASE}krav/{cumulative.pk}/ret/", data).status_code == 302
    assert amendment.changes.filter(
        name="Mål 1.1, krav 3)", label="Kvartalsmål, 1. kvartal", before="1.000", after="1.500"
    ).exists()
    assert all(change.changed_by == planner for change in amendment.changes.all())


# -- query counts ---------------------------------------------------------------------


def _plan_of(plan, count):
    section = Section.objects.create(plan=plan, title="Afsnit", order=1)
    for goal in _goals(plan, count, section):
        Requirement.objects.create(
            goal=goal, number="1)", text="Tærskel", measure="threshold",
            comparator="at_least", target_value=Decimal(95), unit="pct",
        )  # fmt: skip
        cumulative = Requirement.objects.create(
            goal=goal, number="2)", text="Kumulativ", measure="cumulative",
            comparator="at_least", unit="hours", order=2,
        )  # fmt: skip
        cumulative.quarter_targets.create(quarter=1, target_value=10)
        series = Requirement.objects.create(
            goal=goal, number="3)", text="Serie", measure="series", unit="pct", order=3
        )
        SeriesPoint.objects.create(requirement=series, year=2023, target_value=5)


def _count_queries(client, plan, count, django_db_blocker=None):
    plan.goals.all().delete()
    plan.sections.all().delete()
    _plan_of(plan, count)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(BASE).status_code == 200
    return len(queries)


def test_the_editor_page_does_not_grow_with_the_number_of_goals(
    client, planner, draft, django_assert_max_num_queries
):
    three = _count_queries(client, draft, 3)
    twelve = _count_queries(client, draft, 12)
    assert twelve == three
    with django_assert_max_num_queries(three):
        client.get(BASE)


# -- the plan file of an edited plan --------------------------------------------------


def test_a_plan_made_in_the_editor_exports_and_imports_field_for_field(
    client, planner, draft, ministry
):
    ministry.beacons.create(number="1", title="Effektiv drift", order=1)
    ministry.group_goals.create(code="budget", title="Bedre budgettering")
    assert new(client, "afsnit", {"kind": "beacon", "number": "1", "title": "Pejlemærke 1",
                                  "ministry_beacon": "1"}).status_code == 302  # fmt: skip
    section = Section.objects.get(plan=draft)
    goal = {"number": "1.1", "title": "Mål", "section": str(section.pk), "group_goal": "budget",
            "reporting.quarters": ["1", "2", "3", "4"], "weight": "2"}  # fmt: skip
    assert new(client, "maal", goal).status_code == 302
    goal = Goal.objects.get(plan=draft)
    for number, measure in enumerate(sorted(MEASURES), start=1):
        data = {"number": f"{number})", "text": f"Krav {number}", "measure": measure}
        data.update(MEASURES[measure][0])
        assert new(client, "krav", data, parent=goal.pk).status_code == 302, measure
    series = Requirement.objects.get(goal=goal, measure="series")
    new(client, "serieaar", {"year": "2023", "target": "1,0", "result": "0,4"}, parent=series.pk)
    parts = Requirement.objects.get(goal=goal, measure="parts")
    for label in ("telefon", "mail"):
        part = {"label": label, "comparator": "at_least", "target": "4,0", "unit": "points"}
        assert new(client, "delkrav", part, parent=parts.pk).status_code == 302
    assert new(client, "underskriver", {"name": "Anne", "title": "Direktør"}).status_code == 302

    draft.refresh_from_db()
    exported = export_plan(draft)
    text = dump_plan(draft)
    Plan.objects.filter(pk=draft.pk).delete()
    imported = import_plan(read_plan_file(text.encode()))
    assert export_plan(imported) == exported


# -- the shared table of mistakes: the same message on the same field as in a plan file --

from tests.schema_cases import SCHEMA_CASES, values_of  # noqa: E402

EDITOR_LEVEL = {
    "plan": "plan", "signatory": "underskriver", "section": "afsnit", "goal": "maal",
    "requirement": "krav", "part": "delkrav", "series": "serieaar", "quarter_target": "krav",
}  # fmt: skip


def _not_in_a_form(case):
    """Why a case cannot be typed into the editor, or "": the editor has no box for it."""
    if "parts" in case.values or "part_count" in case.context:
        return "a requirement's parts are edited apart, each as a part"
    if case.level == "plan" and case.key == "year":
        return "a plan's year is its address; a new plan is made elsewhere"
    if case.level == "plan" and case.key == "reporting.template":
        return "a checkbox is ticked or not"
    if case.level == "quarter_target" and case.key == "quarter":
        return "the editor has a box for each of the four quarters"
    if case.key == "series":
        return "a series' years are added to the requirement once it is made"
    return ""


EDITOR_CASES = [case for case in SCHEMA_CASES if not _not_in_a_form(case)]


def test_most_of_the_shared_cases_can_be_typed_into_the_editor():
    assert len(EDITOR_CASES) >= len(SCHEMA_CASES) - 10
    assert {case.level for case in EDITOR_CASES} == {case.level for case in SCHEMA_CASES}


def _surroundings(case, plan):
    """The rows the case's context speaks of; returns (URL, parent) to post the case to."""
    context = case.context
    level = EDITOR_LEVEL[case.level]
    section = Section.objects.create(
        plan=plan, title=context.get("parent", "Et afsnit"), number="9", order=1
    )
    goal = Goal.objects.create(
        plan=plan, section=section, number="9", title="Et mål", order=1,
        reporting_quarters=context.get("goal_quarters", "1234"),
    )  # fmt: skip
    if case.level == "plan":
        return f"{BASE}plan/{plan.pk}/ret/", ""
    if case.level == "section":
        for title in context.get("sibling_titles", []):
            Section.objects.create(plan=plan, title=title, order=2)
        return f"{BASE}afsnit/ny/", ""
    if case.level == "goal":
        for number in context.get("sibling_numbers", []):
            Goal.objects.create(plan=plan, section=section, number=number, title="Andet")
        if "requirement_count" in context:
            for n in range(context["requirement_count"]):
                Requirement.objects.create(goal=goal, number=f"{n + 1})", text="Krav")
            return f"{BASE}maal/{goal.pk}/ret/", goal
        return f"{BASE}maal/ny/", str(section.pk)
    if case.level in ("requirement", "quarter_target"):
        for number in context.get("sibling_numbers", []):
            Requirement.objects.create(goal=goal, number=number, text="Andet")
        return f"{BASE}krav/ny/", str(goal.pk)
    requirement = Requirement.objects.create(goal=goal, number="1)", text="Krav", measure=(
        "parts" if case.level == "part" else "series"), unit="pct")  # fmt: skip
    if case.level == "part":
        for label in context.get("sibling_labels", []):
            Requirement.objects.create(
                goal=goal, part_of=requirement, label=label, text=label, measure="threshold",
                comparator="at_least", target_value=1, unit="points",
            )  # fmt: skip
        return f"{BASE}{level}/ny/", str(requirement.pk)
    for year in context.get("sibling_years", []):
        SeriesPoint.objects.create(requirement=requirement, year=year)
    return f"{BASE}{level}/ny/", str(requirement.pk)


def _form_data(case, plan, parent):
    values = values_of(case)
    if case.level == "plan":
        values = {**form_data("plan", plan), **values}
        values.pop("year", None)
    if isinstance(parent, Goal):
        values = {**form_data("maal", parent), **values}
    elif case.level == "goal":
        values["section"] = parent
    if case.level == "goal" and "reporting.quarters" not in values:
        values["reporting.quarters"] = ["1", "2", "3", "4"]
    if case.level == "quarter_target":
        values = {
            "text": "Kumulativt", "measure": "cumulative", "comparator": "at_least",
            "unit": "hours", f"quarter_targets.{values['quarter']}": values["target"],
        }  # fmt: skip
    data = {}
    for key, value in values.items():
        data[key] = [str(v) for v in value] if isinstance(value, list) else value
    if data.get("reporting.quarters") == []:
        data.pop("reporting.quarters")
    return data


@pytest.mark.parametrize("case", EDITOR_CASES, ids=[case.id for case in EDITOR_CASES])
def test_a_shared_case_gets_the_plan_files_message_on_its_field_in_the_editor(
    client, planner, draft, case
):
    url, parent = _surroundings(case, draft)
    data = _form_data(case, draft, parent)
    if isinstance(parent, str) and parent:
        data["parent"] = parent
    response = client.post(url, data, **HTMX)
    assert response.status_code == 200, response.content[:2000]
    key = {"parts": "measure", "quarter_targets": "quarter_targets.1"}.get(case.key, case.key)
    if case.level == "quarter_target":
        key = "quarter_targets.1"
    errors = errors_of(response)
    assert any(case.message in message for message in errors.get(key, [])), errors
    # The rest of what was typed is still there.
    form = response.context["form"]
    typed = {row.field.key: row.value for row in form.rows + form.quarter_rows}
    for field_key, value in data.items():
        if field_key in typed:
            assert typed[field_key] == value, field_key


def test_a_requirement_says_what_it_lacks_until_it_has_its_parts_or_years(
    client, planner, draft, goal
):
    parts = {"number": "1)", "text": "To dele", "measure": "parts"}
    series = {"number": "2)", "text": "En serie", "measure": "series", "unit": "pct"}
    assert new(client, "krav", parts, parent=goal.pk).status_code == 302
    assert new(client, "krav", series, parent=goal.pk).status_code == 302
    page = client.get(BASE).content.decode()
    assert "Et krav med delkrav skal have mindst to delkrav." in page
    assert "En flerårig serie skal have mindst ét serieår." in page


# -- real races, on PostgreSQL ----------------------------------------------------------

from tests.test_races import THREADS, at_once, on_postgresql, poster  # noqa: E402


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_eight_saves_of_one_goal_at_once_from_one_version_one_wins(plan, goal, ministry):
    plan.state = Plan.State.DRAFT
    plan.save()
    people = [
        member(f"planner{i}", Membership.Role.PLANNER, institution=plan.institution)
        for i in range(THREADS)
    ]
    url = f"{BASE}maal/{goal.pk}/ret/"
    jobs = [
        poster(person, url, form_data("maal", goal, title=f"Titel {i}"))
        for i, person in enumerate(people)
    ]
    results = at_once(jobs)
    codes = [code for code, _html in results]
    assert codes.count(302) == 1, codes
    winner = codes.index(302)
    assert all(code == 409 for i, code in enumerate(codes) if i != winner), codes
    for i, (_code, html) in enumerate(results):
        if i != winner:
            assert f'value="Titel {i}"' in html  # the loser's input kept
    goal.refresh_from_db()
    assert goal.title == f"Titel {winner}"


def test_a_conflict_in_an_amendment_names_who_changed_it(client, planner, plan, goal, carol):
    planning.start_amendment(plan=plan, user=planner, reason="Ny lov")
    opened = version(client, "maal", goal.pk)
    client.force_login(carol)
    assert client.post(f"{BASE}maal/{goal.pk}/ret/", form_data("maal", goal, title="Deres"))[
        "Location"
    ].endswith(f"#edit-maal-{goal.pk}")
    client.force_login(planner)
    data = form_data("maal", goal, title="Min")
    data["version"] = opened
    response = client.post(f"{BASE}maal/{goal.pk}/ret/", data)
    assert response.status_code == 409
    assert response.context["form"].conflict.who == carol
    assert "Senest ændret af carol." in response.content.decode()


def test_what_a_planner_types_is_shown_as_text_on_every_card(client, planner, draft, goal):
    """The cards are written in Python (goals/templatetags/editor_cards.py): every text a
    user typed is escaped there, quotes too, whichever part it is on."""
    harm = '<script>alert(1)</script>" onmouseover="x'
    Goal.objects.filter(pk=goal.pk).update(title=harm, description=harm)
    goal.section.title = harm
    goal.section.save()
    Requirement.objects.create(goal=goal, number="9)", text=harm)
    html = client.get(BASE).content.decode()
    assert "<script>alert(1)" not in html
    assert '" onmouseover="x' not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x") >= 4
