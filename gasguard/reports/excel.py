"""The report's tables in Excel: one sheet per table, Chinese headers, numbers as numbers."""
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gasguard.utilities import spreadsheet

FIGURES = [("found_month", "本月发现"), ("closed_month", "本月销号"), ("found", "累计发现"), ("closed", "累计销号"),
           ("open", "未销号"), ("overdue", "逾期"), ("major", "重大隐患"), ("major_open", "重大隐患未销号"),
           ("rate", "整改率%")]
HAZARD_COLUMNS = [("number", "隐患编号"), ("site", "所在对象"), ("jurisdiction", "属地"), ("lead_unit", "牵头单位"),
                  ("description", "隐患描述"), ("severity", "等级"), ("state", "状态"), ("found_date", "发现日期"),
                  ("deadline", "整改期限"), ("overdue_days", "逾期天数"), ("responsible", "整改责任")]

# (sheet name, context key, columns)
SHEETS = [
    ("分任务", "tasks", [("code", "编号"), ("title", "任务"), ("lead_units", "牵头单位"), ("co_units", "配合单位"),
                        ("territorial", "属地责任"), ("progress_status", "进展状态"), ("progress_units", "填报单位数"),
                        ("progress", "本月进展（单位填报）"), ("inspections_month", "本月检查"), *FIGURES]),
    ("分单位", "by_unit", [("unit", "牵头单位"), ("inspections_month", "本月检查"), *FIGURES]),
    ("分属地", "by_area", [("name", "属地"), ("level", "类别"), *FIGURES]),
    ("重大隐患", "majors", HAZARD_COLUMNS),
    ("逾期隐患", "overdue", HAZARD_COLUMNS),
    ("月度趋势", "trend", [("month", "月份"), ("found", "发现"), ("closed", "销号")]),
]
HEAD = Font(bold=True)
FILL = PatternFill("solid", fgColor="DDE6F0")


def _sheet(wb, title, columns, rows):
    ws = wb.create_sheet(title)
    ws.append([label for _, label in columns])
    for cell in ws[1]:
        cell.font, cell.fill = HEAD, FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append(spreadsheet.row(ws, [row.get(key, "") for key, _ in columns]))
    for i, (key, label) in enumerate(columns, start=1):
        wide = key in ("title", "description", "site", "lead_units", "co_units", "responsible", "progress")
        ws.column_dimensions[get_column_letter(i)].width = 36 if wide else max(10, len(label) * 2 + 2)
    ws.freeze_panes = "A2"
    return ws


def workbook(ctx: dict) -> bytes:
    wb = Workbook()
    summary = wb.active
    summary.title = "总体情况"
    t, lb, en = ctx["totals"], ctx["lookbacks"], ctx["enforcement"]
    summary.append(["指标", "数值"])
    for cell in summary[1]:
        cell.font, cell.fill = HEAD, FILL
    for label, value in [
            ("月份", ctx["month"]), ("统计期间", ctx["period_text"]), ("本月检查次数", t["inspections_month"]),
            ("本月检查对象数", t["sites_inspected_month"]), ("本月发现隐患", t["found_month"]),
            ("本月销号隐患", t["closed_month"]), ("累计发现隐患", t["found"]), ("累计销号隐患", t["closed"]),
            ("未销号隐患", t["open"]), ("整改率%", t["rate"]), ("逾期未整改", t["overdue"]), ("重大隐患", t["major"]),
            ("重大隐患未销号", t["major_open"]), ("回头看抽取", lb["drawn"]), ("回头看已复查", lb["checked"]),
            ("回头看整改有效", lb["confirmed"]), ("回头看反弹", lb["rebound"]), ("本月下发督办单", en["orders_issued"]),
            ("本月督办单已反馈", en["orders_answered"]), ("月末未反馈督办单", en["orders_open"]),
            ("执法情况", en["cases_note"])]:
        summary.append(spreadsheet.row(summary, [label, value]))
    summary.column_dimensions["A"].width = 20
    summary.column_dimensions["B"].width = 60
    for title, key, columns in SHEETS:
        _sheet(wb, title, columns, ctx[key])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
