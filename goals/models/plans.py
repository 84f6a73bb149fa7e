"""A plan and what it holds: headings, goals, requirements and their targets."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from goals.limits import PLAN_TEXT, no_control_characters
from goals.models.choices import (
    HANDED_IN_STATES,
    Comparator,
    FigureKind,
    FulfilmentRule,
    GoalKind,
    Measure,
    PlanState,
    ResultType,
    ScoringMethod,
    SectionKind,
    Unit,
)
from goals.models.common import (
    QUARTER_SETS,
    QuarterSetField,
    choices_check,
    quarter_end,
    text_checks,
    text_to_quarters,
)
from goals.models.organisations import GroupGoal, Institution, Membership, Ministry, MinistryBeacon


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Plans the user may see: their institution's, or every plan of their ministry."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        memberships = Membership.objects.filter(user=user)
        return self.filter(
            Q(
                institution__in=memberships.filter(
                    role__in=(Membership.Role.REPORTER, Membership.Role.PLANNER)
                ).values("institution")
            )
            | Q(ministry__in=memberships.filter(role=Membership.Role.REVIEWER).values("ministry"))
        )


def _reported_on(target):
    """A condition on goals or requirements (`target`): is anything reported on the row,
    a status entry, a verdict or a history record, its parts' included."""
    from goals.models.follow_up import GoalVerdict, HistoryRecord, RequirementVerdict, StatusEntry

    outer = OuterRef("pk")
    if target == "goal":
        return (
            Exists(StatusEntry.objects.filter(goal=outer))
            | Exists(GoalVerdict.objects.filter(goal=outer))
            | Exists(RequirementVerdict.objects.filter(requirement__goal=outer))
            | Exists(HistoryRecord.objects.filter(goal=outer))
        )
    # The requirement's own rows and its parts' asked apart: an OR of the two in one subquery
    # keeps the database from using either index, and scans every status entry of every plan.
    return (
        Exists(StatusEntry.objects.filter(requirement=outer))
        | Exists(StatusEntry.objects.filter(requirement__part_of=outer))
        | Exists(RequirementVerdict.objects.filter(requirement=outer))
        | Exists(RequirementVerdict.objects.filter(requirement__part_of=outer))
        | Exists(HistoryRecord.objects.filter(requirement=outer))
        | Exists(HistoryRecord.objects.filter(requirement__part_of=outer))
    )


class GoalQuerySet(models.QuerySet):
    def reported_on(self):
        """Goals with status entries, verdicts or history: they can never be deleted."""
        return self.filter(_reported_on("goal"))


class RequirementQuerySet(models.QuerySet):
    def reported_on(self):
        """Requirements (or their parts) with status entries, a verdict or history."""
        return self.filter(_reported_on("requirement"))


