from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from goals.views import account
from mrplan.forms import LoginForm
from mrplan.health import health

handler500 = "mrplan.views.server_error"

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
    path("konto/log-ud/", auth_views.LogoutView.as_view(), name="logout"),
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
    # "Glemt adgangskode?": Django's password reset by e-mail, in the recipient's language.
    path(
        "konto/adgangskode/nulstil/",
        auth_views.PasswordResetView.as_view(
            form_class=account.PasswordResetForm,
            email_template_name="emails/password_reset.txt",
            subject_template_name="emails/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "konto/adgangskode/nulstil/sendt/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "konto/adgangskode/nulstil/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "konto/adgangskode/nulstil/faerdig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/setlang/", account.set_language, name="set_language"),
    path("helse/", health, name="health"),
    path("admin/", admin.site.urls),
]
