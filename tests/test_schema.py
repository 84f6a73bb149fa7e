"""One schema: the plan file and the plan editor refuse the same mistakes with the same words,
and the limits they hold are the models'."""

import re
from decimal import Decimal

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goals.models import (
    Goal,
    GroupGoal,
    Institution,
    Ministry,
    MinistryBeacon,
    Plan,
    QuarterTarget,
    Requirement,
    Section,
    SeriesPoint,
    Signatory,
)
from goals.planfile import (
    PlanFileError,
    dump_plan,
    import_plan,
    parse_plan_text,
    read_plan_file,
    schema,
)
from tests.conftest import PLAN_DIR
from tests.helpers import TEST_PLANS
from tests.schema_cases import BASE, SCHEMA_CASES, embed, values_of


def dump(data):
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def file_problems(level, values, context=None):
    """The problems the plan-file checker finds with `values` embedded in a valid plan file,
    and where that level's problems begin."""
    data, where = embed(level, values, context)
    try:
        read_plan_file(dump(data))
    except PlanFileError as error:
        return error.problems, where
    return [], where


def test_there_are_enough_cases():
    assert len(SCHEMA_CASES) >= 25
    assert {case.level for case in SCHEMA_CASES} >= set(BASE)


@pytest.mark.parametrize("level", sorted(BASE))
def test_the_base_values_are_valid_in_a_file_and_in_the_editor(db, level):
    typed, errors = schema.check_values(level, BASE[level])
    assert errors == {}
    problems, _where = file_problems(level, BASE[level])
    assert problems == []


@pytest.mark.parametrize("case", SCHEMA_CASES, ids=[case.id for case in SCHEMA_CASES])
def test_the_editor_refuses_a_mistake_on_its_key(case):
    _typed, errors = schema.check_values(case.level, values_of(case), context=case.context)
    assert any(case.message in message for message in errors.get(case.key, [])), errors


@pytest.mark.parametrize("case", SCHEMA_CASES, ids=[case.id for case in SCHEMA_CASES])
def test_the_plan_file_refuses_the_same_mistake_with_the_same_words(db, case):
    _typed, errors = schema.check_values(case.level, values_of(case), context=case.context)
    problems, where = file_problems(case.level, values_of(case), case.context)
    at_level = [p for p in problems if p.where.startswith(where)]
    assert any(case.message in p.message for p in at_level), (where, problems)
    # Word for word what the editor says for that key.
    file_messages = {p.message for p in at_level}
    assert set(errors[case.key]) <= file_messages, (errors, problems)


def test_numbers_typed_in_the_editor_are_read_the_danish_way():
    typed, errors = schema.check_values(
        "requirement",
        {"text": "Timer frigjort", "measure": "threshold", "comparator": "mindst",
         "target": "1.000", "unit": "timer"},
    )  # fmt: skip
    assert errors == {}
    assert (typed["target_value"], typed["comparator"], typed["unit"]) == (
        Decimal(1000),
        "at_least",
        "hours",
    )
    typed, errors = schema.check_values("quarter_target", {"quarter": "2", "target": "13,75"})
    assert (typed, errors) == ({"quarter": 2, "target_value": Decimal("13.75")}, {})


def test_quarters_from_a_form_are_a_list_or_digits():
    for quarters in ([2, 4], ["2", "4"], "24"):
        typed, errors = schema.check_values(
            "goal", {**BASE["goal"], "reporting.quarters": quarters}
        )
        assert (typed["reporting_quarters"], errors) == ("24", {})


def test_a_goal_takes_the_plans_quarters_unless_it_has_its_own():
    typed, _errors = schema.check_values("goal", BASE["goal"], context={"plan_quarters": "24"})
    assert typed["reporting_quarters"] == "24"
    typed, _errors = schema.check_values("goal", BASE["goal"])
    assert typed["reporting_quarters"] == Goal._meta.get_field("reporting_quarters").default


def test_an_empty_form_field_is_not_given():
    typed, errors = schema.check_values(
        "requirement", {"text": "Kravet", "target": "", "deadline": "", "decimals": ""}
    )
    assert errors == {}
    assert (typed["target_value"], typed["deadline"], typed["decimals"]) == (None, None, 0)


def test_an_unknown_key_is_a_programming_error():
    with pytest.raises(ValueError, match="titel"):
        schema.check_values("goal", {"titel": "Mål"})


def test_the_typed_values_can_be_set_on_the_model(db, plan):
    typed, errors = schema.check_values(
        "goal",
        {**BASE["goal"], "kind": "Drift", "weight": "2,5", "fulfilment.rule": "at_least",
         "fulfilment.required": "1", "reporting.quarters": "24"},
        context={"requirement_count": 1},
    )  # fmt: skip
    assert errors == {}
    goal = Goal(plan=plan, **{k: v for k, v in typed.items() if k != "group_goal"})
    goal.full_clean(exclude=["section", "group_goal", "predecessor"])
    assert (goal.kind, goal.weight, goal.reporting_quarters) == ("drift", Decimal("2.5"), "24")


