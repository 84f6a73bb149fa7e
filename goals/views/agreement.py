"""The plan as an agreement: its state and steps, the comments while it is negotiated, and
the amendments once it is agreed (docs/agreement.md).

Everyone who sees the plan sees its agreement page. Its steps are POSTs: putting a draft
forward, commenting and amending need `Rights.plan` (the institution's planners and the
department), sending back, agreeing and approving an amendment `Rights.agree` (the
department). A refused step says why on the page and keeps what the user typed.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from goals import planning
from goals.agreement import agreement_page
from goals.agreement_forms import AgreeForm, AmendmentForm, CommentForm, SendBackForm, StepForm
from goals.models import Amendment
from goals.permissions import AGREE, PLAN, plan_access


def _agreement_url(plan):
    return reverse("goals:agreement", args=[plan.institution.short_name, plan.year])


def _back(request, plan, anchor=""):
    """Where a step returns to: the page it was taken on (`next`, on this site), or the
    agreement page."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = _agreement_url(plan)
    return redirect(f"{target}{anchor}" if anchor and "#" not in target else target)


def _render(request, plan, status=200, **bound):
    """The agreement page; `bound` holds the forms that were sent and refused, with what the
    user typed and the messages on their fields."""
    page = agreement_page(plan)
    rights = request.plan_rights
    seen = {"seen": plan.state}
    forms = {
        "propose_form": StepForm(initial=seen, prefix="propose"),
        "send_back_form": SendBackForm(initial=seen, prefix="send_back"),
        "agree_form": AgreeForm(initial=seen, prefix="agree", signatories=page.signatories),
        "comment_form": CommentForm(prefix="comment"),
        "amendment_form": AmendmentForm(prefix="amendment"),
    }
    forms.update(bound)
    return render(
        request,
        "goals/agreement/page.html",
        {
            "plan": plan,
            "rights": rights,
            "page": page,
            "amendment": page.amendment,
            "mode": planning.edit_mode(plan, rights, page.amendment),
            "comments_by_goal": page.comments_by_goal,
            **forms,
        },
        status=status,
    )


@require_GET
@plan_access()
def agreement(request, plan):
    return _render(request, plan)


def _refused(request, plan, error, **bound):
    messages.error(request, str(error))
    return _render(request, plan, **bound)


def _step(request, plan, form, name, act, done):
    """A step of the plan towards agreement: `act(cleaned_data)` when the form (shown as
    `name` on the page) is valid; the page again with the form and why, when it is not or the
    plan's state refuses the step; otherwise `done` said and back to where the user was."""
    if not form.is_valid():
        return _refused(request, plan, _("Intet er gjort: ret det markerede."), **{name: form})
    try:
        act(form.cleaned_data)
    except planning.PlanningError as error:
        return _refused(request, plan, error, **{name: form})
    messages.success(request, done)
    return _back(request, plan)


@require_POST
@plan_access(PLAN)
def propose(request, plan):
    return _step(
        request,
        plan,
        StepForm(request.POST, prefix="propose"),
        "propose_form",
        lambda data: planning.propose(
            plan=plan, user=request.user, comment=data["comment"], seen=data["seen"]
        ),
        _("Planen er sendt til godkendelse hos departementet."),
    )


@require_POST
@plan_access(AGREE)
def send_back(request, plan):
    return _step(
        request,
        plan,
        SendBackForm(request.POST, prefix="send_back"),
        "send_back_form",
        lambda data: planning.send_back(
            plan=plan, user=request.user, comment=data["comment"], seen=data["seen"]
        ),
        _("Planen er sendt tilbage til udkast."),
    )


@require_POST
@plan_access(AGREE)
def agree(request, plan):
    form = AgreeForm(
        request.POST, prefix="agree", signatories=plan.signatories.order_by("order", "pk")
    )
    return _step(
        request,
        plan,
        form,
        "agree_form",
        lambda data: planning.agree(
            plan=plan,
            user=request.user,
            signatory_dates=form.signatory_dates(),
            comment=data["comment"],
            seen=data["seen"],
        ),
        _("Planen er aftalt. Kvartalsopfølgningen er åben for institutionen."),
    )


@require_POST
@plan_access(PLAN)
def comment(request, plan):
    form = CommentForm(request.POST, prefix="comment")
    goal = None
    if form.is_valid() and form.cleaned_data["goal"] is not None:
        goal = plan.goals.filter(pk=form.cleaned_data["goal"]).first()
        if goal is None:
            raise Http404
    if not form.is_valid():
        # The form again with what was typed, where it was typed: on its goal, or the plan's.
        refused = _("Kommentaren er ikke gemt: ret det markerede.")
        return _refused(request, plan, refused, **_comment_forms(form))
    try:
        planning.add_comment(
            plan=plan,
            user=request.user,
            text=form.cleaned_data["text"],
            goal=goal,
            by_department=request.plan_rights.agree,
        )
    except planning.PlanningError as error:
        return _refused(request, plan, error, **_comment_forms(form))
    messages.success(request, _("Kommentaren er gemt."))
    return _back(request, plan, f"#goal-comments-{goal.pk}" if goal else "#plan-comments")


def _comment_forms(form):
    """The refused comment as the page's plan comment form, or as its goal's form."""
    goal = form.data.get("comment-goal") or ""
    if goal.isdigit():
        return {"refused_goal_comment": form, "refused_goal_id": int(goal)}
    return {"comment_form": form}


@require_POST
@plan_access(PLAN)
def start_amendment(request, plan):
    form = AmendmentForm(request.POST, prefix="amendment")
    if not form.is_valid():
        return _refused(
            request, plan, _("Ændringen er ikke begyndt: ret det markerede."), amendment_form=form
        )
    try:
        amendment = planning.start_amendment(
            plan=plan, user=request.user, reason=form.cleaned_data["reason"]
        )
    except planning.PlanningError as error:
        return _refused(request, plan, error, amendment_form=form)
    messages.success(
        request,
        _(
            "Planændring %(number)d er begyndt. Hver ændring gemmes med før og efter, "
            "til du afslutter den."
        )
        % {"number": amendment.number},
    )
    return _back(request, plan)


def _amendment(plan, number):
    return get_object_or_404(Amendment, plan=plan, number=number)


@require_POST
@plan_access(PLAN)
def close_amendment(request, plan, number):
    amendment = _amendment(plan, number)
    by_department = request.plan_rights.agree
    try:
        planning.close_amendment(
            amendment=amendment, user=request.user, by_department=by_department
        )
    except planning.PlanningError as error:
        messages.error(request, str(error))
        return _back(request, plan)
    if by_department:
        messages.success(request, _("Ændringen er afsluttet og godkendt."))
    else:
        messages.success(
            request, _("Ændringen er afsluttet. Den afventer nu departementets godkendelse.")
        )
    return _back(request, plan)


@require_POST
@plan_access(AGREE)
def approve_amendment(request, plan, number):
    amendment = _amendment(plan, number)
    try:
        planning.approve_amendment(amendment=amendment, user=request.user)
    except planning.PlanningError as error:
        messages.error(request, str(error))
        return _back(request, plan)
    messages.success(request, _("Ændringen er godkendt."))
    return _back(request, plan)
