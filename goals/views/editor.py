"""The plan editor: every part of a plan edited in place (htmx), or page by page without
JavaScript. The writes are `goals.editing`'s; these views resolve, call and render."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from goals import editing, planning
from goals.editing import (
    GOAL,
    LEVELS,
    PART,
    PART_MEASURES,
    PLAN,
    QUARTER_TARGET_KEYS,
    REQUIREMENT,
)
from goals.editing.page import EditorPage, SectionRow, build_page, card_for, editor_base, lacks
from goals.permissions import PLAN as PLAN_RIGHT
from goals.permissions import plan_access


class LevelConverter:
    """The part of a plan an editor address is about: plan, afsnit, maal, krav, ..."""

    regex = "|".join(LEVELS)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


def _page_context(request, plan, page=None):
    page = page or build_page(plan, request.plan_rights)
    return {
        "plan": plan,
        "rights": request.plan_rights,
        "page": page,
        "amendment": page.amendment,
        "mode": page.mode,
        "comments_by_goal": page.comments_by_goal,
    }


# -- forms -----------------------------------------------------------------------------


@dataclass(slots=True)
class FormRow:
    """One field of an editor form: its value as typed, its messages, its options."""

    field: object
    value: object
    errors: list
    options: list

    @property
    def is_quarter_target(self):
        return self.field.key in QUARTER_TARGET_KEYS


@dataclass(slots=True)
class EditorForm:
    level: str
    obj: object
    rows: list
    action: str
    card_url: str
    version: str
    parent: str
    message: str = ""
    conflict: object = None
    quarter_rows: list = field(default_factory=list)
    # Messages about the row as a whole.
    other_errors: list = field(default_factory=list)

    @property
    def id(self):
        return f"edit-{self.level}-{self.obj.pk}" if self.obj.pk else f"new-{self.level}"

    @property
    def title(self):
        if self.obj.pk:
            return _("Ret %(what)s") % {"what": str(LEVELS[self.level].label).lower()}
        return _("Tilføj %(what)s") % {"what": str(LEVELS[self.level].label).lower()}

    @property
    def has_errors(self):
        return any(row.errors for row in self.rows) or bool(self.message)

    @property
    def measured(self):
        return self.level in (REQUIREMENT, PART)


def _options(level, f, plan, obj):
    if f.kind == editing.CHOICE:
        choices = list(f.choices)
        if level == PART and f.key == "measure":
            choices = [c for c in choices if c[0] in PART_MEASURES]
        blank = [] if f.key in ("measure", "kind") and level != GOAL else [("", "–")]
        if f.key in ("scoring.method", "fulfilment.rule"):
            blank = []
        return blank + [(str(value), str(label)) for value, label in choices]
    if f.kind == editing.REF:
        if f.key == "section":
            rows = plan.sections.order_by("order", "pk")
            return [("", _("Uden pejlemærke/afsnit"))] + [
                (str(s.pk), f"{s.number} {s.title}".strip()) for s in rows
            ]
        if f.key == "ministry_beacon":
            rows = plan.ministry.beacons.order_by("order", "pk")
            return [("", "–")] + [(b.number, f"{b.number} {b.title}") for b in rows]
        if f.key == "group_goal":
            rows = plan.ministry.group_goals.order_by("code")
            return [("", "–")] + [(g.code, g.title) for g in rows]
    if f.kind == editing.QUARTERS:
        return [(str(q), _("%(q)d. kvartal") % {"q": q}) for q in (1, 2, 3, 4)]
    return []


def build_form(level, plan, obj, values, errors=None, *, parent="", message="", conflict=None):
    base = editor_base(plan)
    errors = errors or {}
    rows = [
        FormRow(f, values.get(f.key, ""), errors.get(f.key, []), _options(level, f, plan, obj))
        for f in LEVELS[level].fields
    ]
    if obj.pk:
        action = f"{base}{level}/{obj.pk}/ret/"
        card_url = f"{base}{level}/{obj.pk}/"
        version = editing.version_of(level, obj)
    else:
        action = f"{base}{level}/ny/"
        card_url = ""
        version = ""
    # A measure's quarter targets' messages go with the quarter targets; any other message
    # not on one field (the row as a whole) with the form's own message.
    quarter_rows = [row for row in rows if row.is_quarter_target]
    if errors.get("quarter_targets") and quarter_rows:
        quarter_rows[0].errors = errors["quarter_targets"] + quarter_rows[0].errors
    placed = {row.field.key for row in rows} | ({"quarter_targets"} if quarter_rows else set())
    others = [text for key, texts in errors.items() if key not in placed for text in texts]
    return EditorForm(
        level,
        obj,
        [row for row in rows if not row.is_quarter_target],
        action,
        card_url,
        version,
        parent,
        message,
        conflict,
        quarter_rows,
        others,
    )


def _get_level(level):
    if level not in LEVELS:
        raise Http404
    return level


def _row_or_404(level, plan, pk):
    obj = editing.get_row(level, plan, pk)
    if obj is None:
        raise Http404
    return obj


def _render_form(request, plan, form, status=200):
    context = {**_page_context(request, plan, _light_page(request, plan)), "form": form}
    if request.htmx:
        return render(request, "goals/editor/_form.html", context)
    return render(request, "goals/editor/form_page.html", context, status=status)


def _light_page(request, plan):
    """What a form page needs of the page (its state and mode), without the plan's rows."""
    amendment = planning.open_amendment(plan)
    mode = planning.edit_mode(plan, request.plan_rights, amendment)
    return EditorPage(
        plan=plan,
        rights=request.plan_rights,
        mode=mode,
        amendment=amendment,
        read_only="" if mode else editing.read_only_reason(plan, request.plan_rights),
        base=editor_base(plan),
        plan_card=None,
        sections=[],
        loose=SectionRow(None),
        signatories=[],
        comments_by_goal={},
    )


