"""The downloadable templates: a data sheet with the Chinese headers, and a "填写说明" sheet that lists every column,
whether it is required, and what may be written in it."""
import io

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from gasguard.catalog.models import CheckItem
from gasguard.org.choices import Level
from gasguard.org.models import Department, Jurisdiction
from gasguard.utilities import spreadsheet

from .cells import DATE_HELP
from .columns import COLUMNS, REQUIRED
from .models import Kind

DATA_SHEET = {Kind.SITES: "监管对象", Kind.ENTERPRISES: "企业", Kind.HAZARDS: "隐患台账"}
HELP_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
FILE_NAME = {Kind.SITES: "监管对象导入模板.xlsx", Kind.ENTERPRISES: "企业导入模板.xlsx",
             Kind.HAZARDS: "隐患台账导入模板.xlsx"}
TEMPLATE_ROWS = 5000  # rows that get the drop-downs and text format

BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
REQUIRED_FONT = Font(bold=True, color="C0392B")
WRAP = Alignment(wrap_text=True, vertical="top")

GENERAL_NOTES = [
    "第1行为表头，请勿修改或删除；从第2行起每行填写一条记录，空行会被忽略。列的顺序可以调整，按表头识别。",
    "导入时先校验全部行：只要有一处错误，就不导入任何数据，并按“第几行、哪一列”列出每一处错误；改正后重新上传即可。",
    "有下拉选项的列，既可填写中文名称，也可填写代码。是/否列填写“是”或“否”，不填为“否”。",
    DATE_HELP + "。",
]
DEDUP_NOTES = {
    Kind.SITES: "已登记的对象不会重复导入：同名且同地址，或同一企业（统一社会信用代码）下同名的对象，计为“已存在”并跳过。",
    Kind.ENTERPRISES: "已登记的企业（统一社会信用代码相同）不会重复导入，计为“已存在”并跳过。",
    Kind.HAZARDS: "台账中已导入的隐患（同一对象、同一隐患描述、同一发现日期）不会重复导入，计为“已存在”并跳过。"
                  "每条隐患按平台规定登记（留痕、审计），整改期限不能早于导入当天。",
}


def _sheet_table(ws, start_row, title, headers, rows, widths=None):
    ws.cell(start_row, 1, title).font = Font(bold=True, size=12)
    for i, h in enumerate(headers, start=1):
        cell = ws.cell(start_row + 1, i, h)
        cell.font = BOLD
        cell.fill = HEAD_FILL
    r = start_row + 2
    for values in rows:
        for i, v in enumerate(values, start=1):
            spreadsheet.put(ws, r, i, "" if v is None else str(v)).alignment = WRAP  # str(): lazy translations
        r += 1
    return r + 1


def build_template(kind: str) -> bytes:
    """The template is in Chinese whatever the page's language: it is read back by Chinese headers and labels."""
    with translation.override(None):
        return _build(kind)


def _build(kind: str) -> bytes:
    columns = COLUMNS[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET[kind]
    options = wb.create_sheet(OPTIONS_SHEET)
    options.sheet_state = "hidden"
    option_col = 0
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(1, index, column.title)
        cell.font = REQUIRED_FONT if column.required == REQUIRED else BOLD
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[letter].width = column.width
        if column.as_text:
            ws.column_dimensions[letter].number_format = "@"
        if column.values:
            # A drop-down that offers the labels but still accepts a code (no error box).
            option_col += 1
            ol = get_column_letter(option_col)
            values = column.values()
            for r, v in enumerate(values, start=1):
                spreadsheet.put(options, r, option_col, v)
            dv = DataValidation(type="list", formula1=f"'{OPTIONS_SHEET}'!${ol}$1:${ol}${len(values)}",
                                allow_blank=True, showErrorMessage=False)
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(dv)
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A2"

    help_ws = wb.create_sheet(HELP_SHEET, 1)
    help_ws.column_dimensions["A"].width = 6
    help_ws.column_dimensions["B"].width = 28
    help_ws.column_dimensions["C"].width = 22
    help_ws.column_dimensions["D"].width = 60
    help_ws.column_dimensions["E"].width = 60
    help_ws.cell(1, 1, f"{DATA_SHEET[kind]}导入模板：填写说明").font = Font(bold=True, size=14)
    r = 2
    for note in [*GENERAL_NOTES, DEDUP_NOTES[kind], "表头为红色的列必须填写。"]:
        help_ws.cell(r, 1, f"• {note}")
        r += 1
    r = _sheet_table(help_ws, r + 1, "各列说明", ["列", "表头", "是否必填", "说明", "可填写的值"], [
        [get_column_letter(i), c.title, c.required, c.help, "、".join(c.values()) if c.values else ""]
        for i, c in enumerate(columns, start=1)])
    keys = {c.key for c in columns}
    if "jurisdiction" in keys:
        r = _sheet_table(help_ws, r, "属地编码表（属地列可填写编码、名称或简称）", ["", "编码", "名称", "简称", "层级"], [
            ["", j.code, j.name, j.short_name, Level(j.level).label] for j in Jurisdiction.objects.order_by("path")])
    if "lead_unit" in keys:
        r = _sheet_table(help_ws, r, "成员单位表（牵头单位列可填写名称或其他写法）", ["", "名称", "其他写法"], [
            ["", d.name, "、".join(d.aliases)] for d in Department.objects.order_by("id")])
    if "item" in keys:
        _sheet_table(help_ws, r, "检查项目录（检查项编码列）", ["", "编码", "隐患等级", "检查内容"], [
            ["", i.code, i.get_severity_display(), i.text] for i in CheckItem.objects.filter(is_active=True)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
