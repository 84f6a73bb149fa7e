"""The people pages of a ministry (/personer/), for its administrators and superusers, and
the page where an invited person sets their password (/konto/invitation/...)."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from goals.models import Institution, Membership, Ministry
from goals.permissions import request_roles
from people import services
from people.forms import DEPARTMENT, InviteForm, RoleForm
from people.invitations import inviter_name, token_matches
from people.models import Invitation, InvitationState
from people.selectors import administered_by, held_in, people_of, people_rows, person_row


def people_access(view):
    """Decorate a view taking `ministry` (its short name): it receives the Ministry.

    Its administrators and superusers may open it; another member of the ministry (of its
    department or one of its institutions) gets 403, anyone else 404.
    """

    @wraps(view)
    def wrapper(request, ministry, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        found = administered_by(request.user).filter(short_name=ministry).first()
        if found is None:
            get_object_or_404(Ministry.objects.visible_to(request.user), short_name=ministry)
            raise PermissionDenied
        return view(request, found, *args, **kwargs)

    return wrapper


def index(request):
    """The ministries whose people the user manages; straight to the one if only one."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    ministries = list(administered_by(request.user).order_by("name"))
    if not ministries:
        if request_roles(request):
            raise PermissionDenied
        raise Http404
    if len(ministries) == 1 and not request.user.is_superuser:
        return redirect("people:list", ministry=ministries[0].short_name)
    return render(request, "people/index.html", {"ministries": ministries})


def _institutions(ministry):
    return list(Institution.objects.filter(ministry=ministry).order_by("name"))


@people_access
def people_list(request, ministry):
    institutions = _institutions(ministry)
    chosen = request.GET.get("institution", "")
    institution = next((i for i in institutions if i.short_name == chosen), None)
    department = chosen == DEPARTMENT
    rows = people_rows(ministry, institution=institution, department=department)
    return render(
        request,
        "people/list.html",
        {
            "ministry": ministry,
            "rows": rows,
            "institutions": institutions,
            "chosen": chosen if (institution or department) else "",
            "department_value": DEPARTMENT,
        },
    )


