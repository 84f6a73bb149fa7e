"""Settings for mrplan, read from the environment (docs/operations.md says the same).

DATABASE_URL  unset: the SQLite file db.sqlite3 in the project directory; postgres://...: PostgreSQL
SECRET_KEY    required when DEBUG is off
DEBUG         "1"/"true" turns on debug pages (default off)
ALLOWED_HOSTS comma-separated host names (default: localhost names when DEBUG is on)
HTTPS         "0" when mrplan is served over plain HTTP (never in production); default on
              when DEBUG is off: HTTPS redirect, HSTS and secure cookies
CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://mrplan.example.dk
CONN_MAX_AGE  seconds a database connection is kept between requests (default 0)
DB_CONNECT_TIMEOUT    seconds to wait for PostgreSQL to accept a connection (default 5)
DB_STATEMENT_TIMEOUT  seconds a PostgreSQL statement may run before it is cancelled
              (default 30; 0: no limit)
PROXY_COUNT   proxies in front of mrplan that append to X-Forwarded-For (the load balancer:
              1); log-in throttling then takes the client's address from it (default 0)
AXES_FAILURE_LIMIT    failed log-ins for a user name from one address before it is locked
              out for 15 minutes (default 5)
SESSION_IDLE_MINUTES  a user who has made no request for this long is logged out
              (default 480: 8 hours)
PDF_TIME_LIMIT        seconds one PDF may take to lay out before the reader is told it could
              not be made (default 20)
LOG_LEVEL     level of the log on standard error (default WARNING)
EMAIL_BACKEND Django's e-mail backend (default: the console, printing each e-mail, when DEBUG is
              on; SMTP otherwise)
EMAIL_HOST    the SMTP server (default localhost)
EMAIL_PORT    its port (default 25; 587 with STARTTLS, 465 with SSL)
EMAIL_HOST_USER       user name for the SMTP server (default: none)
EMAIL_HOST_PASSWORD   its password
EMAIL_USE_TLS "1" to speak STARTTLS to the SMTP server (default off)
EMAIL_USE_SSL "1" for an SMTP connection over TLS from the start (port 465; default off)
EMAIL_TIMEOUT seconds to wait for the SMTP server before a send is given up and tried again
              later (default 10)
DEFAULT_FROM_EMAIL    the sender of mrplan's e-mails (default mrplan@localhost)
SITE_URL      the address users reach mrplan at, for the links in e-mails
              (default http://127.0.0.1:8000)
REMINDER_DAYS days before a quarter's deadline that reporters are reminded, comma-separated
              (default 7,1); `manage.py send_reminders`, run daily, sends them
INVITATION_DAYS       days the link of an invitation to set a password works (default 7)

Single sign-on through OpenID Connect (docs/sign-on.md); off unless OIDC_RP_CLIENT_ID is set:
OIDC_RP_CLIENT_ID     mrplan's client id at the identity provider; setting it turns sign-on on
OIDC_RP_CLIENT_SECRET its client secret
OIDC_OP_AUTHORIZATION_ENDPOINT  the provider's authorization endpoint (required with sign-on)
OIDC_OP_TOKEN_ENDPOINT          its token endpoint (required)
OIDC_OP_USER_ENDPOINT           its user info endpoint (required)
OIDC_OP_JWKS_ENDPOINT           its signing keys (required for RS256/ES256)
OIDC_OP_LOGOUT_ENDPOINT         its end-session endpoint: log-out there too (default: only here)
OIDC_OP_ISSUER        the issuer an ID token must name (default: not checked)
OIDC_RP_SIGN_ALGO     the ID token's signing algorithm (default RS256)
OIDC_RP_SCOPES        the scopes asked for (default "openid email")
OIDC_USE_PKCE         "0" when the provider does not support PKCE (default on)
OIDC_TIMEOUT          seconds to wait for the provider's token, keys and user info (default 10)
OIDC_PROVIDER_NAME    the provider's name on the log-in button, "Log ind med <name>"
OIDC_EMAIL_CLAIM      the claim holding the user's e-mail (default email)
OIDC_EMAIL_VERIFIED_CLAIM  the claim saying the e-mail is verified (default email_verified);
              empty: every e-mail the provider sends is trusted
PASSWORD_LOGIN        "0" turns log-in with a password off (needs sign-on; default on)
PASSWORD_LOGIN_SUPERUSERS  "1" lets superusers still log in with a password at /admin/ while
              PASSWORD_LOGIN is off: the way in when the provider fails (default off)
"""

import datetime
import os
import urllib.parse
from pathlib import Path

import dj_database_url
from django.contrib.messages import constants as message_constants
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    value = os.environ.get(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. For local use, set DEBUG=1 "
            "(the Makefile does) or export SECRET_KEY."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "goals",
    "reporting",
    "people",
]

# Reports over many institutions are made by a worker process: `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mrplan.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mrplan.middleware.IdleSessionMiddleware",
    "mrplan.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mrplan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "reporting.context_processors.dashboards",
                "goals.context_processors.todo",
                "people.context_processors.people",
                "mrplan.oidc.sign_on",
            ],
        },
    },
]

WSGI_APPLICATION = "mrplan.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        # A connection that broke (the database restarted) is replaced, not reused.
        conn_health_checks=True,
    )
}


