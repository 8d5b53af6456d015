"""Builds the default Word template of the district report (district-report.docx, committed beside this script).

Run it again after changing the layout:  .venv/bin/python gasguard/reports/word_templates/build_default.py
The office may instead edit the .docx in Word and upload it (月报模板); the placeholders are in reports/README.md.
"""
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

OUT = Path(__file__).with_name("district-report.docx")


def _font(style, east_asia, size, bold=False, latin="Times New Roman"):
    style.font.name = latin
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)


def _styles(doc):
    styles = doc.styles
    _font(styles["Normal"], "仿宋", 14)  # 仿宋 三号/四号 as official documents use
    made = {}
    for name, east_asia, size, bold, align in (
            ("公文标题", "方正小标宋简体", 22, False, WD_ALIGN_PARAGRAPH.CENTER),
            ("公文副标题", "楷体", 14, False, WD_ALIGN_PARAGRAPH.CENTER),
            ("公文一级标题", "黑体", 16, False, WD_ALIGN_PARAGRAPH.LEFT),
            ("公文正文", "仿宋", 14, False, WD_ALIGN_PARAGRAPH.JUSTIFY),
            ("表格文字", "宋体", 9, False, WD_ALIGN_PARAGRAPH.CENTER),
            ("表头文字", "黑体", 9, False, WD_ALIGN_PARAGRAPH.CENTER)):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        _font(style, east_asia, size, bold)
        style.paragraph_format.alignment = align
        style.paragraph_format.space_after = Pt(0 if size < 12 else 6)
        if name == "公文正文":
            style.paragraph_format.first_line_indent = Pt(28)
            style.paragraph_format.line_spacing = Pt(28)
        made[name] = style
    # Styles of docx's own headings would be Calibri/blue: ours keep everything black and in the official fonts.
    return made


def p(doc, text, style="公文正文"):
    return doc.add_paragraph(text, style=style)


