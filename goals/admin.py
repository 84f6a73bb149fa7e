from django import forms
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from goals.accounts import check_email_free
from goals.limits import PLAN_FILE_BYTES
from goals.memberships import membership_errors
from goals.models import (
    Amendment,
    AmendmentChange,
    Goal,
    GoalVerdict,
    GroupGoal,
    HistoryRecord,
    Institution,
    Membership,
    Ministry,
    MinistryBeacon,
    Plan,
    PlanComment,
    PlanEvent,
    QuarterReport,
    QuarterTarget,
    Requirement,
    RequirementVerdict,
    Section,
    SeriesPoint,
    Signatory,
    StatusEntry,
)
from goals.planfile import PlanFileError, dump_plan, import_plan, read_plan_file
from goals.planfile.reading import read_at_most, too_large

NOT_DELETABLE = _("Kan ikke slettes: der er indberettet på det.")


class NotDeletable(forms.Widget):
    """Stands where the delete box would be, on a row that has been reported on."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html('<span class="help">{}</span>', NOT_DELETABLE)


class ReportedRowsFormSet(BaseInlineFormSet):
    """An inline whose rows that have been reported on offer no delete box.

    The database refuses to delete them anyway (PROTECT); without the box, ticking it cannot
    end in an error page. Which rows are reported on is found in one query for the whole inline;
    the model's queryset says how (`reported_on`).
    """

    @cached_property
    def reported_ids(self):
        return set(self.queryset.reported_on().values_list("pk", flat=True))

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields and form.instance.pk in self.reported_ids:
            # Disabled: whatever the request says, the row is kept.
            form.fields[DELETION_FIELD_NAME] = forms.BooleanField(
                label="", required=False, disabled=True, widget=NotDeletable
            )


class MinistryBeaconInline(admin.StackedInline):
    model = MinistryBeacon
    extra = 0
    fields = [("number", "order"), "title", "text"]


class GroupGoalInline(admin.TabularInline):
    model = GroupGoal
    extra = 0
    fields = ["code", "title", "description"]


@admin.register(Ministry)
class MinistryAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name"]
    search_fields = ["name", "short_name"]
    inlines = [MinistryBeaconInline, GroupGoalInline]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "ministry"]
    list_filter = ["ministry"]
    search_fields = ["name", "short_name"]


@admin.register(GroupGoal)
class GroupGoalAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "ministry"]
    list_filter = ["ministry"]
    search_fields = ["title", "code", "description"]


def _plan_of(obj):
    """The plan a row of the plan register belongs to (None for a row not yet made)."""
    if obj is None or obj.pk is None:
        return None
    if isinstance(obj, Plan):
        return obj
    if isinstance(obj, Goal):
        return obj.plan
    if isinstance(obj, Requirement):
        return obj.goal.plan
    if isinstance(obj, (QuarterTarget, SeriesPoint)):
        return obj.requirement.goal.plan
    return getattr(obj, "plan", None)


class LockedWhenAgreed:
    """An agreed plan is changed only by an amendment in the plan editor, where every change
    is kept with who, when, why, before and after; the admin shows its contents read-only.

    Used by the plan, goal and requirement admins and their inlines (whose `obj` is the row
    of the page they are on).
    """

    def _agreed(self, obj):
        plan = _plan_of(obj)
        return plan is not None and plan.is_agreed

    def has_change_permission(self, request, obj=None):
        return not self._agreed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._agreed(obj) and super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # The delete page and the bulk action: refused, saying why, for an agreed plan's rows.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(self._agreed(obj) for obj in objs):
            perms_needed = {
                *perms_needed,
                gettext("indholdet af en aftalt plan (det ændres ved en planændring)"),
            }
        return deleted, counts, perms_needed, protected


class LockedInline(LockedWhenAgreed):
    def has_add_permission(self, request, obj=None):
        return not self._agreed(obj) and super().has_add_permission(request, obj)


class SignatoryInline(LockedInline, admin.TabularInline):
    model = Signatory
    extra = 0
    fields = ["order", "name", "title", "organisation", "place", "date"]


class SectionInline(LockedInline, admin.StackedInline):
    model = Section
    extra = 0
    fields = [("kind", "number", "order"), "title", "text", "ministry_beacon"]
    show_change_link = True


class GoalInline(LockedInline, admin.TabularInline):
    model = Goal
    formset = ReportedRowsFormSet
    extra = 0
    fields = ["order", "number", "title", "section", "kind", "result_type", "reporting_quarters"]
    ordering = ["order"]
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only the plan's own beacons/sections.
        if db_field.name == "section":
            plan_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Section.objects.filter(plan_id=plan_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PlanFileForm(forms.Form):
    file = forms.FileField(
        label=_("Planfil"), help_text=_("YAML eller JSON som beskrevet i docs/plan-format.md.")
    )
    replace = forms.BooleanField(
        label=_("Erstat en eksisterende plan for samme institution og år"), required=False
    )

    def clean_file(self):
        """A file over PLAN_FILE_BYTES is refused unread."""
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > PLAN_FILE_BYTES:
            raise forms.ValidationError(too_large(), code="too_large")
        return upload


@admin.action(description=_("Hent planfil (YAML)"))
def download_plan_file(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(request, gettext("Vælg én plan ad gangen."), messages.WARNING)
        return None
    plan = queryset.select_related("institution", "ministry").get()
    response = HttpResponse(dump_plan(plan), content_type="application/yaml; charset=utf-8")
    filename = f"{plan.institution.short_name.lower()}-{plan.year}.yaml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.register(Plan)
class PlanAdmin(LockedWhenAgreed, admin.ModelAdmin):
    change_list_template = "admin/goals/plan/change_list.html"
    actions = [download_plan_file]
    list_display = ["institution", "year", "title", "ministry", "state", "scoring_method"]
    list_filter = ["year", "state", "ministry", "institution"]
    search_fields = ["title", "institution__name", "institution__short_name"]
    list_select_related = ["institution", "ministry"]
    ordering = ["-year", "institution__name"]
    inlines = [SectionInline, GoalInline, SignatoryInline]
    fieldsets = [
        (
            None,
            {"fields": ["institution", "ministry", "year", "title", ("valid_from", "valid_to")]},
        ),
        (
            _("Tekster"),
            {"fields": ["introduction", "strategic_context", "vision", "narrative", "agreement"]},
        ),
        (
            _("Opfølgning og opgørelse"),
            {
                "fields": [
                    "reporting_schedule",
                    ("reporting_quarters", "deadline_days", "status_tolerance"),
                    ("scoring_method", "partial_score"),
                    "scoring_note",
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        # A plan made here is a draft, like one made in the browser, until it is agreed.
        if not change:
            obj.state = Plan.State.DRAFT
        super().save_model(request, obj, form, change)

    def get_urls(self):
        import_view = self.admin_site.admin_view(self.import_view)
        return [path("import/", import_view, name="goals_plan_import"), *super().get_urls()]

    def import_view(self, request):
        """Import a plan file; list every problem, or write the whole plan."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        problems = []
        form = PlanFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                raw = read_at_most(form.cleaned_data["file"])
                checked = read_plan_file(raw, replace=form.cleaned_data["replace"])
            except PlanFileError as exc:
                problems = exc.problems
            else:
                plan = import_plan(checked)
                self.message_user(
                    request,
                    gettext("Planen %(plan)s er importeret med %(count)d mål.")
                    % {"plan": plan, "count": plan.goals.count()},
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:goals_plan_change", args=[plan.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Importér planfil"),
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/goals/plan/import.html", context)


