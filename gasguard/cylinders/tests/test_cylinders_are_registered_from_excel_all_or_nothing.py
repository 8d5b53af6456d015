"""Bulk registration from Excel: all rows or none, each error with its row and column; a code already registered to
another owner, or twice in the file, is refused."""
import io

import pytest
from openpyxl import Workbook

from gasguard.cylinders import bulk, codes
from gasguard.cylinders.models import Cylinder
from gasguard.testing import api_client

from . import helpers

pytestmark = pytest.mark.django_db

HEADER = [h for h, _, _ in bulk.COLUMNS]


def workbook(*rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "cylinders.xlsx"
    return buf


def test_good_rows_are_all_registered(gas):
    code = codes.make_code("TJ0000000777")
    result = bulk.import_cylinders(workbook([code, "厂A", "X-1", "2024-05-01", "YSP35.5"],
                                            ["", "厂A", "X-2", "2024-06-01", "YSP118/49.5"]),
                                   owner=gas.enterprise, by=gas.user)
    assert result.errors == [] and len(result.created) == 2
    assert Cylinder.objects.get(code=code).owner == gas.enterprise


def test_one_bad_row_registers_none_and_names_row_and_column(gas, rival):
    theirs = helpers.cylinder(rival)
    dup = codes.make_code("TJ0000000888")
    result = bulk.import_cylinders(workbook(
        ["", "厂A", "Y-1", "2024-05-01", "YSP35.5"],
        [theirs.code, "厂A", "Y-2", "2024-05-01", "YSP35.5"],
        ["", "厂A", "Y-3", "2024年5月", "YSP99"],
        [dup, "厂A", "Y-4", "2024-05-01", "YSP12"],
        [dup, "厂A", "Y-5", "2024-05-01", "YSP12"],
    ), owner=gas.enterprise, by=gas.user)
    assert not result.created
    where = {(e["row"], e["col"]) for e in result.errors}
    assert {(3, "A"), (4, "D"), (6, "A")} <= where
    assert any("已登记给" in e["message"] and e["row"] == 3 for e in result.errors)
    assert not Cylinder.objects.filter(owner=gas.enterprise).exists()


def test_the_api_takes_the_file(gas):
    client = api_client(gas.user)
    ok = client.post("/api/v1/cylinders/import/", {"file": workbook(["", "厂B", "Z-1", "2024-05-01", "YSP12"])},
                     format="multipart")
    assert ok.status_code == 201 and ok.json()["created"] == 1
    bad = client.post("/api/v1/cylinders/import/", {"file": workbook(["", "厂B", "Z-1", "2024-05-01", "YSP12"])},
                      format="multipart")
    assert bad.status_code == 400 and bad.json()["errors"][0]["row"] == 2


def test_the_template_downloads_and_imports_as_is(gas):
    response = api_client(gas.user).get("/api/v1/cylinders/import/template.xlsx")
    assert response.status_code == 200
    buf = io.BytesIO(response.content)
    result = bulk.import_cylinders(buf, owner=gas.enterprise, by=gas.user)
    assert result.errors == [] and len(result.created) == 1
