"""Fill the provider's database: its signing key, mrplan as a client, and its users.

python -m tests.oidc_provider.populate <mrplan's address> (with OIDC_PROVIDER_DB set)
"""

import os
import sys

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oidc_provider.models import Client, ResponseType, RSAKey  # noqa: E402

from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, PASSWORD  # noqa: E402

# user name at the provider -> (e-mail, verified)
USERS = {
    "anna": ("anna.andersen@ts.example.dk", True),
    "ukendt": ("ukendt@andet.example.dk", True),
    "uverificeret": ("ulla@ts.example.dk", False),
    "tvilling": ("fælles@ts.example.dk", True),
    "fratraadt": ("fratraadt@ts.example.dk", True),
}


def main(site):
    call_command("migrate", verbosity=0, interactive=False)
    call_command("creatersakey")
    if not RSAKey.objects.exists():  # the command reports its failure and carries on
        raise SystemExit("creatersakey made no key")
    client = Client.objects.create(
        name="mrplan",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type="confidential",
        jwt_alg="RS256",
        require_consent=True,
        reuse_consent=False,
        _redirect_uris=f"{site}/konto/log-ind/sso/svar/",
        _post_logout_redirect_uris=f"{site}/",
        _scope="openid email profile",
    )
    client.response_types.add(ResponseType.objects.get(value="code"))
    unverified = Group.objects.create(name="unverified")
    for username, (email, verified) in USERS.items():
        user = User.objects.create_user(username, email=email, password=PASSWORD)
        if not verified:
            user.groups.add(unverified)


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
