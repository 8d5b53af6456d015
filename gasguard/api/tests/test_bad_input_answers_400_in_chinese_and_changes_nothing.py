"""Bad input — a malformed id, a body of the wrong shape, a NUL character, nesting deep enough to exhaust the
stack, a date in year 1 — answers 400 with a message in Chinese, and nothing is written. (Each of these was a 500,
the NUL ones on PostgreSQL.)"""
import io
import json

import pytest
from django.test import Client

from gasguard.audit.models import AuditRecord
from gasguard.cylinders.models import Cylinder, Filling, GateCheck
from gasguard.monitoring.models import AlarmRule
from gasguard.monitoring.tests.helpers import make_device
from gasguard.sites.models import Site
from gasguard.testing import api_client

DEEP = "[" * 100_000 + "]" * 100_000


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def counts():
    return [m.objects.count() for m in (AuditRecord, Cylinder, GateCheck, Filling, Site)]


def client_for(user, *, web=False):
    if web:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        return client
    client = api_client(user)
    client.raise_request_exception = False
    return client


# (name, who, method, path, keyword arguments, the field the answer names or None)
CASES = [
    ("import: owner an object", "office", "post", "/api/v1/cylinders/import/",
     {"data": lambda v: {"file": io.BytesIO(b"PK"), "owner": "{}"}, "format": "multipart"}, "owner"),
    ("import: owner out of range", "office", "post", "/api/v1/cylinders/import/",
     {"data": lambda v: {"file": io.BytesIO(b"PK"), "owner": str(10**30)}, "format": "multipart"}, "owner"),
    ("cylinder create: a JSON array", "enterprise", "post", "/api/v1/cylinders/", {"data": [1, 2], "format": "json"},
     "non_field_errors"),
    ("alarm rule: kinds null", "office", "patch", "/api/v1/alarm-rules/{rule}/",
     {"data": {"kinds": None}, "format": "json"}, "kinds"),
    ("site: attributes null", "office", "patch", "/api/v1/sites/{site}/",
     {"data": {"attributes": None}, "format": "json"}, "attributes"),
    ("series: since in year 1", "office", "get", "/api/v1/devices/{device}/series/",
     {"data": {"metric": "ch4_lel", "since": "0001-01-01T00:00:00"}}, "since"),
    ("series: until in year 1", "office", "get", "/api/v1/devices/{device}/series/",
     {"data": {"metric": "ch4_lel", "until": "0001-01-01T00:00:00"}}, "until"),
    ("series: until in year 9999", "office", "get", "/api/v1/devices/{device}/series/",
     {"data": {"metric": "ch4_lel", "until": "9999-12-31T23:59:59"}}, "until"),
    ("series: since not a time", "office", "get", "/api/v1/devices/{device}/series/",
     {"data": {"metric": "ch4_lel", "since": "yesterday"}}, "since"),
    ("series: since after until", "office", "get", "/api/v1/devices/{device}/series/",
     {"data": {"metric": "ch4_lel", "since": "2026-01-02T00:00:00", "until": "2026-01-01T00:00:00"}}, "since"),
    ("alarm stream: timeout abc", "office", "get", "/api/v1/alarm-stream/", {"data": {"timeout": "abc"}}, "timeout"),
    ("gate check: 100,000-deep JSON", "enterprise", "post", "/api/v1/cylinders/gate-check/",
     {"data": DEEP, "content_type": "application/json"}, "detail"),
    ("site create: 100,000-deep JSON", "office", "post", "/api/v1/sites/",
     {"data": DEEP, "content_type": "application/json"}, "detail"),
    ("site update: 40-deep attributes", "office", "patch", "/api/v1/sites/{site}/",
     {"data": '{"attributes": ' + "[" * 40 + "]" * 40 + "}", "content_type": "application/json"}, "detail"),
    ("gate check: station 10**30", "enterprise", "post", "/api/v1/cylinders/gate-check/",
     {"data": {"code": "X", "station": 10**30}, "format": "json"}, "station"),
    ("gate check: NUL in the code", "enterprise", "post", "/api/v1/cylinders/gate-check/",
     {"data": lambda v: {"code": "AB\x00C", "station": v["site"]}, "format": "json"}, "detail"),
    ("gate check: NUL in a form", "enterprise", "post", "/api/v1/cylinders/gate-check/",
     {"data": lambda v: {"code": "AB\x00C", "station": v["site"]}, "format": "multipart"}, "code"),
    ("offline batch: NUL in a record", "enterprise", "post", "/api/v1/cylinders/offline-batch/",
     {"data": lambda v: {"station": v["site"], "records": [{"type": "gate_check", "code": "A\x00",
                                                 "client_id": "0190a1a0-0000-7000-8000-000000000001"}]},
      "format": "json"}, "detail"),
    ("hazards: NUL in q", "office", "get", "/api/v1/hazards/", {"data": {"q": "a\x00b"}}, "q"),
    ("sites: NUL in search", "office", "get", "/api/v1/sites/", {"data": {"search": "a\x00b"}}, "search"),
    ("sites: NUL in a form body", "office", "post", "/api/v1/sites/",
     {"data": "name=a%00b", "content_type": "application/x-www-form-urlencoded"}, "name"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_answers_400_in_chinese_and_changes_nothing(personas, case):
    name, who, method, path, kwargs, field = case
    values = {"site": personas.site_a.pk, "rule": AlarmRule.objects.first().pk,
              "device": make_device(site=personas.site_a).pk}
    kwargs = {k: v(values) if callable(v) else v for k, v in kwargs.items()}
    before = counts()
    client = client_for(getattr(personas, who))
    r = getattr(client, method)(path.format(**values), **kwargs)
    assert r.status_code == 400, (r.status_code, r.content[:300])
    text = r.content.decode()
    assert chinese(text), text
    assert json.loads(text).get(field), text
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/map/points.json", "/ledger/", "/sites/", "/cylinders/"])
def test_a_nul_in_a_page_filter_answers_400_in_chinese(personas, path):
    r = client_for(personas.office, web=True).get(path, {"q": "a\x00b"})
    assert r.status_code == 400 and "空字符" in r.content.decode()


@pytest.mark.django_db
def test_ordinary_input_still_passes(personas):
    """The guards let through what they should: a nested but shallow body, an escaped backslash before u0000."""
    client = client_for(personas.office)
    site = personas.site_a
    r = client.patch(f"/api/v1/sites/{site.pk}/", {"attributes": {"a": [[[{"b": "[[[\\u0000"}]]]}}, format="json")
    assert r.status_code == 200, r.content
    site.refresh_from_db()
    assert site.attributes["a"][0][0][0]["b"] == "[[[\\u0000"
    assert client.get("/api/v1/hazards/", {"q": "100%"}).status_code == 200
