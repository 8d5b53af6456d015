"""The device register (/monitoring/devices/): an enterprise sees its own devices, a street those of its area, the
office all; filters, sort and export agree; overdue calibrations are flagged; only the office registers, edits and
rotates a device's secret (shown once, only its hash kept), each change audited; bad input is refused with a
Chinese message naming the field."""
import io
from datetime import timedelta

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gasguard.audit.models import AuditRecord
from gasguard.monitoring.forms import site_label
from gasguard.monitoring.ingest import hash_secret
from gasguard.monitoring.models import Device
from gasguard.utilities import clock

from .helpers import SECRET, base_time, make_device, reading, send


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _codes(response):
    from html.parser import HTMLParser

    codes = []

    class Rows(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "tr" and dict(attrs).get("data-code"):
                codes.append(dict(attrs)["data-code"])

    Rows().feed(response.content.decode())
    return codes


@pytest.fixture
def devices(personas):
    today = clock.today()
    a1 = make_device(site=personas.site_a, code="FMJ-A-001", kind="kitchen_detector", name="老味道后厨探测器",
                     installed_on=today - timedelta(days=700), calibrated_on=today - timedelta(days=400))
    a2 = make_device(site=personas.site_a, code="FMJ-A-002", kind="valve_well",
                     installed_on=today - timedelta(days=100), calibrated_on=today - timedelta(days=30))
    b1 = make_device(site=personas.site_b, code="FMJ-B-001", kind="kitchen_detector")  # no dates at all
    send(a2, reading(base_time(), ch4_lel=70.0))  # in alarm
    return a1, a2, b1


@pytest.mark.django_db
def test_each_user_sees_only_the_devices_in_scope(personas, devices):
    assert _codes(_client(personas.office).get("/monitoring/devices/")) == ["FMJ-A-001", "FMJ-A-002", "FMJ-B-001"]
    assert _codes(_client(personas.enterprise).get("/monitoring/devices/")) == ["FMJ-A-001", "FMJ-A-002"]
    assert _codes(_client(personas.outsider).get("/monitoring/devices/")) == ["FMJ-B-001"]
    assert _codes(_client(personas.street_a).get("/monitoring/devices/")) == ["FMJ-A-001", "FMJ-A-002"]
    assert _codes(_client(personas.street_b).get("/monitoring/devices/")) == ["FMJ-B-001"]
    # The export is cut the same way.
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(
        _client(personas.street_b).get("/monitoring/devices/export.xlsx").streaming_content))).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["FMJ-B-001"]


