"""Who may do what with a plan, decided in one place.

A plan is found among the plans the user may see (`Plan.objects.visible_to`), so a user who
is not a member of its institution or ministry gets 404. A member who may see the plan but
lacks the right for the action gets 403.

- reporter of the institution: sees the plan, enters and submits its quarterly follow-up
  once the plan is agreed;
- planner of the institution: sees the plan, edits it while it is a draft, puts it forward,
  comments on it, and makes amendments to it once agreed;
- reviewer of the plan's ministry: sees the plan, approves, returns and reopens quarters,
  sets the year-end verdicts; edits, comments on and agrees the plan, approves amendments;
- administrator (superuser): may do all of it.

A ministry administrator manages the people of the ministry (goals/people); the role gives
no right on a plan by itself.

A ministry's dashboards follow the same rule (`ministry_access`): its department's reviewers
and administrators see them; a member of one of its institutions gets 403, anyone else 404.
Its own data (group-wide beacons and goals, institutions) follows it too
(`department_access`): the department keeps it, the ministry's administrators its
institutions.
"""

import json
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from goals.models import INSTITUTION_ROLES, MINISTRY_ROLES, Membership, Ministry, Plan

VIEW = "view"
REPORT = "report"
REVIEW = "review"
PLAN = "plan"
AGREE = "agree"


@dataclass(frozen=True, slots=True)
class Rights:
    """What a user who can see a plan may do with it beyond seeing it."""

    report: bool = False  # enter and submit its quarterly follow-up (an agreed plan only)
    review: bool = False  # approve, return and reopen quarters; set the year-end verdicts
    plan: bool = False  # edit the plan (a draft, or by an amendment), comment, put it forward
    agree: bool = False  # agree the plan, send it back to draft, approve amendments


@dataclass(frozen=True, slots=True)
class Role:
    """One of a user's memberships, as the access checks read it."""

    role: str
    institution_id: int | None
    ministry_id: int | None


def roles_of(user) -> tuple[Role, ...]:
    """The user's memberships, in one query."""
    if not user.is_authenticated:
        return ()
    return tuple(
        Role(*row)
        for row in Membership.objects.filter(user=user).values_list(
            "role", "institution_id", "ministry_id"
        )
    )


def request_roles(request) -> tuple[Role, ...]:
    """The memberships of the user of the request, read once however many parts of the page
    ask (the permission check, the header's counts, its link to the dashboards)."""
    if getattr(request, "_roles_user", None) is not request.user:
        request._roles, request._roles_user = roles_of(request.user), request.user
    return request._roles


def rights(user, plan, roles=None) -> Rights:
    """The rights a user holds on a plan they can see; `roles` as `roles_of` reads them (read
    here when not given)."""
    if not user.is_authenticated:
        return Rights()
    agreed = plan.is_agreed
    if user.is_superuser:
        return Rights(report=agreed, review=True, plan=True, agree=True)
    roles = {
        m.role
        for m in (roles_of(user) if roles is None else roles)
        if (m.role in INSTITUTION_ROLES and m.institution_id == plan.institution_id)
        or (m.role in MINISTRY_ROLES and m.ministry_id == plan.ministry_id)
    }
    department = Membership.Role.REVIEWER in roles
    return Rights(
        report=agreed and Membership.Role.REPORTER in roles,
        review=department,
        plan=department or Membership.Role.PLANNER in roles,
        agree=department,
    )


def has_right(user, plan, right):
    """Whether a user who can see the plan holds the right for an action on it."""
    if not user.is_authenticated:
        return False
    if right == VIEW:
        return user.is_superuser or Plan.objects.visible_to(user).filter(pk=plan.pk).exists()
    return getattr(rights(user, plan), right, False)


def get_plan_or_404(user, institution, year):
    return get_object_or_404(
        Plan.objects.visible_to(user).select_related("institution", "ministry"),
        institution__short_name=institution,
        year=year,
    )


UNSAVED_KEY = "unsaved-input"
# The most a session keeps of a form sent after it expired (its JSON, in bytes). A quarter
# page of 40 goals filled to the brim is well below; anything bigger is not a lost form.
KEPT_INPUT_BYTES = 64 * 1024


