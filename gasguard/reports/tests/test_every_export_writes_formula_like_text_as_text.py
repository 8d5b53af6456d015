"""A value someone typed (a site's name, a responsible person, a device's payload, a department's alias) that begins
with = + - @ is written into every exported workbook as text: read back it is the same string, a text cell with the
quote prefix, never a formula that Excel would run (=HYPERLINK to a phishing page, =1+1, DDE through +cmd|…)."""
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from gasguard import testing
from gasguard.org.models import Department
from gasguard.reports import excel
from gasguard.reports.figures import sample_context
from gasguard.utilities import spreadsheet

LINK = '=HYPERLINK("http://evil.example/x","点此查看")'
PLANTED = [LINK, "=1+1", "+1+1", "-1+1", "@SUM(1,1)", "\t=1+1", "\r=1+1"]


def _cells(content: bytes):
    wb = load_workbook(io.BytesIO(content))
    return [c for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.value is not None]


def _assert_text(content: bytes, planted):
    cells = {c.value: c for c in _cells(content)}
    assert not [c.value for c in cells.values() if c.data_type == "f"]
    for value in planted:
        assert value in cells, value
        assert cells[value].data_type == "s" and cells[value].quotePrefix, value


def _office(personas):
    c = Client()
    c.force_login(personas.office)
    return c


def test_the_ledger_and_trace_exports(personas):
    site = testing.make_site(name=LINK)
    testing.register_hazard(site, personas.street_a, responsible_person="=1+1", responsible_party="@SUM(1,1)")
    client = _office(personas)
    for url in ("/ledger/export.xlsx", "/reports/trace/export.xlsx"):
        r = client.get(url)
        assert r.status_code == 200, url
        content = b"".join(r.streaming_content) if r.streaming else r.content
        _assert_text(content, [LINK, "=1+1"])


def test_the_district_report_workbook():
    ctx = sample_context()
    ctx["majors"] = [{"number": "YH-1", "site": LINK, "description": "=1+1", "overdue_days": 3,
                      "responsible": "-1+1"}]
    ctx["enforcement"] = {**ctx["enforcement"], "cases_note": "@SUM(1,1)"}
    content = excel.workbook(ctx)
    _assert_text(content, [LINK, "=1+1", "-1+1", "@SUM(1,1)"])
    majors = load_workbook(io.BytesIO(content))["重大隐患"]
    assert majors["J2"].value == 3 and majors["J2"].data_type == "n"  # numbers stay numbers


def test_the_import_template_lists_master_data_as_text(personas):
    Department.objects.filter(name="区市场监管局").update(aliases=["=1+1", LINK])
    r = _office(personas).get("/imports/template/hazards.xlsx")
    assert r.status_code == 200
    _assert_text(r.content, ["=1+1、" + LINK])


@pytest.mark.django_db
def test_the_dead_letter_export_keeps_an_anonymous_payload_as_text(personas):
    from gasguard.monitoring.ingest import Message, ingest

    ingest([Message(payload=LINK.encode(), device_code="NOPE-1", source="http")])
    r = _office(personas).get("/monitoring/dead-letters/export.xlsx")
    assert r.status_code == 200
    _assert_text(b"".join(r.streaming_content), [LINK])


@pytest.mark.parametrize("write_only", [True, False])
def test_the_helper_in_both_openpyxl_modes(write_only):
    from openpyxl import Workbook

    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("x")
    ws.append(spreadsheet.row(ws, [*PLANTED, 42, "正常文字"]))
    out = io.BytesIO()
    wb.save(out)
    cells = load_workbook(io.BytesIO(out.getvalue()))["x"][1]
    assert [c.value for c in cells] == [*PLANTED, 42, "正常文字"]
    assert [c.data_type for c in cells] == ["s"] * len(PLANTED) + ["n", "s"]
    assert [bool(c.quotePrefix) for c in cells] == [True] * len(PLANTED) + [False, False]