@pytest.mark.django_db
def test_filters_sort_and_export_agree(personas, devices):
    office = _client(personas.office)
    assert _codes(office.get("/monitoring/devices/", {"kind": "kitchen_detector"})) == ["FMJ-A-001", "FMJ-B-001"]
    assert _codes(office.get("/monitoring/devices/", {"state": "alarm"})) == ["FMJ-A-002"]
    assert _codes(office.get("/monitoring/devices/", {"jurisdiction": "120116-S03"})) == ["FMJ-B-001"]
    assert _codes(office.get("/monitoring/devices/", {"site": personas.site_a.pk})) == ["FMJ-A-001", "FMJ-A-002"]
    assert _codes(office.get("/monitoring/devices/", {"q": "后厨"})) == ["FMJ-A-001"]
    assert _codes(office.get("/monitoring/devices/", {"q": "b-00"})) == ["FMJ-B-001"]
    assert _codes(office.get("/monitoring/devices/", {"sort": "-code"})) == ["FMJ-B-001", "FMJ-A-002", "FMJ-A-001"]
    # Never calibrated sorts last whichever way.
    assert _codes(office.get("/monitoring/devices/", {"sort": "calibrated"}))[-1] == "FMJ-B-001"
    assert _codes(office.get("/monitoring/devices/", {"sort": "-calibrated"}))[-1] == "FMJ-B-001"
    r = office.get("/monitoring/devices/", {"kind": "kitchen_detector", "sort": "-code"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(office.get(
        "/monitoring/devices/export.xlsx", {"kind": "kitchen_detector", "sort": "-code"}).streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("设备编码", "名称", "设备类型")
    assert [row[0] for row in rows[1:]] == _codes(r) == ["FMJ-B-001", "FMJ-A-001"]
    assert rows[1][2] == "可燃气体探测器（联动紧急切断阀）" and rows[1][13] == "是"   # no calibration on record
    # A value that cannot be read is named, in Chinese, and left out of the filter.
    r = office.get("/monitoring/devices/", {"kind": "teapot", "site": "x"})
    html = r.content.decode()
    assert "设备类型：设备类型无效" in html and "监测对象编号须为整数" in html
    assert len(_codes(r)) == 3


@pytest.mark.django_db
def test_overdue_calibrations_are_flagged_and_filtered(personas, devices):
    a1, a2, b1 = devices
    office = _client(personas.office)
    assert _codes(office.get("/monitoring/devices/", {"overdue": "1"})) == ["FMJ-A-001", "FMJ-B-001"]
    rows = _calibration_cells(office.get("/monitoring/devices/"))
    due = (a1.calibrated_on + timedelta(days=365)).isoformat()
    assert rows == {"FMJ-A-001": f"{a1.calibrated_on.isoformat()}标定已逾期（{due} 到期）",
                    "FMJ-A-002": a2.calibrated_on.isoformat(), "FMJ-B-001": "—无标定记录"}
    assert f"标定已逾期（{due} 到期）" in office.get(f"/monitoring/devices/{a1.pk}/").content.decode()
    assert "无标定记录" in office.get(f"/monitoring/devices/{b1.pk}/").content.decode()
    page = office.get(f"/monitoring/devices/{a2.pk}/").content.decode()
    assert "标定已逾期" not in page and "标定有效期至" in page
    # Installed less than a year ago and never calibrated since: the factory calibration still holds.
    fresh = make_device(site=personas.site_a, code="FMJ-A-003", installed_on=clock.today() - timedelta(days=200))
    assert not fresh.calibration_overdue(clock.today())
    assert "FMJ-A-003" not in _codes(office.get("/monitoring/devices/", {"overdue": "1"}))


def _calibration_cells(response):
    """code → the text of its calibration cell."""
    from html.parser import HTMLParser

    cells, state = {}, {"code": None, "in": False}

    class Cells(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "tr" and attrs.get("data-code"):
                state["code"] = attrs["data-code"]
            if tag == "td" and attrs.get("class") == "calibration":
                state["in"] = True
                cells[state["code"]] = ""

        def handle_endtag(self, tag):
            if tag == "td":
                state["in"] = False

        def handle_data(self, data):
            if state["in"]:
                cells[state["code"]] += data.strip()

    Cells().feed(response.content.decode())
    return cells


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_3_or_23_devices(personas, devices):
    office = _client(personas.office)
    office.get("/monitoring/devices/")  # session and user loaded once
    with CaptureQueriesContext(connection) as few:
        office.get("/monitoring/devices/")
    for i in range(20):
        make_device(site=personas.site_b if i % 2 else personas.site_a, code=f"FMJ-N-{i:03d}")
    with CaptureQueriesContext(connection) as many:
        assert len(_codes(office.get("/monitoring/devices/"))) == 23
    assert len(many) == len(few) <= 8


def _form(watched, **overrides):
    data = {"code": "FMJ-NEW-01", "name": "新装阀门井探测器", "kind": "valve_well", "site": site_label(watched),
            "lat": "39.0123", "lon": "117.6543", "installed_on": "2025-03-01", "calibrated_on": "2025-03-01",
            "interval_s": "60", "is_active": "on"}
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_office_registers_a_device_and_sees_its_secret_once(personas):
    office = _client(personas.office)
    r = office.post("/monitoring/devices/new/", _form(personas.site_b))
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    device = Device.objects.get(code="FMJ-NEW-01")
    secret = r.context["secret"]
    assert len(secret) >= 24 and secret in r.content.decode()
    assert device.secret_hash == hash_secret(secret) and secret not in device.secret_hash
    assert (device.site, device.jurisdiction, device.lat, device.interval_s) == (
        personas.site_b, personas.site_b.jurisdiction, 39.0123, 60)
    assert AuditRecord.objects.filter(action="device.register", object_id=str(device.pk)).exists()
    assert secret not in AuditRecord.objects.get(action="device.register", object_id=str(device.pk)).data
    # The secret works for the device, and is never shown again.
    assert send(device.code, reading(base_time(), secret=secret, ch4_lel=1.0)).stored == 1
    assert secret not in office.get(f"/monitoring/devices/{device.pk}/").content.decode()
    assert secret not in office.get(f"/monitoring/devices/{device.pk}/edit/").content.decode()


@pytest.mark.django_db
def test_bad_device_input_is_refused_naming_the_field(personas, devices):
    office = _client(personas.office)
    r = office.post("/monitoring/devices/new/", _form(personas.site_a, code="FMJ-A-001", lat="91", lon="",
                                                      interval_s="abc", installed_on="2025-02-30",
                                                      site="不存在的饭店"))
    assert r.status_code == 400
    errors = r.context["form"].errors
    assert errors["interval_s"] == ["上报间隔（秒）须为整数"]
    assert errors["installed_on"] == ["安装日期须为有效日期，例如 2024-01-31"]
    assert errors["site"] == ["找不到监测对象“不存在的饭店”，请从提示中选择"]
    r = office.post("/monitoring/devices/new/", _form(personas.site_a, code="FMJ-A-001", lat="91", lon="",
                                                      calibrated_on=(clock.today() + timedelta(days=2)).isoformat()))
    errors = r.context["form"].errors
    assert errors["code"] == ["设备编码 FMJ-A-001 已存在"]
    assert errors["lat"] == ["纬度须在 -90 至 90 之间"] and errors["lon"] == ["经度和纬度须同时填写或同时留空"]
    assert errors["calibrated_on"] == ["标定日期不能晚于今天"]
    assert "设备编码 FMJ-A-001 已存在" in r.content.decode()
    assert Device.objects.count() == 3


@pytest.mark.django_db
def test_the_office_edits_a_device_and_the_change_is_audited(personas, devices):
    a1, _, _ = devices
    office = _client(personas.office)
    form = office.get(f"/monitoring/devices/{a1.pk}/edit/").context["form"]
    assert form["site"].value() == site_label(personas.site_a)
    r = office.post(f"/monitoring/devices/{a1.pk}/edit/", _form(
        personas.site_b, code="HACKED", calibrated_on=clock.today().isoformat(), interval_s="30", is_active=""))
    assert r.status_code == 302 and r["Location"] == f"/monitoring/devices/{a1.pk}/"
    a1.refresh_from_db()
    assert a1.code == "FMJ-A-001"  # the code is the device's identity: not editable
    assert (a1.site, a1.jurisdiction, a1.interval_s, a1.is_active, a1.calibrated_on) == (
        personas.site_b, personas.site_b.jurisdiction, 30, False, clock.today())
    rec = AuditRecord.objects.get(action="device.update", object_id=str(a1.pk))
    assert rec.actor == personas.office and '"interval_s":60' in rec.data and '"interval_s":30' in rec.data
    assert "secret_hash" not in rec.data
    # Saving again without a change writes no audit record.
    office.post(f"/monitoring/devices/{a1.pk}/edit/", _form(
        personas.site_b, calibrated_on=clock.today().isoformat(), interval_s="30", is_active=""))
    assert AuditRecord.objects.filter(action="device.update", object_id=str(a1.pk)).count() == 1
    # The enterprise no longer sees the device that moved to the other restaurant.
    assert _client(personas.enterprise).get(f"/monitoring/devices/{a1.pk}/").status_code == 404


@pytest.mark.django_db
def test_rotating_the_secret_shows_the_new_one_once_and_the_old_one_stops_working(personas, devices):
    a1, _, _ = devices
    r = _client(personas.office).post(f"/monitoring/devices/{a1.pk}/rotate/")
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    secret = r.context["secret"]
    a1.refresh_from_db()
    assert a1.secret_hash == hash_secret(secret) != hash_secret(SECRET)
    assert send(a1, reading(base_time(), ch4_lel=1.0)).stored == 0  # the old secret: a dead letter
    assert send(a1.code, reading(base_time() + timedelta(seconds=1), secret=secret, ch4_lel=1.0)).stored == 1
    assert AuditRecord.objects.filter(action="device.rotate_secret", object_id=str(a1.pk),
                                      actor=personas.office).count() == 1
    assert _client(personas.office).get(f"/monitoring/devices/{a1.pk}/rotate/").status_code == 405


@pytest.mark.django_db
def test_only_the_office_writes_and_others_cannot_even_find_what_is_not_theirs(personas, devices):
    a1, _, b1 = devices
    before = Device.objects.get(pk=a1.pk).secret_hash
    for user, own, other in ((personas.enterprise, a1, b1), (personas.street_a, a1, b1),
                             (personas.street_b, b1, a1), (personas.outsider, b1, a1)):
        c = _client(user)
        assert c.get("/monitoring/devices/new/").status_code == 403
        assert c.post("/monitoring/devices/new/", _form(personas.site_a)).status_code == 403
        assert c.get(f"/monitoring/devices/{own.pk}/edit/").status_code == 403
        assert c.post(f"/monitoring/devices/{own.pk}/edit/", _form(personas.site_a)).status_code == 403
        assert c.post(f"/monitoring/devices/{own.pk}/rotate/").status_code == 403
        assert c.get(f"/monitoring/devices/{other.pk}/edit/").status_code == 404
        assert c.post(f"/monitoring/devices/{other.pk}/rotate/").status_code == 404
        assert c.get("/monitoring/devices/sites.json", {"q": "店"}).status_code == 403
        html = c.get("/monitoring/devices/").content.decode()
        assert "/edit/" not in html and "登记设备" not in html
    assert Device.objects.get(pk=a1.pk).secret_hash == before and Device.objects.count() == 3
    assert not AuditRecord.objects.filter(action__in=["device.update", "device.rotate_secret"]).exists()


@pytest.mark.django_db
def test_site_suggestions_find_sites_by_name_or_id(personas):
    office = _client(personas.office)
    found = office.get("/monitoring/devices/sites.json", {"q": "老味道"}).json()["sites"]
    assert [s["id"] for s in found] == [personas.site_a.pk]
    assert found[0]["label"] == site_label(personas.site_a)
    found = office.get("/monitoring/devices/sites.json", {"q": str(personas.site_b.pk)}).json()["sites"]
    assert personas.site_b.pk in [s["id"] for s in found]
