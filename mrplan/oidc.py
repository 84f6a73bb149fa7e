"""Single sign-on through OpenID Connect, on mozilla-django-oidc (docs/sign-on.md).

A sign-on finds an account that was made by an invitation: the active user whose e-mail is
the one the provider says it has verified. It never makes an account or gives a right, so a
person the provider knows but mrplan does not is sent back to the log-in page with a message
saying whom to ask. Password log-in can be turned off beside it (PASSWORD_LOGIN=0).

Everything here is inert while OIDC_RP_CLIENT_ID is unset: the two URLs answer 404 and the
sign-on backend is not among AUTHENTICATION_BACKENDS.
"""

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from goals.models import UserPreference
from goals.views.account import _remember_language

logger = logging.getLogger(__name__)

BACKEND = "mrplan.oidc.SignOnBackend"

# Why a sign-on was refused -> what the person is told on the log-in page.
UNKNOWN = "unknown"
UNVERIFIED = "unverified"
AMBIGUOUS = "ambiguous"
FAILED = "failed"
UNREACHABLE = "unreachable"


def refusal_message(reason):
    provider = provider_name()
    return {
        UNKNOWN: _("Din konto er ikke oprettet i mrplan. Bed din administrator om en invitation."),
        UNVERIFIED: _(
            "%(provider)s har ikke bekræftet din e-mailadresse, så mrplan kan ikke finde din "
            "konto. Bed din administrator om hjælp."
        )
        % {"provider": provider},
        AMBIGUOUS: _(
            "Flere konti i mrplan har din e-mailadresse, så mrplan ved ikke, hvilken der er "
            "din. Bed din administrator om at rette det."
        ),
        UNREACHABLE: _("%(provider)s svarede ikke. Prøv igen om lidt.") % {"provider": provider},
    }.get(reason, _("Log-in med %(provider)s lykkedes ikke. Prøv igen.") % {"provider": provider})


def provider_name():
    return settings.OIDC_PROVIDER_NAME or _("din organisations log-in")


def sign_on(request):
    """Template context: whether the log-in page offers sign-on and the password form."""
    return {
        "sign_on_name": provider_name() if settings.OIDC_ENABLED else "",
        "password_login": settings.PASSWORD_LOGIN,
    }


def is_sign_on(request, credentials):
    """django-axes' whitelist: the callback's sign-on carries no user name or password, and is
    not a password guess to count or lock out. A password log-in always has a user name."""
    return (
        request is not None
        and request.path == reverse("sign_on_callback")
        and not (credentials or {}).get("username")
    )


class SignOnRefused(SuspiciousOperation):
    """The provider signed someone in whom mrplan will not let in; `reason` says why."""

    def __init__(self, reason, detail):
        super().__init__(detail)
        self.reason = reason


class SignOnBackend(OIDCAuthenticationBackend):
    """Finds the invited account of the person the provider signed in; never makes one."""

    def authenticate(self, request, **credentials):
        # Only the callback's code is a sign-on; a password log-in passes by untouched, even
        # one whose address carries a `code` and a `state`.
        if request is None or credentials.keys() - {"nonce", "code_verifier"}:
            return None
        if request.path != reverse("sign_on_callback"):
            return None
        return super().authenticate(request, **credentials)

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims with the user info endpoint's over them.

        The library checks the token's signature, expiry and nonce but not whom it was made
        for. ADFS puts the e-mail in the ID token only, Entra ID its optional claims.
        """
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("the ID token was made for another client")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation(f"the ID token's issuer is {payload.get('iss')!r}")
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub", payload.get("sub")) != payload.get("sub"):
            raise SuspiciousOperation("the user info is about another subject than the ID token")
        return {**payload, **userinfo}

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        email = self.verified_email(claims)
        users = list(
            self.UserModel.objects.filter(email__iexact=email, is_active=True).order_by("pk")[:2]
        )
        if not users:
            self.refuse(UNKNOWN, f"no active account has the e-mail {email!r}")
        if len(users) > 1:
            self.refuse(AMBIGUOUS, f"more than one active account has the e-mail {email!r}")
        logger.info("sign-on: %s signed on as user %s", email, users[0].pk)
        return users[0]

    def verified_email(self, claims):
        email = str(claims.get(settings.OIDC_EMAIL_CLAIM) or "").strip()
        if not email:
            self.refuse(UNKNOWN, f"the provider sent no {settings.OIDC_EMAIL_CLAIM!r} claim")
        claim = settings.OIDC_EMAIL_VERIFIED_CLAIM
        # Some providers send the flag as the string "true".
        if claim and claims.get(claim) not in (True, "true", "True"):
            self.refuse(UNVERIFIED, f"the e-mail {email!r} is not verified ({claim!r} claim)")
        return email

    def refuse(self, reason, detail):
        # The library logs the refusal and answers None; the callback view tells the person.
        self.request.sign_on_refusal = reason
        raise SignOnRefused(reason, f"sign-on refused: {detail}")

    def create_user(self, claims):
        raise SignOnRefused(UNKNOWN, "sign-on never makes an account")

    def get_user(self, user_id):
        # Django's, which ends the session of a deactivated account; the library's does not.
        return ModelBackend.get_user(self, user_id)


class PasswordOffBackend(ModelBackend):
    """Password log-in while PASSWORD_LOGIN is off: nobody, or only superusers when
    PASSWORD_LOGIN_SUPERUSERS is on (the way in when the provider fails)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.PASSWORD_LOGIN_SUPERUSERS:
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        return user if user is not None and user.is_superuser else None


def _enabled(view):
    def wrapped(request):
        if not settings.OIDC_ENABLED:
            raise Http404("sign-on is off")
        return view(request)

    return wrapped


class _Start(OIDCAuthenticationRequestView):
    pass


class _Callback(OIDCAuthenticationCallbackView):
    def get(self, request):
        try:
            return super().get(request)
        except requests.RequestException as error:
            # The library's message names only the URL and the status, never the secret.
            logger.warning("sign-on: the provider could not be asked: %s", type(error).__name__)
            request.sign_on_refusal = UNREACHABLE
        except SuspiciousOperation as error:
            logger.warning("sign-on refused: %s", error)
        return self.login_failure()

    def login_failure(self):
        reason = getattr(self.request, "sign_on_refusal", FAILED)
        if self.request.GET.get("error"):
            logger.info("sign-on: the provider answered %r", self.request.GET["error"][:100])
        messages.error(self.request, refusal_message(reason))
        return redirect("login")

    def login_success(self):
        response = super().login_success()
        preference = UserPreference.objects.filter(user=self.user).first()
        if preference:
            response = _remember_language(response, preference.language)
        return response


start = _enabled(_Start.as_view())
callback = _enabled(_Callback.as_view())


class LogoutView(auth_views.LogoutView):
    """Django's log-out; one who signed on is then logged out at the provider too, when it
    has an end-session endpoint (OIDC_OP_LOGOUT_ENDPOINT)."""

    def post(self, request, *args, **kwargs):
        signed_on = request.session.get(auth.BACKEND_SESSION_KEY) == BACKEND
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        if not (settings.OIDC_ENABLED and settings.OIDC_OP_LOGOUT_ENDPOINT and signed_on):
            return response
        query = {
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(
                resolve_url(settings.LOGOUT_REDIRECT_URL)
            ),
        }
        if id_token:
            query["id_token_hint"] = id_token
        return HttpResponseRedirect(f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(query)}")
