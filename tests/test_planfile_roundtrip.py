"""Exporting a plan and importing the file gives back the same plan, field for field."""

import io

import pytest
import yaml
from django.core.management import call_command
from django.db import models

from goals.models import Plan
from goals.planfile import dump_plan, import_plan, read_plan_file
from tests.conftest import PLAN_DIR, REFERENCE_FILES


def row(obj, skip=()):
    """An object's fields as plain data, foreign keys by natural key instead of id."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in skip:
            continue
        if isinstance(field, models.ForeignKey):
            target = getattr(obj, field.name)
            data[field.name] = None if target is None else natural_key(target)
        else:
            data[field.name] = getattr(obj, field.attname)
    return data


def natural_key(obj):
    for attr in ("short_name", "code", "title", "number"):
        if hasattr(obj, attr):
            return getattr(obj, attr)
    return str(obj)


def snapshot(plan):
    """Everything a plan file carries, as comparable data."""
    plan = Plan.objects.get(pk=plan.pk)
    return {
        "plan": row(plan),
        "ministry": row(plan.ministry),
        "ministry_beacons": [row(b) for b in plan.ministry.beacons.all()],
        "institution": row(plan.institution),
        "signatories": [row(s) for s in plan.signatories.all()],
        "sections": [row(s) for s in plan.sections.all()],
        "goals": [
            {
                **row(goal),
                "group_goal": row(goal.group_goal) if goal.group_goal else None,
                "requirements": [
                    {
                        **row(r),
                        "quarter_targets": [row(t) for t in r.quarter_targets.all()],
                        "series": [row(s) for s in r.series.all()],
                    }
                    for r in goal.requirements.all()
                ],
            }
            for goal in plan.goals.all()
        ],
    }


@pytest.mark.parametrize("name", REFERENCE_FILES)
def test_reference_plan_round_trip(db, name):
    original = import_plan(read_plan_file((PLAN_DIR / name).read_bytes()))
    before = snapshot(original)
    exported = dump_plan(original)

    again = import_plan(read_plan_file(exported.encode("utf-8"), replace=True))

    assert not Plan.objects.filter(pk=original.pk).exists()  # replaced, not added
    assert snapshot(again) == before
    assert dump_plan(again) == exported


@pytest.mark.parametrize("name", REFERENCE_FILES)
def test_export_carries_what_the_file_says(db, name):
    """Every value in the hand-written file comes back in the export (defaults aside)."""
    source = yaml.safe_load((PLAN_DIR / name).read_text(encoding="utf-8"))
    plan = import_plan(read_plan_file((PLAN_DIR / name).read_bytes()))
    exported = yaml.safe_load(dump_plan(plan))

    def goals_of(data):
        goals = list(data.get("goals", []))
        for section in data.get("sections", []):
            goals.extend(section.get("goals", []))
        return goals

    source_goals, exported_goals = goals_of(source), goals_of(exported)
    assert [g["number"] for g in exported_goals] == [g["number"] for g in source_goals]
    for mine, theirs in zip(source_goals, exported_goals, strict=True):
        assert theirs["title"] == mine["title"]
        assert [r["text"] for r in theirs.get("requirements", [])] == [
            r["text"] for r in mine.get("requirements", [])
        ]
    assert exported["plan"]["signatories"] == [
        {**s, "date": s.get("date")} for s in source["plan"]["signatories"]
    ]


def test_round_trip_through_the_management_commands(db, tmp_path):
    call_command("import_plan", str(PLAN_DIR / "adst-2024.yaml"), stdout=io.StringIO())
    first = tmp_path / "adst.yaml"
    call_command("export_plan", "ADST", "2024", output=str(first))
    out = io.StringIO()
    call_command("import_plan", str(first), replace=True, stdout=out)
    assert "ADST 2024 importeret (10 mål)" in out.getvalue()
    second = io.StringIO()
    call_command("export_plan", "ADST", "2024", stdout=second)
    assert second.getvalue() == first.read_text(encoding="utf-8")


def test_every_kind_of_measurement_survives_the_round_trip(db):
    """The format example uses every measure; its plan must come back unchanged."""
    text = (PLAN_DIR.parent.parent / "docs" / "plan-format.md").read_text(encoding="utf-8")
    example = text.split("## A complete example")[1].split("```yaml\n")[1].split("```")[0]
    plan = import_plan(read_plan_file(example.encode("utf-8")))
    measures = set(plan.goals.values_list("requirements__measure", flat=True))
    assert measures >= {"threshold", "milestone", "relative", "cumulative", "series"}
    before = snapshot(plan)
    again = import_plan(read_plan_file(dump_plan(plan).encode("utf-8"), replace=True))
    assert snapshot(again) == before
    cumulative = again.goals.get(number="1.2").requirements.get(number="i)")
    assert [(t.quarter, int(t.target_value)) for t in cumulative.quarter_targets.all()] == [
        (1, 1000), (2, 3000), (3, 7000), (4, 12000),
    ]  # fmt: skip
