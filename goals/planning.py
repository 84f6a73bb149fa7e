"""Changing a plan's contents: when it may be changed, and the record an amendment keeps.

A plan is edited freely while it is a draft (`PlanState.DRAFT`), by the institution's
planners and the department. Put forward for agreement (`PROPOSED`) it is locked until the
department agrees it or sends it back to draft. Once agreed it is changed only within an
amendment: someone starts one with a reason, every value changed while it is open is kept
with who, when, before and after, and it is closed when done; an amendment made by the
institution then awaits the department's approval (the changes hold meanwhile).

Permissions are the caller's business (`goals.permissions.Rights.plan`); these functions
decide what is possible in the plan's state. They raise `PlanningError` with a message for
the user.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from goals.models import Amendment, AmendmentChange, AmendmentState, Plan, PlanState

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
        return Amendment.objects.create(plan=locked, number=number, reason=reason, made_by=user)


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
        return locked