def table(doc, headers, cells, loop, widths, note=None):
    """A table: a header row, then one row repeated for each item of `loop` (docxtpl {%tr %} rows).
    `widths` in cm (the text column gets the rest of the 16.6 cm line)."""
    t = doc.add_table(rows=4, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for column, width in zip(t.columns, widths, strict=True):
        column.width = Cm(width)  # the grid: what LibreOffice reads
    for row in t.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    for cell, text in zip(t.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].text = text
        cell.paragraphs[0].style = "表头文字"
    t.rows[1].cells[0].paragraphs[0].text = "{%tr for r in " + loop + " %}"
    for cell, text in zip(t.rows[2].cells, cells, strict=True):
        cell.paragraphs[0].text = text
        cell.paragraphs[0].style = "表格文字"
    t.rows[3].cells[0].paragraphs[0].text = "{%tr endfor %}"
    if note:
        p(doc, note, "表格文字")
    return t


def build(path=OUT):
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)
    _styles(doc)

    p(doc, "{{ title }}", "公文标题")
    p(doc, "（{{ month_label }}）", "公文副标题")
    p(doc, "滨海新区城镇燃气安全专项整治工作专班办公室　　{{ generated_at }}", "公文副标题")

    p(doc, "一、总体情况", "公文一级标题")
    p(doc, "{{ period_text }}，全区共开展燃气安全检查{{ totals.inspections_month }}次，检查对象{{ totals.sites_inspected_month }}个；"
           "本月新发现隐患{{ totals.found_month }}项，销号{{ totals.closed_month }}项。专项整治开展以来累计发现隐患"
           "{{ totals.found }}项，已销号{{ totals.closed }}项，未销号{{ totals.open }}项，整改率{{ totals.rate }}%；"
           "其中逾期未整改{{ totals.overdue }}项，重大隐患{{ totals.major }}项（未销号{{ totals.major_open }}项）。")
    p(doc, "{{ chart_trend }}", "表格文字")

    p(doc, "二、分任务推进情况", "公文一级标题")
    p(doc, "按方案确定的{{ tasks|length }}项任务及其牵头单位统计（隐患与检查数据按牵头单位归集）。")
    table(doc, ["编号", "任务", "牵头单位", "配合单位", "本月检查", "本月发现", "累计发现", "累计销号", "逾期", "整改率%"],
          ["{{ r.code }}", "{{ r.title }}", "{{ r.lead_units }}", "{{ r.co_units }}", "{{ r.inspections_month }}",
           "{{ r.found_month }}", "{{ r.found }}", "{{ r.closed }}", "{{ r.overdue }}", "{{ r.rate }}"], "tasks",
          [1.5, 3.6, 2.6, 2.6] + [1.0] * 5 + [1.3])
    p(doc, "各任务本月进展（各单位在平台填报，牵头单位在前）。")
    table(doc, ["任务编号", "任务", "进展状态", "填报单位", "本月进展"],
          ["{{ r.code }}", "{{ r.title }}", "{{ r.progress_status }}", "{{ r.progress_units }}", "{{ r.progress }}"],
          "tasks", [1.5, 3.4, 1.8, 1.4, 8.5])

    p(doc, "三、分单位情况", "公文一级标题")
    table(doc, ["牵头单位", "本月检查", "本月发现", "累计发现", "累计销号", "未销号", "逾期", "重大隐患", "整改率%"],
          ["{{ r.unit }}", "{{ r.inspections_month }}", "{{ r.found_month }}", "{{ r.found }}", "{{ r.closed }}",
           "{{ r.open }}", "{{ r.overdue }}", "{{ r.major }}", "{{ r.rate }}"], "by_unit", [4.6] + [1.5] * 8)
    p(doc, "{{ chart_units }}", "表格文字")

    p(doc, "四、分属地情况", "公文一级标题")
    table(doc, ["属地", "类别", "本月发现", "累计发现", "累计销号", "未销号", "逾期", "重大隐患", "整改率%"],
          ["{{ r.name }}", "{{ r.level }}", "{{ r.found_month }}", "{{ r.found }}", "{{ r.closed }}", "{{ r.open }}",
           "{{ r.overdue }}", "{{ r.major }}", "{{ r.rate }}"], "by_area", [3.6, 1.6] + [1.6] * 7)
    p(doc, "{{ chart_areas }}", "表格文字")

    p(doc, "五、重大隐患", "公文一级标题")
    p(doc, "本月新发现及截至月末未销号的重大隐患共{{ majors|length }}项。"
           "{% if majors_more %}下表列出前{{ majors_shown|length }}项，其余见 Excel 附表。{% endif %}")
    table(doc, ["隐患编号", "所在对象", "属地", "牵头单位", "状态", "发现日期", "整改期限"],
          ["{{ r.number }}", "{{ r.site }}", "{{ r.jurisdiction }}", "{{ r.lead_unit }}", "{{ r.state }}",
           "{{ r.found_date }}", "{{ r.deadline }}"], "majors_shown", [2.8, 3.2, 2.4, 2.4, 1.4, 2.2, 2.2])

    p(doc, "六、逾期未整改隐患", "公文一级标题")
    p(doc, "截至{{ period.as_of }}，逾期未整改隐患共{{ overdue|length }}项。"
           "{% if overdue_more %}下表列出逾期最久的{{ overdue_shown|length }}项，其余见 Excel 附表。{% endif %}")
    table(doc, ["隐患编号", "所在对象", "属地", "牵头单位", "整改期限", "逾期天数", "整改责任"],
          ["{{ r.number }}", "{{ r.site }}", "{{ r.jurisdiction }}", "{{ r.lead_unit }}", "{{ r.deadline }}",
           "{{ r.overdue_days }}", "{{ r.responsible }}"], "overdue_shown", [2.8, 3.0, 2.2, 2.4, 2.0, 1.2, 3.0])

    p(doc, "七、“回头看”情况", "公文一级标题")
    p(doc, "本月抽取已销号隐患{{ lookbacks.drawn }}项开展“回头看”，已复查{{ lookbacks.checked }}项，其中整改有效"
           "{{ lookbacks.confirmed }}项，发现反弹{{ lookbacks.rebound }}项（反弹率{{ lookbacks.rebound_rate }}%），"
           "待复查{{ lookbacks.pending }}项。")

    p(doc, "八、督办与执法情况", "公文一级标题")
    p(doc, "本月下发督办单{{ enforcement.orders_issued }}份，已书面反馈{{ enforcement.orders_answered }}份；"
           "截至月末尚未反馈的督办单{{ enforcement.orders_open }}份。{{ enforcement.cases_note }}")

    p(doc, "九、下步工作", "公文一级标题")
    p(doc, "（由专班办公室填写。）")
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build())