def postgresql_timeouts(connect_timeout, statement_timeout):
    """libpq options that make a database which does not answer fail fast, not hang a worker.

    `connect_timeout` bounds the connection's set-up (a server that accepts and then says
    nothing included); the statement timeout is enforced by PostgreSQL itself. The TCP
    settings drop a kept connection (CONN_MAX_AGE) whose server has gone away: keepalive
    probes find it while idle, `tcp_user_timeout` when a sent query is never acknowledged.
    The failure is an OperationalError, which the middleware answers with the 503 page.
    """
    options = {
        "connect_timeout": connect_timeout,
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": 15_000,
    }
    if statement_timeout:
        options["options"] = f"-c statement_timeout={statement_timeout * 1000}"
    return options


if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        postgresql_timeouts(
            connect_timeout=int(os.environ.get("DB_CONNECT_TIMEOUT", "5")),
            statement_timeout=int(os.environ.get("DB_STATEMENT_TIMEOUT", "30")),
        )
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords are hashed with Argon2id at OWASP's recommended cost (mrplan/hashers.py); hashes
# with Django's default Argon2 cost or older PBKDF2 hashes are redone at the next log-in.
PASSWORD_HASHERS = [
    "mrplan.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Log-in throttling: 5 failed attempts for a user name from one address lock that pair out
# for 15 minutes. The failures are kept in the database, so every app server sees them.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Behind PROXY_COUNT proxies (the load balancer: 1) the client's address is read from
# X-Forwarded-For (mrplan.middleware.client_address); without them only the connection's own
# address counts, since a client could otherwise pick a new address for every attempt.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "mrplan.middleware.client_address"
# A sign-on through the identity provider is not a password guess: it is never counted as a
# failed log-in, nor refused because the user name was locked out (mrplan.oidc).
AXES_WHITELIST_CALLABLE = "mrplan.oidc.is_sign_on"

# Single sign-on through OpenID Connect (mozilla-django-oidc; docs/sign-on.md). Off unless a
# client id is set; the URLs are always there and answer 404 while it is off.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT") or None
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email")
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", default=True)
# The library waits for ever by default; a provider that does not answer must not hold a worker.
OIDC_TIMEOUT = float(os.environ.get("OIDC_TIMEOUT", "10"))
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "")
OIDC_EMAIL_CLAIM = os.environ.get("OIDC_EMAIL_CLAIM", "email")
OIDC_EMAIL_VERIFIED_CLAIM = os.environ.get("OIDC_EMAIL_VERIFIED_CLAIM", "email_verified")
# A sign-on only finds an invited account; it never makes one.
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "sign_on_callback"
# The ID token is kept only to name the session when logging out at the provider.
OIDC_STORE_ID_TOKEN = bool(OIDC_OP_LOGOUT_ENDPOINT)
PASSWORD_LOGIN = env_bool("PASSWORD_LOGIN", default=True)
PASSWORD_LOGIN_SUPERUSERS = env_bool("PASSWORD_LOGIN_SUPERUSERS")
if OIDC_ENABLED:
    _missing = [
        name
        for name in (
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
        )
        if not globals()[name]
    ]
    if OIDC_RP_SIGN_ALGO[:2] in {"RS", "ES"} and not OIDC_OP_JWKS_ENDPOINT:
        _missing.append("OIDC_OP_JWKS_ENDPOINT")
    if _missing:
        raise ImproperlyConfigured(
            f"OIDC_RP_CLIENT_ID is set, so sign-on needs {', '.join(_missing)} (docs/sign-on.md)."
        )
    AUTHENTICATION_BACKENDS.append("mrplan.oidc.SignOnBackend")
if not PASSWORD_LOGIN:
    if not OIDC_ENABLED:
        raise ImproperlyConfigured(
            "PASSWORD_LOGIN=0 leaves no way to log in without sign-on: set OIDC_RP_CLIENT_ID "
            "(docs/sign-on.md)."
        )
    AUTHENTICATION_BACKENDS.remove("django.contrib.auth.backends.ModelBackend")
    AUTHENTICATION_BACKENDS.insert(1, "mrplan.oidc.PasswordOffBackend")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "login"
# A session ends after SESSION_IDLE_MINUTES without a request; while the user is active it is
# renewed, at most every few minutes (mrplan.middleware.IdleSessionMiddleware).
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "480"))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_ENGINE = "mrplan.sessions"

# Messages are shown as Bootstrap alerts; Bootstrap calls an error "danger".
MESSAGE_TAGS = {message_constants.ERROR: "danger", message_constants.DEBUG: "secondary"}
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# Seconds a PDF may take to lay out before it is given up (reporting.pdf), well under the
# web server's timeout for a worker.
PDF_TIME_LIMIT = float(os.environ.get("PDF_TIME_LIMIT", "20"))

# E-mail (goals/notifications.py): made in the request's transaction, sent by the worker.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
# Django waits for ever by default; an SMTP server that does not answer must not hold the
# worker: the e-mail is left unsent and tried again on the next run.
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "mrplan@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
try:
    REMINDER_DAYS = sorted(
        {int(days) for days in env_list("REMINDER_DAYS", ["7", "1"])}, reverse=True
    )
except ValueError as error:
    raise ImproperlyConfigured("REMINDER_DAYS: whole numbers of days, e.g. 7,1") from error

# An invitation's link (people/) works this many days; the administrator can send a new one.
INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "7"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Served over HTTPS behind a proxy or load balancer that says so in X-Forwarded-Proto.
HTTPS = env_bool("HTTPS", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
# The load balancer's health check may come over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^helse/$"]
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Content Security Policy (django-csp): only the app's own scripts, styles and images.
# Style attributes are allowed (the SVG charts carry their own), style elements are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if OIDC_ENABLED and OIDC_OP_LOGOUT_ENDPOINT:
    # Log-out is a form; the browser follows its redirect to the provider only if allowed.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(OIDC_OP_LOGOUT_ENDPOINT))
    )