def test_a_limit_changed_on_the_model_changes_the_schema_and_both_checks(db, monkeypatch):
    title = Goal._meta.get_field("title")
    assert schema.LEVELS["goal"].field("title").max_length == title.max_length
    monkeypatch.setattr(title, "max_length", 10)
    assert schema.LEVELS["goal"].field("title").max_length == 10
    values = {**BASE["goal"], "title": "elleve tegn"}
    _typed, errors = schema.check_values("goal", values)
    expected = '"title" er for lang (højst 10 tegn, her 11)'
    assert errors["title"] == [expected]
    problems, _where = file_problems("goal", values)
    assert expected in [p.message for p in problems]

    weight = Goal._meta.get_field("weight")
    assert schema.LEVELS["goal"].field("weight").decimal_places == weight.decimal_places
    monkeypatch.setattr(weight, "decimal_places", 1)
    _typed, errors = schema.check_values("goal", {**BASE["goal"], "weight": "2,25"})
    assert errors["weight"] == ['"weight" har for mange cifre (højst 5 før og 1 efter kommaet)']


def test_choices_and_labels_come_from_the_model():
    unit = schema.LEVELS["requirement"].field("unit")
    assert unit.choices == [(v, str(label)) for v, label in Requirement.Unit.choices]
    assert unit.label == str(Requirement._meta.get_field("unit").verbose_name)
    assert schema.LEVELS["requirement"].field("text").max_length == (
        Requirement._meta.get_field("text").max_length
    )
    assert schema.LEVELS["requirement"].field("target").max_digits == 14


# The model fields a plan file does not hold: its place, its life in the register, links made
# by the register rather than written in the file.
NOT_IN_FILE = {
    Plan: {"institution", "ministry", "state", "agreed_at", "predecessor"},
    Section: {"plan", "order"},
    Goal: {"plan", "section", "order", "predecessor"},
    Requirement: {"goal", "part_of", "order", "predecessor"},
    QuarterTarget: {"requirement"},
    SeriesPoint: {"requirement"},
    Signatory: {"plan", "order"},
    Ministry: set(),
    MinistryBeacon: {"ministry", "order"},
    GroupGoal: {"ministry"},
    Institution: {"ministry"},
}
LEVEL_OF = {
    Plan: ["plan"],
    Section: ["section"],
    Goal: ["goal"],
    Requirement: ["requirement", "part"],
    QuarterTarget: ["quarter_target"],
    SeriesPoint: ["series"],
    Signatory: ["signatory"],
    Ministry: ["ministry"],
    MinistryBeacon: ["ministry_beacon"],
    GroupGoal: ["group_goal"],
    Institution: ["institution"],
}


@pytest.mark.parametrize("model", list(LEVEL_OF), ids=lambda m: m.__name__)
def test_every_model_field_of_the_plan_is_described_in_the_schema(model):
    stored = {
        f.name
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in NOT_IN_FILE[model]
    }
    described = set().union(*(schema.typed_fields(level) for level in LEVEL_OF[model]))
    assert stored <= described, stored - described
    assert described <= {f.name for f in model._meta.concrete_fields}, described - stored


def _typed_keys(checked):
    """Every key the checker gives the importer, per level, from checked plan data."""
    found = {name: set() for name in schema.LEVELS}
    found["ministry"] |= set(checked["ministry"]) - {"beacons", "group_goals"}
    for beacon in checked["ministry"]["beacons"]:
        found["ministry_beacon"] |= set(beacon)
    for group_goal in checked["ministry"]["group_goals"]:
        found["group_goal"] |= set(group_goal)
    found["institution"] |= set(checked["institution"])
    found["plan"] |= set(checked["plan"]) - {"signatories"}
    for signatory in checked["plan"]["signatories"]:
        found["signatory"] |= set(signatory)
    goals = list(checked["goals"])
    for section in checked["sections"]:
        found["section"] |= set(section) - {"where", "goals"}
        goals += section["goals"]
    for goal in goals:
        found["goal"] |= set(goal) - {"where", "requirements"}
        for requirement in goal["requirements"]:
            found["requirement"] |= set(requirement) - {"quarter_targets", "series", "parts"}
            for row in requirement["series"]:
                found["series"] |= set(row)
            for part in requirement["parts"]:
                found["part"] |= set(part) - {"quarter_targets"}
                for target in part["quarter_targets"]:
                    found["quarter_target"] |= set(target)
            for target in requirement["quarter_targets"]:
                found["quarter_target"] |= set(target)
    return found


def test_every_field_the_importer_sets_comes_through_the_schema(db):
    files = [*PLAN_DIR.glob("*.yaml"), *TEST_PLANS.glob("*.yaml")]
    assert len(files) >= 4
    found = {name: set() for name in schema.LEVELS}
    for path in files:
        for level, keys in _typed_keys(read_plan_file(path.read_bytes())).items():
            found[level] |= keys
    for level, keys in found.items():
        positional = {"order"}
        assert keys - positional <= set(schema.typed_fields(level)), (level, keys)
    assert found["requirement"] >= {"target_value", "scale_min", "figure_kind"}


