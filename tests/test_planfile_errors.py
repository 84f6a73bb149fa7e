"""Bad plan files are rejected with messages that say where and what, and write nothing."""

import copy
import io

import pytest
import yaml
from django.apps import apps
from django.core.management import CommandError, call_command

from goals.planfile import PlanFileError, read_plan_file
from tests.conftest import PLAN_DIR, load_reference


def good():
    return yaml.safe_load((PLAN_DIR / "adst-2024.yaml").read_text(encoding="utf-8"))


def goal(data, section_index, goal_index):
    return data["sections"][section_index]["goals"][goal_index]


def counts():
    return {
        model.__name__: model.objects.count() for model in apps.get_app_config("goals").get_models()
    }


def dump(data):
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def breaks(change):
    """A plan file (bytes) made from the reference file with `change` applied."""

    def make():
        data = copy.deepcopy(good())
        change(data)
        return dump(data)

    return make


def _set(path_fn, key, value):
    def change(data):
        path_fn(data)[key] = value

    return change


def _delete(path_fn, key):
    def change(data):
        del path_fn(data)[key]

    return change


def _duplicate_goal(data):
    goals = data["sections"][0]["goals"]
    goals[1]["number"] = goals[0]["number"]


def _duplicate_requirement(data):
    reqs = goal(data, 0, 1)["requirements"]
    reqs[1]["number"] = reqs[0]["number"]


def _k_greater_than_n(data):
    goal(data, 0, 0)["fulfilment"] = {"rule": "at_least", "required": 3}


# (id, file maker, where the message points, what it says)
BAD_FILES = [
    (
        "unknown-field",
        breaks(_set(lambda d: goal(d, 0, 0), "titel", "Stavet forkert")),
        "Pejlemærke 1 > mål 1.1",
        'ukendt felt "titel"',
    ),
    (
        "missing-required-field",
        breaks(_delete(lambda d: goal(d, 1, 0), "title")),
        "Pejlemærke 2 > mål 2.1",
        '"title" mangler',
    ),
    (
        "missing-plan-year",
        breaks(_delete(lambda d: d["plan"], "year")),
        "plan",
        '"year" mangler',
    ),
    (
        "duplicate-goal-number",
        breaks(_duplicate_goal),
        "Pejlemærke 1 > mål 1.1",
        'målnummeret "1.1" står to gange',
    ),
    (
        "duplicate-requirement-number",
        breaks(_duplicate_requirement),
        "Pejlemærke 1 > mål 1.2 > resultatkrav 1)",
        'kravnummeret "1)" står to gange',
    ),
    (
        "quarter-outside-1-4",
        breaks(_set(lambda d: goal(d, 1, 0)["reporting"], "quarters", [4, 5])),
        "Pejlemærke 2 > mål 2.1 > reporting",
        "kvartal 5 findes ikke (1-4)",
    ),
    (
        "quarter-zero-in-requirement",
        breaks(_set(lambda d: goal(d, 0, 0)["requirements"][0], "reporting_quarters", [0])),
        "Pejlemærke 1 > mål 1.1 > resultatkrav 1)",
        "kvartal 0 findes ikke (1-4)",
    ),
    (
        "threshold-without-target",
        breaks(_delete(lambda d: goal(d, 0, 0)["requirements"][1], "target")),
        "Pejlemærke 1 > mål 1.1 > resultatkrav 2)",
        '"target" mangler (en tærskel skal have "target")',
    ),
    (
        "unknown-unit",
        breaks(_set(lambda d: goal(d, 0, 0)["requirements"][0], "unit", "furlongs")),
        "Pejlemærke 1 > mål 1.1 > resultatkrav 1)",
        'ukendt unit "furlongs"',
    ),
    (
        "unknown-kind",
        breaks(_set(lambda d: goal(d, 2, 1), "kind", "hobby")),
        "Pejlemærke 3 > mål 3.2",
        'ukendt kind "hobby"',
    ),
    (
        "k-of-n-with-k-greater-than-n",
        breaks(_k_greater_than_n),
        "Pejlemærke 1 > mål 1.1 > fulfilment",
        "K er større end N: 3 af 2",
    ),
    (
        "number-that-is-not-a-number",
        breaks(_set(lambda d: goal(d, 0, 0)["requirements"][0], "target", "mange")),
        "Pejlemærke 1 > mål 1.1 > resultatkrav 1)",
        '"target" skal være et tal',
    ),
    (
        "malformed-yaml",
        lambda: b"format: mrplan-plan/1\nplan:\n  year: [2024\n  title: x\n",
        "linje",
        "ikke gyldig YAML",
    ),
    (
        "wrong-encoding",
        lambda: (PLAN_DIR / "adst-2024.yaml").read_text(encoding="utf-8").encode("latin-1"),
        "",
        "ikke UTF-8",
    ),
    (
        "not-a-mapping",
        lambda: b"- just\n- a list\n",
        "",
        "skal indeholde en plan",
    ),
]


