"""What makes a membership possible, said in words: the rule the database's constraints keep
(`membership_role_scope`, the unique role per place), checked before saving so a form can put
the message on its field. The admin's membership form and the people pages both ask here."""

from django.utils.translation import gettext as _

from goals.models import INSTITUTION_ROLES, Membership, Role


def wrong_place_message(role: str) -> str:
    """Why `role` cannot be held where it was given."""
    return {
        Role.REPORTER: _("En indberetter hører til en institution, ikke et ministerium."),
        Role.PLANNER: _("En planlægger hører til en institution, ikke et ministerium."),
        Role.REVIEWER: _(
            "En godkender i departementet hører til et ministerium, ikke en institution."
        ),
        Role.ADMIN: _("Ministeriets administrator hører til et ministerium, ikke en institution."),
    }[role]


def membership_errors(*, user, role, institution, ministry, exclude_pk=None) -> dict[str, str]:
    """The problems of giving `user` the `role` at `institution` or in `ministry`, by field
    ("role", "institution" or "ministry"); empty when the membership can be saved."""
    if not role:
        return {}
    at_institution = role in INSTITUTION_ROLES
    wrong, missing = ("ministry", "institution") if at_institution else ("institution", "ministry")
    place = institution if at_institution else ministry
    if (ministry if at_institution else institution) is not None:
        return {wrong: wrong_place_message(role)}
    if place is None:
        return {missing: _("Vælg institutionen.") if at_institution else _("Vælg ministeriet.")}
    if user is None or user.pk is None:
        return {}
    held = Membership.objects.filter(user=user, role=role, **{missing: place})
    if exclude_pk is not None:
        held = held.exclude(pk=exclude_pk)
    if held.exists():
        return {
            "role": _("%(user)s har allerede den rolle (%(role)s) i %(place)s.")
            % {
                "user": user.get_full_name() or user.username,
                "role": Role(role).label,
                "place": place,
            }
        }
    return {}
