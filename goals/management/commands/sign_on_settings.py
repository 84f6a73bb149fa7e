import shlex

import requests
from django.core.management.base import BaseCommand, CommandError

# The provider's discovery document's fields -> mrplan's settings (docs/sign-on.md).
FIELDS = {
    "issuer": "OIDC_OP_ISSUER",
    "authorization_endpoint": "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "token_endpoint": "OIDC_OP_TOKEN_ENDPOINT",
    "userinfo_endpoint": "OIDC_OP_USER_ENDPOINT",
    "jwks_uri": "OIDC_OP_JWKS_ENDPOINT",
    "end_session_endpoint": "OIDC_OP_LOGOUT_ENDPOINT",
}


class Command(BaseCommand):
    help = (
        "Print the sign-on settings of an OpenID Connect provider, read from its discovery "
        "document, as lines to put in mrplan's environment (see docs/sign-on.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "issuer", help="the provider's issuer, e.g. https://login.microsoftonline.com/<id>/v2.0"
        )
        parser.add_argument("--timeout", type=float, default=10, help="seconds (default 10)")

    def handle(self, issuer, timeout, **options):
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=timeout)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise CommandError(f"{url} gave no discovery document: {error}") from error
        missing = [
            field for field in FIELDS if field != "end_session_endpoint" and field not in document
        ]
        if missing:
            raise CommandError(f"{url} names no {', '.join(missing)}.")
        for field, setting in FIELDS.items():
            if document.get(field):
                self.stdout.write(f"export {setting}={shlex.quote(document[field])}")
        algorithms = document.get("id_token_signing_alg_values_supported") or []
        if "RS256" not in algorithms:
            self.stderr.write(
                f"The provider signs ID tokens with {', '.join(algorithms) or '?'}, not RS256: "
                "set OIDC_RP_SIGN_ALGO to one of them."
            )
        if "S256" not in (document.get("code_challenge_methods_supported") or ["S256"]):
            self.stderr.write("The provider does not offer PKCE with S256: set OIDC_USE_PKCE=0.")