def _card_response(request, plan, level, obj):
    """After a save: the card (htmx), or the editor page at the card."""
    if request.htmx:
        editable = planning.edit_mode(plan, request.plan_rights) is not None
        rows = list(editing.siblings(level, obj)) if LEVELS[level].movable else [obj]
        index = next((i for i, row in enumerate(rows) if row.pk == obj.pk), 0)
        card = card_for(
            level,
            obj,
            editor_base(plan),
            editable,
            first=index == 0,
            last=index == len(rows) - 1,
            refused=editing.deletion_refused(level, obj) if level != PLAN else "",
            warning=lacks(obj, list(obj.parts.all()), list(obj.series.all()))
            if level == REQUIREMENT
            else "",
        )
        return render(request, "goals/editor/_card.html", {"card": card, "plan": plan})
    return redirect(f"{editor_base(plan)}#edit-{level}-{obj.pk}")


def _body_response(request, plan, anchor=""):
    """After an addition, a deletion or a move: the editor's body (htmx) or its page."""
    if request.htmx:
        response = render(request, "goals/editor/_body.html", _page_context(request, plan))
        return reswap(retarget(response, "#editor-body"), "outerHTML")
    return redirect(f"{editor_base(plan)}{'#' + anchor if anchor else ''}")


# -- the views -------------------------------------------------------------------------


@plan_access(PLAN_RIGHT)
def plan_edit(request, plan):
    return render(request, "goals/editor/page.html", _page_context(request, plan))


@plan_access(PLAN_RIGHT)
def card(request, plan, level, pk):
    level = _get_level(level)
    obj = _row_or_404(level, plan, pk)
    if not request.htmx:
        return redirect(f"{editor_base(plan)}#edit-{level}-{obj.pk}")
    return _card_response(request, plan, level, obj)


