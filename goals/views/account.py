"""The user's account page (/konto/): language and reminders; and the language a user picks
anywhere is kept as their preference, so e-mails come in it too."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.i18n import set_language as django_set_language

from goals.models import UserPreference
from goals.notifications import language_of


class PreferenceForm(forms.ModelForm):
    """What a user chooses for themselves. Kept beside its only view rather than in
    goals/forms.py, which holds the forms of the plan and its follow-up."""

    class Meta:
        model = UserPreference
        fields = ["language", "reminders"]
        widgets = {"language": forms.RadioSelect}


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


@login_required
def account(request):
    preference = _preference(request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Dine indstillinger er gemt."))
        return _remember_language(redirect("account"), form.instance.language)
    memberships = request.user.memberships.select_related("institution", "ministry")
    return render(request, "registration/account.html", {"form": form, "memberships": memberships})


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
