"""The dead letters page (/monitoring/dead-letters/, office only as the API): newest first, filtered by reason,
source, device and date, paged, exported exactly as filtered; the payload is shown with the secret blanked."""
import io
from datetime import timedelta

import openpyxl
import pytest
from django.test import Client

from gasguard.monitoring.ingest import Message, ingest
from gasguard.monitoring.models import DeadLetter
from gasguard.utilities import clock

from .helpers import base_time, make_device, reading, send


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def letters(personas):
    device = make_device(site=personas.site_a, code="FMJ-DL-001")
    send(device, reading(base_time(), secret="wrong-secret-123456", ch4_lel=1.0))          # bad secret
    ingest([Message(payload=b"{not json", device_code="FMJ-DL-001", source="mqtt", topic="gg/FMJ-DL-001/up")])
    ingest([Message(payload=b'{"m": {"ch4_lel": 1}}', device_code="NOPE-9", source="http")])  # unknown device
    return device


def _reasons(response):
    return [dl.reason for dl in response.context["page"]]


@pytest.mark.django_db
def test_the_office_reads_them_with_the_secret_blanked(personas, letters):
    r = _client(personas.office).get("/monitoring/dead-letters/")
    assert r.status_code == 200
    assert _reasons(r) == ["unknown_device", "malformed", "bad_secret"]  # newest first
    html = r.content.decode()
    assert "wrong-secret-123456" not in html
    assert "设备密钥错误" in html and "报文格式错误" in html and "未登记的设备" in html
    assert "FMJ-DL-001" in html and "NOPE-9" in html and "{not json" in html


@pytest.mark.django_db
def test_filters_paging_and_export_agree(personas, letters):
    office = _client(personas.office)
    assert _reasons(office.get("/monitoring/dead-letters/", {"reason": "bad_secret"})) == ["bad_secret"]
    assert _reasons(office.get("/monitoring/dead-letters/", {"source": "http"})) == ["unknown_device"]
    assert _reasons(office.get("/monitoring/dead-letters/", {"device": "dl-001"})) == ["malformed", "bad_secret"]
    today = clock.today()
    assert len(_reasons(office.get("/monitoring/dead-letters/", {"since": today.isoformat(),
                                                                 "until": today.isoformat()}))) == 3
    assert _reasons(office.get("/monitoring/dead-letters/", {"until": (today - timedelta(days=1)).isoformat()})) == []
    r = office.get("/monitoring/dead-letters/", {"since": "2026-13-01", "reason": "teapot",
                                                 "until": (today - timedelta(days=2)).isoformat()})
    html = r.content.decode()
    assert "接收日期从：接收日期从须为有效日期，例如 2024-01-31" in html and "原因：原因无效" in html
    r = office.get("/monitoring/dead-letters/", {"since": today.isoformat(),
                                                 "until": (today - timedelta(days=1)).isoformat()})
    assert "结束日期不能早于开始日期" in r.content.decode()

    book = openpyxl.load_workbook(io.BytesIO(b"".join(office.get(
        "/monitoring/dead-letters/export.xlsx", {"device": "DL-001"}).streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("接收时间", "来源", "主题", "设备编码", "原因", "说明", "原始报文")
    assert [(row[3], row[4]) for row in rows[1:]] == [("FMJ-DL-001", "报文格式错误"), ("FMJ-DL-001", "设备密钥错误")]
    assert "wrong-secret-123456" not in "".join(str(c) for row in rows for c in row)

    DeadLetter.objects.bulk_create([DeadLetter(source="mqtt", device_code=f"X{i}", reason="malformed", payload="x")
                                    for i in range(60)])
    first = office.get("/monitoring/dead-letters/")
    assert len(first.context["page"]) == 50 and first.context["page"].paginator.count == 63
    assert len(office.get("/monitoring/dead-letters/", {"page": 2}).context["page"]) == 13


@pytest.mark.django_db
def test_only_the_office_reads_dead_letters(personas, letters):
    for user in (personas.street_a, personas.enterprise, personas.market, personas.inspector):
        c = _client(user)
        assert c.get("/monitoring/dead-letters/").status_code == 403
        assert c.get("/monitoring/dead-letters/export.xlsx").status_code == 403
        assert "/monitoring/dead-letters/" not in c.get("/monitoring/rules/").content.decode()
    assert "/monitoring/dead-letters/" in _client(personas.office).get("/monitoring/rules/").content.decode()
