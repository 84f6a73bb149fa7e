"""Who is told when a quarter or a plan changes hands, and the reminders before a deadline.

`announce` is called by the services inside their transaction, after a quarter's state has
changed; it records a `Notice` per recipient, and once the transaction commits the background
worker sends them (`send_notices`). `record_reminders` (run daily by `manage.py
send_reminders`) records the reminders that are due. Every notice is made once: its key (the
report's version, a reminder's days) is unique per recipient, and a notice is marked sent when
it is sent, so running either twice sends nothing twice. A send that fails is logged and left
for the next run; nothing here raises into a user's request.
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from goals.figures import quarter_progress
from goals.models import (
    Membership,
    Notice,
    NoticeKind,
    Plan,
    PlanState,
    QuarterReport,
    ReportState,
    Requirement,
    StatusEntry,
)

logger = logging.getLogger(__name__)

# The events a quarter's change of state announces.
SUBMITTED = "submitted"
RESUBMITTED = "resubmitted"
RETURNED = "returned"
APPROVED = "approved"
REOPENED = "reopened"
WITHDRAWN = "withdrawn"

# The department acts on a quarter handed in (or taken back); the institution on its answer.
TO_REVIEWERS = {SUBMITTED, RESUBMITTED, WITHDRAWN}
TO_REPORTERS = {RETURNED, REOPENED, APPROVED}

# The plan's steps as an agreement (goals/planning.py), told to the side that acts next: the
# department when the institution puts a plan forward or makes an amendment, the institution's
# planners when the department sends it back, agrees it or approves an amendment.
PLAN_PROPOSED = NoticeKind.PLAN_PROPOSED
PLAN_RETURNED = NoticeKind.PLAN_RETURNED
PLAN_AGREED = NoticeKind.PLAN_AGREED
AMENDMENT_MADE = NoticeKind.AMENDMENT_MADE
AMENDMENT_APPROVED = NoticeKind.AMENDMENT_APPROVED
PLAN_KINDS = {PLAN_PROPOSED, PLAN_RETURNED, PLAN_AGREED, AMENDMENT_MADE, AMENDMENT_APPROVED}
PLAN_TO_REVIEWERS = {PLAN_PROPOSED, AMENDMENT_MADE}
# A PlanEvent's kind, as the notice it makes.
EVENT_NOTICES = {
    "proposed": PLAN_PROPOSED,
    "returned": PLAN_RETURNED,
    "agreed": PLAN_AGREED,
}

# An overdue quarter is mailed about once, and only within this many days after its deadline:
# the first run on a database with years of follow-up must not mail about quarters long past.
OVERDUE_WITHIN = 14
# A message the SMTP server refuses (a bad address) is tried on this many runs, then left.
MAX_ATTEMPTS = 5

SUBJECTS = {
    NoticeKind.SUBMITTED: _("%(plan)s: %(quarter)s. kvartal er indsendt til godkendelse"),
    NoticeKind.RESUBMITTED: _("%(plan)s: %(quarter)s. kvartal er indsendt igen"),
    NoticeKind.WITHDRAWN: _("%(plan)s: indsendelsen af %(quarter)s. kvartal er trukket tilbage"),
    NoticeKind.RETURNED: _("%(plan)s: %(quarter)s. kvartal er sendt retur"),
    NoticeKind.REOPENED: _("%(plan)s: %(quarter)s. kvartal er genåbnet"),
    NoticeKind.APPROVED: _("%(plan)s: %(quarter)s. kvartal er godkendt"),
    NoticeKind.REMINDER: _("%(plan)s: frist for %(quarter)s. kvartal %(deadline)s"),
    NoticeKind.OVERDUE: _("%(plan)s: fristen for %(quarter)s. kvartal er overskredet"),
    NoticeKind.PLAN_PROPOSED: _("%(plan)s: planen er sendt til godkendelse"),
    NoticeKind.PLAN_RETURNED: _("%(plan)s: planen er sendt tilbage til udkast"),
    NoticeKind.PLAN_AGREED: _("%(plan)s: planen er aftalt"),
    NoticeKind.AMENDMENT_MADE: _("%(plan)s: en planændring afventer godkendelse"),
    NoticeKind.AMENDMENT_APPROVED: _("%(plan)s: en planændring er godkendt"),
}


def announce(*, report, event, user) -> None:
    """Tell those who must act now that `user` moved `report` by `event` (one of the above)."""
    plan = report.plan
    recipients = reviewers_of(plan) if event in TO_REVIEWERS else reporters_of(plan)
    if user is not None:
        recipients = recipients.exclude(pk=user.pk)
    comment = report.review_comment if event in (RETURNED, REOPENED) else ""
    notices = [
        Notice(
            recipient=recipient,
            kind=event,
            plan=plan,
            quarter=report.quarter,
            key=f"v{report.version}",
            actor=user,
            comment=comment,
        )
        for recipient in recipients
    ]
    if notices:
        Notice.objects.bulk_create(notices, ignore_conflicts=True)
        # robust: the quarter is saved whatever happens to the queue; what is not queued
        # now is sent by the next run (the next change of state, or the daily reminders).
        transaction.on_commit(send_notices.enqueue, robust=True)


def announce_plan(*, plan, kind, user, key, comment="") -> None:
    """Tell the side that acts next that `user` took a step with the plan: `kind` is a
    PlanEvent kind or one of the plan notices above; `key` names the occasion (the event's
    or amendment's id), so it is told once."""
    kind = EVENT_NOTICES.get(kind, kind)
    recipients = reviewers_of(plan) if kind in PLAN_TO_REVIEWERS else planners_of(plan)
    if user is not None:
        recipients = recipients.exclude(pk=user.pk)
    notices = [
        Notice(
            recipient=recipient,
            kind=kind,
            plan=plan,
            quarter=None,
            key=key,
            actor=user,
            comment=comment,
        )
        for recipient in recipients.distinct()
    ]
    if notices:
        Notice.objects.bulk_create(notices, ignore_conflicts=True)
        transaction.on_commit(send_notices.enqueue, robust=True)


def _addressable():
    return get_user_model().objects.filter(is_active=True).exclude(email="")


def reviewers_of(plan):
    """The department staff of the ministry the plan is agreed with, who have an address."""
    return _addressable().filter(
        memberships__role=Membership.Role.REVIEWER, memberships__ministry_id=plan.ministry_id
    )


def reporters_of(plan):
    """The institution's reporters who have an address."""
    return _addressable().filter(
        memberships__role=Membership.Role.REPORTER,
        memberships__institution_id=plan.institution_id,
    )


def planners_of(plan):
    """The institution's planners who have an address."""
    return _addressable().filter(
        memberships__role=Membership.Role.PLANNER,
        memberships__institution_id=plan.institution_id,
    )


@task()
def send_notices():
    """The background worker's part: send what is recorded and not yet sent."""
    deliver()


@dataclass
class Delivery:
    sent: list
    failed: list
    left: int  # not tried this run: the server could not be reached


def deliver() -> Delivery:
    """Send every notice not yet sent, oldest first, each marked sent as it goes out
    (`send_pending`)."""
    pending = list(
        Notice.objects.filter(sent_at=None, attempts__lt=MAX_ATTEMPTS)
        .filter(recipient__is_active=True)
        .exclude(recipient__email="")
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
    )
    rows = Notice.objects.select_related("recipient__preference", "plan__institution", "actor")
    return send_pending(rows, pending, compose)


def send_pending(rows, pending, compose_one) -> Delivery:
    """Send the e-mail of each of `pending` (primary keys in `rows`, a queryset of a model
    with `sent_at`, `attempts` and `error`: notices, invitations), one by one.

    Each row is taken under a row lock (skipped when another sender holds it), so two
    senders at once do not send one twice. When the server cannot be reached, or refuses
    mrplan's log-in or sender, the run stops and the rest waits for the next one. A message
    the server refuses, or one that could not be made, is recorded on its row and tried again
    on later runs (the callers stop at MAX_ATTEMPTS).
    """
    result = Delivery(sent=[], failed=[], left=0)
    if not pending:
        return result
    connection = mail.get_connection()
    try:
        for done, pk in enumerate(pending):
            with transaction.atomic():
                row = (
                    rows.select_for_update(skip_locked=True, of=("self",))
                    .filter(pk=pk, sent_at=None)
                    .first()
                )
                if row is None:  # sent, or being sent, by another run
                    continue
                try:
                    # One connection for the run: opened by the first message, kept open
                    # (the backend would otherwise open and close one per message).
                    connection.open()
                    compose_one(row, connection=connection).send()
                except Exception as error:
                    logger.exception("E-mail of %s %s not sent", row._meta.model_name, pk)
                    server_down = _server_down(error)
                    row.error = f"{type(error).__name__}: {error}"[:2000]
                    if not server_down:
                        row.attempts += 1
                    row.save(update_fields=["error", "attempts"])
                    result.failed.append(row)
                    if server_down:
                        result.left = len(pending) - done - 1
                        break
                    continue
                row.sent_at = timezone.now()
                row.attempts += 1
                row.error = ""
                row.save(update_fields=["sent_at", "attempts", "error"])
                result.sent.append(row)
    finally:
        connection.close()
    return result


def _server_down(error):
    """Whether a failed send says nothing about the message itself: the server could not be
    reached, did not answer, or refused mrplan (its log-in, its sender). Then every message
    would fail the same way, and none is counted against its attempts. A refused recipient,
    a refused message, or a fault in making the message is the message's own."""
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError):
        return False
    return isinstance(error, OSError)


