"""The rules that turn numbers into statuses and verdicts, with no database access.

- A number against a threshold proposes a status: met -> green, within the plan's tolerance
  of the target -> yellow, otherwise red.
- A goal's verdict follows its fulfilment rule from its requirements' verdicts.
- A plan's fulfilment degree follows its scoring method from the goals' final verdicts.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from goals.models import Comparator, Fulfilment, FulfilmentRule, Measure, ScoringMethod, Status
from goals.numbers import format_number

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Proposal:
    status: str
    reason: str

    @property
    def status_label(self):
        return Status(self.status).label


def target_for(requirement, quarter):
    """The value a requirement's number is held against in a quarter, or None."""
    if requirement.measure == Measure.THRESHOLD:
        return requirement.target_value
    if requirement.measure == Measure.CUMULATIVE:
        for target in requirement.quarter_targets.all():
            if target.quarter == quarter:
                return target.target_value
    return None


def takes_number(requirement):
    """Whether the quarter's result of a requirement is a number (else it is a text)."""
    return requirement.measure in (Measure.THRESHOLD, Measure.CUMULATIVE)


def is_met(comparator, value, target):
    if comparator == Comparator.AT_MOST:
        return value <= target
    if comparator == Comparator.WITHIN:
        return abs(value) <= target
    return value >= target


def propose_status(requirement, value, quarter, tolerance):
    """The status a number implies against the requirement's target, and why; or None."""
    target = target_for(requirement, quarter)
    if value is None or target is None or not requirement.comparator:
        return None
    comparator = requirement.comparator
    words = {
        "value": format_number(value),
        "target": format_number(target),
        "unit": requirement.unit_label,
        "comparator": Comparator(comparator).label,
        "tolerance": format_number(tolerance),
    }
    if is_met(comparator, value, target):
        return Proposal(
            Status.GREEN,
            _("%(value)s %(unit)s når målet: %(comparator)s %(target)s %(unit)s") % words,
        )
    margin = abs(target) * tolerance / HUNDRED
    if comparator == Comparator.AT_LEAST:
        close = value >= target - margin
    elif comparator == Comparator.AT_MOST:
        close = value <= target + margin
    else:
        close = abs(value) <= target + margin
    if close:
        return Proposal(
            Status.YELLOW,
            _(
                "%(value)s %(unit)s når ikke målet (%(comparator)s %(target)s %(unit)s), men er "
                "inden for planens tolerance på %(tolerance)s pct."
            )
            % words,
        )
    return Proposal(
        Status.RED,
        _(
            "%(value)s %(unit)s er længere fra målet (%(comparator)s %(target)s %(unit)s) "
            "end planens tolerance på %(tolerance)s pct."
        )
        % words,
    )


def rule_verdict(rule, required_count, requirements_met):
    """The verdict a goal's fulfilment rule gives from its requirements' met/not met.

    Returns None while a requirement is undecided or when the goal has no requirements
    (then the department's verdict stands alone).
    """
    if not requirements_met or any(met is None for met in requirements_met):
        return None
    met = sum(1 for value in requirements_met if value)
    total = len(requirements_met)
    if rule == FulfilmentRule.AT_LEAST:
        return Fulfilment.MET if met >= (required_count or total) else Fulfilment.NOT_MET
    if met == total:
        return Fulfilment.MET
    if rule == FulfilmentRule.PARTIAL and met > 0:
        return Fulfilment.PARTLY_MET
    return Fulfilment.NOT_MET


@dataclass(frozen=True)
class GoalScore:
    goal: object
    weight: Decimal  # the goal's share of 100 points
    verdict: str | None
    score: Decimal | None


def goal_scores(goals, verdicts, method, partial_score):
    """Each goal's points: its weight (100 / N unless weighted) times what its verdict counts.

    `verdicts` maps goal id -> final verdict (absent while undecided).
    """
    weights = [goal.weight or Decimal(1) for goal in goals]
    total = sum(weights) or Decimal(1)
    scores = []
    for goal, weight in zip(goals, weights, strict=True):
        share = weight * HUNDRED / total
        verdict = verdicts.get(goal.pk)
        points = None if verdict is None else share * verdict_value(verdict, method, partial_score)
        scores.append(GoalScore(goal, share, verdict, points))
    return scores


def verdict_value(verdict, method, partial_score):
    """The share of its weight a goal scores with a verdict: 1, 0, or the partial share."""
    if verdict == Fulfilment.MET:
        return Decimal(1)
    if verdict == Fulfilment.PARTLY_MET and method == ScoringMethod.PARTIAL:
        return Decimal(partial_score) / HUNDRED
    return Decimal(0)


def fulfilment_degree(scores):
    """The plan's fulfilment degree in percent: the sum of the goals' points, or None."""
    decided = [s.score for s in scores if s.score is not None]
    if not decided:
        return None
    return sum(decided, Decimal(0))
