"""Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from one address, even
the right password does not log in there for LOGIN_COOLOFF_MINUTES, and the login page says why in Chinese. The
API's token endpoint is under the same lockout (and a rate per address). Another address is not locked out."""
import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.throttling import ScopedRateThrottle

from gasguard.testing import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()  # the token endpoint's rate is counted in the cache
    yield
    cache.clear()


def test_eighty_wrong_passwords_then_the_right_one_does_not_log_in(personas):
    client = Client(REMOTE_ADDR="203.0.113.7")
    username = personas.street_a.username
    for _ in range(80):
        client.post("/accounts/login/", {"username": username, "password": "wrong-password"})
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 429
    text = response.content.decode()
    assert LOCKED in text and "15 分钟" in text and 'name="username"' in text
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still sent to the login page
    # The same person from another address logs in (the lockout is per username and address).
    other = Client(REMOTE_ADDR="198.51.100.2")
    response = other.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in other.session


def test_a_few_mistakes_then_the_right_password_logs_in(personas):
    client = Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(4):
        response = client.post("/accounts/login/", {"username": personas.office.username, "password": "nope"})
        assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()
    response = client.post("/accounts/login/", {"username": personas.office.username, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_the_token_endpoint_is_locked_out(personas, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth_token": "1000/min"})  # the lockout alone
    client = Client(REMOTE_ADDR="203.0.113.9")
    username = personas.market.username
    for _ in range(80):
        assert client.post("/api/v1/auth/token/", {"username": username, "password": "wrong"}).status_code in (400, 429)
    response = client.post("/api/v1/auth/token/", {"username": username, "password": PASSWORD})
    assert response.status_code == 429 and LOCKED in response.json()["detail"] and "token" not in response.json()


def test_the_token_endpoint_answers_429_past_its_rate(personas):
    client = Client(REMOTE_ADDR="203.0.113.10")
    codes = [client.post("/api/v1/auth/token/", {"username": personas.office.username, "password": PASSWORD}).status_code
             for _ in range(25)]
    assert codes[:20] == [200] * 20 and codes[20:] == [429] * 5
