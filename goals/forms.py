"""The forms of quarterly follow-up and the year end."""

import copy
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django import forms
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from goals.cells import Cell, escape
from goals.figures import Proposal, out_of_range, propose, quarter_target, takes_number
from goals.limits import PLAN_FILE_BYTES, REPORT_TEXT, no_control_characters
from goals.models import FigureKind, Fulfilment, FulfilmentRule, Status
from goals.numbers import LocalNumberField, format_number
from goals.planfile.reading import too_large
from goals.scoring import goal_status, rule_verdict, worst_status

RED_OR_YELLOW = (Status.RED, Status.YELLOW)


@lru_cache(maxsize=8)
def _at_most_in(limit, language):
    return gettext("Højst %(count)s tegn") % {"count": number_format(limit, force_grouping=True)}


def _at_most(limit):
    # Once per language: the quarter page shows it under some hundred fields.
    return _at_most_in(limit, get_language())


# "Højst 2.000 tegn", in the reader's language and way of writing numbers.
at_most = lazy(_at_most, str)


class ReportTextField(forms.CharField):
    """A reporter's or reviewer's free text: at most REPORT_TEXT characters, no control
    characters. A browser sends each line break as two characters and counts it as one
    against `maxlength`; counted here as one too, so text the field took is never refused."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", at_most(REPORT_TEXT))
        super().__init__(
            max_length=REPORT_TEXT, required=False, validators=[no_control_characters], **kwargs
        )

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _text(label, rows=2):
    return ReportTextField(label=label, widget=forms.Textarea(attrs={"rows": rows}))


class _RowFields(dict):
    """A row's fields, which each form copies as its own (Form.__init__ deep-copies them).

    A form of the quarter page changes its fields' labels, hints and `disabled`, never their
    widgets, choices or validators: a shallow copy of each field is enough, and a deep copy
    of some 125 fields with their widgets was a third of the cost of making the page's forms.
    """

    def __deepcopy__(self, memo):
        return {name: copy.copy(field) for name, field in self.items()}


class EntryForm(forms.Form):
    """One row of the quarter: a goal's follow-up, or one requirement's (or part's) result.

    The fields depend on the row. A goal has a text result, year to date, status (proposed
    from its requirements' statuses through its fulfilment rule), a reason when the status
    differs, cause, consequence and action. A requirement measured by a number has its number
    and status (proposed from the number) and a reason when the status differs; a level also
    a year to date if the institution reports one, a running total the total so far (either
    may be typed, the other follows), a single measurement nothing more. Other requirements
    have text.

    What cannot be read (a malformed number, a figure out of range, a text too long) is an
    error always; what is missing (a red or yellow goal's cause, consequence and action, the
    reason for another status than the proposed, a goal's status) only when the form is not
    a `draft`, and a goal's status only when `submitting`. A draft's form that is not valid
    still has in `cleaned_data` every field it could read, which is what a draft save keeps.
    """

    result_value = LocalNumberField(label=_("Resultat i kvartalet"), required=False)
    result_text = _text(_("Resultat i kvartalet"))
    status = forms.ChoiceField(
        label=_("Status"), choices=Status.choices, required=False, widget=forms.RadioSelect
    )
    status_reason = _text(_("Begrundelse for anden status end den foreslåede"), rows=1)
    ytd_value = LocalNumberField(label=_("År til dato"), required=False)
    ytd_text = _text(_("År til dato"))
    cause = _text(_("Årsag"))
    consequence = _text(_("Konsekvens"))
    action = _text(_("Handling"))

    # The fields of each kind of row, in the rows the quarter page shows them:
    # (field, Bootstrap column class).
    LAYOUTS = {
        "goal": (
            (("result_text", "col-md-6"), ("ytd_text", "col-md")),
            (("status", "col-12"),),
            (("status_reason", "col-12"),),
            (("cause", "col-md"), ("consequence", "col-md"), ("action", "col-md")),
        ),
        FigureKind.LEVEL: (
            (("result_value", "col-sm-4"), ("status", "col-sm-4"), ("ytd_value", "col-sm-4")),
            (("status_reason", "col-12"),),
        ),
        FigureKind.RUNNING_TOTAL: (
            (("result_value", "col-sm-4"), ("ytd_value", "col-sm-4"), ("status", "col-sm-4")),
            (("status_reason", "col-12"),),
        ),
        FigureKind.SINGLE: (
            (("result_value", "col-sm-6"), ("status", "col-sm-6")),
            (("status_reason", "col-12"),),
        ),
        "text": (
            (("result_text", "col-md-6"), ("ytd_text", "col-md")),
            (("status", "col-12"),),
        ),
    }

    LABELS = {
        FigureKind.LEVEL: {
            "result_value": _("Resultat i kvartalet"),
            "ytd_value": _("År til dato (hvis I opgør det)"),
        },
        FigureKind.RUNNING_TOTAL: {
            "result_value": _("Kvartalets bidrag"),
            "ytd_value": _("I alt år til dato (holdes op mod målet)"),
        },
        FigureKind.SINGLE: {"result_value": _("Årets måling")},
    }

    def __init__(
        self,
        *args,
        goal,
        requirement=None,
        entry=None,
        plan,
        quarter,
        submitting=False,
        draft=False,
        previous_total=None,
        requirement_forms=(),
        carried=(),
        **kwargs,
    ):
        self.goal, self.requirement = goal, requirement
        self.plan, self.quarter, self.submitting = plan, quarter, submitting
        # A draft saved from the page: missing causes, reasons and statuses are not asked for
        # (a figures workbook read in still is held to them, as it always was).
        self.draft = draft and not submitting
        self.numeric = requirement is not None and takes_number(requirement)
        if requirement is None:
            self.kind = "goal"
        else:
            self.kind = requirement.over_year if self.numeric else "text"
        self.previous_total = previous_total
        # The goal's: per requirement due, the forms that give its status (its parts' or its
        # own); and the statuses of its requirements not due this quarter.
        self.requirement_forms, self.carried = list(requirement_forms), list(carried)
        # Only this row's fields: Django copies every field of base_fields for each form,
        # and the quarter page has dozens of forms.
        names = [name for row in self.LAYOUTS[self.kind] for name, _width in row]
        self.base_fields = _RowFields((name, type(self).base_fields[name]) for name in names)
        initial = {name: getattr(entry, name) for name in names} if entry else {}
        prefix = f"r{requirement.pk}" if requirement else f"g{goal.pk}"
        super().__init__(*args, prefix=prefix, initial=initial, **kwargs)
        self.target = quarter_target(requirement, quarter) if self.numeric else None
        if self.numeric:
            for name, label in self.LABELS[self.kind].items():
                self.fields[name].label = label
            if requirement.unit_phrase:
                for name in ("result_value", "ytd_value"):
                    if name in self.fields:
                        self.fields[name].help_text = requirement.unit_phrase
        self.proposal = None
        if not self.is_bound:
            if self.numeric and entry:
                self.proposal = propose(
                    requirement, self.target, self._compared(entry), plan.status_tolerance
                )
            elif requirement is None:
                self.proposal = self._goal_proposal(
                    [[f.initial.get("status", "") for f in forms] for forms in requirement_forms]
                )

    def _compared(self, values):
        """The figure held against the target: the total so far for a running total."""
        get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
        return get("ytd_value") if self.kind == FigureKind.RUNNING_TOTAL else get("result_value")

    def _goal_proposal(self, statuses_per_requirement):
        statuses = [worst_status(statuses) for statuses in statuses_per_requirement]
        status = goal_status(
            self.goal.fulfilment_rule, self.goal.required_count, statuses + self.carried
        )
        if not status:
            return None
        return Proposal(
            status,
            _("Kravenes status giver %(status)s efter målets regel: %(rule)s.")
            % {
                "status": Status(status).label.lower(),
                "rule": FulfilmentRule(self.goal.fulfilment_rule).label.lower(),
            },
        )

    @property
    def rows(self):
        """The fields in the rows the quarter page shows, each as a Cell."""
        language = get_language()
        return [
            [
                Cell(
                    self[name],
                    width,
                    self._reason_wrapper() if name == "status_reason" else "",
                    language,
                )
                for name, width in row
            ]
            for row in self.LAYOUTS[self.kind]
        ]

    @property
    def fields_html(self):
        """The row's fields as the quarter page shows them, in Bootstrap rows.

        Written here rather than by a template per field or row: with twelve goals of three
        requirements the page has some 200 fields, and per-field templates made it the
        slowest page at the deadline.
        """
        # Safe: each Cell is built from escaped values only.
        return mark_safe(
            "".join(
                '<div class="row">\n' + "\n".join(cell.__html__() for cell in row) + "\n</div>\n"
                for row in self.rows
            )
        )

    def _reason_wrapper(self):
        shown = "true" if self.reason_shown else "false"
        return f' data-reason-box data-reason-shown="{shown}"'

    @property
    def reason_shown(self):
        """Whether the reason box is needed as the page opens: it has a message or text, or
        the status differs from the proposed one. The page's script hides it otherwise, and
        shows it as soon as the chosen status differs; without the script it is always there.
        """
        reason = self["status_reason"]
        if reason.errors or str(reason.value() or "").strip():
            return True
        status = self["status"].value()
        return bool(self.proposal and status and status != self.proposal.status)

    @property
    def proposed(self):
        """The proposed status ("" if none), for the page's script to compare with."""
        return self.proposal.status if self.proposal else ""

    def disable(self):
        for field in self.fields.values():
            field.disabled = True

    def clean(self):
        data = super().clean()
        if self.numeric:
            self._clean_figures(data)
            self.proposal = propose(
                self.requirement, self.target, self._compared(data), self.plan.status_tolerance
            )
        elif self.requirement is None:
            valid = all(form.is_valid() for forms in self.requirement_forms for form in forms)
            self.proposal = valid and self._goal_proposal(
                [[form.cleaned_data.get("status", "") for form in forms]
                 for forms in self.requirement_forms]
            )  # fmt: skip
        status = data.get("status", "")
        if self.proposal and not status:
            data["status"] = status = self.proposal.status
        # On the page what is missing blocks only the submit: a draft saves at any time.
        if self.draft:
            return data
        if self.proposal and status != self.proposal.status:
            if not data.get("status_reason", "").strip():
                self.add_error(
                    "status_reason",
                    _("Du har valgt %(chosen)s, men %(what)s giver %(proposed)s. Skriv, hvorfor.")
                    % {
                        "chosen": Status(status).label.lower(),
                        "what": _("tallet") if self.numeric else _("kravenes status"),
                        "proposed": self.proposal.status_label.lower(),
                    },
                )
        if self.requirement is None:
            if status in RED_OR_YELLOW:
                for name in ("cause", "consequence", "action"):
                    if not data.get(name, "").strip():
                        self.add_error(
                            name,
                            _("Skal udfyldes, når status er %(status)s.")
                            % {"status": Status(status).label.lower()},
                        )
            if self.submitting and not status:
                self.add_error("status", _("Vælg en status, før kvartalet indsendes."))
        return data

    def _clean_figures(self, data):
        """A running total's amount and total follow from each other; figures must fit the
        unit (a share of at most 100 pct., a score on its scale)."""
        if self.kind == FigureKind.RUNNING_TOTAL:
            previous = self.previous_total or Decimal(0)
            amount, total = data.get("result_value"), data.get("ytd_value")
            if amount is not None and total is not None and previous + amount != total:
                # Neither is saved: which of the two is wrong is the reporter's to say.
                data.pop("result_value")
                self.add_error(
                    "ytd_value",
                    _(
                        "I alt år til dato skal være summen af kvartalerne: %(previous)s før "
                        "dette kvartal + %(amount)s i kvartalet = %(sum)s. Ret det ene af tallene."
                    )
                    % {
                        "previous": format_number(previous),
                        "amount": format_number(amount),
                        "sum": format_number(previous + amount),
                    },
                )
            elif total is not None and amount is None:
                data["result_value"] = total - previous
            elif amount is not None:
                data["ytd_value"] = previous + amount
        for name in ("result_value", "ytd_value"):
            problem = out_of_range(self.requirement, data.get(name))
            if problem and name in self.fields:
                self.add_error(name, problem)

    @property
    def anchor(self):
        return f"row-{self.prefix}"

    @property
    def script_data(self):
        """A requirement's row as the page's script reads it (static/js/quarter.js): its kind,
        the proposed status, what its figure is held against and a running total's sum
        before the quarter. Written here, as the page has a few dozen such rows."""
        requirement = self.requirement
        attrs = {
            "requirement": requirement.pk,
            "part-of": requirement.part_of_id,
            "kind": self.kind,
            "proposed": self.proposed,
        }
        if self.target:
            attrs["comparator"] = self.target.comparator
            attrs["target"] = self.target.value
            attrs["tolerance"] = self.plan.status_tolerance
        attrs["previous-total"] = self.previous_total
        # Safe: every value is escaped.
        return mark_safe(
            "".join(
                f' data-{name}="{escape(value)}"'
                for name, value in attrs.items()
                if value is not None
            )
        )

    @property
    def typed(self):
        """The row's fields as posted, by name: what the user typed, read or not."""
        return {name: self.data.get(self.add_prefix(name), "") for name in self.fields}


@dataclass(frozen=True, slots=True)
class UnreadField:
    """A field of the quarter page a draft save could not read (a malformed number, a figure
    out of range, a text too long): left as it was saved, shown as typed with its messages."""

    form: EntryForm
    name: str

    @property
    def id(self):
        return self.form[self.name].auto_id

    @property
    def label(self):
        return self.form.fields[self.name].label

    @property
    def where(self):
        """The goal, and the requirement if it is one's: "Mål 1.1, 1)"."""
        where = gettext("Mål %(number)s") % {"number": self.form.goal.number}
        if self.form.requirement is not None:
            where += f", {self.form.requirement.name}"
        return where

    @property
    def messages(self):
        return self.form.errors[self.name]


def unread_fields(forms):
    """Every field of the bound forms that has a message, in page order."""
    return [
        UnreadField(form, name) for form in forms for name in form.fields if name in form.errors
    ]


class YearEndForm(forms.Form):
    """The year-end verdicts of a plan: each requirement met or not, each goal's final verdict.

    Fields are made per requirement (`met_<id>`) and goal (`verdict_<id>`, `reason_<id>`) of
    the page's rows (goals.selectors.year_end); a requirement's starts from its pre-fill.
    After validation `rule_verdicts` maps a goal id to the verdict its fulfilment rule gives.
    """

    MET_CHOICES = [("", _("Ikke vurderet")), ("yes", _("Opfyldt")), ("no", _("Ikke opfyldt"))]

    # The year-end version the page was built from (services.year_end_version); the
    # template writes it, since after a refused save it is the current one, not the posted.
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.goal_rows = rows
        self.rule_verdicts = {}
        for row in rows:
            for item in row.requirements:
                self.fields[item.met_field] = forms.ChoiceField(
                    label=item.requirement.name, choices=self.MET_CHOICES, required=False
                )
                met = item.prefill
                self.initial[item.met_field] = "" if met is None else ("yes" if met else "no")
            self.fields[row.verdict_field] = forms.ChoiceField(
                label=_("Endelig vurdering"),
                choices=[("", _("Som reglen giver"))] + list(Fulfilment.choices),
                required=False,
            )
            self.fields[row.reason_field] = ReportTextField(
                label=_("Begrundelse"), widget=forms.Textarea(attrs={"rows": 2})
            )
            if row.verdict:
                keep = row.verdict.verdict != row.verdict.rule_verdict
                self.initial[row.verdict_field] = row.verdict.verdict if keep else ""
                self.initial[row.reason_field] = row.verdict.reason

    def clean_version(self):
        # A page without one (older than the field) counts as built before any verdict.
        return self.cleaned_data["version"] or 0

    def met(self, requirement):
        value = self.cleaned_data.get(f"met_{requirement.pk}")
        return None if not value else value == "yes"

    def clean(self):
        data = super().clean()
        for row in self.goal_rows:
            goal = row.goal
            rule = rule_verdict(
                goal.fulfilment_rule,
                goal.required_count,
                [self.met(item.requirement) for item in row.requirements],
            )
            self.rule_verdicts[goal.pk] = rule
            final = data.get(row.verdict_field)
            if final and rule and final != rule and not data.get(row.reason_field, "").strip():
                self.add_error(
                    row.reason_field,
                    _("Begrund, hvorfor den endelige vurdering afviger fra reglens (%(rule)s).")
                    % {"rule": Fulfilment(rule).label.lower()},
                )
        return data


class FiguresUploadForm(forms.Form):
    """A quarter's figures workbook, filled in (goals.workbook)."""

    # A quarter's workbook unpacks to well under a megabyte; one that unpacks to more than
    # this is a zip bomb, not figures, and is refused before openpyxl opens it.
    UNPACKED_BYTES = 10 * PLAN_FILE_BYTES

    file = forms.FileField(
        label=_("Udfyldt talark (.xlsx)"),
        help_text=_("Hent arket ovenfor, udfyld det, og læs det ind her. Det gemmes som kladde."),
    )

    def clean_file(self):
        """A workbook over PLAN_FILE_BYTES, or one that unpacks to far more than any quarter's,
        is refused unopened."""
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > PLAN_FILE_BYTES:
            raise forms.ValidationError(too_large(), code="too_large")
        raw = upload.read(PLAN_FILE_BYTES + 1)
        upload.seek(0)
        refusal = self.refusal(raw)
        if refusal:
            raise forms.ValidationError(refusal, code="too_large")
        return upload

    @classmethod
    def refusal(cls, raw):
        """Why a workbook's bytes are refused unopened, or None: over PLAN_FILE_BYTES, or
        unpacking (by the sizes its zip directory declares, which zipfile holds it to) to more
        than UNPACKED_BYTES."""
        if len(raw) > PLAN_FILE_BYTES:
            return too_large()
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None  # not a zip at all: goals.workbook says it cannot be read
        if unpacked > cls.UNPACKED_BYTES:
            return _("Filen pakker ud til mere, end et talark kan fylde; den er ikke læst.")
        return None


class ReviewForm(forms.Form):
    """The department's comment when it returns or reopens a quarter."""

    comment = ReportTextField(label=_("Kommentar til institutionen"))
    # The report version the reviewer saw: approving or returning a quarter that changed
    # since is refused (services.StaleReview). Without it nothing is done.
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
