from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext as _


def refuse_password_when_off():
    """With PASSWORD_LOGIN off a password is refused before it is checked, so the attempt is
    neither a failure for the log-in throttling nor a way to try passwords."""
    if not settings.PASSWORD_LOGIN:
        from mrplan.oidc import provider_name

        raise ValidationError(
            _("Log-in med adgangskode er slået fra. Log ind med %(provider)s.")
            % {"provider": provider_name()},
            code="password_login_off",
        )


class LoginForm(AuthenticationForm):
    """Django's log-in form, refusing a user name longer than any user's.

    Django sets the field's max_length after the field is made, so only the HTML attribute
    limits it; a longer name reached the log-in throttling's record of failures, whose
    column it does not fit (found by tests/test_fuzz.py on PostgreSQL).
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))

    def clean(self):
        refuse_password_when_off()
        return super().clean()


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's log-in: refused as the log-in page's is while PASSWORD_LOGIN is off, unless
    PASSWORD_LOGIN_SUPERUSERS lets superusers in (mrplan.oidc.PasswordOffBackend checks)."""

    def clean(self):
        if not settings.PASSWORD_LOGIN_SUPERUSERS:
            refuse_password_when_off()
        return super().clean()