@plan_access(PLAN_RIGHT)
def edit(request, plan, level, pk):
    level = _get_level(level)
    obj = _row_or_404(level, plan, pk)
    if request.method != "POST":
        return _render_form(
            request, plan, build_form(level, plan, obj, editing.form_values(level, obj))
        )
    values = editing.read_form(level, request.POST)
    try:
        saved = editing.save(
            plan=plan,
            user=request.user,
            rights=request.plan_rights,
            level=level,
            values=values,
            pk=obj.pk,
            version=request.POST.get("version", ""),
        )
    except editing.Invalid as exc:
        form = build_form(level, plan, obj, values, exc.errors, message=exc.message)
        return _render_form(request, plan, form)
    except editing.Conflict as exc:
        fresh = _row_or_404(level, plan, pk)
        form = build_form(level, plan, fresh, values, message=exc.message, conflict=exc)
        return _render_form(request, plan, form, status=409)
    except editing.EditError as exc:
        form = build_form(level, plan, obj, values, message=exc.message)
        return _render_form(request, plan, form, status=409)
    if not request.htmx:
        messages.success(request, _("Gemt: %(name)s.") % {"name": editing.row_name(level, saved)})
    if level == PLAN:
        plan = saved
    return _card_response(request, plan, level, saved)


@plan_access(PLAN_RIGHT)
def new(request, plan, level):
    level = _get_level(level)
    if level == PLAN:
        raise Http404
    parent = request.POST.get("parent") if request.method == "POST" else request.GET.get("parent")
    parent = parent or ""
    try:
        blank = editing.new_row(level, plan, editing.parent_row(level, plan, parent))
    except editing.EditError:
        raise Http404 from None
    if request.method != "POST":
        values = editing.form_values(level, blank)
        if level == GOAL and parent:
            values["section"] = parent
        return _render_form(request, plan, build_form(level, plan, blank, values, parent=parent))
    values = editing.read_form(level, request.POST)
    try:
        saved = editing.save(
            plan=plan,
            user=request.user,
            rights=request.plan_rights,
            level=level,
            values=values,
            parent_pk=parent or None,
        )
    except editing.Invalid as exc:
        form = build_form(
            level, plan, blank, values, exc.errors, parent=parent, message=exc.message
        )
        return _render_form(request, plan, form)
    except editing.EditError as exc:
        form = build_form(level, plan, blank, values, parent=parent, message=exc.message)
        return _render_form(request, plan, form, status=409)
    if not request.htmx:
        messages.success(
            request, _("Tilføjet: %(name)s.") % {"name": editing.row_name(level, saved)}
        )
    return _body_response(request, plan, f"edit-{level}-{saved.pk}")


@plan_access(PLAN_RIGHT)
def delete(request, plan, level, pk):
    level = _get_level(level)
    obj = _row_or_404(level, plan, pk)
    if request.method != "POST":
        context = {
            **_page_context(request, plan, _light_page(request, plan)),
            "level": level,
            "obj": obj,
            "name": editing.row_name(level, obj),
            "refused": editing.deletion_refused(level, obj),
        }
        return render(request, "goals/editor/delete.html", context)
    try:
        name = editing.delete(
            plan=plan, user=request.user, rights=request.plan_rights, level=level, pk=obj.pk
        )
    except editing.EditError as exc:
        messages.error(request, exc.message)
        return _body_response(request, plan, f"edit-{level}-{obj.pk}")
    messages.success(request, _("Slettet: %(name)s.") % {"name": name})
    return _body_response(request, plan)


@require_POST
@plan_access(PLAN_RIGHT)
def move(request, plan, level, pk):
    level = _get_level(level)
    obj = _row_or_404(level, plan, pk)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    try:
        editing.move(
            plan=plan,
            user=request.user,
            rights=request.plan_rights,
            level=level,
            pk=obj.pk,
            direction=direction,
        )
    except editing.EditError as exc:
        messages.error(request, exc.message)
    return _body_response(request, plan, f"edit-{level}-{obj.pk}")


@require_POST
@plan_access(PLAN_RIGHT)
def reorder(request, plan, level):
    level = _get_level(level)
    try:
        pks = [int(pk) for pk in request.POST.getlist("order")]
    except ValueError:
        pks = []
    try:
        editing.reorder(
            plan=plan, user=request.user, rights=request.plan_rights, level=level, pks=pks
        )
    except editing.EditError as exc:
        messages.error(request, exc.message)
    return _body_response(request, plan)
