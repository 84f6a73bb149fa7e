"""The quarterly follow-up, the year-end verdicts and the history of every change to them.

What is reported is never lost with what it reports on: every key from reported data to its
plan, quarter, goal or requirement is PROTECT, so no path (the admin's delete page, its bulk
action or inline delete box, a plan file's replace, `.delete()` in a shell) can delete a goal
that has been reported on. Plan data without reports still goes with its plan.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goals.limits import REPORT_TEXT
from goals.models.choices import (
    HANDED_IN_STATES,
    Fulfilment,
    HistorySubject,
    ReportState,
    Status,
)
from goals.models.common import choices_check, text_checks
from goals.models.plans import Goal, Plan, Requirement


class QuarterReport(models.Model):
    """An institution's follow-up on its plan for one quarter (kvartalsopfølgning)."""

    State = ReportState

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="reports", verbose_name=_("plan")
    )
    quarter = models.PositiveSmallIntegerField(_("kvartal"))
    state = models.CharField(
        _("tilstand"), max_length=20, choices=State.choices, default=State.DRAFT
    )
    review_comment = models.TextField(
        _("kommentar fra departementet"),
        blank=True,
        max_length=REPORT_TEXT,
        validators=text_checks(REPORT_TEXT),
    )
    submitted_at = models.DateTimeField(_("indsendt"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indsendt af"),
    )
    reviewed_at = models.DateTimeField(_("behandlet"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("behandlet af"),
    )
    # Raised by every save and transition; a save made from an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=0)

    EDITABLE_STATES = (ReportState.DRAFT, ReportState.RETURNED)

    class Meta:
        verbose_name = _("kvartalsopfølgning")
        verbose_name_plural = _("kvartalsopfølgninger")
        ordering = ["plan", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "quarter"], name="report_plan_quarter"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="report_quarter_range"
            ),
            choices_check("state", ReportState, "report_state_valid"),
        ]

    def __str__(self):
        return f"{self.plan}, {self.quarter}. kvartal"

    @property
    def is_editable(self):
        return self.state in self.EDITABLE_STATES

    @property
    def is_handed_in(self):
        return self.state in HANDED_IN_STATES


