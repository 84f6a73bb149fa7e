"""A plan as plan-file data and as the text of a plan file."""

import yaml

from goals.models import Goal, Requirement, text_to_quarters
from goals.planfile.checking import FORMAT


def _places(value, at_least=0):
    return max(at_least, max(0, -value.normalize().as_tuple().exponent))


def _number(value, places=0):
    """A Decimal as the plan prints it: a whole number as a YAML number (95), anything with
    decimals as Danish text ("13,75", "4,0" with places=1), which reads back the same."""
    if value is None:
        return None
    places = _places(value, places)
    if places == 0:
        return int(value)
    return f"{value:.{places}f}".replace(".", ",")


def _compact(mapping):
    """Leave out empty values so that a plan file shows only what the plan says."""
    return {k: v for k, v in mapping.items() if v not in (None, "", [], {})}


def export_plan(plan):
    """The plan as plan-file data (a dict ready for YAML)."""
    ministry = plan.ministry
    goals = list(
        plan.goals.select_related("group_goal").prefetch_related(
            "requirements__quarter_targets", "requirements__series"
        )
    )
    used_codes = {g.group_goal.code for g in goals if g.group_goal}
    data = {
        "format": FORMAT,
        "ministry": _compact(
            {
                "short_name": ministry.short_name,
                "name": ministry.name,
                "vision": ministry.vision,
                "values": ministry.values,
                "beacons": [
                    _compact({"number": b.number, "title": b.title, "text": b.text})
                    for b in ministry.beacons.all()
                ],
                "group_goals": [
                    _compact({"code": g.code, "title": g.title, "description": g.description})
                    for g in ministry.group_goals.filter(code__in=used_codes)
                ],
            }
        ),
        "institution": {
            "short_name": plan.institution.short_name,
            "name": plan.institution.name,
        },
        "plan": _compact(
            {
                "year": plan.year,
                "title": plan.title,
                "valid_from": plan.valid_from,
                "valid_to": plan.valid_to,
                "introduction": plan.introduction,
                "strategic_context": plan.strategic_context,
                "vision": plan.vision,
                "narrative": plan.narrative,
                "reporting": _compact(
                    {
                        "schedule": plan.reporting_schedule,
                        "template": True if plan.follow_up_template else None,
                        "quarters": text_to_quarters(plan.reporting_quarters),
                        "deadline_days": plan.deadline_days,
                        "status_tolerance": _number(plan.status_tolerance),
                    }
                ),
                "scoring": _compact(
                    {
                        "method": plan.scoring_method,
                        "partial_score": plan.partial_score,
                        "note": plan.scoring_note,
                    }
                ),
                "agreement": plan.agreement,
                "signatories": [
                    {
                        **_compact(
                            {
                                "name": s.name,
                                "title": s.title,
                                "organisation": s.organisation,
                                "place": s.place,
                            }
                        ),
                        "date": s.date,
                    }
                    for s in plan.signatories.all()
                ],
            }
        ),
    }
    by_section = {}
    for goal in goals:
        by_section.setdefault(goal.section_id, []).append(_export_goal(goal))
    sections = []
    for section in plan.sections.select_related("ministry_beacon"):
        entry = _compact(
            {
                "kind": section.kind,
                "number": section.number,
                "title": section.title,
                "text": section.text,
                "ministry_beacon": section.ministry_beacon.number
                if section.ministry_beacon
                else None,
            }
        )
        entry["goals"] = by_section.get(section.pk, [])
        sections.append(entry)
    if sections:
        data["sections"] = sections
    if by_section.get(None):
        data["goals"] = by_section[None]
    return data


def _export_goal(goal):
    requirements = [_export_requirement(r) for r in goal.requirements.all() if r.part_of_id is None]
    fulfilment = {"rule": goal.fulfilment_rule}
    if goal.required_count is not None:
        fulfilment["required"] = goal.required_count
    return _compact(
        {
            "number": goal.number,
            "title": goal.title,
            "kind": goal.kind,
            "result_type": goal.result_type,
            "description": goal.description,
            "success_text": goal.success_text,
            "reporting": _compact(
                {"quarters": text_to_quarters(goal.reporting_quarters), "text": goal.reporting_text}
            ),
            "fulfilment": fulfilment if goal.fulfilment_rule != Goal.FulfilmentRule.ALL else None,
            "weight": _number(goal.weight),
            "remarks": goal.remarks,
            "group_goal": goal.group_goal.code if goal.group_goal else None,
            "requirements": requirements,
        }
    )


def _export_requirement(r):
    parts = [p for p in r.goal.requirements.all() if p.part_of_id == r.pk]
    return _compact(
        {
            "number": r.number,
            "label": r.label,
            "text": r.text if not r.part_of_id else None,
            "measure": r.measure
            if r.measure not in (Requirement.Measure.TEXT, Requirement.Measure.PARTS)
            else None,
            **_export_measurement(r),
            "deadline": r.deadline,
            "deadline_text": r.deadline_text,
            "reference": r.reference,
            "reference_value": _number(r.reference_value),
            "series": [
                _compact(
                    {
                        "year": s.year,
                        "target": _number(s.target_value),
                        "target_text": s.target_text,
                        "result": _number(s.result_value),
                        "result_text": s.result_text,
                    }
                )
                for s in r.series.all()
            ],
            "reporting_quarters": text_to_quarters(r.reporting_quarters),
            "precondition": r.precondition,
            "parts": [_export_requirement(part) for part in sorted(parts, key=_order)],
        }
    )


def _order(requirement):
    return (requirement.order, requirement.pk)


def _export_measurement(r):
    """The keys that say how a number is measured; numbers as the plan prints them."""
    targets = [r.target_value] + [t.target_value for t in r.quarter_targets.all()]
    written = max((_places(t, r.decimals) for t in targets if t is not None), default=0)
    scale = [_number(r.scale_min), _number(r.scale_max)] if r.scale_min is not None else None
    return {
        "comparator": r.comparator,
        "target": _number(r.target_value, r.decimals),
        "unit": r.unit,
        "unit_text": r.unit_text,
        "figure": r.over_year,
        # Only where the targets as written would not give it back.
        "decimals": r.decimals if r.decimals != written else None,
        "scale": scale,
        "quarter_targets": {
            t.quarter: _number(t.target_value, r.decimals) for t in r.quarter_targets.all()
        },
    }


class _PlanDumper(yaml.SafeDumper):
    """Writes multi-line texts as literal blocks, so plan files stay readable; never writes an
    anchor or alias, which a plan file may not hold (reading.py)."""

    def ignore_aliases(self, data):
        return True


def _represent_str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_list(dumper, value):
    # Short lists of numbers (quarters) read best on one line: [2, 4].
    flow = all(isinstance(item, int) for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_PlanDumper.add_representer(str, _represent_str)
_PlanDumper.add_representer(list, _represent_list)


def dump_plan(plan):
    """The plan as the text of a plan file."""
    return yaml.dump(
        export_plan(plan),
        Dumper=_PlanDumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )
