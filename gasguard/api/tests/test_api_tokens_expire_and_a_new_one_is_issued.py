"""API tokens expire API_TOKEN_TTL_HOURS after they were issued: an expired token answers 401; asking
POST /api/v1/auth/token/ again replaces it with a new one, and the answer says when that one expires."""
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.authtoken.models import Token

from gasguard.testing import PASSWORD

pytestmark = pytest.mark.django_db


def age(token, settings, extra):
    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - timedelta(hours=settings.API_TOKEN_TTL_HOURS) + extra)


def test_an_expired_token_gets_401_and_a_fresh_one_works(personas, settings):
    token = Token.objects.create(user=personas.office)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    age(token, settings, timedelta(minutes=1))
    assert client.get("/api/v1/hazards/").status_code == 200
    age(token, settings, -timedelta(seconds=1))
    response = client.get("/api/v1/hazards/")
    assert response.status_code == 401 and "令牌已过期" in response.json()["detail"]


def test_asking_again_replaces_an_expired_token(personas, settings):
    token = Token.objects.create(user=personas.office)
    login = {"username": personas.office.username, "password": PASSWORD}
    body = Client().post("/api/v1/auth/token/", login).json()
    assert body["token"] == token.key  # still valid: the same one
    assert abs(parse_datetime(body["expires"]) - (token.created + timedelta(hours=settings.API_TOKEN_TTL_HOURS))) \
        < timedelta(seconds=1)
    age(token, settings, -timedelta(seconds=1))
    body = Client().post("/api/v1/auth/token/", login).json()
    assert body["token"] != token.key and not Token.objects.filter(key=token.key).exists()
    assert Client(HTTP_AUTHORIZATION=f"Token {body['token']}").get("/api/v1/hazards/").status_code == 200
    assert parse_datetime(body["expires"]) > timezone.now() + timedelta(hours=settings.API_TOKEN_TTL_HOURS - 1)
