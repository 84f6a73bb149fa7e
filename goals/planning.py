"""Changing a plan's contents: when it may be changed, and the record an amendment keeps.

A plan is edited freely while it is a draft (`PlanState.DRAFT`), by the institution's
planners and the department. Put forward for agreement (`PROPOSED`) it is locked until the
department agrees it or sends it back to draft. Once agreed it is changed only within an
amendment: someone starts one with a reason, every value changed while it is open is kept
with who, when, before and after, and it is closed when done; an amendment made by the
institution then awaits the department's approval (the changes hold meanwhile).

The steps between the states (`propose`, `send_back`, `agree`) each lock the plan's row and
check the state the user saw (`seen`), so two clicks or two people cannot both act: the second
is refused with a message saying what happened. Each step is kept as a `PlanEvent` and told by
e-mail to the side that acts next (`goals.notifications.announce_plan`).

Permissions are the caller's business (`goals.permissions.Rights.plan`); these functions
decide what is possible in the plan's state. They raise `PlanningError` with a message for
the user.
"""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from goals import notifications
from goals.models import (
    Amendment,
    AmendmentChange,
    AmendmentState,
    Goal,
    Plan,
    PlanComment,
    PlanEvent,
    PlanEventKind,
    PlanState,
    Requirement,
)

DRAFTING = "draft"
AMENDING = "amendment"


class PlanningError(Exception):
    """A change the plan's state does not allow; the message is for the user."""


def open_amendment(plan):
    """The amendment being made on the plan, or None."""
    return plan.amendments.filter(state=AmendmentState.OPEN).first()


def edit_mode(plan, rights, amendment=None):
    """How a user holding `rights` may change the plan now: DRAFTING, AMENDING or None.

    `amendment` is the plan's open amendment when the caller has read it already.
    """
    if not rights.plan:
        return None
    if plan.state == PlanState.DRAFT:
        return DRAFTING
    if plan.state == PlanState.AGREED:
        if amendment is None:
            amendment = open_amendment(plan)
        return AMENDING if amendment is not None else None
    return None


def start_amendment(*, plan, user, reason):
    """Open an amendment of an agreed plan; `reason` (why the plan changes) is required."""
    reason = (reason or "").strip()
    if not reason:
        raise PlanningError(_("Skriv, hvorfor planen ændres."))
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.state != PlanState.AGREED:
            raise PlanningError(_("Kun en aftalt plan ændres ved en planændring."))
        if locked.amendments.filter(state=AmendmentState.OPEN).exists():
            raise PlanningError(_("Der er allerede en ændring i gang på planen."))
        number = (locked.amendments.aggregate(last=Max("number"))["last"] or 0) + 1
        amendment = Amendment.objects.create(
            plan=locked, number=number, reason=reason, made_by=user
        )
        return amendment


def record_changes(*, plan, user, part, instance, name, before, after, labels=None):
    """Keep each value that differs between `before` and `after` (field -> text as shown to a
    reader) in the plan's open amendment. Nothing is kept for a draft; an agreed plan without
    an open amendment cannot be changed (PlanningError).

    `part` is a `PlanPart`, `instance` the changed row (None once removed), `name` how a reader
    finds it ("Mål 1.2, krav 1)"), `labels` the fields' names as the editor shows them.
    Call it inside the transaction that saves the change.
    """
    if plan.state == PlanState.DRAFT:
        return []
    if plan.state != PlanState.AGREED:
        raise PlanningError(_("Planen er sendt til godkendelse og kan ikke ændres nu."))
    amendment = open_amendment(plan)
    if amendment is None:
        raise PlanningError(_("Planen er aftalt. Begynd en planændring for at ændre den."))
    labels = labels or {}
    changes = [
        AmendmentChange(
            amendment=amendment,
            part=part,
            object_id=getattr(instance, "pk", None),
            name=name[:400],
            field=field,
            label=str(labels.get(field, field))[:200],
            before=before.get(field, "") or "",
            after=after.get(field, "") or "",
            changed_by=user,
        )
        for field in dict.fromkeys([*before, *after])
        if (before.get(field, "") or "") != (after.get(field, "") or "")
    ]
    return AmendmentChange.objects.bulk_create(changes)


def close_amendment(*, amendment, user, by_department):
    """Finish an open amendment. One the department makes is approved as it is closed;
    one the institution makes awaits the department's approval."""
    with transaction.atomic():
        locked = Amendment.objects.select_for_update().get(pk=amendment.pk)
        if locked.state != AmendmentState.OPEN:
            raise PlanningError(_("Ændringen er allerede afsluttet."))
        now = timezone.now()
        locked.closed_at = now
        if by_department:
            locked.state, locked.approved_by, locked.approved_at = (
                AmendmentState.APPROVED,
                user,
                now,
            )
        else:
            locked.state = AmendmentState.MADE
        locked.save()
        kind = notifications.AMENDMENT_APPROVED if by_department else notifications.AMENDMENT_MADE
        notifications.announce_plan(
            plan=locked.plan,
            kind=kind,
            user=user,
            key=f"a{locked.pk}",
            comment=locked.reason,
        )
        return locked


def approve_amendment(*, amendment, user):
    """The department approves an amendment the institution made."""
    with transaction.atomic():
        locked = Amendment.objects.select_for_update().get(pk=amendment.pk)
        if locked.state != AmendmentState.MADE:
            raise PlanningError(_("Ændringen afventer ikke godkendelse."))
        locked.state, locked.approved_by, locked.approved_at = (
            AmendmentState.APPROVED,
            user,
            timezone.now(),
        )
        locked.save()
        notifications.announce_plan(
            plan=locked.plan,
            kind=notifications.AMENDMENT_APPROVED,
            user=user,
            key=f"a{locked.pk}",
            comment=locked.reason,
        )
        return locked


