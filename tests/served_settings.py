"""mrplan's production settings as tests serve them: static files under their own names.

Hashed names need `collectstatic` first, which takes minutes on a busy machine and has its
own test (tests/test_production.py); everything else is mrplan.settings unchanged.
"""

from mrplan.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