def test_every_key_of_the_schema_is_in_the_plan_format_document():
    document = (PLAN_DIR.parent.parent / "docs" / "plan-format.md").read_text(encoding="utf-8")
    # The format's own description, before the section on the schema (which names no keys).
    described = document.split("## One schema")[0]
    written = set(re.findall(r"`([a-z_.]+)(?::[^`]*)?`", described))
    missing = [
        (name, spec.key)
        for name, level in schema.LEVELS.items()
        for spec in level.fields
        if spec.name not in written
        and spec.key not in written
        # A quarter target is one entry {quarter: target} of `quarter_targets`.
        and (name, spec.key) != ("quarter_target", "quarter")
    ]
    missing += [
        (name, key)
        for name, level in schema.LEVELS.items()
        for key in level.children
        if key not in written
    ]
    assert missing == []


def test_a_form_measuring_by_parts_counts_them_only_when_told():
    values = {"text": "Kravet", "measure": "parts"}
    assert schema.check_values("requirement", values) == (
        schema.check_values("requirement", values, context={"part_count": 2})
    )
    _typed, errors = schema.check_values("requirement", values, context={"part_count": 0})
    assert errors == {"parts": ['"parts" skal have mindst to dele (ellers mål kravet direkte)']}


ODD_VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "1.000",
            "1.00",
            "13,75",
            "-1",
            "0",
            "99999999999",
            "2024-02-30",
            "2024-09-30",
            "24",
            "5",
            "1-5",
            "5-1",
            "at_least",
            "threshold",
            "parts",
            "pct",
            "x" * 400,
        ]
    ),  # fmt: skip
    st.integers(min_value=-(10**16), max_value=10**16),
    st.booleans(),
    st.lists(st.one_of(st.integers(-2, 6), st.text(max_size=2)), max_size=5),
    st.dictionaries(st.one_of(st.integers(-1, 5), st.text(max_size=2)), st.text(max_size=6)),
)
# Relations the typed values name by number or code, or leave to the caller.
NOT_TYPED_AS_MODEL = {"ministry_beacon", "group_goal", "quarter_targets"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    level=st.sampled_from(sorted(BASE)),
    data=st.data(),
)
def test_odd_values_give_messages_and_what_the_schema_accepts_the_model_accepts(level, data):
    keys = schema.LEVELS[level].keys
    values = {**BASE[level], **data.draw(st.dictionaries(st.sampled_from(keys), ODD_VALUES))}
    typed, errors = schema.check_values(level, values)
    assert set(errors) <= set(keys) | {""}
    assert all(isinstance(m, str) and m for messages in errors.values() for m in messages)
    if errors:
        return
    model = schema.LEVELS[level].model
    instance = model(**{k: v for k, v in typed.items() if k not in NOT_TYPED_AS_MODEL})
    relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
    instance.clean_fields(exclude=relations)


def _file_keys(data):
    """Every key a parsed plan file writes, per schema level (sub-mappings' keys with a dot)."""

    def keys(mapping):
        found = set()
        for key, value in mapping.items():
            found.add(key)
            if key in ("reporting", "scoring", "fulfilment") and isinstance(value, dict):
                found |= {f"{key}.{sub}" for sub in value}
        return found

    found = {name: set() for name in schema.LEVELS}
    ministry = data["ministry"]
    found["ministry"] = keys(ministry)
    for beacon in ministry.get("beacons", []):
        found["ministry_beacon"] |= keys(beacon)
    for group_goal in ministry.get("group_goals", []):
        found["group_goal"] |= keys(group_goal)
    found["institution"] = keys(data["institution"])
    found["plan"] = keys(data["plan"])
    for signatory in data["plan"].get("signatories", []):
        found["signatory"] |= keys(signatory)
    goals = list(data.get("goals", []))
    for section in data.get("sections", []):
        found["section"] |= keys(section)
        goals += section.get("goals", [])
    for goal in goals:
        found["goal"] |= keys(goal)
        for requirement in goal.get("requirements", []):
            found["requirement"] |= keys(requirement)
            for row in requirement.get("series", []):
                found["series"] |= keys(row)
            for part in requirement.get("parts", []):
                found["part"] |= keys(part)
            if requirement.get("quarter_targets"):
                found["quarter_target"] |= {"quarter", "target"}
    return found


EVERY_KEY = "every-key.yaml"


def test_the_every_key_plan_writes_every_key_of_the_schema():
    written = _file_keys(parse_plan_text((TEST_PLANS / EVERY_KEY).read_bytes()))
    missing = {
        name: sorted(set(level.keys) - written[name])
        for name, level in schema.LEVELS.items()
        if set(level.keys) - written[name]
    }
    assert missing == {}


def test_every_key_is_exported_and_read_back_the_same(db):
    raw = (TEST_PLANS / EVERY_KEY).read_bytes()
    checked = read_plan_file(raw)
    plan = import_plan(checked)
    again = read_plan_file(dump_plan(plan).encode("utf-8"), replace=True)
    assert again == checked
    requirement = plan.goals.get().requirements.get(number="1)")
    assert (requirement.decimals, requirement.scale_max, requirement.figure_kind) == (
        3,
        5,
        "single",
    )