def language_of(user):
    """The user's chosen language, Danish until they choose."""
    try:
        preference = user.preference
    except get_user_model().preference.RelatedObjectDoesNotExist:
        preference = None
    return preference.language if preference else settings.LANGUAGE_CODE


def quarter_link(plan, quarter):
    """The quarter page's absolute address, for a link in an e-mail."""
    path = reverse("goals:quarter", args=[plan.institution.short_name, plan.year, quarter])
    return f"{settings.SITE_URL}{path}"


def agreement_link(plan):
    """The plan's agreement page's absolute address, for a link in an e-mail."""
    path = reverse("goals:agreement", args=[plan.institution.short_name, plan.year])
    return f"{settings.SITE_URL}{path}"


def compose(notice, *, connection=None) -> mail.EmailMessage:
    """The e-mail of a notice, in its recipient's language."""
    recipient = notice.recipient
    plan = notice.plan
    if notice.kind in PLAN_KINDS:
        return _compose_plan(notice, connection)
    with translation.override(language_of(recipient)):
        deadline = plan.deadline_for(notice.quarter)
        context = {
            "notice": notice,
            "kind": notice.kind,
            "recipient": recipient.get_full_name() or recipient.username,
            "actor": _actor(notice),
            "plan": plan,
            "institution": plan.institution,
            "quarter": notice.quarter,
            "deadline": deadline,
            "days_left": (deadline - timezone.localdate()).days if deadline else None,
            "link": quarter_link(plan, notice.quarter),
            "account_link": f"{settings.SITE_URL}{reverse('account')}",
        }
        if notice.kind in (NoticeKind.REMINDER, NoticeKind.OVERDUE):
            context["missing"], context["due"] = missing_results(plan, notice.quarter)
        subject = SUBJECTS[notice.kind] % {
            "plan": f"{plan.institution.short_name} {plan.year}",
            "quarter": notice.quarter,
            "deadline": _date(deadline),
        }
        body = render_to_string(f"emails/{notice.kind}.txt", context).strip() + "\n"
    return mail.EmailMessage(
        subject=subject,
        body=body,
        to=[recipient.email],
        connection=connection,
        # RFC 3834: out-of-office replies are not sent back to an automatic message.
        headers={"Auto-Submitted": "auto-generated"},
    )


