"""Writes of quarterly follow-up and year-end verdicts, each atomic and recorded in the history.

Every function checks the state it needs and raises `ServiceError` (with a message for the
user) when the write is not allowed now. Permissions are the caller's business
(`goals.permissions`); these functions decide what is possible, not who may do it.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from goals import notifications
from goals.models import (
    GoalVerdict,
    HistoryRecord,
    Plan,
    QuarterReport,
    ReportState,
    RequirementVerdict,
    StatusEntry,
)
from goals.scoring import rule_verdict

ENTRY_FIELDS = (
    "result_value",
    "result_text",
    "status",
    "status_reason",
    "ytd_value",
    "ytd_text",
    "cause",
    "consequence",
    "action",
)

Subject = HistoryRecord.Subject


class ServiceError(Exception):
    """A write that cannot be made in the current state; `message` says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class ConcurrentEdit(ServiceError):
    """Someone else saved the quarter since the user opened it."""

    def __init__(self, report, changes):
        super().__init__(
            _("Kvartalet er ændret af en anden, siden du åbnede det. Dit input er ikke gemt.")
        )
        self.report = report
        self.changes = changes


class StaleReview(ServiceError):
    """The quarter changed since the reviewer opened it; approving or returning it is refused."""

    def __init__(self, report, changes):
        super().__init__(
            _(
                "Kvartalet er ændret, siden du åbnede det. Intet er gjort: "
                "se det, som det er nu, og vælg igen."
            )
        )
        self.report = report
        self.changes = changes


class YearEndConflict(ServiceError):
    """Someone else saved the plan's year-end verdicts since the reviewer opened the page."""

    def __init__(self, version, changes):
        super().__init__(
            _("Vurderingerne er ændret af en anden, siden du åbnede siden. Dit input er ikke gemt.")
        )
        self.version = version
        self.changes = changes


@dataclass
class Row:
    """One row of the quarter page as typed: a goal, or one of its requirements."""

    goal: object
    requirement: object = None
    values: dict = field(default_factory=dict)

    @property
    def key(self):
        return (self.goal.pk, self.requirement.pk if self.requirement else None)


def _raw(value):
    """A value as kept in the history: numbers without trailing zeros, None as blank."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _same(before, after):
    if isinstance(before, Decimal) or isinstance(after, Decimal):
        if before is None or after is None:
            return before is None and after is None
        return Decimal(before) == Decimal(after)
    return (before or "") == (after or "")


def changes_since(report, version):
    """The history of the report recorded after the given version, oldest first."""
    return list(
        HistoryRecord.objects.filter(report=report, report_version__gt=version)
        .select_related("changed_by", "goal", "requirement")
        .order_by("changed_at", "id")
    )


def _bump(report, *, version=None, states=None, **updates):
    """Raise the report's version if it is still at `version` and in `states`; else False."""
    queryset = QuarterReport.objects.filter(pk=report.pk)
    if version is not None:
        queryset = queryset.filter(version=version)
    if states is not None:
        queryset = queryset.filter(state__in=states)
    if not queryset.update(version=F("version") + 1, **updates):
        return False
    report.refresh_from_db()
    return True


