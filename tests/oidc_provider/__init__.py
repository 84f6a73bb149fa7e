"""A small OpenID Connect provider (django-oidc-provider) that tests/test_oidc.py starts on
127.0.0.1 to sign on to mrplan against, as an agency's identity provider would.

Nothing here is a test; pytest collects no module of it (no test_*.py).
"""

CLIENT_ID = "mrplan"
CLIENT_SECRET = "mrplan-test-secret"
PASSWORD = "udbyder-adgangskode"
