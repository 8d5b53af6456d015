"""The district report's figures, in Word and in Excel, equal what the ledger says when asked directly; the PDF is
a PDF with the title in it."""
from datetime import timedelta

import pytest

from gasguard.reports import services
from gasguard.utilities import clock

from . import expected
from .readback import as_dicts, docx_tables, docx_text, number_after, pdf_text, xlsx_sheets

UNIT_COLUMNS = {"本月检查": "inspections_month", "本月发现": "found_month", "累计发现": "found", "累计销号": "closed",
                "未销号": "open", "逾期": "overdue", "重大隐患": "major", "整改率%": "rate"}
AREA_COLUMNS = {k: v for k, v in UNIT_COLUMNS.items() if k != "本月检查"}
TASK_COLUMNS = {"本月检查": "inspections_month", "本月发现": "found_month", "累计发现": "found", "累计销号": "closed",
                "逾期": "overdue", "整改率%": "rate"}


def last_month():
    first = clock.today().replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def months():
    return ["2023-10", "2024-06", last_month(), clock.today().strftime("%Y-%m")]


def _num(text):
    return float(text) if "." in str(text) else int(text)


def _docx_rows(table, key_col=0):
    head = table[0]
    return {r[key_col]: dict(zip(head, r, strict=True)) for r in table[1:]}


@pytest.fixture(scope="module")
def reports(_ledger, django_db_blocker):
    with django_db_blocker.unblock():
        return {m: services.build(m) for m in months()}


@pytest.mark.parametrize("month", months())
def test_word_and_excel_figures_equal_the_ledger(ledger, reports, month):
    report = reports[month]
    tables, text, sheets = docx_tables(report.docx), docx_text(report.docx), xlsx_sheets(report.xlsx)
    units, areas, tasks = expected.by_unit(month), expected.by_area(month), expected.by_task(month)
    assert any(u["found"] for u in units.values()), "the generated ledger should have hazards by then"

    # 一、总体情况: the sentence's figures
    total = expected.figures(expected.Hazard.objects.all(), month)
    assert number_after(text, "本月新发现隐患") == total["found_month"]
    assert number_after(text, "累计发现隐患") == total["found"]
    assert number_after(text, "已销号") == total["closed"]
    assert number_after(text, "整改率") == total["rate"]
    assert number_after(text, "逾期未整改") == total["overdue"]
    assert number_after(text, "全区共开展燃气安全检查") == expected.inspections_in(month)
    summary = {r[0]: r[1] for r in sheets["总体情况"][1:]}
    assert (summary["累计发现隐患"], summary["累计销号隐患"], summary["逾期未整改"], summary["重大隐患"]) == (
        total["found"], total["closed"], total["overdue"], total["major"])

    # 三、分单位 (Word) and the 分单位 sheet
    word_units = _docx_rows(tables["牵头单位"])
    xlsx_units = as_dicts(sheets["分单位"])
    assert set(word_units) == set(xlsx_units) == set(units)
    for name, want in units.items():
        for label, key in UNIT_COLUMNS.items():
            assert _num(word_units[name][label]) == want[key], (name, label)
            assert xlsx_units[name][label] == want[key], (name, label)

    # 四、分属地: every zone and street, subtree sums
    word_areas, xlsx_areas = _docx_rows(tables["属地"]), as_dicts(sheets["分属地"])
    assert set(word_areas) == set(xlsx_areas) == set(areas)
    for name, want in areas.items():
        for label, key in AREA_COLUMNS.items():
            assert _num(word_areas[name][label]) == want[key], (name, label)
            assert xlsx_areas[name][label] == want[key], (name, label)
    assert sum(a["found"] for a in areas.values()) == total["found"]

    # 二、分任务: the 44 tasks with the figures of their lead units
    word_tasks, xlsx_tasks = _docx_rows(tables["编号"]), as_dicts(sheets["分任务"])
    assert len(word_tasks) == len(xlsx_tasks) == len(tasks) == 44
    for code, want in tasks.items():
        for label, key in TASK_COLUMNS.items():
            assert _num(word_tasks[code][label]) == want[key], (code, label)
            assert xlsx_tasks[code][label] == want[key], (code, label)

    # 五、六: the major and overdue lists
    assert {r[0] for r in tables["隐患编号"][1:]} == set(as_dicts(sheets["重大隐患"])) == expected.major_numbers(month)
    assert {r[0] for r in tables["隐患编号#2"][1:]} == set(as_dicts(sheets["逾期隐患"])) == expected.overdue_numbers(month)

    # 七、八: look-backs and supervision orders
    lb, orders = expected.lookbacks(month), expected.orders(month)
    assert number_after(text, "本月抽取已销号隐患") == lb["drawn"]
    assert number_after(text, "发现反弹") == lb["rebound"]
    assert number_after(text, "本月下发督办单") == orders["issued"]
    assert summary["本月督办单已反馈"] == orders["answered"]
    assert "平台尚未接入执法案件" in text


def test_the_months_chosen_have_something_to_show(ledger, reports):
    current = clock.today().strftime("%Y-%m")
    assert expected.lookbacks(current)["drawn"] or expected.lookbacks(
        (clock.today().replace(day=1) - __import__("datetime").timedelta(days=1)).strftime("%Y-%m"))["drawn"]
    assert any(expected.major_numbers(m) for m in months())
    assert any(expected.overdue_numbers(m) for m in months())


def test_the_pdf_is_a_pdf_with_the_title(ledger, reports):
    report = reports["2024-06"]
    text = pdf_text(report.pdf)
    assert "滨海新区燃气安全专项整治工作月报" in text.replace(" ", "")
    # With LibreOffice installed (scripts/install-system-deps.sh, as CI does) the Word file itself was converted:
    # proof that it opens in LibreOffice.
    from gasguard.reports.pdf import soffice

    if soffice():
        assert report.pdf_engine == "libreoffice"
    else:
        assert report.pdf_engine.startswith("reportlab")


def test_the_word_file_carries_the_charts(ledger, reports):
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(reports["2024-06"].docx)).namelist()
    assert len([n for n in names if n.startswith("word/media/") and n.endswith(".png")]) == 3


@pytest.mark.parametrize("month", months())
def test_each_task_carries_the_units_own_progress_records(ledger, reports, month):
    """二、分任务: the latest entry of each unit for the month, lead units first; nothing recorded says so."""
    from gasguard.campaign.models import Task, TaskProgress

    tables, sheets = docx_tables(reports[month].docx), xlsx_sheets(reports[month].xlsx)
    word, xlsx = _docx_rows(tables["任务编号"]), as_dicts(sheets["分任务"])
    latest = {}
    for e in TaskProgress.objects.filter(month=month).order_by("recorded_at", "id"):
        latest.setdefault(e.task.code, {})[e.unit_key] = e
    for task in Task.objects.all():
        entries = latest.get(task.code, {})
        assert int(word[task.code]["填报单位"]) == xlsx[task.code]["填报单位数"] == len(entries), task.code
        text = word[task.code]["本月进展"]
        assert text == xlsx[task.code]["本月进展（单位填报）"]
        if not entries:
            assert text == "本月未填报"
        for e in entries.values():
            assert f"{e.unit.name}：{e.get_status_display()}" in text and e.text.strip() in text, task.code
        leads = {d.pk for d in task.lead_units.all()}
        lead_names = [e.unit.name for e in entries.values() if e.department_id in leads]
        if lead_names:  # lead units come first
            assert any(text.startswith(n + "：") for n in lead_names), task.code
    if month == last_month():
        assert latest, "the demo records task progress for the months just reported"
