"""The OpenAPI schema and its docs page are served by the platform itself: government intranets have no internet,
so the page may load nothing from another host."""
import re

from django.contrib.staticfiles import finders


def test_the_openapi_schema_is_served(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/hazards/", "/api/v1/hazards/{id}/verify/", "/api/v1/inspections/",
                 "/api/v1/sites/{id}/checklist/", "/api/v1/auth/token/"):
        assert path in schema["paths"], path
    assert "multipart/form-data" in schema["paths"]["/api/v1/hazards/{id}/submit/"]["post"]["requestBody"]["content"]
    assert client.get("/api/schema/").status_code == 200  # the YAML rendering too


def test_the_docs_page_loads_nothing_from_elsewhere(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "the docs page references another host"
    assert not re.search(r"https?://", html)
    assets = re.findall(r"""(?:src|href)="/static/([^"]+)\"""", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:  # each is shipped with the platform (drf-spectacular-sidecar), not fetched
        assert finders.find(asset), asset