@transaction.atomic
def save_quarter(*, plan, quarter, user, rows, version, submit=False):
    """Save the quarter's rows as typed; with `submit`, also hand the quarter in.

    `version` is the report version the user's page was built from (0 before the first
    save). Returns (report, number of values changed). Raises ConcurrentEdit when someone
    saved since, ServiceError when the quarter is not open for editing.
    """
    report, _created = QuarterReport.objects.get_or_create(plan=plan, quarter=quarter)
    if not report.is_editable:
        raise ServiceError(
            _("Kvartalet er %(state)s og kan ikke ændres.")
            % {"state": report.get_state_display().lower()}
        )
    existing = {
        (entry.goal_id, entry.requirement_id): entry
        for entry in StatusEntry.objects.filter(report=report)
    }
    pending = []
    for row in rows:
        entry = existing.get(row.key) or StatusEntry(
            report=report, goal=row.goal, requirement=row.requirement
        )
        diffs = [
            (name, getattr(entry, name), row.values.get(name))
            for name in ENTRY_FIELDS
            if name in row.values and not _same(getattr(entry, name), row.values.get(name))
        ]
        if diffs:
            pending.append((row, entry, diffs))

    if not pending and not submit:
        if report.version != version:
            raise ConcurrentEdit(report, changes_since(report, version))
        return report, 0
    if not _bump(report, version=version, states=QuarterReport.EDITABLE_STATES):
        report.refresh_from_db()
        raise ConcurrentEdit(report, changes_since(report, version))

    now = timezone.now()
    history = []
    for row, entry, diffs in pending:
        for name, before, after in diffs:
            setattr(entry, name, after if after is not None else _blank(name))
            history.append(
                HistoryRecord(
                    plan=plan,
                    report=report,
                    goal=row.goal,
                    requirement=row.requirement,
                    subject=Subject.ENTRY,
                    field=name,
                    before=_raw(before),
                    after=_raw(after),
                    changed_by=user,
                    changed_at=now,
                    report_version=report.version,
                )
            )
        entry.updated_by = user
        entry.save()
    HistoryRecord.objects.bulk_create(history)
    if submit:
        missing = missing_for_submit(report, rows)
        if missing:
            # Raised inside the transaction: nothing of this save is kept either.
            raise ServiceError(missing)
        _transition(report, user, ReportState.SUBMITTED, now=now)
    return report, len(history)


def _blank(name):
    return None if name.endswith("_value") else ""


def missing_for_submit(report, rows):
    """Why the quarter cannot be submitted yet, or "" when it can."""
    entries = {(e.goal_id, e.requirement_id): e for e in report.entries.all()}
    lacking = [
        row.goal.number
        for row in rows
        if row.requirement is None and not getattr(entries.get(row.key), "status", "")
    ]
    if lacking:
        return _("Status mangler for mål %(goals)s.") % {"goals": ", ".join(lacking)}
    return ""


# The state machine of a quarter: the states each state may be reached from.
# draft/returned -> submitted (the institution), submitted -> approved or returned and
# approved -> returned (reopened; the department).
TRANSITIONS = {
    ReportState.SUBMITTED: QuarterReport.EDITABLE_STATES,
    ReportState.APPROVED: (ReportState.SUBMITTED,),
    ReportState.RETURNED: (ReportState.SUBMITTED, ReportState.APPROVED),
}
# The fields of a report whose changes the history keeps, beside its entries' fields. A
# withdrawal clears `submitted_at`: that is how the history tells it from a return, both
# being submitted -> returned for a withdrawn resubmission.
REPORT_FIELDS = ("state", "review_comment", "submitted_at")


def _transition(report, user, to_state, *, comment=None, now=None, version=None, withdraw=False):
    now = now or timezone.now()
    # Only a submitted quarter is withdrawn, whichever state it goes back to.
    from_states = (ReportState.SUBMITTED,) if withdraw else TRANSITIONS[to_state]
    before = {name: _raw_field(getattr(report, name)) for name in REPORT_FIELDS}
    updates = {"state": to_state}
    if withdraw:
        updates.update(submitted_at=None, submitted_by=None)
    elif to_state == ReportState.SUBMITTED:
        updates.update(submitted_at=now, submitted_by=user)
    else:
        updates.update(reviewed_at=now, reviewed_by=user)
    if comment is not None:
        updates["review_comment"] = comment
    if not _bump(report, version=version, states=from_states, **updates):
        report.refresh_from_db()
        if version is not None and report.version != version:
            raise StaleReview(report, changes_since(report, version))
        raise ServiceError(
            _("Det kan ikke lade sig gøre: kvartalet er %(state)s.")
            % {"state": report.get_state_display().lower()}
        )
    HistoryRecord.objects.bulk_create(
        HistoryRecord(
            plan_id=report.plan_id,
            report=report,
            subject=Subject.REPORT,
            field=name,
            before=before[name],
            after=_raw_field(getattr(report, name)),
            changed_by=user,
            changed_at=now,
            report_version=report.version,
        )
        for name in REPORT_FIELDS
        # A submission's time is not news beside its change of state; its clearing is.
        if before[name] != _raw_field(getattr(report, name))
        and (name != "submitted_at" or withdraw)
    )
    event = notifications.WITHDRAWN if withdraw else _event(before["state"], to_state)
    notifications.announce(report=report, event=event, user=user)
    return report


