from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from goals.views import account
from mrplan import oidc
from mrplan.forms import AdminLoginForm, LoginForm
from mrplan.health import health

handler500 = "mrplan.views.server_error"
# While PASSWORD_LOGIN is off the admin refuses passwords too (docs/sign-on.md).
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", include("goals.urls")),
    path("", include("reporting.urls")),
    path("", include("people.urls")),
    path(
        "konto/log-ind/",
        account.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("konto/", account.account, name="account"),
    # Single sign-on (mrplan/oidc.py): 404 unless OIDC_RP_CLIENT_ID is set.
    path("konto/log-ind/sso/", oidc.start, name="sign_on_start"),
    path("konto/log-ind/sso/svar/", oidc.callback, name="sign_on_callback"),
    path("konto/log-ud/", oidc.LogoutView.as_view(), name="logout"),
    path(
        "konto/adgangskode/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "konto/adgangskode/skiftet/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # "Glemt adgangskode?": Django's password reset by e-mail, in the recipient's language;
    # 404 while PASSWORD_LOGIN is off.
    path(
        "konto/adgangskode/nulstil/",
        account.password_login_only(
            auth_views.PasswordResetView.as_view(
                form_class=account.PasswordResetForm,
                email_template_name="emails/password_reset.txt",
                subject_template_name="emails/password_reset_subject.txt",
            )
        ),
        name="password_reset",
    ),
    path(
        "konto/adgangskode/nulstil/sendt/",
        account.password_login_only(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "konto/adgangskode/nulstil/<uidb64>/<token>/",
        account.password_login_only(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "konto/adgangskode/nulstil/faerdig/",
        account.password_login_only(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("i18n/setlang/", account.set_language, name="set_language"),
    path("helse/", health, name="health"),
    path("admin/", admin.site.urls),
]