@pytest.mark.parametrize(
    ("make", "where", "message"), [case[1:] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_bad_file_is_rejected_with_where_and_what(db, make, where, message):
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(make())
    problems = [str(p) for p in caught.value.problems]
    assert any(message in p and p.startswith(where) for p in problems), problems


@pytest.mark.parametrize("make", [case[1] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_bad_file_writes_nothing(db, tmp_path, make):
    load_reference("be-2024.yaml")  # something already there, which must stay as it is
    before = counts()
    path = tmp_path / "bad.yaml"
    path.write_bytes(make())
    with pytest.raises(CommandError) as caught:
        call_command("import_plan", str(path), stdout=io.StringIO())
    assert "intet er gemt" in str(caught.value)
    assert str(path) in str(caught.value)
    assert counts() == before


def test_existing_plan_is_refused_unless_replaced(db, tmp_path):
    load_reference("adst-2024.yaml")
    before = counts()
    path = PLAN_DIR / "adst-2024.yaml"
    with pytest.raises(CommandError) as caught:
        call_command("import_plan", str(path), stdout=io.StringIO())
    assert "ADST har allerede en plan for 2024" in str(caught.value)
    assert "--replace" in str(caught.value)
    assert counts() == before

    call_command("import_plan", str(path), replace=True, stdout=io.StringIO())
    assert counts() == before


def test_all_problems_are_listed_at_once(db):
    data = good()
    goal(data, 0, 0)["kind"] = "hobby"
    goal(data, 0, 1)["requirements"][2]["unit"] = "furlongs"
    del goal(data, 3, 0)["title"]
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(dump(data))
    assert len(caught.value.problems) == 3


def test_a_file_with_one_bad_plan_among_several_writes_none(db, tmp_path):
    bad = good()
    goal(bad, 0, 0)["requirements"][0]["unit"] = "furlongs"
    bad_path = tmp_path / "bad.yaml"
    bad_path.write_bytes(dump(bad))
    before = counts()
    with pytest.raises(CommandError):
        call_command(
            "import_plan", str(PLAN_DIR / "be-2024.yaml"), str(bad_path), stdout=io.StringIO()
        )
    assert counts() == before


def test_check_only_validates(db):
    out = io.StringIO()
    call_command("import_plan", str(PLAN_DIR / "be-2021.yaml"), check=True, stdout=out)
    assert "i orden" in out.getvalue()
    assert sum(counts().values()) == 0


def test_danish_decimal_comma_is_read(db):
    data = good()
    goal(data, 0, 0)["requirements"][0]["target"] = "95,5"
    checked = read_plan_file(dump(data))
    first = checked["sections"][0]["goals"][0]["requirements"][0]
    assert str(first["target_value"]) == "95.5"


def test_json_is_accepted(db):
    import json

    data = good()
    text = json.dumps(data, default=str, ensure_ascii=False).encode("utf-8")
    checked = read_plan_file(text)
    assert checked["plan"]["year"] == 2024


def test_a_plan_with_follow_up_is_never_replaced_from_a_file(db):
    from goals.models import QuarterReport, StatusEntry

    plan = load_reference("be-2024.yaml")
    report = QuarterReport.objects.create(plan=plan, quarter=3)
    StatusEntry.objects.create(report=report, goal=plan.goals.first(), status="green")
    before = counts()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_plan", str(PLAN_DIR / "be-2024.yaml"), replace=True, stdout=io.StringIO()
        )
    assert "har allerede kvartalsopfølgning" in str(caught.value)
    assert counts() == before


def _wrong_shapes():
    """Documents of the wrong shape in many places; each must give messages, not a crash."""
    shapes = []
    for where, value in [
        (("plan",), []),
        (("plan", "reporting"), "kvartalsvis"),
        (("plan", "signatories"), {"name": "x"}),
        (("plan", "signatories", 0), "Claus"),
        (("plan", "year"), "tyve-fireogtyve"),
        (("plan", "valid_from"), 20240101),
        (("ministry",), "SKM"),
        (("sections",), "Pejlemærke 1"),
        (("sections", 0), ["Pejlemærke 1"]),
        (("sections", 0, "goals"), {"1.1": "x"}),
        (("sections", 0, "goals", 0), 1.1),
        (("sections", 0, "goals", 0, "number"), 1.1),
        (("sections", 0, "goals", 0, "number"), ["1.1"]),
        (("sections", 0, "goals", 0, "requirements"), "alle"),
        (("sections", 0, "goals", 0, "requirements", 0), None),
        (("sections", 0, "goals", 0, "requirements", 0, "target"), True),
        (("sections", 0, "goals", 0, "requirements", 0, "target"), "1e999"),
        (("sections", 0, "goals", 0, "requirements", 0, "target"), 10**20),
        (("sections", 0, "goals", 0, "requirements", 0, "target"), "0,00001"),
        (("sections", 0, "goals", 0, "requirements", 0, "quarter_targets"), [1, 2]),
        (("sections", 0, "goals", 0, "requirements", 0, "quarter_targets"), {"x": 1}),
        (("sections", 0, "goals", 0, "requirements", 0, "series"), [{"target": 1}]),
        (("sections", 0, "goals", 0, "requirements", 0, "text"), "bad\x00text"),
        (("sections", 0, "goals", 0, "reporting", "quarters"), "1234"),
        (("sections", 0, "goals", 0, "reporting", "quarters"), [1, 1]),
        (("sections", 0, "goals", 0, "fulfilment"), "all"),
        (("sections", 0, "goals", 0, "fulfilment"), {"rule": "at_least", "required": -1}),
        (("sections", 0, "goals", 0, "title"), "x" * 301),
        (("sections", 0, "goals", 0, "weight"), 0),
    ]:
        shapes.append(pytest.param(where, value, id="/".join(map(str, where)) + f"={value!r:.20}"))
    return shapes


@pytest.mark.parametrize(("where", "value"), _wrong_shapes())
def test_wrong_shapes_give_messages_not_crashes(db, where, value):
    data = good()
    target = data
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))
    assert caught.value.problems