def _raw_field(value):
    """A report's field as the history keeps it: a time in ISO format, None as blank."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _event(from_state, to_state):
    """The notification event of a change of state made by the department or a submission."""
    if to_state == ReportState.SUBMITTED:
        if from_state == ReportState.RETURNED:
            return notifications.RESUBMITTED
        return notifications.SUBMITTED
    if to_state == ReportState.APPROVED:
        return notifications.APPROVED
    if from_state == ReportState.APPROVED:
        return notifications.REOPENED
    return notifications.RETURNED


def _lock_for_review(report, version):
    """Lock the report's row and refuse when it is no longer at the version the reviewer saw.

    `version` None means the caller acts on the report as it is now (scripts, the demo).
    """
    locked = QuarterReport.objects.select_for_update().get(pk=report.pk)
    if version is not None and locked.version != version:
        raise StaleReview(locked, changes_since(locked, version))
    report.refresh_from_db()
    return version


@transaction.atomic
def approve_quarter(*, report, user, version=None):
    """The department approves a submitted quarter; it is read-only from then on.

    `version` is the report version the reviewer's page showed; StaleReview when it changed.
    """
    version = _lock_for_review(report, version)
    return _transition(report, user, ReportState.APPROVED, version=version)


@transaction.atomic
def return_quarter(*, report, user, comment, version=None):
    """The department sends a submitted quarter back with a comment the reporter sees."""
    version = _lock_for_review(report, version)
    if not comment.strip():
        raise ServiceError(_("Skriv en kommentar, der siger, hvad der skal rettes."))
    if report.state != ReportState.SUBMITTED:
        raise ServiceError(_("Kun et indsendt kvartal kan sendes retur."))
    return _transition(report, user, ReportState.RETURNED, comment=comment.strip(), version=version)


@transaction.atomic
def reopen_quarter(*, report, user, comment="", version=None):
    """The department reopens an approved quarter so the institution can correct it."""
    version = _lock_for_review(report, version)
    if report.state != ReportState.APPROVED:
        raise ServiceError(_("Kun et godkendt kvartal kan genåbnes."))
    return _transition(report, user, ReportState.RETURNED, comment=comment.strip(), version=version)


def state_before_submission(report):
    """The state the report had before its latest submission: returned for a resubmission,
    else draft (read from the history the submission recorded)."""
    before = (
        HistoryRecord.objects.filter(
            report=report, subject=Subject.REPORT, field="state", after=ReportState.SUBMITTED
        )
        .order_by("-id")
        .values_list("before", flat=True)
        .first()
    )
    return ReportState.RETURNED if before == ReportState.RETURNED else ReportState.DRAFT


@transaction.atomic
def withdraw_quarter(*, report, user, version=None):
    """The institution takes back a submitted quarter the department has not approved yet.

    It goes back to the state it had before the submission: a draft, or, for a resubmission,
    returned, so the department's comment stays in front of the reporter and the page still
    marks what changed since the return. `version` is the report version the reporter's page
    showed; StaleReview when it changed (the department may have acted meanwhile).
    """
    version = _lock_for_review(report, version)
    if report.state != ReportState.SUBMITTED:
        raise ServiceError(_("Kun et indsendt kvartal, der ikke er godkendt, kan trækkes tilbage."))
    to_state = state_before_submission(report)
    return _transition(report, user, to_state, version=version, withdraw=True)


YEAR_END_SUBJECTS = (Subject.REQUIREMENT_VERDICT, Subject.GOAL_VERDICT)


def _year_end_history(plan):
    return HistoryRecord.objects.filter(plan=plan, subject__in=YEAR_END_SUBJECTS)


def year_end_version(plan):
    """The version of a plan's year-end verdicts: the id of their latest history record, 0
    before the first. Every save that changes a verdict records it, so the number rises with
    each change; saves are made under a lock on the plan (save_year_end)."""
    latest = _year_end_history(plan).order_by("-id").values_list("id", flat=True).first()
    return latest or 0


def year_end_changes_since(plan, version):
    """The year-end verdict changes recorded after the given version, oldest first."""
    return list(
        _year_end_history(plan)
        .filter(id__gt=version)
        .select_related("changed_by", "goal", "requirement")
        .order_by("id")
    )


@transaction.atomic
def save_year_end(*, plan, user, requirement_verdicts, goal_verdicts, version=None):
    """Record the year-end verdicts of a plan.

    `version` is the year-end version the reviewer's page showed (year_end_version); when
    someone saved since, YearEndConflict lists what they changed and nothing is saved. None
    means the caller writes over whatever is there (scripts, tests of the scoring).

    `requirement_verdicts` maps a requirement to (met or None, reason); `goal_verdicts` maps a
    goal to (final verdict or "", reason). The rule's verdict of each goal is computed from
    its requirements; a final verdict that differs needs a reason (checked by the caller's
    form, and by the database). Returns the number of values changed.
    """
    # Every save of a plan's year end takes the plan's row first: concurrent saves queue here
    # and each reads the verdicts as the one before it left them.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    current = year_end_version(plan)
    if version is not None and current != version:
        raise YearEndConflict(current, year_end_changes_since(plan, version))
    now = timezone.now()
    history = []

    def record(subject, goal, requirement, name, before, after):
        if _raw(before) != _raw(after):
            history.append(
                HistoryRecord(
                    plan=plan,
                    goal=goal,
                    requirement=requirement,
                    subject=subject,
                    field=name,
                    before=_raw(before),
                    after=_raw(after),
                    changed_by=user,
                    changed_at=now,
                )
            )

    existing = {
        v.requirement_id: v for v in RequirementVerdict.objects.filter(requirement__goal__plan=plan)
    }
    met_by_requirement = {}
    for requirement, (met, reason) in requirement_verdicts.items():
        verdict = existing.get(requirement.pk)
        met_by_requirement[requirement.pk] = met
        if met is None:
            if verdict:
                record(
                    Subject.REQUIREMENT_VERDICT,
                    requirement.goal,
                    requirement,
                    "met",
                    verdict.met,
                    None,
                )
                verdict.delete()
            continue
        verdict = verdict or RequirementVerdict(requirement=requirement, met=met)
        record(
            Subject.REQUIREMENT_VERDICT,
            requirement.goal,
            requirement,
            "met",
            existing.get(requirement.pk) and existing[requirement.pk].met,
            met,
        )
        record(
            Subject.REQUIREMENT_VERDICT,
            requirement.goal,
            requirement,
            "reason",
            verdict.reason if verdict.pk else "",
            reason,
        )
        verdict.met, verdict.reason, verdict.decided_by = met, reason, user
        verdict.save()

    goal_existing = {v.goal_id: v for v in GoalVerdict.objects.filter(goal__plan=plan)}
    for goal, (final, reason) in goal_verdicts.items():
        requirements = list(goal.requirements.all())
        rule = rule_verdict(
            goal.fulfilment_rule,
            goal.required_count,
            [met_by_requirement.get(r.pk) for r in requirements],
        )
        final = final or rule
        verdict = goal_existing.get(goal.pk)
        if final is None:
            if verdict:
                record(Subject.GOAL_VERDICT, goal, None, "verdict", verdict.verdict, "")
                verdict.delete()
            continue
        if final != (rule or final) and not reason.strip():
            raise ServiceError(
                _("Mål %(goal)s: begrund den endelige vurdering, når den afviger fra reglens.")
                % {"goal": goal.number}
            )
        old = (verdict.rule_verdict, verdict.verdict, verdict.reason) if verdict else ("", "", "")
        verdict = verdict or GoalVerdict(goal=goal)
        verdict.rule_verdict = rule or final
        verdict.verdict = final
        verdict.reason = reason.strip()
        verdict.decided_by = user
        for name, before in zip(("rule_verdict", "verdict", "reason"), old, strict=True):
            record(Subject.GOAL_VERDICT, goal, None, name, before, getattr(verdict, name))
        verdict.save()
    HistoryRecord.objects.bulk_create(history)
    return len(history)