class QuarterTargetInline(LockedInline, admin.TabularInline):
    model = QuarterTarget
    extra = 0


class SeriesPointInline(LockedInline, admin.TabularInline):
    model = SeriesPoint
    extra = 0


# A requirement's fields as the admin shows them, how its figure runs through the year too.
REQUIREMENT_FIELDS = [
    ("number", "order", "measure"),
    ("part_of", "label"),
    "text",
    ("comparator", "target_value", "unit", "unit_text"),
    ("figure_kind", "runs_as", "decimals"),
    ("scale_min", "scale_max"),
    ("deadline", "deadline_text"),
    ("reference", "reference_value"),
    ("reporting_quarters", "precondition"),
]


class RequirementFields:
    """What the requirement admin and the goal's inline of requirements share."""

    fields = REQUIREMENT_FIELDS
    readonly_fields = ["runs_as"]

    @admin.display(description=_("tallet over året (gældende)"))
    def runs_as(self, requirement):
        """The figure kind in effect: the one set, or the default its unit and measure give."""
        kind = requirement.over_year
        return Requirement.FigureKind(kind).label if kind else "–"


@admin.register(Requirement)
class RequirementAdmin(LockedWhenAgreed, RequirementFields, admin.ModelAdmin):
    list_display = ["__str__", "measure", "comparator", "target_value", "unit", "figure_kind"]
    fields = ["goal", *REQUIREMENT_FIELDS]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A part belongs to a requirement of the same goal.
        if db_field.name == "part_of":
            object_id = request.resolver_match.kwargs.get("object_id")
            goal = Requirement.objects.filter(pk=object_id).values("goal")
            kwargs["queryset"] = Requirement.objects.filter(goal__in=goal, part_of=None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    list_filter = ["measure", "unit", "goal__plan__year", "goal__plan__institution"]
    search_fields = ["text", "number", "goal__number", "goal__title"]
    ordering = ["goal__plan", "goal__order", "order"]
    list_select_related = ["goal"]
    inlines = [QuarterTargetInline, SeriesPointInline]


class RequirementInline(LockedInline, RequirementFields, admin.StackedInline):
    model = Requirement
    formset = ReportedRowsFormSet
    extra = 0
    ordering = ["order"]
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A part belongs to a requirement of the same goal.
        if db_field.name == "part_of":
            goal_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Requirement.objects.filter(goal_id=goal_id, part_of=None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Goal)
class GoalAdmin(LockedWhenAgreed, admin.ModelAdmin):
    list_display = ["goal_number", "title", "plan", "section", "kind", "result_type"]
    list_display_links = ["goal_number", "title"]
    list_filter = ["kind", "result_type", "plan__year", "plan__institution"]
    search_fields = ["number", "title", "description", "success_text"]
    ordering = ["plan", "order"]
    list_select_related = ["plan__institution", "section"]
    inlines = [RequirementInline]
    fieldsets = [
        (None, {"fields": ["plan", "section", ("number", "order"), "title", "group_goal"]}),
        (_("Beskrivelse"), {"fields": ["description", "success_text", "remarks"]}),
        (
            _("Type og opfølgning"),
            {
                "fields": [
                    ("kind", "result_type"),
                    ("reporting_quarters", "reporting_text"),
                    ("fulfilment_rule", "required_count", "weight"),
                ]
            },
        ),
    ]

    @admin.display(description=_("nr."), ordering="order")
    def goal_number(self, goal):
        # Sorting by plan order keeps "1.10" after "1.9" and lettered goals in place.
        return goal.number


class ReadOnly:
    """Reported data is changed in the app only, where every change goes into the history."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class StatusEntryInline(ReadOnly, admin.StackedInline):
    model = StatusEntry
    extra = 0


@admin.register(QuarterReport)
class QuarterReportAdmin(ReadOnlyAdmin):
    list_display = ["plan", "quarter", "state", "submitted_at", "reviewed_at"]
    list_filter = ["state", "quarter", "plan__year", "plan__institution"]
    search_fields = ["plan__institution__name", "plan__institution__short_name"]
    list_select_related = ["plan__institution"]
    inlines = [StatusEntryInline]


@admin.register(GoalVerdict)
class GoalVerdictAdmin(ReadOnlyAdmin):
    list_display = ["goal", "rule_verdict", "verdict", "decided_by", "decided_at"]
    list_filter = ["verdict", "goal__plan__year"]
    raw_id_fields = ["goal"]


@admin.register(RequirementVerdict)
class RequirementVerdictAdmin(ReadOnlyAdmin):
    list_display = ["requirement", "met", "decided_by", "decided_at"]
    list_filter = ["met"]
    raw_id_fields = ["requirement"]


@admin.register(HistoryRecord)
class HistoryRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "changed_at",
        "who",
        "plan",
        "goal",
        "subject",
        "field",
        "before",
        "after",
    ]
    list_filter = ["subject", "plan__year", "plan__institution"]
    search_fields = ["field", "before", "after", "changed_by__username", "changed_by_name"]
    list_select_related = ["changed_by", "plan__institution", "goal"]
    date_hierarchy = "changed_at"

    @admin.display(description=_("ændret af"), ordering="changed_by_name")
    def who(self, record):
        return record.changed_by_display or "–"


# The plan's agreement and amendments are made on the plan's pages, where each step is
# recorded; the admin only shows them.
class AmendmentChangeInline(ReadOnly, admin.TabularInline):
    model = AmendmentChange
    extra = 0
    fields = ["changed_at", "changed_by", "part", "name", "label", "before", "after"]
    readonly_fields = fields


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ["plan", "number", "state", "made_by", "created_at", "approved_at"]
    list_filter = ["state", "plan__year", "plan__institution"]
    search_fields = ["reason", "plan__institution__short_name"]
    list_select_related = ["plan__institution", "made_by"]
    inlines = [AmendmentChangeInline]


@admin.register(PlanEvent)
class PlanEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "plan", "kind", "actor", "comment"]
    list_filter = ["kind", "plan__year", "plan__institution"]
    list_select_related = ["plan__institution", "actor"]


@admin.register(PlanComment)
class PlanCommentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "plan", "goal", "author", "by_department", "text"]
    list_filter = ["by_department", "plan__year", "plan__institution"]
    search_fields = ["text"]
    list_select_related = ["plan__institution", "goal", "author"]


class MembershipForm(forms.ModelForm):
    """A membership, refused with a message on its field (not the constraint's name) when the
    role does not belong where it is given, or the user already holds it there."""

    class Meta:
        model = Membership
        fields = ["user", "role", "institution", "ministry"]

    def clean(self):
        cleaned = super().clean()
        for field, message in membership_errors(
            # In the user's inline, the user being edited (unsaved on the add page).
            user=cleaned.get("user"),
            role=cleaned.get("role"),
            institution=cleaned.get("institution"),
            ministry=cleaned.get("ministry"),
            exclude_pk=self.instance.pk,
        ).items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 0


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ["user", "role", "institution", "ministry"]
    list_filter = ["role", "ministry", "institution"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]


User = get_user_model()


@admin.action(description=_("Deaktivér valgte brugere"))
def deactivate_users(modeladmin, request, queryset):
    # Not oneself: an administrator who locks themself out needs another to get back in.
    count = queryset.exclude(pk=request.user.pk).filter(is_active=True).update(is_active=False)
    modeladmin.message_user(
        request,
        ngettext("%(count)d bruger er deaktiveret.", "%(count)d brugere er deaktiveret.", count)
        % {"count": count},
        messages.SUCCESS,
    )


# Why users are deactivated, never deleted: the history names whoever made each change, and
# the quarter reports and verdicts who submitted, approved or decided them.
USERS_ARE_KEPT = _(
    "Brugere slettes ikke, men deaktiveres: historikken og indberetningerne skal fortsat kunne "
    "vise, hvem der har gjort hvad. En deaktiveret bruger kan ikke logge ind."
)


class UserChangeForm(auth_forms.UserChangeForm):
    """Django's user form; an address another account has is refused on its field."""

    def clean_email(self):
        return check_email_free(self.cleaned_data.get("email"), user=self.instance)


class UserAdmin(auth_admin.UserAdmin):
    """Django's user admin without delete: a user who leaves is deactivated."""

    form = UserChangeForm
    actions = [deactivate_users]
    inlines = [MembershipInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {"subtitle": USERS_ARE_KEPT, **(extra_context or {})}
        return super().changelist_view(request, extra_context)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, UserAdmin)

admin.site.site_header = _("mrplan – administration")
admin.site.site_title = _("mrplan")
admin.site.index_title = _("Planregister og brugere")
