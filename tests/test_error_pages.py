"""The 500 page: Danish (or the chosen language), made without the database; the error logged."""

import pytest
from django.test import Client, RequestFactory
from django.urls import get_resolver, path

import mrplan.urls
from mrplan.views import server_error


def broken_view(request):
    raise RuntimeError("a bug in a view")


# This module is the URLconf of the tests marked below: mrplan's, plus a page that fails.
urlpatterns = [path("fejl/", broken_view), *mrplan.urls.urlpatterns]
handler500 = mrplan.urls.handler500

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


def test_mrplan_uses_its_own_500_view():
    assert mrplan.urls.handler500 == "mrplan.views.server_error"
    assert get_resolver("mrplan.urls").resolve_error_handler(500) is server_error


def test_an_error_gives_the_danish_500_page_and_is_logged(visitor, db, settings, caplog):
    assert not settings.DEBUG
    response = visitor.get("/fejl/")
    html = response.content.decode()
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert 'lang="da"' in html
    assert "Der opstod en fejl i mrplan" in html
    assert "Gå tilbage i browseren" in html
    assert "Server Error (500)" not in html  # not Django's bare English page
    # Nothing is lost for the people who fix it: the traceback is in the log.
    logged = [r for r in caplog.records if r.name == "django.request" and r.status_code == 500]
    assert logged and "a bug in a view" in str(logged[0].exc_info[1])


def test_the_language_chosen_by_cookie_is_kept(visitor, db, settings):
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = visitor.get("/fejl/")
    assert response.status_code == 500
    assert 'lang="en"' in response.content.decode()
    assert response["Content-Language"] == "en"


def test_an_unknown_language_cookie_gives_danish(visitor, db, settings):
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "<script>"
    response = visitor.get("/fejl/")
    assert response.status_code == 500
    assert 'lang="da"' in response.content.decode()


def test_the_500_view_asks_the_database_nothing(django_assert_num_queries, db):
    request = RequestFactory().get("/fejl/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Der opstod en fejl i mrplan" in response.content.decode()


def test_the_500_view_works_without_a_database():
    """Without the `db` fixture pytest-django refuses any database access with an error."""
    request = RequestFactory().get("/fejl/")
    response = server_error(request)
    assert response.status_code == 500
    assert "Der opstod en fejl i mrplan" in response.content.decode()