class StatusEntry(models.Model):
    """One row of a quarter's follow-up: a goal's (or a requirement's) result and status."""

    report = models.ForeignKey(
        QuarterReport,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("kvartalsopfølgning"),
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.PROTECT, related_name="entries", verbose_name=_("mål")
    )
    requirement = models.ForeignKey(
        Requirement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("resultatkrav"),
        # Indexed first in "entry_requirement_report" below, which serves this key too.
        db_index=False,
    )
    result_value = models.DecimalField(
        _("resultat (tal)"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    result_text = models.TextField(
        _("resultat (tekst)"),
        blank=True,
        max_length=REPORT_TEXT,
        validators=text_checks(REPORT_TEXT),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, blank=True)
    status_reason = models.TextField(
        _("begrundelse for status"),
        blank=True,
        help_text=_("Påkrævet, når status afviger fra den, tallet giver."),
        max_length=REPORT_TEXT,
        validators=text_checks(REPORT_TEXT),
    )
    ytd_value = models.DecimalField(
        _("år til dato (tal)"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    ytd_text = models.TextField(
        _("år til dato"), blank=True, max_length=REPORT_TEXT, validators=text_checks(REPORT_TEXT)
    )
    cause = models.TextField(
        _("årsag"), blank=True, max_length=REPORT_TEXT, validators=text_checks(REPORT_TEXT)
    )
    consequence = models.TextField(
        _("konsekvens"), blank=True, max_length=REPORT_TEXT, validators=text_checks(REPORT_TEXT)
    )
    action = models.TextField(
        _("handling"), blank=True, max_length=REPORT_TEXT, validators=text_checks(REPORT_TEXT)
    )
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ændret af"),
    )

    class Meta:
        verbose_name = _("statusindberetning")
        verbose_name_plural = _("statusindberetninger")
        ordering = ["report", "goal__order", "requirement__order"]
        indexes = [
            # The dashboards read the goal-level statuses (requirement NULL) of a year's
            # reports. With the requirement first, PostgreSQL takes this index for that
            # rather than scanning every goal-level entry of every year.
            models.Index(
                fields=["requirement", "report", "status"], name="entry_requirement_report"
            ),
            # What the dashboards read of a year's goal-level statuses, in the index itself:
            # PostgreSQL counts and lists them, with when each was changed, by an index-only
            # scan instead of visiting a table row for each. Key columns, not `include`, so
            # that SQLite builds the same index without a warning.
            models.Index(
                fields=["report", "status", "goal", "id", "updated_at"],
                condition=Q(requirement__isnull=True),
                name="entry_goal_level_status",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "goal"],
                condition=Q(requirement__isnull=True),
                name="entry_one_per_goal_per_quarter",
            ),
            models.UniqueConstraint(
                fields=["report", "requirement"],
                condition=Q(requirement__isnull=False),
                name="entry_one_per_requirement_per_quarter",
            ),
            choices_check("status", Status, "entry_status_valid", allow_blank=True),
        ]

    def __str__(self):
        return f"{self.report}: {self.requirement or self.goal}"

    def clean(self):
        errors = {}
        if self.report_id and self.goal_id and self.goal.plan_id != self.report.plan_id:
            errors["goal"] = _("Målet hører ikke til denne plan.")
        if self.requirement_id and self.goal_id and self.requirement.goal_id != self.goal_id:
            errors["requirement"] = _("Resultatkravet hører ikke til målet.")
        if errors:
            raise ValidationError(errors)


class RequirementVerdict(models.Model):
    """The year-end judgement of one requirement: met or not (opfyldt / ikke opfyldt)."""

    requirement = models.OneToOneField(
        Requirement,
        on_delete=models.PROTECT,
        related_name="verdict",
        verbose_name=_("resultatkrav"),
    )
    met = models.BooleanField(_("opfyldt"))
    reason = models.TextField(
        _("begrundelse"), blank=True, max_length=REPORT_TEXT, validators=text_checks(REPORT_TEXT)
    )
    decided_at = models.DateTimeField(_("afgjort"), auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afgjort af"),
    )

    class Meta:
        verbose_name = _("vurdering af resultatkrav")
        verbose_name_plural = _("vurderinger af resultatkrav")

    def __str__(self):
        return f"{self.requirement}: {'opfyldt' if self.met else 'ikke opfyldt'}"


class GoalVerdict(models.Model):
    """The year-end verdict on a goal: the rule's verdict and the department's final one."""

    goal = models.OneToOneField(
        Goal, on_delete=models.PROTECT, related_name="verdict", verbose_name=_("mål")
    )
    rule_verdict = models.CharField(
        _("regelens vurdering"), max_length=20, choices=Fulfilment.choices
    )
    verdict = models.CharField(_("endelig vurdering"), max_length=20, choices=Fulfilment.choices)
    reason = models.TextField(
        _("begrundelse"),
        blank=True,
        help_text=_("Påkrævet, når den endelige vurdering afviger."),
        max_length=REPORT_TEXT,
        validators=text_checks(REPORT_TEXT),
    )
    decided_at = models.DateTimeField(_("afgjort"), auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afgjort af"),
    )

    class Meta:
        verbose_name = _("vurdering af mål")
        verbose_name_plural = _("vurderinger af mål")
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict=F("rule_verdict")) | ~Q(reason=""),
                name="goal_verdict_override_needs_reason",
            ),
            choices_check("verdict", Fulfilment, "goal_verdict_valid"),
            choices_check("rule_verdict", Fulfilment, "goal_rule_verdict_valid"),
        ]

    def __str__(self):
        return f"{self.goal}: {self.get_verdict_display()}"


NAME_LENGTH = 300


