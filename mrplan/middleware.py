import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from ipware.ip import get_client_ip

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


def client_address(request):
    """The client's address, by which django-axes counts failed log-ins (AXES_CLIENT_IP_CALLABLE).

    Each of the PROXY_COUNT proxies in front of mrplan appends the address it was connected
    from to X-Forwarded-For, so the client is the PROXY_COUNT-th entry from the right; entries
    further left were written by the client itself and prove nothing. ipware counts the proxy
    entries after the client's (hence PROXY_COUNT - 1) and, not strict, allows entries a client
    put in front. A request that did not come through the proxies (no usable header), or
    PROXY_COUNT 0, is counted by the connection's own address.
    """
    proxies = settings.PROXY_COUNT
    if proxies:
        address, _routable = get_client_ip(
            request,
            proxy_count=proxies - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
        )
        if address:
            return address
    return request.META.get("REMOTE_ADDR")


class IdleSessionMiddleware:
    """A session lives SESSION_COOKIE_AGE after the user's last request, not after the log-in.

    Django sets a session's expiry when it is saved, and saves it only when it changes;
    SESSION_SAVE_EVERY_REQUEST would write it on every request. Here a request renews it only
    when it was last written RENEW_SECONDS ago or more (at most a tenth of the idle time;
    mrplan.sessions records when), so an active user writes it a few times an hour and an
    idle one is logged out after the idle time, less at most RENEW_SECONDS.
    """

    RENEW_SECONDS = 300

    def __init__(self, get_response):
        self.get_response = get_response
        self.renew_after = min(self.RENEW_SECONDS, settings.SESSION_COOKIE_AGE // 10)

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session the request has read (to know the user) is renewed, so renewing costs
        # no query of its own, and none when the request failed: when the database is
        # unreachable, asking it again would only turn the 503 page into a 500 one later. A
        # visitor without a session gets none; a logged-out or expired one is not revived.
        if (
            session is not None
            and session.accessed
            and response.status_code < 500
            and not session.is_empty()
        ):
            now = int(timezone.now().timestamp())
            if now - session.renewed() >= self.renew_after:
                session.modified = True  # saved by SessionMiddleware, which records the time
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