def _compose_plan(notice, connection):
    """The e-mail of a notice about the plan as an agreement (templates/emails/plan_*.txt)."""
    recipient = notice.recipient
    plan = notice.plan
    with translation.override(language_of(recipient)):
        context = {
            "notice": notice,
            "kind": notice.kind,
            "recipient": recipient.get_full_name() or recipient.username,
            "actor": _actor(notice),
            "plan": plan,
            "institution": plan.institution,
            "link": agreement_link(plan),
        }
        subject = SUBJECTS[notice.kind] % {"plan": f"{plan.institution.short_name} {plan.year}"}
        body = render_to_string(f"emails/{notice.kind}.txt", context).strip() + "\n"
    return mail.EmailMessage(
        subject=subject,
        body=body,
        to=[recipient.email],
        connection=connection,
        headers={"Auto-Submitted": "auto-generated"},
    )


def _actor(notice):
    """Who acted, by name; by their side when the user is gone."""
    if notice.actor:
        return notice.actor.get_full_name() or notice.actor.username
    to_reviewers = notice.kind in TO_REVIEWERS or notice.kind in PLAN_TO_REVIEWERS
    return _("Institutionen") if to_reviewers else _("Departementet")


def _date(value):
    return date_format(value, "DATE_FORMAT") if value else ""