def user_name(user):
    """A user as the history names them: the full name, or the username."""
    return (user.get_full_name() or user.get_username())[:NAME_LENGTH]


class HistoryQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Keep the name of whoever made each change, as `save` does (one query for the users)."""
        objs = list(objs)
        missing = [r for r in objs if r.changed_by_id and not r.changed_by_name]
        uncached = {r.changed_by_id for r in missing if not HistoryRecord.changed_by.is_cached(r)}
        users = {}
        if uncached:
            users = get_user_model().objects.in_bulk(uncached)
        for record in missing:
            user = users.get(record.changed_by_id) or record.changed_by
            record.changed_by_name = user_name(user)
        return super().bulk_create(objs, *args, **kwargs)


class HistoryRecord(models.Model):
    """One changed value of reported data: who, when, before and after (historik)."""

    Subject = HistorySubject

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="history", verbose_name=_("plan")
    )
    report = models.ForeignKey(
        QuarterReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="history",
        verbose_name=_("kvartalsopfølgning"),
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="history",
        verbose_name=_("mål"),
    )
    requirement = models.ForeignKey(
        Requirement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="history",
        verbose_name=_("resultatkrav"),
    )
    subject = models.CharField(_("emne"), max_length=30, choices=Subject.choices)
    field = models.CharField(_("felt"), max_length=50)
    before = models.TextField(_("før"), blank=True)
    after = models.TextField(_("efter"), blank=True)
    changed_at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ændret af"),
    )
    # Users are deactivated, not deleted; should one be deleted all the same, the history
    # still says who made the change.
    changed_by_name = models.CharField(
        _("ændret af (navn)"), max_length=NAME_LENGTH, blank=True, editable=False
    )
    # The report version this change produced, so a refused save can list what came after.
    report_version = models.PositiveIntegerField(_("version"), null=True, blank=True)

    objects = HistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ændring")
        verbose_name_plural = _("historik")
        ordering = ["-changed_at", "-id"]
        constraints = [
            choices_check("subject", HistorySubject, "history_subject_valid"),
            models.CheckConstraint(
                condition=~Q(subject="report") | Q(report__isnull=False),
                name="history_report_change_has_report",
            ),
            models.CheckConstraint(
                condition=Q(subject="report") | Q(goal__isnull=False),
                name="history_goal_change_has_goal",
            ),
        ]

    def __str__(self):
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.field}: {self.before} -> {self.after}"

    def save(self, *args, **kwargs):
        if self.changed_by_id and not self.changed_by_name:
            self.changed_by_name = user_name(self.changed_by)
        super().save(*args, **kwargs)

    @property
    def changed_by_display(self):
        """Who made the change: the user's name now, or the name kept if the user is gone."""
        if self.changed_by_id:
            return user_name(self.changed_by)
        return self.changed_by_name

    def _model_field(self):
        model = {
            HistorySubject.ENTRY: StatusEntry,
            HistorySubject.REPORT: QuarterReport,
            HistorySubject.REQUIREMENT_VERDICT: RequirementVerdict,
            HistorySubject.GOAL_VERDICT: GoalVerdict,
        }.get(self.subject)
        try:
            return model._meta.get_field(self.field) if model else None
        except FieldDoesNotExist:
            return None

    @property
    def field_label(self):
        field = self._model_field()
        return field.verbose_name if field else self.field

    def _display(self, raw):
        """A stored value as the reader's language writes it ("red" -> Rød, 95.5 -> 95,5)."""
        from goals.numbers import format_number

        field = self._model_field()
        if raw == "" or field is None:
            return raw
        if field.choices:
            return dict(field.flatchoices).get(raw, raw)
        if isinstance(field, models.BooleanField):
            return _("Ja") if raw == "True" else _("Nej")
        if isinstance(field, models.DecimalField):
            return format_number(raw)
        return raw

    @property
    def before_display(self):
        return self._display(self.before)

    @property
    def after_display(self):
        return self._display(self.after)
