"""The service's own 404/400/500 pages show in the demo (DEBUG on); Django's technical pages only on request."""

import sys

import pytest
from django.test import RequestFactory
from django.views.debug import technical_500_response

from common.error_pages import FriendlyErrorPagesMiddleware


@pytest.fixture
def demo_debug(settings):
    settings.DEBUG = True
    settings.TECHNICAL_ERROR_PAGES = False
    return settings


@pytest.mark.django_db
def test_an_unknown_address_shows_page_not_found_not_the_url_patterns(client, officer, demo_debug):
    client.force_login(officer)
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body and "Go to My work" in body
    assert "URLconf" not in body and "casework/" not in body


@pytest.mark.django_db
def test_a_case_that_is_not_there_shows_page_not_found(client, officer, demo_debug):
    client.force_login(officer)
    response = client.get("/cases/ASB-2026-99999/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "NOARCHIVE" not in response.content.decode()


@pytest.mark.django_db
def test_a_developer_can_ask_for_the_technical_page(client, officer, demo_debug):
    demo_debug.TECHNICAL_ERROR_PAGES = True
    client.force_login(officer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()


def _crash(request):
    try:
        raise RuntimeError("database password is hunter2")
    except RuntimeError:
        return technical_500_response(request, *sys.exc_info())


def test_an_unhandled_error_shows_sorry_without_the_traceback(demo_debug):
    request = RequestFactory().get("/cases/")
    response = FriendlyErrorPagesMiddleware(_crash)(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert "hunter2" not in body and "Traceback" not in body
    assert response["Content-Length"] == str(len(response.content))


def test_a_bad_request_keeps_its_status_and_says_nothing_was_saved(demo_debug):
    def bad(request):
        try:
            raise ValueError("bad")
        except ValueError:
            response = technical_500_response(request, *sys.exc_info(), status_code=400)
        return response

    request = RequestFactory().get("/cases/")
    request.user = None
    response = FriendlyErrorPagesMiddleware(bad)(request)
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()


def test_with_debug_off_responses_pass_through(settings):
    settings.DEBUG = False
    request = RequestFactory().get("/cases/")
    response = FriendlyErrorPagesMiddleware(_crash)(request)
    assert "hunter2" in response.content.decode()  # Django never produces this page with DEBUG off
