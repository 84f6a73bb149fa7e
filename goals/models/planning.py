"""A plan as an agreement: comments while it is drafted, its steps to agreement, and the
amendments that change it afterwards, each with who, when, why and what before and after.

An amendment is a record of reported history: it is PROTECT from its plan, and its changes
from it, so no path deletes them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from goals.limits import PLAN_TEXT, REPORT_TEXT
from goals.models.choices import AmendmentState, PlanEventKind, PlanPart
from goals.models.common import choices_check, text_checks
from goals.models.plans import Goal, Plan


class PlanComment(models.Model):
    """A remark on a draft plan or one of its goals, by the institution or the department."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="comments", verbose_name=_("plan")
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("mål"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("skrevet af"),
    )
    # Which side wrote it, as it stood then: the department, or the institution.
    by_department = models.BooleanField(_("fra departementet"), default=False)
    created_at = models.DateTimeField(_("skrevet"), auto_now_add=True)
    text = models.TextField(
        _("kommentar"), max_length=REPORT_TEXT, validators=text_checks(REPORT_TEXT)
    )

    class Meta:
        verbose_name = _("kommentar til planen")
        verbose_name_plural = _("kommentarer til planen")
        ordering = ["plan", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="plan_comment_not_blank"),
        ]

    def __str__(self):
        return f"{self.plan}: {self.text[:40]}"


class PlanEvent(models.Model):
    """A step of the plan towards agreement: put forward, sent back to draft, agreed."""

    Kind = PlanEventKind

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="events", verbose_name=_("plan")
    )
    kind = models.CharField(_("hændelse"), max_length=20, choices=PlanEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("af"),
    )
    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)
    comment = models.TextField(
        _("kommentar"), blank=True, max_length=REPORT_TEXT, validators=text_checks(REPORT_TEXT)
    )

    class Meta:
        verbose_name = _("planens hændelse")
        verbose_name_plural = _("planens hændelser")
        ordering = ["plan", "at", "pk"]
        constraints = [choices_check("kind", PlanEventKind, "plan_event_kind_valid")]

    def __str__(self):
        return f"{self.plan}: {self.get_kind_display()}"


class Amendment(models.Model):
    """A change to an agreed plan (planændring): who made it, when, why, and its changes."""

    State = AmendmentState

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="amendments", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    reason = models.TextField(
        _("begrundelse"), max_length=PLAN_TEXT, validators=text_checks(PLAN_TEXT)
    )
    state = models.CharField(
        _("tilstand"),
        max_length=20,
        choices=AmendmentState.choices,
        default=AmendmentState.OPEN,
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("foretaget af"),
    )
    created_at = models.DateTimeField(_("påbegyndt"), auto_now_add=True)
    closed_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("godkendt af"),
    )
    approved_at = models.DateTimeField(_("godkendt"), null=True, blank=True)

    class Meta:
        verbose_name = _("planændring")
        verbose_name_plural = _("planændringer")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="amendment_number_unique"),
            # One amendment at a time is being made on a plan.
            models.UniqueConstraint(
                fields=["plan"], condition=Q(state="open"), name="amendment_one_open"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="amendment_reason_required"),
            choices_check("state", AmendmentState, "amendment_state_valid"),
        ]

    def __str__(self):
        return f"{self.plan}: ændring {self.number}"


class AmendmentChange(models.Model):
    """One changed value of an amendment: which part, which field, before and after."""

    Part = PlanPart

    amendment = models.ForeignKey(
        Amendment, on_delete=models.PROTECT, related_name="changes", verbose_name=_("ændring")
    )
    part = models.CharField(_("del"), max_length=20, choices=PlanPart.choices)
    # The changed row, while it exists (a goal without reports may be removed later).
    object_id = models.PositiveIntegerField(_("række"), null=True, blank=True)
    # How a reader finds it, as it was named when changed: "Mål 1.2", "Mål 1.2, krav 1)".
    name = models.CharField(_("hvad"), max_length=400)
    field = models.CharField(_("felt"), max_length=50, blank=True)
    label = models.CharField(_("feltets navn"), max_length=200, blank=True)
    before = models.TextField(_("før"), blank=True)
    after = models.TextField(_("efter"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ændret af"),
    )
    changed_at = models.DateTimeField(_("ændret"), auto_now_add=True)

    class Meta:
        verbose_name = _("ændret værdi")
        verbose_name_plural = _("ændrede værdier")
        ordering = ["amendment", "changed_at", "pk"]
        constraints = [choices_check("part", PlanPart, "amendment_change_part_valid")]

    def __str__(self):
        return f"{self.name}: {self.label}"
