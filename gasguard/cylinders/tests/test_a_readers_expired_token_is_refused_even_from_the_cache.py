"""The reader's cached token honours API_TOKEN_TTL_HOURS: an entry lives no longer than its token, so a token that
expires while cached is refused (401) at its expiry, not at the cache's TTL."""
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from gasguard.cylinders.api import auth

from . import helpers

pytestmark = pytest.mark.django_db
GATE = "/api/v1/cylinders/gate-check/"


@pytest.fixture(autouse=True)
def empty_cache():
    auth.clear()
    yield
    auth.clear()


def post(client, gas, code):
    return client.post(GATE, {"code": code, "station": gas.station.pk}, content_type="application/json")


def test_an_expired_token_gets_401(gas, settings):
    cyl = helpers.cylinder(gas)
    token = Token.objects.create(user=gas.user)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(hours=settings.API_TOKEN_TTL_HOURS,
                                                                                 seconds=1))
    response = post(Client(HTTP_AUTHORIZATION=f"Token {token.key}"), gas, cyl.code)
    assert response.status_code == 401 and "令牌已过期" in response.json()["detail"]


def test_a_token_that_expires_while_cached_is_refused_at_its_expiry(gas, settings):
    settings.CYLINDERS_TOKEN_CACHE_SECONDS = 300
    cyl = helpers.cylinder(gas)
    token = Token.objects.create(user=gas.user)
    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - timedelta(hours=settings.API_TOKEN_TTL_HOURS) + timedelta(seconds=1.5))
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert post(client, gas, cyl.code).status_code == 201
    time.sleep(1.6)
    assert post(client, gas, cyl.code).status_code == 401
