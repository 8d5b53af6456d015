"""The export's sheet writer keeps every value as it was given: text with XML's special characters and characters
XML cannot hold (dropped), numbers, dates and times, empty cells in the middle of a row — read back by openpyxl."""
from datetime import date, datetime
from io import BytesIO

from openpyxl import load_workbook

from gasguard.utilities.xlsx import SheetWriter


def test_the_export_sheet_keeps_every_value():
    out = BytesIO()
    with SheetWriter(out, "隐患台账") as sheet:
        sheet.header(["编号", "描述", "数量", "期限", "发现时间", "备注"])
        sheet.row(["YH1", "软管<2米> & “角阀” 'x'", 3, date(2024, 2, 29), datetime(2024, 3, 1, 8, 30, 15), None])
        sheet.row(["YH2", "", 2.5, None, None, " 前后空格 \x07"])
    wb = load_workbook(BytesIO(out.getvalue()))
    ws = wb["隐患台账"]
    assert [list(r) for r in ws.iter_rows(values_only=True)] == [
        ["编号", "描述", "数量", "期限", "发现时间", "备注"],
        ["YH1", "软管<2米> & “角阀” 'x'", 3, datetime(2024, 2, 29), datetime(2024, 3, 1, 8, 30, 15), None],
        ["YH2", None, 2.5, None, None, " 前后空格 "],
    ]
    assert ws["A1"].font.b and not ws["A2"].font.b
    assert ws["D2"].number_format == "yyyy-mm-dd" and ws["E2"].number_format == "yyyy-mm-dd hh:mm:ss"
