import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)


class LanguageMiddleware:
    """Danish unless the user has chosen another language.

    Django's LocaleMiddleware follows the browser's Accept-Language; civil servants on
    English-language browsers would then get an English product they did not ask for.
    Here only the choice stored by the set_language view (a cookie) switches language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override() puts the previous language back once the response is made.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached, every page answers 503 with a clear message.

    The request is not retried: the user is told to try again in a moment, and the next
    request opens a new connection (`conn_health_checks`), so the app recovers by itself
    when the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError):
            logger.exception("Database unavailable")
            return unavailable(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.exception("Database unavailable")
            return unavailable(request)
        return None


def unavailable(request):
    # Rendered without the request's context processors: they would ask the database.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response
