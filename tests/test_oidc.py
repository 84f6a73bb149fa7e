"""Single sign-on through OpenID Connect, against a real provider (docs/sign-on.md).

The provider is django-oidc-provider in the small project tests/oidc_provider, started on
127.0.0.1 with its own SQLite file; mrplan is served by gunicorn (tests/serving.py) with the
sign-on settings in its environment, as an operator sets them. A requests session plays the
browser: it follows the redirects and posts the provider's log-in and consent forms.
"""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse

from tests.oidc_provider import PASSWORD
from tests.oidc_provider.running import COUNT, signed_on_mrplan
from tests.serving import free_port, manage
from tests.test_settings import settings_in

UNKNOWN = "Din konto er ikke oprettet i mrplan. Bed din administrator om en invitation."
UNVERIFIED = "Testudbyderen har ikke bekræftet din e-mailadresse"
AMBIGUOUS = "Flere konti i mrplan har din e-mailadresse"


@pytest.fixture(scope="module")
def sign_on_setup(tmp_path_factory):
    """mrplan with sign-on through the test provider: (mrplan, provider's address, database)."""
    with signed_on_mrplan(tmp_path_factory.mktemp("oidc")) as setup:
        yield setup


def hidden_fields(page):
    """The hidden inputs of a page's form, whatever the order of their attributes."""
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", page):
        attributes = dict(re.findall(r'(\w+)="([^"]*)"', tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[html.unescape(attributes["name"])] = html.unescape(attributes.get("value", ""))
    return fields


def sign_on(session, app, provider_base, username, next_page="/"):
    """Press "Log ind med" on mrplan's log-in page, sign in at the provider and consent."""
    page = session.get(f"{app}/konto/log-ind/", params={"next": next_page}, timeout=30)
    assert "Log ind med Testudbyderen" in page.text
    link = html.unescape(re.search(r'href="(/konto/log-ind/sso/[^"]*)"', page.text).group(1))
    login = session.get(app + link, timeout=30)
    assert login.url.startswith(f"{provider_base}/login/"), login.url
    consent = session.post(
        login.url,
        data={**hidden_fields(login.text), "username": username, "password": PASSWORD},
        timeout=30,
    )
    assert "Request for Permission" in consent.text, consent.text
    return session.post(
        f"{provider_base}/openid/authorize",
        data={**hidden_fields(consent.text), "allow": "Authorize"},
        timeout=30,
    )


def counts(database):
    """(accounts, failed log-in attempts) in mrplan's database."""
    result = manage("shell", "-c", COUNT, DATABASE_URL=database)
    assert result.returncode == 0, result.stderr
    accounts, attempts = result.stdout.split()[-2:]
    return int(accounts), int(attempts)


def test_a_known_verified_email_signs_on_and_out(sign_on_setup):
    app, provider_base, _database = sign_on_setup
    session = requests.Session()
    # The page the person asked for before logging in is where the sign-on ends.
    home = sign_on(session, app.base, provider_base, "anna", next_page="/konto/")
    assert home.url == f"{app.base}/konto/", home.url
    assert "Aand" in home.text  # the account's name in the header
    assert session.get(f"{app.base}/konto/", timeout=30, allow_redirects=False).status_code == 200

    # Log-out here ends the provider's session too, and comes back to mrplan's front page.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home.text).group(1)
    out = session.post(f"{app.base}/konto/log-ud/", data={"csrfmiddlewaretoken": token}, timeout=30)
    assert any(r.url.startswith(f"{provider_base}/openid/end-session") for r in out.history)
    assert out.url == f"{app.base}/", out.url
    assert session.get(f"{app.base}/konto/", timeout=30, allow_redirects=False).status_code == 302
    again = session.get(f"{app.base}/konto/log-ind/sso/", timeout=30)
    assert again.url.startswith(f"{provider_base}/login/")  # asked to sign in anew


def test_the_settings_can_be_read_from_the_providers_discovery_document(sign_on_setup):
    _app, provider_base, _database = sign_on_setup
    printed = manage("sign_on_settings", f"{provider_base}/openid")
    assert printed.returncode == 0, printed.stderr
    op = f"{provider_base}/openid"
    for line in (
        f"export OIDC_OP_ISSUER={op}",
        f"export OIDC_OP_AUTHORIZATION_ENDPOINT={op}/authorize",
        f"export OIDC_OP_TOKEN_ENDPOINT={op}/token",
        f"export OIDC_OP_USER_ENDPOINT={op}/userinfo",
        f"export OIDC_OP_JWKS_ENDPOINT={op}/jwks",
        f"export OIDC_OP_LOGOUT_ENDPOINT={op}/end-session",
    ):
        assert line in printed.stdout.splitlines(), printed.stdout
    nowhere = manage("sign_on_settings", f"http://127.0.0.1:{free_port()}", "--timeout=5")
    assert nowhere.returncode != 0
    assert "gave no discovery document" in nowhere.stderr


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("ukendt", UNKNOWN),  # the provider knows the person, mrplan does not
        ("fratraadt", UNKNOWN),  # the account was deactivated
        ("uverificeret", UNVERIFIED),
        ("tvilling", AMBIGUOUS),
    ],
)
def test_a_sign_on_without_one_invited_account_is_refused(sign_on_setup, username, message):
    app, provider_base, database = sign_on_setup
    accounts, _attempts = counts(database)
    session = requests.Session()
    refused = sign_on(session, app.base, provider_base, username)
    assert refused.status_code == 200
    assert refused.url == f"{app.base}/konto/log-ind/", refused.url
    assert message in refused.text
    assert session.get(f"{app.base}/konto/", timeout=30, allow_redirects=False).status_code == 302
    # No account is made by a sign-on, and a refused one is no failed password attempt.
    assert counts(database) == (accounts, 0)