class Plan(models.Model):
    """One institution's performance plan for one year (mål- og resultatplan)."""

    ScoringMethod = ScoringMethod

    State = PlanState

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="plans", verbose_name=_("institution")
    )
    # Institutions move between ministries; a plan stays with the ministry it was agreed with.
    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("ministerium"),
        help_text=_("Det ministerium, planen er indgået med."),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    title = models.CharField(_("titel"), max_length=300, validators=[no_control_characters])
    valid_from = models.DateField(_("gælder fra"))
    valid_to = models.DateField(_("gælder til"))
    introduction = models.TextField(
        _("indledning"), blank=True, max_length=PLAN_TEXT, validators=text_checks(PLAN_TEXT)
    )
    strategic_context = models.TextField(
        _("strategisk ramme"),
        blank=True,
        help_text=_(
            "Ministeriets koncernfælles strategiske ramme for året, som den står i planen."
        ),
        max_length=PLAN_TEXT,
        validators=text_checks(PLAN_TEXT),
    )
    vision = models.TextField(
        _("vision"), blank=True, max_length=PLAN_TEXT, validators=text_checks(PLAN_TEXT)
    )
    narrative = models.TextField(
        _("grundfortælling"), blank=True, max_length=PLAN_TEXT, validators=text_checks(PLAN_TEXT)
    )
    reporting_schedule = models.TextField(
        _("opfølgning"),
        blank=True,
        help_text=_("Hvordan og hvornår der følges op, som det står i planen."),
        max_length=PLAN_TEXT,
        validators=text_checks(PLAN_TEXT),
    )
    reporting_quarters = QuarterSetField(
        _("afrapporteringskvartaler"),
        default="1234",
        help_text=_("De kvartaler, planen som udgangspunkt afrapporteres i, fx 1234 eller 24."),
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("frist (kalenderdage efter kvartalets udløb)"),
        null=True,
        blank=True,
        help_text=_("Tom, hvis planen ikke fastsætter en frist."),
    )
    scoring_method = models.CharField(
        _("opgørelsesmetode"),
        max_length=20,
        choices=ScoringMethod.choices,
        default=ScoringMethod.BINARY,
    )
    status_tolerance = models.DecimalField(
        _("tolerance for gul (pct. af målværdien)"),
        max_digits=5,
        decimal_places=2,
        default=5,
        help_text=_(
            "Et tal, der er inden for så mange procent af målværdien fra at nå den, giver gul; "
            "længere fra giver rød."
        ),
    )
    partial_score = models.PositiveSmallIntegerField(
        _("point for delvist opfyldt (pct. af målets vægt)"),
        default=50,
        help_text=_("Bruges kun ved delvis opgørelse."),
    )
    scoring_note = models.TextField(
        _("opgørelse (tekst)"), blank=True, max_length=PLAN_TEXT, validators=text_checks(PLAN_TEXT)
    )
    agreement = models.TextField(
        _("aftale"), blank=True, max_length=PLAN_TEXT, validators=text_checks(PLAN_TEXT)
    )
    follow_up_template = models.BooleanField(
        _("planen gengiver skabelonen for opfølgning"),
        default=False,
        help_text=_(
            "Sæt kryds, hvis den trykte plan har skabelonen for opfølgning og afrapportering "
            "som tabel; så står den også i planens dokument."
        ),
    )

    # A plan made in the browser starts as a draft; one loaded from a plan file is agreed.
    state = models.CharField(
        _("tilstand"), max_length=20, choices=PlanState.choices, default=PlanState.AGREED
    )
    agreed_at = models.DateTimeField(_("aftalt"), null=True, blank=True)
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("sidste års plan"),
        help_text=_("Den plan, denne plan er lavet ud fra."),
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("mål- og resultatplan")
        verbose_name_plural = _("mål- og resultatplaner")
        ordering = ["-year", "institution__name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="plan_institution_year"),
            models.CheckConstraint(
                condition=Q(valid_from__lte=F("valid_to")), name="plan_valid_period_order"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2200), name="plan_year_range"
            ),
            models.CheckConstraint(
                condition=~Q(reporting_quarters="") & Q(reporting_quarters__in=QUARTER_SETS),
                name="plan_reporting_quarters_valid",
            ),
            models.CheckConstraint(
                condition=Q(partial_score__lte=100), name="plan_partial_score_percent"
            ),
            models.CheckConstraint(
                condition=Q(status_tolerance__gte=0, status_tolerance__lte=100),
                name="plan_status_tolerance_percent",
            ),
            choices_check("scoring_method", ScoringMethod, "plan_scoring_method_valid"),
            choices_check("state", PlanState, "plan_state_valid"),
        ]

    def __str__(self):
        return f"{self.institution.short_name} {self.year}"

    @property
    def quarters(self):
        return text_to_quarters(self.reporting_quarters)

    @property
    def is_agreed(self):
        """Agreed plans are locked (changed only by an amendment), and only they are followed up."""
        return self.state == PlanState.AGREED

    def quarter_end(self, quarter):
        return quarter_end(self.year, quarter)

    def has_reported_data(self):
        """Whether anything is reported on the plan: a quarter's follow-up, a verdict, history.

        Such a plan can never be deleted or replaced by a plan file.
        """
        return self.reports.exists() or self.history.exists() or self.goals.reported_on().exists()

    def deadline_for(self, quarter):
        """The quarter's reporting deadline by the plan's rule, or None if it sets none."""
        if self.deadline_days is None:
            return None
        return self.quarter_end(quarter) + datetime.timedelta(days=self.deadline_days)

    def is_overdue(self, quarter, report=None, today=None):
        """Whether the quarter's report is due by the plan's rule and not handed in in time."""
        deadline = self.deadline_for(quarter)
        if deadline is None or str(quarter) not in self.reporting_quarters:
            return False
        if report is not None and report.state in HANDED_IN_STATES:
            return False
        return (today or timezone.localdate()) > deadline