def missing_results(plan, quarter) -> tuple[int, int]:
    """(requirements without what the quarter asks of them yet, requirements due) of the
    plan's quarter, counted as the home page and the quarter page count them."""
    due = [
        requirement
        for requirement in Requirement.objects.filter(goal__plan=plan, part_of=None)
        .select_related("goal")
        .prefetch_related("parts")
        .order_by()
        if requirement.is_due_in(quarter)
    ]
    entries = {
        (entry.goal_id, entry.requirement_id): entry
        for entry in StatusEntry.objects.filter(
            report__plan=plan, report__quarter=quarter, requirement__isnull=False
        )
    }
    progress = quarter_progress(due, lambda piece: entries.get((piece.goal_id, piece.pk)), ())
    return progress.requirements_missing, progress.requirements


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A reminder that is due for one quarter: to whom, and which (its key)."""

    plan: Plan
    quarter: int
    deadline: datetime.date
    days_left: int
    kind: str
    key: str
    recipients: tuple


def due_reminders(today: datetime.date) -> list[DueReminder]:
    """The reminders due today that have not been made: per quarter not handed in, the most
    urgent of REMINDER_DAYS whose days left have been reached, or once overdue."""
    days = settings.REMINDER_DAYS
    furthest = max(days, default=0)
    plans = [
        plan
        for plan in Plan.objects.filter(
            # Only an agreed plan is followed up: a draft's quarters are not due.
            state=PlanState.AGREED,
            deadline_days__isnull=False,
            year__gte=today.year - 1,
            year__lte=today.year + 1,
        ).select_related("institution")
    ]
    handed_in = set(
        QuarterReport.objects.filter(
            plan__in=plans, state__in=[ReportState.SUBMITTED, ReportState.APPROVED]
        ).values_list("plan_id", "quarter")
    )
    made = set(
        Notice.objects.filter(
            plan__in=plans, kind__in=[NoticeKind.REMINDER, NoticeKind.OVERDUE]
        ).values_list("recipient_id", "plan_id", "quarter", "key")
    )
    reporters = {}
    for membership in (
        Membership.objects.filter(
            role=Membership.Role.REPORTER,
            institution_id__in={plan.institution_id for plan in plans},
            user__in=_addressable().exclude(preference__reminders=False),
        )
        .select_related("user")
        .order_by("user__username")
    ):
        reporters.setdefault(membership.institution_id, []).append(membership.user)

    due = []
    for plan in plans:
        for quarter in plan.quarters:
            if (plan.pk, quarter) in handed_in:
                continue
            deadline = plan.deadline_for(quarter)
            days_left = (deadline - today).days
            if days_left < 0:
                if -days_left > OVERDUE_WITHIN:
                    continue
                kind, key = NoticeKind.OVERDUE, "overdue"
            elif days_left <= furthest:
                kind = NoticeKind.REMINDER
                key = str(min(n for n in days if days_left <= n))
            else:
                continue
            recipients = tuple(
                user
                for user in reporters.get(plan.institution_id, [])
                if (user.pk, plan.pk, quarter, key) not in made
            )
            if recipients:
                due.append(DueReminder(plan, quarter, deadline, days_left, kind, key, recipients))
    return due


def record_reminders(*, today: datetime.date | None = None) -> list[DueReminder]:
    """Record today's due reminders as notices to send; returns what was recorded."""
    due = due_reminders(today or timezone.localdate())
    Notice.objects.bulk_create(
        [
            Notice(
                recipient=user, kind=item.kind, plan=item.plan, quarter=item.quarter, key=item.key
            )
            for item in due
            for user in item.recipients
        ],
        ignore_conflicts=True,
    )
    return due
