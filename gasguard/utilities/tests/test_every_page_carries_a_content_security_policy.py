"""Every page answers with a Content-Security-Policy: scripts, styles, fetches and frames from the platform
itself, no inline script unless it carries the request's nonce, no eval; images also from the tile server when
one is configured. (That the pages still work under it: gasguard/web/tests/test_the_main_pages_work_under_the_
content_security_policy.py.)"""
import pytest
from django.test import override_settings

from gasguard.utilities.csp import content_security_policy, tile_origin


def directives(response):
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split("; ")}


@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/map/", "/ledger/", "/api/docs/", "/admin/login/"])
def test_each_page_has_the_policy(client, personas, path):
    client.force_login(personas.office)
    response = client.get(path)
    assert response.status_code == 200, path
    d = directives(response)
    assert d["default-src"] == ["'self'"]
    assert d["script-src"][0] == "'self'" and "'unsafe-inline'" not in d["script-src"]
    assert "'unsafe-eval'" not in d["script-src"]
    assert d["style-src"] == ["'self'"]
    assert d["img-src"] == ["'self'", "data:", "blob:"]
    assert d["connect-src"] == ["'self'"]
    assert d["object-src"] == ["'none'"] and d["frame-ancestors"] == ["'none'"]
    assert d["base-uri"] == ["'self'"] and d["form-action"] == ["'self'"]


def test_the_api_and_the_docs_script_carry_it_too(client, personas):
    client.force_login(personas.office)
    assert "default-src 'self'" in client.get("/api/v1/hazards/")["Content-Security-Policy"]
    script = client.get("/api/docs/", {"script": ""})  # Swagger UI's start-up script, a file of its own
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page and "<style>" not in page  # nothing inline left for the policy to refuse


def test_a_page_that_uses_the_nonce_allows_that_script_only():
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    middleware = CSPMiddleware(lambda r: HttpResponse(f'<script nonce="{r.csp_nonce}"></script>'))
    response = middleware(request)
    script_src = directives(response)["script-src"]
    assert script_src == ["'self'", f"'nonce-{request.csp_nonce}'"]
    other = CSPMiddleware(lambda r: HttpResponse("no inline script"))(RequestFactory().get("/"))
    assert directives(other)["script-src"] == ["'self'"]  # no nonce that a planted script could guess


@pytest.mark.parametrize("url, origin", [
    ("", ""),
    ("http://tiles.example/{z}/{x}/{y}.png", "http://tiles.example"),
    ("https://tiles.example:8443/osm/{z}/{x}/{y}.png", "https://tiles.example:8443"),
    ("http://{s}.tiles.example/{z}/{x}/{y}.png", "http://*.tiles.example"),
    ("https://user:pw@tiles.example/{z}/{x}/{y}.png", "https://tiles.example"),
    ("/tiles/{z}/{x}/{y}.png", ""),          # the platform's own origin: 'self' already allows it
    ("javascript:alert(1)", ""),
])
def test_the_tile_servers_origin_is_allowed_for_images(url, origin):
    assert tile_origin(url) == origin
    images = content_security_policy(url)["DIRECTIVES"]["img-src"]
    assert images == ["'self'", "data:", "blob:"] + ([origin] if origin else [])


def test_the_configured_policy_reaches_the_header(client, db):
    with override_settings(CONTENT_SECURITY_POLICY=content_security_policy("http://tiles.example/{z}/{x}/{y}.png")):
        response = client.get("/accounts/login/")
    assert directives(response)["img-src"] == ["'self'", "data:", "blob:", "http://tiles.example"]
    assert directives(response)["script-src"] == ["'self'"]