class Signatory(models.Model):
    """One of the people who sign the plan (påtegning)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("plan")
    )
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    name = models.CharField(_("navn"), max_length=200, validators=[no_control_characters])
    title = models.CharField(_("stilling"), max_length=200, validators=[no_control_characters])
    organisation = models.CharField(
        _("organisation"), max_length=200, blank=True, validators=[no_control_characters]
    )
    place = models.CharField(
        _("sted"), max_length=100, blank=True, validators=[no_control_characters]
    )
    date = models.DateField(_("dato"), null=True, blank=True)

    class Meta:
        verbose_name = _("underskriver")
        verbose_name_plural = _("underskrivere")
        ordering = ["plan", "order"]

    def __str__(self):
        return f"{self.name}, {self.title}"


class Section(models.Model):
    """An ordered heading that goals sit under: a beacon (pejlemærke) or section (afsnit)."""

    Kind = SectionKind

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="sections", verbose_name=_("plan")
    )
    kind = models.CharField(_("art"), max_length=10, choices=Kind.choices, default=Kind.BEACON)
    number = models.CharField(
        _("nummer"), max_length=20, blank=True, validators=[no_control_characters]
    )
    order = models.PositiveIntegerField(_("rækkefølge"), default=0)
    title = models.CharField(_("titel"), max_length=300, validators=[no_control_characters])
    text = models.TextField(
        _("tekst"), blank=True, max_length=PLAN_TEXT, validators=text_checks(PLAN_TEXT)
    )
    ministry_beacon = models.ForeignKey(
        MinistryBeacon,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sections",
        verbose_name=_("koncernfælles pejlemærke"),
        help_text=_("Det koncernfælles pejlemærke, som dette pejlemærke udmønter."),
    )

    class Meta:
        verbose_name = _("pejlemærke eller afsnit")
        verbose_name_plural = _("pejlemærker og afsnit")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "title"], name="section_title_unique"),
            models.UniqueConstraint(
                fields=["plan", "kind", "number"],
                condition=~Q(number=""),
                name="section_number_unique",
            ),
            choices_check("kind", SectionKind, "section_kind_valid"),
        ]

    def __str__(self):
        return self.title


class Goal(models.Model):
    """A goal of a plan (mål), with the requirements that decide whether it is met."""

    Kind = GoalKind

    ResultType = ResultType

    FulfilmentRule = FulfilmentRule

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan")
    )
    # RESTRICT: a heading with goals cannot be deleted alone, but goes with its plan.
    section = models.ForeignKey(
        Section,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("pejlemærke/afsnit"),
    )
    group_goal = models.ForeignKey(
        GroupGoal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("koncernfælles mål"),
    )
    number = models.CharField(
        _("nummer"),
        max_length=20,
        help_text=_('Som i planen, fx "1.1" eller "A".'),
        validators=[no_control_characters],
    )
    order = models.PositiveIntegerField(_("rækkefølge"), default=0)
    title = models.CharField(_("titel"), max_length=300, validators=[no_control_characters])
    description = models.TextField(
        _("beskrivelse"), blank=True, max_length=PLAN_TEXT, validators=text_checks(PLAN_TEXT)
    )
    success_text = models.TextField(
        _("målet er nået, når"), blank=True, max_length=PLAN_TEXT, validators=text_checks(PLAN_TEXT)
    )
    kind = models.CharField(
        _("type"),
        max_length=20,
        choices=Kind.choices,
        blank=True,
        help_text=_("Tom, hvis planen ikke angiver, om målet er drift, udvikling eller fælles."),
    )
    result_type = models.CharField(
        _("måltype"), max_length=20, choices=ResultType.choices, blank=True
    )
    reporting_quarters = QuarterSetField(
        _("afrapporteringskvartaler"),
        default="1234",
        help_text=_("Fx 1234 for kvartalsvis, 4 for kun 4. kvartal, 24 for 2. og 4. kvartal."),
    )
    reporting_text = models.CharField(
        _("afrapportering (tekst)"),
        max_length=300,
        blank=True,
        help_text=_('Som i planen, fx "Målet afrapporteres kvartalsvist."'),
        validators=[no_control_characters],
    )
    fulfilment_rule = models.CharField(
        _("opfyldelsesregel"),
        max_length=20,
        choices=FulfilmentRule.choices,
        default=FulfilmentRule.ALL,
    )
    required_count = models.PositiveSmallIntegerField(
        _("antal krav, der mindst skal opfyldes"),
        null=True,
        blank=True,
        help_text=_("K i reglen 'mindst K af N'. Kun for den regel."),
    )
    weight = models.DecimalField(
        _("vægt"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Tom: alle mål vejer lige meget."),
    )
    remarks = models.TextField(
        _("bemærkninger"), blank=True, max_length=PLAN_TEXT, validators=text_checks(PLAN_TEXT)
    )
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("sidste års mål"),
        help_text=_("Målet i sidste års plan, som dette mål er videreført fra."),
    )

    objects = GoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = pgettext_lazy("plural", "mål")
        ordering = ["plan", "order"]
        constraints = [
            # Some plans number goals afresh under each section ("Mål 1" twice), so a number
            # is unique within its section, and within the plan for goals outside any section.
            models.UniqueConstraint(
                fields=["plan", "section", "number"],
                condition=Q(section__isnull=False),
                name="goal_number_unique_in_section",
            ),
            models.UniqueConstraint(
                fields=["plan", "number"],
                condition=Q(section__isnull=True),
                name="goal_number_unique_in_plan",
            ),
            models.CheckConstraint(condition=~Q(number=""), name="goal_number_not_blank"),
            models.CheckConstraint(
                condition=~Q(reporting_quarters="") & Q(reporting_quarters__in=QUARTER_SETS),
                name="goal_reporting_quarters_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        fulfilment_rule="at_least",
                        required_count__isnull=False,
                        required_count__gte=1,
                    )
                    | (~Q(fulfilment_rule="at_least") & Q(required_count__isnull=True))
                ),
                name="goal_required_count_with_rule",
            ),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | Q(weight__gt=0), name="goal_weight_positive"
            ),
            choices_check("kind", GoalKind, "goal_kind_valid", allow_blank=True),
            choices_check("result_type", ResultType, "goal_result_type_valid", allow_blank=True),
            choices_check("fulfilment_rule", FulfilmentRule, "goal_fulfilment_rule_valid"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def clean(self):
        errors = {}
        if self.section_id and self.plan_id and self.section.plan_id != self.plan_id:
            errors["section"] = _("Pejlemærket/afsnittet hører til en anden plan.")
        if (
            self.group_goal_id
            and self.plan_id
            and self.group_goal.ministry_id != self.plan.ministry_id
        ):
            errors["group_goal"] = _("Det koncernfælles mål hører til et andet ministerium.")
        if self.fulfilment_rule == self.FulfilmentRule.AT_LEAST and not self.required_count:
            errors["required_count"] = _("Angiv, hvor mange krav der mindst skal opfyldes.")
        if self.fulfilment_rule != self.FulfilmentRule.AT_LEAST and self.required_count:
            errors["required_count"] = _("Antal krav bruges kun med reglen 'mindst K af N'.")
        if self.pk and self.required_count:
            total = self.requirements.filter(part_of=None).count()
            if self.required_count > total:
                errors["required_count"] = _(
                    "Målet har kun %(total)d resultatkrav; der kan ikke kræves %(k)d."
                ) % {"total": total, "k": self.required_count}
        if errors:
            raise ValidationError(errors)

    @property
    def quarters(self):
        return text_to_quarters(self.reporting_quarters)

    def is_due_in(self, quarter):
        return str(quarter) in self.reporting_quarters


# Units whose amounts add up over the year when the plan asks for "at least" so many.
TOTAL_UNITS = (Unit.MIO_KR, Unit.MIA_KR, Unit.HOURS, Unit.COUNT)


def default_figure_kind(measure, unit, comparator):
    """How a number runs through the year when the plan does not say: as a reader would take it.

    Amounts, hours and counts with "at least" are running totals ("a total outflow of 29
    mia. kr.", "at least 50 letters rewritten"); shares, scores, days, counts per month and
    anything held within plus-minus are levels. Only numeric measures have a kind.
    """
    if measure not in (Measure.THRESHOLD, Measure.CUMULATIVE):
        return ""
    if unit in TOTAL_UNITS and comparator == Comparator.AT_LEAST:
        return FigureKind.RUNNING_TOTAL
    return FigureKind.LEVEL


# The words that follow a number in each unit, as the plans write them: "95 pct.", "4,0 point",
# "50 klager pr. måned" (a count names what it counts in the requirement's unit_text).
UNIT_WORDS = {
    Unit.PERCENT: _("pct."),
    Unit.POINTS: _("point"),
    Unit.DAYS: _("dage"),
    Unit.WORKDAYS: _("hverdage"),
    Unit.COUNT: "",
    Unit.COUNT_PER_MONTH: _("pr. måned"),
    Unit.HOURS: _("timer"),
    Unit.MIO_KR: _("mio. kr."),
    Unit.MIA_KR: _("mia. kr."),
}


class Requirement(models.Model):
    """A numbered condition under a goal and how it is measured (resultatkrav, delmål)."""

    Measure = Measure

    Comparator = Comparator

    Unit = Unit

    FigureKind = FigureKind

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("mål")
    )
    # A requirement with two or more thresholds in one sentence ("telefon min. 4,0 og mail
    # min. 3,2") has a part for each; it is met only when every part is.
    part_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("del af kravet"),
    )
    label = models.CharField(
        _("betegnelse"),
        max_length=100,
        blank=True,
        help_text=_('Kun for en del af et krav: hvad delen måler, fx "telefon".'),
        validators=[no_control_characters],
    )
    number = models.CharField(
        _("nummer"),
        max_length=20,
        blank=True,
        help_text=_('Som i planen, fx "1)" eller "ii)".'),
        validators=[no_control_characters],
    )
    order = models.PositiveIntegerField(_("rækkefølge"), default=0)
    text = models.TextField(_("tekst"), max_length=PLAN_TEXT, validators=text_checks(PLAN_TEXT))
    measure = models.CharField(
        _("måling"), max_length=20, choices=Measure.choices, default=Measure.TEXT
    )
    comparator = models.CharField(
        _("sammenligning"), max_length=20, choices=Comparator.choices, blank=True
    )
    target_value = models.DecimalField(
        _("målværdi"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    unit = models.CharField(_("enhed"), max_length=20, choices=Unit.choices, blank=True)
    unit_text = models.CharField(
        _("enhed (tekst)"),
        max_length=100,
        blank=True,
        help_text=_(
            'Ord, der står sammen med enheden, fx "på en skala fra 1-5" (4,0 point på en skala '
            'fra 1-5) eller "klager" (50 klager pr. måned).'
        ),
        validators=[no_control_characters],
    )
    figure_kind = models.CharField(
        _("tallet over året"),
        max_length=20,
        choices=FigureKind.choices,
        blank=True,
        help_text=_(
            "Hvordan et tal løber gennem året: et niveau, en løbende sum eller en enkelt måling. "
            "Tom: som enheden og målingen lægger op til."
        ),
    )
    decimals = models.PositiveSmallIntegerField(
        _("decimaler"),
        default=0,
        help_text=_("Tal vises med mindst så mange decimaler, som planen skriver målet med."),
    )
    scale_min = models.DecimalField(
        _("skala fra"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    scale_max = models.DecimalField(
        _("skala til"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    deadline = models.DateField(_("frist"), null=True, blank=True)
    deadline_text = models.CharField(
        _("frist (tekst)"),
        max_length=200,
        blank=True,
        help_text=_('Som i planen, fx "senest ved udgangen af 3. kvartal 2024".'),
        validators=[no_control_characters],
    )
    reference = models.CharField(
        _("reference"),
        max_length=300,
        blank=True,
        help_text=_('Det, et relativt mål sammenlignes med, fx "statens gennemsnit".'),
        validators=[no_control_characters],
    )
    reference_value = models.DecimalField(
        _("referenceværdi"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    reporting_quarters = QuarterSetField(
        _("egne afrapporteringskvartaler"),
        help_text=_("Tom: som målet."),
    )
    precondition = models.TextField(
        _("forudsætning"), blank=True, max_length=PLAN_TEXT, validators=text_checks(PLAN_TEXT)
    )
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("sidste års resultatkrav"),
    )

    objects = RequirementQuerySet.as_manager()

    class Meta:
        verbose_name = _("resultatkrav")
        verbose_name_plural = pgettext_lazy("plural", "resultatkrav")
        ordering = ["goal", "order"]
        constraints = [
            # Bullet-point requirements carry no number, so only written numbers must differ.
            models.UniqueConstraint(
                fields=["goal", "number"],
                condition=~Q(number=""),
                name="requirement_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(reporting_quarters__in=QUARTER_SETS),
                name="requirement_reporting_quarters_valid",
            ),
            models.CheckConstraint(
                condition=~Q(measure="threshold")
                | (Q(target_value__isnull=False) & ~Q(comparator="") & ~Q(unit="")),
                name="requirement_threshold_complete",
            ),
            models.CheckConstraint(
                condition=~Q(measure="milestone")
                | Q(deadline__isnull=False)
                | ~Q(deadline_text=""),
                name="requirement_milestone_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(measure="relative") | (~Q(reference="") & ~Q(comparator="")),
                name="requirement_relative_has_reference",
            ),
            models.CheckConstraint(
                condition=~Q(measure="cumulative") | (~Q(comparator="") & ~Q(unit="")),
                name="requirement_cumulative_has_unit",
            ),
            models.CheckConstraint(
                condition=~Q(measure="series") | ~Q(unit=""), name="requirement_series_has_unit"
            ),
            models.CheckConstraint(
                condition=Q(part_of__isnull=True) | ~Q(label=""), name="requirement_part_has_label"
            ),
            models.CheckConstraint(
                condition=Q(decimals__lte=4), name="requirement_decimals_at_most_four"
            ),
            models.CheckConstraint(
                condition=Q(scale_min__isnull=True)
                | Q(scale_max__isnull=True)
                | Q(scale_min__lt=F("scale_max")),
                name="requirement_scale_order",
            ),
            choices_check("measure", Measure, "requirement_measure_valid"),
            choices_check("comparator", Comparator, "requirement_comparator_valid", True),
            choices_check("unit", Unit, "requirement_unit_valid", allow_blank=True),
            choices_check("figure_kind", FigureKind, "requirement_figure_kind_valid", True),
        ]

    def __str__(self):
        return f"{self.goal.number} {self.name}".strip()

    @property
    def name(self):
        """How a reader tells the requirement from its siblings: its printed number ("2)"),
        or for an unnumbered one its place and first words ("krav 2 »Der er etableret …«");
        a part adds its label ("2) telefon")."""
        if self.part_of_id:
            return f"{self.part_of.name} {self.label}".strip()
        if self.number:
            return self.number
        words = self.text.split()
        opening = " ".join(words[:5]) + (" …" if len(words) > 5 else "")
        if self.order:
            return _("krav %(position)d »%(words)s«") % {
                "position": self.order,
                "words": opening,
            }
        return _("krav »%(words)s«") % {"words": opening}

    @property
    def unit_phrase(self):
        """What follows a number of this requirement, as Danish prose: "pct.", "point på en
        skala fra 1-5", "klager pr. måned", "mia. kr.". See UNIT_WORDS."""
        word = str(UNIT_WORDS.get(self.unit, ""))
        extra = self.unit_text
        if not extra:
            return word
        if not word or word.lower().rstrip(".") in extra.lower():
            # The plan's own words already name the unit ("dages faglig udvikling").
            return extra
        if self.unit == Unit.COUNT_PER_MONTH:
            return f"{extra} {word}"
        return f"{word} {extra}"

    @property
    def unit_word(self):
        """The unit as a result beside its target needs it: "pct.", "point", "mia. kr.";
        a count keeps the words that say what it counts ("klager pr. måned")."""
        if self.unit in (Unit.COUNT, Unit.COUNT_PER_MONTH):
            return self.unit_phrase
        return str(UNIT_WORDS.get(self.unit, ""))

    @property
    def over_year(self):
        """How the requirement's figure runs through the year: its figure kind as set, or the
        default its measure, unit and comparator give (blank for a requirement without one)."""
        return self.figure_kind or default_figure_kind(self.measure, self.unit, self.comparator)

    @property
    def own_quarters(self):
        """The quarters this requirement is reported in, as text ("24"): its own, its whole
        requirement's (for a part) or its goal's."""
        if self.reporting_quarters:
            return self.reporting_quarters
        if self.part_of_id and self.part_of.reporting_quarters:
            return self.part_of.reporting_quarters
        return self.goal.reporting_quarters

    @property
    def quarters(self):
        return text_to_quarters(self.own_quarters)

    def is_due_in(self, quarter):
        return str(quarter) in self.own_quarters


class QuarterTarget(models.Model):
    """The target a cumulative requirement must reach by the end of a quarter (kvartalsmål)."""

    requirement = models.ForeignKey(
        Requirement,
        on_delete=models.CASCADE,
        related_name="quarter_targets",
        verbose_name=_("resultatkrav"),
    )
    quarter = models.PositiveSmallIntegerField(_("kvartal"))
    target_value = models.DecimalField(_("målværdi"), max_digits=14, decimal_places=4)

    class Meta:
        verbose_name = _("kvartalsmål")
        verbose_name_plural = pgettext_lazy("plural", "kvartalsmål")
        ordering = ["requirement", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "quarter"], name="quarter_target_unique"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="quarter_target_quarter_range"
            ),
        ]

    def __str__(self):
        return f"{self.quarter}. kvartal: {self.target_value}"


class SeriesPoint(models.Model):
    """One year of a requirement's multi-year target and result (flerårig serie)."""

    requirement = models.ForeignKey(
        Requirement,
        on_delete=models.CASCADE,
        related_name="series",
        verbose_name=_("resultatkrav"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    target_value = models.DecimalField(
        pgettext_lazy("target", "mål"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    target_text = models.CharField(
        pgettext_lazy("target", "mål (tekst)"),
        max_length=200,
        blank=True,
        validators=[no_control_characters],
    )
    result_value = models.DecimalField(
        _("resultat"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    result_text = models.CharField(
        _("resultat (tekst)"), max_length=200, blank=True, validators=[no_control_characters]
    )

    class Meta:
        verbose_name = _("serieår")
        verbose_name_plural = pgettext_lazy("plural", "serieår")
        ordering = ["requirement", "year"]
        constraints = [
            models.UniqueConstraint(fields=["requirement", "year"], name="series_year_unique"),
        ]

    def __str__(self):
        return str(self.year)
