"""The project's own error page: the 500 page (handler500 in mrplan/urls.py)."""

from django.conf import settings
from django.http import HttpResponseServerError
from django.template.loader import render_to_string
from django.utils import translation


def server_error(request):
    """The 500 page, in the user's chosen language, made without the database.

    Django's own handler renders 500.html with a plain context as well; this one also chooses
    the language from the cookie itself, since the error may have come from a middleware before
    mrplan.middleware.LanguageMiddleware chose it. No context processors run: they ask the
    database, which may be what failed.
    """
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string("500.html")
    response = HttpResponseServerError(html)
    response["Content-Language"] = language
    return response