@people_access
def invite(request, ministry):
    institutions = _institutions(ministry)
    form = InviteForm(request.POST or None, ministry=ministry, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.invite(
                ministry=ministry,
                by=request.user,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=data["role"],
                institution=data.get("institution") if form.at_institution else None,
                language=data["language"],
            )
        except services.PeopleError as error:
            form.add_error(error.field, error.message)
        else:
            name = result.user.get_full_name() or result.user.email
            if result.created:
                messages.success(
                    request, _("%(name)s er inviteret. Invitationen sendes nu.") % {"name": name}
                )
            elif result.invitation:
                messages.success(
                    request,
                    _("%(name)s havde allerede en konto; rollen er tilføjet, og en ny "
                      "invitation sendes.") % {"name": name},
                )  # fmt: skip
            else:
                messages.success(
                    request,
                    _("%(name)s havde allerede en konto; rollen er tilføjet.") % {"name": name},
                )
            return redirect("people:person", ministry=ministry.short_name, user_id=result.user.pk)
    return render(
        request,
        "people/invite.html",
        {"ministry": ministry, "form": form, "invitation_days": settings.INVITATION_DAYS},
    )


def _person(ministry, user_id):
    return get_object_or_404(people_of(ministry), pk=user_id)


def _person_page(request, ministry, person, role_form=None, status=200):
    row = person_row(ministry, person)
    role_form = role_form or RoleForm(
        ministry=ministry, institutions=_institutions(ministry), person=person
    )
    return render(
        request,
        "people/person.html",
        {
            "ministry": ministry,
            "row": row,
            "person": row.user,
            "role_form": role_form,
            "invitations": row.user.latest_invitations,
            "account_refusal": services.may_change_account(
                by=request.user, person=row.user, ministry=ministry
            ),
        },
        status=status,
    )


@people_access
def person(request, ministry, user_id):
    return _person_page(request, ministry, _person(ministry, user_id))


@require_POST
@people_access
def add_role(request, ministry, user_id):
    who = _person(ministry, user_id)
    form = RoleForm(
        request.POST, ministry=ministry, institutions=_institutions(ministry), person=who
    )
    if form.is_valid():
        try:
            services.add_role(
                ministry=ministry,
                user=who,
                role=form.cleaned_data["role"],
                institution=form.cleaned_data.get("institution") if form.at_institution else None,
            )
        except services.PeopleError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Rollen er tilføjet."))
            return redirect("people:person", ministry=ministry.short_name, user_id=who.pk)
    return _person_page(request, ministry, who, role_form=form)


@require_POST
@people_access
def remove_role(request, ministry, user_id, membership_id):
    who = _person(ministry, user_id)
    membership = Membership.objects.filter(held_in(ministry), user=who, pk=membership_id).first()
    if membership is None:
        messages.info(request, _("Rollen var allerede fjernet."))
    else:
        try:
            services.remove_role(ministry=ministry, by=request.user, membership=membership)
        except services.PeopleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Rollen er fjernet."))
    return redirect("people:person", ministry=ministry.short_name, user_id=who.pk)


def _set_active(request, ministry, user_id, active):
    who = _person(ministry, user_id)
    try:
        services.set_active(ministry=ministry, by=request.user, user=who, active=active)
    except services.PeopleError as error:
        messages.error(request, error.message)
    else:
        name = who.get_full_name() or who.username
        messages.success(
            request,
            (_("%(name)s er genaktiveret.") if active else _("%(name)s er deaktiveret."))
            % {"name": name},
        )
    return redirect("people:person", ministry=ministry.short_name, user_id=who.pk)


@require_POST
@people_access
def deactivate(request, ministry, user_id):
    return _set_active(request, ministry, user_id, active=False)


@require_POST
@people_access
def reactivate(request, ministry, user_id):
    return _set_active(request, ministry, user_id, active=True)


@require_POST
@people_access
def resend(request, ministry, user_id):
    who = _person(ministry, user_id)
    try:
        services.resend_invitation(ministry=ministry, by=request.user, user=who)
    except services.PeopleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("En ny invitation sendes nu. Det gamle link virker ikke mere."))
    return redirect("people:person", ministry=ministry.short_name, user_id=who.pk)


def accept(request, invitation_id, token):
    """The link of an invitation: the invited person chooses a password and is logged in.

    A link that cannot be used says why (used, replaced, expired, account deactivated) and
    whom to ask; a wrong token says only that the link is not valid.
    """
    invitation = (
        Invitation.objects.select_related("user", "invited_by", "ministry")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not token_matches(invitation, token):
        return _link_problem(request, None, "invalid")
    newest = not invitation.user.invitations.filter(created_at__gt=invitation.created_at).exists()
    state = invitation.state(newest=newest)
    if state != InvitationState.PENDING:
        return _link_problem(request, invitation, state)
    if not invitation.user.is_active:
        return _link_problem(request, invitation, "inactive")
    if not settings.PASSWORD_LOGIN:
        # Only sign-on lets anyone in: the account is ready, the page points there.
        return render(
            request,
            "people/accept.html",
            {"invitation": invitation, "form": None, "inviter": inviter_name(invitation)},
        )
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(
                invitation=invitation, password=form.cleaned_data["new_password1"]
            )
        except services.PeopleError:
            return _link_problem(request, invitation, InvitationState.ACCEPTED)
        invitation.user.refresh_from_db()
        login(request, invitation.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Velkommen. Din adgangskode er gemt, og du er logget ind."))
        return redirect("goals:home")
    return render(
        request,
        "people/accept.html",
        {"invitation": invitation, "form": form, "inviter": inviter_name(invitation)},
    )


def _link_problem(request, invitation, problem):
    return render(
        request,
        "people/link_problem.html",
        {
            "invitation": invitation,
            "problem": problem,
            "inviter": inviter_name(invitation) if invitation else "",
            "inviter_email": invitation.invited_by.email
            if invitation and invitation.invited_by
            else "",
            "now": timezone.now(),
        },
    )
