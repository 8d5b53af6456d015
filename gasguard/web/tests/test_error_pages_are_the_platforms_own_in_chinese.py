"""With DEBUG off, 400, 403 (and a refused CSRF token), 404 and 500 are the platform's own pages in Chinese; the 500
page renders with no request and no database (its cause may be the database). The others share one frame."""
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.views import defaults

BRAND = "燃气安全专项整治平台"


@pytest.mark.django_db
def test_404_403_and_csrf(personas, settings):
    assert settings.DEBUG is False
    response = Client().get("/no-such-page/")
    text = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in text and BRAND in text
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    text = response.content.decode()
    assert response.status_code == 403 and "页面已过期" in text and BRAND in text
    request = RequestFactory().get("/")
    response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403 and "无权访问" in response.content.decode()


@pytest.mark.django_db
def test_the_error_pages_but_500_share_one_frame(personas, settings):
    answers = [Client().get("/no-such-page/"), Client(HTTP_HOST="evil.example").get("/accounts/login/"),
               Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})]
    assert [r.status_code for r in answers] == [404, 400, 403]
    for response in answers:
        assert "web/error.html" in [t.name for t in response.templates], response.status_code


@pytest.mark.django_db
def test_400_for_a_host_not_served(settings):
    response = Client(HTTP_HOST="evil.example").get("/accounts/login/")
    assert response.status_code == 400 and "请求有误" in response.content.decode()


def test_500_needs_neither_a_request_context_nor_the_database():
    # no django_db mark: any query here raises
    response = defaults.server_error(RequestFactory().get("/"))
    text = response.content.decode()
    assert response.status_code == 500 and "服务器内部错误" in text and BRAND in text and "<html" in text
