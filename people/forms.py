"""The people pages' forms: a role and where it is held, and the invitation around it."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from goals.memberships import membership_errors
from goals.models import INSTITUTION_ROLES, Role

DEPARTMENT = "department"


class RoleForm(forms.Form):
    """A role in the ministry: at one of its institutions, or in its department."""

    role = forms.ChoiceField(label=_("Rolle"), choices=[("", "—")] + Role.choices)
    place = forms.ChoiceField(
        label=_("Hvor"),
        help_text=_(
            "Indberettere og planlæggere hører til en institution; godkendere og ministeriets "
            "administrator til departementet."
        ),
    )

    def __init__(self, *args, ministry, institutions, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ministry = ministry
        self.person = person
        self.institutions = {str(i.pk): i for i in institutions}
        self.fields["place"].choices = [
            ("", "—"),
            (DEPARTMENT, _("Departementet, %(ministry)s") % {"ministry": ministry.name}),
        ] + [(pk, i.name) for pk, i in self.institutions.items()]

    def role_user(self):
        return self.person

    def clean(self):
        cleaned = super().clean()
        role, place = cleaned.get("role"), cleaned.get("place")
        if not role or not place:
            return cleaned
        institution = self.institutions.get(place)
        ministry = self.ministry if place == DEPARTMENT else None
        cleaned["institution"] = institution
        errors = membership_errors(
            user=self.role_user(), role=role, institution=institution, ministry=ministry
        )
        for field, message in errors.items():
            self.add_error("role" if field == "role" else "place", message)
        return cleaned

    @property
    def at_institution(self):
        return self.cleaned_data.get("role") in INSTITUTION_ROLES


class InviteForm(RoleForm):
    """Who to invite, and the role they get."""

    email = forms.EmailField(label=_("E-mail"), max_length=254)
    first_name = forms.CharField(label=_("Fornavn"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Efternavn"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Sprog"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
        widget=forms.RadioSelect,
        help_text=_("Invitationen og de e-mails, personen får, skrives på dette sprog."),
    )

    field_order = ["email", "first_name", "last_name", "role", "place", "language"]

    def role_user(self):
        email = self.cleaned_data.get("email")
        if not email:
            return None
        return get_user_model().objects.filter(email__iexact=email.strip()).order_by("pk").first()