def test_a_forged_or_stale_callback_is_refused_with_a_message(sign_on_setup):
    app, _provider_base, _database = sign_on_setup
    session = requests.Session()
    page = session.get(f"{app.base}/konto/log-ind/sso/svar/?code=x&state=y", timeout=30)
    assert page.url == f"{app.base}/konto/log-ind/"
    assert "Log-in med Testudbyderen lykkedes ikke" in page.text
    # The provider's own refusal (the person declined) comes back the same way.
    page = session.get(f"{app.base}/konto/log-ind/sso/svar/?error=access_denied", timeout=30)
    assert "Log-in med Testudbyderen lykkedes ikke" in page.text


# Password log-in turned off, and sign-on's URLs while it is off: Django's test client.


@pytest.fixture
def password_off(settings):
    settings.OIDC_ENABLED = True
    settings.OIDC_PROVIDER_NAME = "Statens log-in"
    settings.PASSWORD_LOGIN = False
    settings.PASSWORD_LOGIN_SUPERUSERS = False
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "mrplan.oidc.PasswordOffBackend",
    ]
    return settings


def test_with_password_login_off_the_form_is_gone_and_a_password_is_refused(
    client, alice, password_off
):
    alice.set_password("rigtig-adgangskode-1")
    alice.save()
    page = client.get(reverse("login")).content.decode()
    assert "Log ind med Statens log-in" in page
    assert 'name="password"' not in page
    response = client.post(
        reverse("login"), {"username": alice.username, "password": "rigtig-adgangskode-1"}
    )
    assert response.status_code == 200
    assert "Log-in med adgangskode er slået fra. Log ind med Statens log-in." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.exists()  # not a failed guess to count
    # The admin's log-in refuses it the same way.
    response = client.post(
        reverse("admin:login"), {"username": alice.username, "password": "rigtig-adgangskode-1"}
    )
    assert "Log-in med adgangskode er slået fra" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_with_password_login_on_the_form_is_there_beside_sign_on(client, db, settings):
    settings.OIDC_ENABLED = True
    settings.OIDC_PROVIDER_NAME = "Statens log-in"
    page = client.get(reverse("login")).content.decode()
    assert "Log ind med Statens log-in" in page
    assert 'name="password"' in page
    assert f'href="{reverse("sign_on_start")}' in page


def test_the_break_glass_flag_lets_only_superusers_in_at_the_admin(
    client, admin_user_, carol, password_off
):
    password_off.PASSWORD_LOGIN_SUPERUSERS = True
    for user in (admin_user_, carol):
        user.set_password("rigtig-adgangskode-1")
        user.is_staff = True
        user.save()
    form = {"username": carol.username, "password": "rigtig-adgangskode-1"}
    client.post(reverse("admin:login"), form)
    assert "_auth_user_id" not in client.session  # staff, not a superuser
    client.post(reverse("admin:login"), {**form, "username": admin_user_.username})
    assert client.session["_auth_user_id"] == str(admin_user_.pk)
    # The log-in page itself still takes no password.
    client.logout()
    client.post(reverse("login"), {**form, "username": admin_user_.username})
    assert "_auth_user_id" not in client.session


def test_turning_password_login_off_ends_the_sessions_of_password_log_ins(client, alice, settings):
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("account")).status_code == 200
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "mrplan.oidc.PasswordOffBackend",
    ]
    assert client.get(reverse("account")).status_code == 302


