"""The station reader's token is resolved from the worker's cache on the gate and the trace; deleting or rotating the
token, or deactivating its user, takes effect at once in the worker that did it (others: within the TTL)."""
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
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


def reader(token):
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def token_queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return sum("authtoken_token" in q["sql"] for q in ctx.captured_queries)


def test_the_token_is_looked_up_once_then_served_from_the_cache(gas):
    cyl = helpers.cylinder(gas)
    client = reader(Token.objects.create(user=gas.user))
    assert token_queries(lambda: post(client, gas, cyl.code)) == 1
    assert token_queries(lambda: post(client, gas, cyl.code)) == 0
    assert token_queries(lambda: client.get(f"/api/v1/cylinders/{cyl.code}/trace/")) == 0
    assert post(client, gas, cyl.code).status_code == 201


def test_a_deleted_token_is_refused_at_once(gas):
    cyl = helpers.cylinder(gas)
    token = Token.objects.create(user=gas.user)
    client = reader(token)
    assert post(client, gas, cyl.code).status_code == 201
    token.delete()
    assert post(client, gas, cyl.code).status_code == 401


def test_a_rotated_token_is_refused_and_the_new_one_accepted(gas):
    cyl = helpers.cylinder(gas)
    old = Token.objects.create(user=gas.user)
    assert post(reader(old), gas, cyl.code).status_code == 201
    old.delete()
    new = Token.objects.create(user=gas.user)
    assert post(reader(old), gas, cyl.code).status_code == 401
    assert post(reader(new), gas, cyl.code).status_code == 201


def test_a_deactivated_user_is_refused_at_once(gas):
    cyl = helpers.cylinder(gas)
    client = reader(Token.objects.create(user=gas.user))
    assert post(client, gas, cyl.code).status_code == 201
    gas.user.is_active = False
    gas.user.save()
    assert post(client, gas, cyl.code).status_code == 401


def test_an_entry_expires_after_the_ttl(gas, settings):
    settings.CYLINDERS_TOKEN_CACHE_SECONDS = 0
    cyl = helpers.cylinder(gas)
    client = reader(Token.objects.create(user=gas.user))
    assert token_queries(lambda: post(client, gas, cyl.code)) == 1
    assert token_queries(lambda: post(client, gas, cyl.code)) == 1


def test_the_cache_does_not_widen_access(gas, rival):
    """A cached reader still checks only at its own station: another company's is 404 as before."""
    cyl = helpers.cylinder(gas)
    client = reader(Token.objects.create(user=gas.user))
    assert post(client, gas, cyl.code).status_code == 201
    assert post(client, rival, cyl.code).status_code == 404
    assert client.get(f"/api/v1/cylinders/{helpers.cylinder(rival).code}/trace/").status_code == 404


def test_a_lookup_that_a_change_overlapped_answers_but_is_not_cached(gas, monkeypatch):
    """The user read just before a change committed would otherwise be served from the cache for a whole TTL."""
    from rest_framework.authentication import TokenAuthentication

    token = Token.objects.create(user=gas.user)
    cyl = helpers.cylinder(gas)
    read = TokenAuthentication.authenticate_credentials

    def overlapped(self, key):
        found = read(self, key)
        auth._drop_user(gas.user.pk)  # the change's notice arrives while the user read before it is in hand
        return found

    monkeypatch.setattr(TokenAuthentication, "authenticate_credentials", overlapped)
    assert post(reader(token), gas, cyl.code).status_code == 201
    assert token.key not in auth._cache
    monkeypatch.undo()
    assert post(reader(token), gas, cyl.code).status_code == 201
    assert token.key in auth._cache


@pytest.mark.parametrize("header, error", [
    ("Token", "Invalid token header. No credentials provided."),
    ("Token a b", "Invalid token header. Token string should not contain spaces."),
    ("Token 0123456789abcdef", "Invalid token."),
    ("Token \u00e9t\u00e9", "Invalid token header. Token string should not contain invalid characters."),
])
def test_a_malformed_or_unknown_token_is_refused_with_drfs_reason(gas, header, error):
    cyl = helpers.cylinder(gas)
    response = post(Client(HTTP_AUTHORIZATION=header), gas, cyl.code)
    assert response.status_code == 401
    with translation.override("zh-hans"):
        assert response.json()["detail"] == translation.gettext(error)


def test_the_keyword_is_read_as_drf_reads_it_whatever_its_case(gas):
    cyl = helpers.cylinder(gas)
    token = Token.objects.create(user=gas.user)
    assert post(Client(HTTP_AUTHORIZATION=f"token {token.key}"), gas, cyl.code).status_code == 201
    assert token_queries(lambda: post(Client(HTTP_AUTHORIZATION=f"TOKEN {token.key}"), gas, cyl.code)) == 0
