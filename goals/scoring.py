"""The rules that turn statuses into verdicts and verdicts into scores, with no database access.

- A goal's status is proposed from its requirements' statuses through its fulfilment rule,
  and its verdict follows the same rule from their verdicts. (A requirement's status comes
  from its figure: `goals.figures`.)
- A plan's fulfilment degree follows its scoring method from the goals' final verdicts, and
  while some are undecided, from their latest statuses (`plan_degree`, the one computation
  every page uses).
"""

from dataclasses import dataclass
from decimal import Decimal

from goals.models import Fulfilment, FulfilmentRule, ScoringMethod, Status

HUNDRED = Decimal(100)

# What a goal's status says about its verdict while the year is still running.
STATUS_VERDICT = {
    Status.GREEN: Fulfilment.MET,
    Status.YELLOW: Fulfilment.PARTLY_MET,
    Status.RED: Fulfilment.NOT_MET,
}

_BEST_FIRST = {Status.GREEN: 0, Status.YELLOW: 1, Status.RED: 2}


def worst_status(statuses):
    """The worst of some statuses, or "" when any is missing (or there are none)."""
    if not statuses or not all(statuses):
        return ""
    return max(statuses, key=_BEST_FIRST.get)


def goal_status(rule, required_count, statuses):
    """The status a goal's requirements' statuses give through its fulfilment rule, or ""
    while a requirement has none (or the goal has no requirements).

    All must be met: the worst status. At least K of N: the K-th best. Partial fulfilment:
    green when all are green, red when all are red, yellow in between.
    """
    if not statuses or not all(statuses):
        return ""
    if rule == FulfilmentRule.AT_LEAST:
        best_first = sorted(statuses, key=_BEST_FIRST.get)
        return best_first[min(required_count or len(statuses), len(statuses)) - 1]
    if rule == FulfilmentRule.PARTIAL and len(set(statuses)) > 1:
        return Status.YELLOW
    return worst_status(statuses)


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


@dataclass(frozen=True)
class Degree:
    """A plan's fulfilment degree (målopfyldelsesgrad) in percent, and what it rests on."""

    value: Decimal | None  # None while no goal has a verdict or a status
    counted: int  # goals counted: with the department's verdict or a status
    decided: int  # goals with the department's final verdict
    total: int

    @property
    def final(self):
        """Every goal has the department's verdict: the degree is the year's."""
        return self.total > 0 and self.decided == self.total


def plan_degree(goals, verdicts, statuses, method, partial_score):
    """The plan's fulfilment degree by its scoring method.

    Each goal weighs its weight (100 / N unless weighted) and counts by the department's final
    verdict (`verdicts`: goal id -> verdict), or while there is none, by its latest status
    (`statuses`: goal id -> status; green as met, yellow as partly met, red as not met). Goals
    with neither are left out until they have one, so the degree so far is the share of the
    points of the goals counted; once every goal is decided it is the plan's final degree.
    """
    points = counted_weight = Decimal(0)
    counted = decided = 0
    for goal in goals:
        verdict = verdicts.get(goal.pk)
        decided += verdict is not None
        verdict = verdict or STATUS_VERDICT.get(statuses.get(goal.pk))
        if verdict is None:
            continue
        weight = goal.weight or Decimal(1)
        counted += 1
        counted_weight += weight
        points += weight * verdict_value(verdict, method, partial_score)
    return Degree(
        value=points * HUNDRED / counted_weight if counted_weight else None,
        counted=counted,
        decided=decided,
        total=len(goals),
    )