def test_an_id_token_made_for_another_client_or_by_another_issuer_is_refused(settings):
    """The library leaves these to its users; the test provider always gets them right."""
    from mrplan.oidc import SignOnBackend

    settings.OIDC_RP_CLIENT_ID = "mrplan"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://login.example.dk/keys"
    settings.OIDC_OP_ISSUER = "https://login.example.dk"
    backend = SignOnBackend()
    token = {"aud": "andet-system", "iss": "https://login.example.dk", "sub": "1"}
    with pytest.raises(SuspiciousOperation, match="another client"):
        backend.get_userinfo("access", "id", token)
    with pytest.raises(SuspiciousOperation, match="issuer"):
        backend.get_userinfo("access", "id", {**token, "aud": ["mrplan"], "iss": "https://x"})


def test_deactivating_an_account_ends_its_signed_on_sessions(client, alice, settings):
    settings.OIDC_OP_JWKS_ENDPOINT = "https://login.example.dk/keys"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "mrplan.oidc.SignOnBackend",
    ]
    client.force_login(alice, backend="mrplan.oidc.SignOnBackend")
    assert client.get(reverse("account")).status_code == 200
    alice.is_active = False
    alice.save()
    assert client.get(reverse("account")).status_code == 302


def test_a_provider_that_does_not_answer_gives_a_message_not_an_error(client, db, settings):
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings.OIDC_ENABLED = True
    settings.OIDC_PROVIDER_NAME = "Statens log-in"
    settings.OIDC_RP_CLIENT_ID = "mrplan"
    settings.OIDC_RP_CLIENT_SECRET = "hemmelig"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{nowhere}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{nowhere}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{nowhere}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{nowhere}/jwks"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "mrplan.oidc.SignOnBackend",
    ]
    start = client.get(reverse("sign_on_start"), {"next": "/konto/"})
    assert start.status_code == 302
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(f"{nowhere}/authorize?")
    assert query["scope"] == ["openid email"] and query["code_challenge_method"] == ["S256"]
    assert query["nonce"] and query["redirect_uri"] == [
        "http://testserver" + reverse("sign_on_callback")
    ]
    response = client.get(
        reverse("sign_on_callback"), {"code": "c", "state": query["state"][0]}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Statens log-in svarede ikke. Prøv igen om lidt." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_on_urls_are_not_found_while_it_is_off(client, db):
    for name in ("sign_on_start", "sign_on_callback"):
        assert client.get(reverse(name)).status_code == 404
    assert "Log ind med" not in client.get(reverse("login")).content.decode()
    assert get_user_model().objects.count() == 0


# Settings from the environment.

BACKENDS = (
    "{'backends': s.AUTHENTICATION_BACKENDS, "
    "'forms': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']}"
)
OP = "https://login.example.dk/oauth2"
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{OP}/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": f"{OP}/token",
    "OIDC_OP_USER_ENDPOINT": f"{OP}/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": f"{OP}/keys",
}


def test_sign_on_is_off_unless_a_client_id_is_set():
    code, output = settings_in({"DEBUG": "1"}, BACKENDS)
    assert code == 0, output
    assert "SignOnBackend" not in output
    assert '"django.contrib.auth.backends.ModelBackend"' in output


def test_sign_on_settings_fail_loudly_when_an_endpoint_is_missing():
    code, output = settings_in({"DEBUG": "1", "OIDC_RP_CLIENT_ID": "mrplan"})
    assert code != 0
    assert "OIDC_OP_AUTHORIZATION_ENDPOINT" in output and "OIDC_OP_JWKS_ENDPOINT" in output
    code, output = settings_in({"DEBUG": "1", "PASSWORD_LOGIN": "0"})
    assert code != 0
    assert "PASSWORD_LOGIN=0 leaves no way to log in" in output


def test_password_login_off_replaces_the_password_backend_and_allows_the_logout_redirect():
    env = {
        "DEBUG": "1",
        "OIDC_RP_CLIENT_ID": "mrplan",
        "PASSWORD_LOGIN": "0",
        "OIDC_OP_LOGOUT_ENDPOINT": f"{OP}/logout",
        **ENDPOINTS,
    }
    code, output = settings_in(env, BACKENDS)
    assert code == 0, output
    assert (
        '"backends": ["axes.backends.AxesStandaloneBackend", "mrplan.oidc.PasswordOffBackend", '
        '"mrplan.oidc.SignOnBackend"]'
    ) in output
    assert '"forms": ["\'self\'", "https://login.example.dk"]' in output
