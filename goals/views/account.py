"""The user's account page (/konto/): name, e-mail, language and reminders; the language a
user picks anywhere is kept as their preference, so e-mails come in it too; and the e-mail of
"Glemt adgangskode?" in that language."""

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.i18n import set_language as django_set_language

from goals.accounts import check_email_free
from goals.models import UserPreference
from goals.notifications import language_of


class PreferenceForm(forms.ModelForm):
    """What a user chooses for themselves. Kept beside its only view rather than in
    goals/forms.py, which holds the forms of the plan and its follow-up."""

    class Meta:
        model = UserPreference
        fields = ["language", "reminders"]
        widgets = {"language": forms.RadioSelect}


class ProfileForm(forms.ModelForm):
    """A user's name and e-mail address. The address is the user's own among all users
    (whatever its case): invitations and single sign-on find the account by it."""

    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name", "email"]

    def clean_email(self):
        return check_email_free(self.cleaned_data["email"], user=self.instance)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, writing the e-mail in the language the user chose (Danish until
    they choose) and linking to SITE_URL, like mrplan's other e-mails."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        context = {
            **context,
            "site_url": settings.SITE_URL,
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        with translation.override(language_of(context["user"])):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


def password_login_only(view):
    """A page for choosing a password (the reset by e-mail): not found while PASSWORD_LOGIN is
    off, since a password would not let anyone in (docs/sign-on.md)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN:
            raise Http404("password log-in is off")
        return view(request, *args, **kwargs)

    return wrapped


def _preference(user):
    return UserPreference.objects.filter(user=user).first() or UserPreference(
        user=user, language=language_of(user)
    )


def _remember_language(response, language):
    """The cookie mrplan.middleware.LanguageMiddleware reads, as Django's set_language sets it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


PROFILE = "profile"


@login_required
def account(request):
    """Two forms, each saved by its own button: name and e-mail, and the preferences."""
    preference = _preference(request.user)
    posted = request.POST if request.method == "POST" else None
    editing_profile = posted is not None and posted.get("form") == PROFILE
    profile = ProfileForm(posted if editing_profile else None, instance=request.user)
    form = PreferenceForm(
        posted if posted is not None and not editing_profile else None, instance=preference
    )
    if editing_profile and profile.is_valid():
        profile.save()
        messages.success(request, _("Dit navn og din e-mail er gemt."))
        return redirect("account")
    if posted is not None and not editing_profile and form.is_valid():
        form.save()
        messages.success(request, _("Dine indstillinger er gemt."))
        return _remember_language(redirect("account"), form.instance.language)
    if editing_profile:
        # The unsaved input stays in the form; the page's name and address stay as saved.
        request.user.refresh_from_db()
    memberships = request.user.memberships.select_related("institution", "ministry")
    return render(
        request,
        "registration/account.html",
        {"form": form, "profile": profile, "memberships": memberships, "profile_value": PROFILE},
    )


def set_language(request):
    """Django's set_language (the header's language buttons); a logged-in user's choice is
    also stored as their preference."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        UserPreference.objects.update_or_create(user=request.user, defaults={"language": language})
    return response


class LoginView(auth_views.LoginView):
    """Django's log-in; a user who chose a language before gets it back on a new browser."""

    def form_valid(self, form):
        response = super().form_valid(form)
        preference = UserPreference.objects.filter(user=form.get_user()).first()
        if preference:
            response = _remember_language(response, preference.language)
        return response