# --- the steps to agreement -----------------------------------------------------------------


def _locked(plan, seen):
    """The plan's row, locked for the step; refused when its state is not the one the user
    saw (`seen`, a PlanState value, or None when the caller does not know it)."""
    locked = Plan.objects.select_for_update().select_related("institution").get(pk=plan.pk)
    if seen is not None and locked.state != seen:
        raise PlanningError(
            _(
                "Planen er ændret, siden du åbnede siden: den er nu %(state)s. "
                "Intet er gjort; se planen, som den er nu."
            )
            % {"state": PlanState(locked.state).label.lower()}
        )
    return locked


def _step(locked, kind, user, comment):
    event = PlanEvent.objects.create(plan=locked, kind=kind, actor=user, comment=comment)
    notifications.announce_plan(
        plan=locked, kind=kind, user=user, key=f"e{event.pk}", comment=comment
    )
    return event


def propose(*, plan, user, comment="", seen=PlanState.DRAFT) -> PlanEvent:
    """Put a draft forward for the department's agreement (udkast -> til godkendelse); the
    plan is locked until the department agrees it or sends it back."""
    with transaction.atomic():
        locked = _locked(plan, seen)
        if locked.state != PlanState.DRAFT:
            raise PlanningError(_("Kun et udkast kan sendes til godkendelse."))
        locked.state = PlanState.PROPOSED
        locked.save(update_fields=["state"])
        event = _step(locked, PlanEventKind.PROPOSED, user, (comment or "").strip())
    plan.state = locked.state
    return event


def send_back(*, plan, user, comment, seen=PlanState.PROPOSED) -> PlanEvent:
    """The department sends a plan put forward back to draft, saying why (required)."""
    comment = (comment or "").strip()
    if not comment:
        raise PlanningError(_("Skriv, hvorfor planen sendes tilbage."))
    with transaction.atomic():
        locked = _locked(plan, seen)
        if locked.state != PlanState.PROPOSED:
            raise PlanningError(_("Kun en plan, der er sendt til godkendelse, kan sendes tilbage."))
        locked.state = PlanState.DRAFT
        locked.save(update_fields=["state"])
        event = _step(locked, PlanEventKind.RETURNED, user, comment)
    plan.state = locked.state
    return event


def agree(
    *,
    plan,
    user,
    signatory_dates: dict[int, datetime.date | None] | None = None,
    comment="",
    seen=PlanState.PROPOSED,
) -> PlanEvent:
    """The department agrees the plan (til godkendelse, or an udkast directly -> aftalt).

    `signatory_dates` maps a signatory's id to the date they signed; every signatory gets a
    date, and one left blank (or not given) is dated the day of agreement. The plan is then
    locked, changed only by an amendment, and its quarterly follow-up opens.
    """
    today = timezone.localdate()
    signatory_dates = signatory_dates or {}
    with transaction.atomic():
        locked = _locked(plan, seen)
        if locked.state == PlanState.AGREED:
            raise PlanningError(_("Planen er allerede aftalt."))
        signatories = list(locked.signatories.order_by("order", "pk"))
        unknown = set(signatory_dates) - {s.pk for s in signatories}
        if unknown:
            raise PlanningError(_("En af underskriverne hører ikke til planen."))
        for signatory in signatories:
            signatory.date = signatory_dates.get(signatory.pk) or today
        if signatories:
            type(signatories[0]).objects.bulk_update(signatories, ["date"])
        locked.state = PlanState.AGREED
        locked.agreed_at = timezone.now()
        locked.save(update_fields=["state", "agreed_at"])
        event = _step(locked, PlanEventKind.AGREED, user, (comment or "").strip())
    plan.state, plan.agreed_at = locked.state, locked.agreed_at
    return event


# --- comments -------------------------------------------------------------------------------


def add_comment(*, plan, user, text, by_department, goal=None) -> PlanComment:
    """A comment on the plan as a whole, or on one of its goals, while it is negotiated (a
    draft, or put forward). `text` is checked by the caller's form."""
    text = (text or "").strip()
    if not text:
        raise PlanningError(_("Skriv en kommentar."))
    if goal is not None and goal.plan_id != plan.pk:
        raise PlanningError(_("Målet hører ikke til planen."))
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.state == PlanState.AGREED:
            raise PlanningError(_("Planen er aftalt. Kommentarer gives, mens planen er et udkast."))
        return PlanComment.objects.create(
            plan=locked, goal=goal, author=user, by_department=by_department, text=text
        )


# --- what an amendment may not do -----------------------------------------------------------


def ensure_deletable(obj) -> None:
    """Refuse (PlanningError) to delete a goal or requirement that has anything reported on
    it: a status, a verdict, history. Its text or target may be changed by an amendment; its
    figures are never lost. The editor calls this before it deletes; the PROTECT foreign keys
    stop the database delete as well."""
    if isinstance(obj, Goal):
        if Goal.objects.filter(pk=obj.pk).reported_on().exists():
            raise PlanningError(
                _(
                    "Mål %(number)s har indberetninger og kan ikke slettes. "
                    "Ret dets tekst eller mål i stedet."
                )
                % {"number": obj.number}
            )
    elif isinstance(obj, Requirement):
        if Requirement.objects.filter(pk=obj.pk).reported_on().exists():
            raise PlanningError(
                _(
                    "Resultatkravet %(name)s har indberetninger og kan ikke slettes. "
                    "Ret dets tekst eller mål i stedet."
                )
                % {"name": obj.name}
            )
    elif isinstance(obj, Plan) and obj.has_reported_data():
        raise PlanningError(_("Planen har indberetninger og kan ikke slettes."))