def plan_access(right=VIEW, *, post_right=None, keep_input=False):
    """Decorate a view taking `institution` and `year`: it receives `plan` instead.

    `right` is needed for every request, `post_right` in addition for POST. Anonymous
    visitors are sent to the login page. With `keep_input`, what an anonymous POST carried
    (a form sent after the session expired) is kept in the new session, so the page can put it
    back once the user has logged in again (`take_unsaved_input`); see `_keep_input`.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, institution, year, *args, **kwargs):
            if not request.user.is_authenticated:
                if keep_input and request.method == "POST":
                    _keep_input(request, institution, year, kwargs.get("quarter"))
                return redirect_to_login(request.get_full_path())
            plan = get_plan_or_404(request.user, institution, year)
            held = rights(request.user, plan, request_roles(request))
            needed = [right] + ([post_right] if post_right and request.method == "POST" else [])
            for each in needed:
                if each != VIEW and not getattr(held, each):
                    raise PermissionDenied
            # What the view and its template may offer the user (`rights.review`, ...).
            request.plan_rights = held
            return view(request, plan, *args, **kwargs)

        return wrapper

    return decorator


def _keep_input(request, institution, year, quarter):
    """Keep an anonymous POST's fields in the session, within bounds.

    Only a form for a page that exists (its plan, and a quarter 1-4 where the address has
    one) is kept, at most `KEPT_INPUT_BYTES` of it, and one form per session: a new one
    replaces the old. The visitor is not logged in, so the answer must not tell whether the
    plan exists: the message and the redirect are the same either way; only the size, which
    the visitor chose, changes the message.
    """
    fields = {
        key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"
    }
    # The old form goes whatever happens to the new one, so that what is kept afterwards
    # does not tell either whether the plan exists.
    request.session.pop(UNSAVED_KEY, None)
    size = len(json.dumps(fields, ensure_ascii=False).encode())
    if size > KEPT_INPUT_BYTES:
        messages.warning(
            request,
            _(
                "Din session er udløbet, og det, du sendte, var for stort til at blive "
                "gemt til bagefter. Log ind igen; intet er gemt."
            ),
        )
        return
    exists = (quarter is None or quarter in (1, 2, 3, 4)) and (
        Plan.objects.filter(institution__short_name=institution, year=year).exists()
    )
    # Written either way, so the session cookie is set either way; kept only if it exists.
    request.session[UNSAVED_KEY] = (
        {"path": request.path, "fields": fields} if exists else {"path": None, "fields": {}}
    )
    messages.warning(
        request,
        _(
            "Din session er udløbet. Log ind igen, så sættes det, du skrev, "
            "ind på siden igen. Det er ikke gemt endnu."
        ),
    )


def take_unsaved_input(request):
    """What the user typed before their session expired on this page, as a QueryDict, once."""
    kept = request.session.get(UNSAVED_KEY)
    if not kept or kept["path"] != request.path:
        return None
    del request.session[UNSAVED_KEY]
    data = QueryDict(mutable=True)
    for key, values in kept["fields"].items():
        data.setlist(key, values)
    return data


def ministry_access(view):
    """Decorate a view taking `ministry` (its short name): it receives the Ministry instead.

    The dashboards are the department's: reviewers of the ministry and administrators may
    open them. A reporter of one of its institutions gets 403, anyone else 404.
    """

    @wraps(view)
    def wrapper(request, ministry, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        # One query where access is granted: the ministries the user reviews, which the
        # dashboards' header lists too (`request.reviewed_ministries`, by name).
        reviewed = list(Ministry.objects.reviewed_by(request.user).order_by("name"))
        found = next((m for m in reviewed if m.short_name == ministry), None)
        if found is None:
            # 404 for a ministry the user does not belong to, 403 for one they do.
            get_object_or_404(Ministry.objects.visible_to(request.user), short_name=ministry)
            raise PermissionDenied
        request.reviewed_ministries = reviewed
        return view(request, found, *args, **kwargs)

    return wrapper


@dataclass(frozen=True, slots=True)
class DepartmentRights:
    """What a user may change of a ministry's own data (`department_access`)."""

    group_data: bool = False  # its group-wide beacons and goals: the department's
    institutions: bool = False  # its institutions: the department's and its administrators'


def department_access(*, administrators=False):
    """Decorate a view taking `ministry` (its short name): it receives the Ministry instead,
    and `request.department_rights` says what the user may change of its data.

    Like `ministry_access`, for the ministry's own data: its department's reviewers and
    superusers may open the view, with `administrators` its administrators
    (`Role.ADMIN`) too. A member of one of its institutions (or an administrator without
    `administrators`) gets 403, anyone else 404.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, ministry, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            found = get_object_or_404(
                Ministry.objects.visible_to(request.user), short_name=ministry
            )
            held = {
                m.role
                for m in request_roles(request)
                if m.role in MINISTRY_ROLES and m.ministry_id == found.pk
            }
            department = request.user.is_superuser or Membership.Role.REVIEWER in held
            administrator = department or Membership.Role.ADMIN in held
            if not (department or (administrators and administrator)):
                raise PermissionDenied
            request.department_rights = DepartmentRights(
                group_data=department, institutions=administrator
            )
            return view(request, found, *args, **kwargs)

        return wrapper

    return decorator
