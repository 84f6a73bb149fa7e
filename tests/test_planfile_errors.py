"""Bad plan files are rejected with messages that say where and what, and write nothing."""

import copy
import io
from decimal import Decimal

import pytest
import yaml
from django.apps import apps
from django.core.management import CommandError, call_command

from goals.planfile import PlanFileError, read_plan_file
from tests.conftest import PLAN_DIR, load_reference
from tests.helpers import load_test_plan


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
        "ambiguous-unquoted-thousand",
        lambda: (
            (PLAN_DIR / "adst-2024.yaml")
            .read_text(encoding="utf-8")
            .replace("target: 50\n", "target: 1.000\n")
            .encode()
        ),
        "Pejlemærke 1 > mål 1.3 > resultatkrav 1)",
        '"target": 1.000 kan læses både som 1,000 og som 1000',
    ),
    (
        "dot-decimal-in-quotes",
        breaks(_set(lambda d: goal(d, 0, 0)["requirements"][0], "target", "95.5")),
        "Pejlemærke 1 > mål 1.1 > resultatkrav 1)",
        '"target" skal være et tal, fx 95, "13,75" eller "1.000"',
    ),
    (
        "duplicate-key",
        lambda: (
            (PLAN_DIR / "adst-2024.yaml")
            .read_text(encoding="utf-8")
            .replace("            target: 97\n", "            target: 97\n            target: 98\n")
            .encode()
        ),
        "linje",
        '"target" står to gange i samme afsnit af filen',
    ),
    (
        "requirement-quarter-outside-the-goals",
        breaks(_set(lambda d: goal(d, 1, 0)["requirements"][0], "reporting_quarters", [2])),
        "Pejlemærke 2 > mål 2.1 > resultatkrav nr. 1",
        '"reporting_quarters": 2. kvartal er ikke et af målets afrapporteringskvartaler (4)',
    ),
    (
        "figure-kind-of-a-text",
        breaks(_set(lambda d: goal(d, 0, 1)["requirements"][0], "figure", "running_total")),
        "Pejlemærke 1 > mål 1.2 > resultatkrav 1)",
        '"figure" gælder kun krav, der måles med et tal',
    ),
    (
        "unknown-figure-kind",
        breaks(_set(lambda d: goal(d, 0, 0)["requirements"][0], "figure", "sometimes")),
        "Pejlemærke 1 > mål 1.1 > resultatkrav 1)",
        'ukendt figure "sometimes"',
    ),
    (
        "parts-with-the-measurement-on-the-requirement",
        breaks(
            _set(
                lambda d: goal(d, 0, 0)["requirements"][0],
                "parts",
                [
                    {"label": "telefon", "comparator": "at_least", "target": 4, "unit": "points"},
                    {"label": "mail", "comparator": "at_least", "target": 3, "unit": "points"},
                ],
            )
        ),  # fmt: skip
        "Pejlemærke 1 > mål 1.1 > resultatkrav 1)",
        'et krav med "parts" måles i sine dele',
    ),
    (
        "a-part-without-its-target",
        breaks(
            _set(
                lambda d: goal(d, 0, 1)["requirements"][0],
                "parts",
                [
                    {"label": "telefon", "comparator": "at_least", "unit": "points"},
                    {"label": "mail", "comparator": "at_least", "target": 3, "unit": "points"},
                ],
            )
        ),  # fmt: skip
        "Pejlemærke 1 > mål 1.2 > resultatkrav 1) > parts[1]",
        '"target" mangler',
    ),
    (
        "a-scale-upside-down",
        breaks(_set(lambda d: goal(d, 1, 1)["requirements"][0], "scale", [5, 1])),
        "Pejlemærke 2 > mål 2.2 > resultatkrav nr. 1",
        "skalaen skal gå fra et lavere til et højere tal",
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


def test_numbers_are_read_as_printed_in_the_plan(db):
    data = good()
    reqs = goal(data, 0, 0)["requirements"]
    reqs[0]["target"] = "1.000"
    reqs[1]["target"] = "13,75"
    goal(data, 1, 1)["requirements"][0]["target"] = 4.0  # unquoted, YAML's way: kept as 4,0
    checked = read_plan_file(dump(data))
    first, second = checked["sections"][0]["goals"][0]["requirements"]
    assert (first["target_value"], first["decimals"]) == (Decimal(1000), 0)
    assert (second["target_value"], second["decimals"]) == (Decimal("13.75"), 2)
    score = checked["sections"][1]["goals"][1]["requirements"][0]
    assert (score["target_value"], score["decimals"]) == (Decimal("4.0"), 1)
    assert (score["scale_min"], score["scale_max"]) == (1, 5)  # "på en skala fra 1-5"


def test_a_goal_may_have_no_kind_and_its_figure_kind_defaults(db):
    plan = load_test_plan()
    assert plan.goals.get(number="C").kind == ""
    assert plan.goals.get(number="A").requirements.get().figure_kind == "running_total"


def test_target_lines_keep_the_unit_beside_its_words(db):
    from goals.figures import quarter_target_line

    plan = load_reference("adst-2024.yaml")
    score = plan.goals.get(number="2.2").requirements.get()
    assert quarter_target_line(score, 1) == "mindst 4,0 point på en skala fra 1-5"
    complaints = plan.goals.get(number="1.3").requirements.get(number="1)")
    assert quarter_target_line(complaints, 1) == "højst 50 klager pr. måned"
    days = plan.goals.get(number="4.1").requirements.get()
    assert quarter_target_line(days, 4).startswith(
        "mindst 5 dages målrettet faglig udvikling i gennemsnit pr. medarbejder"
    )


def test_two_thresholds_in_one_requirement_are_imported_as_its_parts(db):
    plan = load_test_plan()
    both = plan.goals.get(number="C").requirements.get(text__startswith="Tilfredsheden er min.")
    assert both.measure == "parts"
    assert [(p.label, p.comparator, p.target_value, p.decimals) for p in both.parts.all()] == [
        ("telefon", "at_least", Decimal("4.0"), 1),
        ("mail", "at_least", Decimal("3.2"), 1),
    ]
