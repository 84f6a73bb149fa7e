"""The WSGI application, as gunicorn serves it (`scripts/serve.sh`).

gunicorn imports this module once in its master process (`--preload`) and forks the workers
from it. The URLconf, and with it every view, WeasyPrint and openpyxl, and the translation
catalogues are loaded here rather than by each worker's first request: that took about 1.3 s
of CPU per worker, and at a deadline's start the first users waited for it.
Nothing here opens a database connection, so no worker inherits one.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrplan.settings")

application = get_wsgi_application()


def warm_up():
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("")


warm_up()
