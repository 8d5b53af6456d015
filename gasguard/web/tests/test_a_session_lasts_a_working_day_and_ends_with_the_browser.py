"""A login session lasts SESSION_HOURS (12) on the server and its cookie ends with the browser (shared office
computers); in production the cookie travels over HTTPS only."""
import pytest
from django.test import Client

from gasguard.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_session_lasts_twelve_hours_and_the_cookie_ends_with_the_browser(personas, settings):
    client = Client()
    response = client.post("/accounts/login/", {"username": personas.office.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get_expiry_age() == 12 * 3600
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert settings.SESSION_COOKIE_HTTPONLY
