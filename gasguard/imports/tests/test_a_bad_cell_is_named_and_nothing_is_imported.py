"""The issue's Done-when: a bad credit code in row 7 of an enterprise import, and a missing deadline in row 12 of a
hazard ledger, each name the cell (row and column) and import nothing; fixed, the file imports every row once; a
second import of the same file adds nothing."""
import json

from django.utils import timezone

from gasguard.audit.models import AuditRecord
from gasguard.hazards.models import Hazard, HazardEvent
from gasguard.org.models import Enterprise
from gasguard.testing import STREET_A, STREET_A_GRID, credit_code, make_site, nothing_changes

from .helpers import ENTERPRISE_HEADERS, HAZARD_HEADERS, client_for, days, upload, xlsx


def enterprise_rows():
    kinds = ["瓶装液化石油气经营企业", "user", "用气单位", "管道燃气经营企业", "lpg"]
    places = [STREET_A, "塘沽街道", "塘沽", "120116-S01-C1"]
    return [[f"塘沽导入测试企业{i}", credit_code(), kinds[i % len(kinds)], "张法人", "李安全", 13800000000 + i,
             f"塘沽区某路{i}号", places[i % len(places)]] for i in range(10)]


def test_a_bad_credit_code_in_row_7_is_named_and_nothing_is_imported(personas):
    rows = enterprise_rows()
    good = rows[5][1]
    rows[5][1] = good[:17] + ("0" if good[17] != "0" else "1")  # row 7 of the sheet: the header is row 1
    with nothing_changes():
        job = upload(personas.office, "enterprises", xlsx(ENTERPRISE_HEADERS, rows))
    assert job.state == "failed"
    assert job.error_lines() == [f"第7行 B列（统一社会信用代码）：统一社会信用代码校验位错误：第18位应为“{good[17]}”，"
                                 f"实际为“{rows[5][1][17]}”"]
    assert job.created_count == 0
    page = client_for(personas.office).get(f"/imports/{job.pk}/").content.decode()
    assert "第7行 B列（统一社会信用代码）" in page and "未导入任何数据" in page

    # Fixed, the file imports every row once.
    rows[5][1] = good
    file = xlsx(ENTERPRISE_HEADERS, rows)
    audit_before = AuditRecord.objects.count()
    job = upload(personas.office, "enterprises", file)
    assert (job.state, job.created_count, job.existing_count, job.processed_rows) == ("done", 10, 0, 10)
    made = Enterprise.objects.filter(credit_code__in=[r[1] for r in rows])
    assert made.count() == 10
    assert set(made.values_list("kind", flat=True)) == {"lpg", "user", "pipeline_gas"}
    assert set(made.values_list("jurisdiction__code", flat=True)) == {STREET_A, "120116-S01-C1"}
    assert made.get(credit_code=rows[1][1]).phone == "13800000001"  # a number cell read back as text
    # One summary record for the import, naming every enterprise it created and the file it came from.
    record = AuditRecord.objects.get(action="import.enterprises")
    assert AuditRecord.objects.count() == audit_before + 1
    assert record.object_id == str(job.pk) and sorted(made.values_list("pk", flat=True)) == sorted(
        json.loads(record.data)["after"]["ids"])

    # A second import of the same file adds nothing.
    with nothing_changes():
        again = upload(personas.office, "enterprises", file)
    assert (again.state, again.created_count, again.existing_count) == ("done", 0, 10)


def ledger_rows(sites):
    """12 hazards of a pre-platform ledger, written as people write them: labels, aliases, a routed item."""
    site_a, site_c, site_d = sites
    found, deadline = days(-20), days(30)
    rows = []
    for i in range(12):
        site = sites[i % 3]
        lead = ["区市场监管局", "区城管委", ""][i % 3]
        item = "" if lead else "P2.4.2-05"
        rows.append([site.name, site.address, site.enterprise.credit_code if site == site_a else "",
                     f"第{i + 1}处隐患：连接软管老化", ["一般", "重大隐患", ""][i % 3], item, lead,
                     "王整改", "13900000000", deadline, found.strftime("%Y/%m/%d"), ["监管检查", "self_inspection", ""][i % 3]])
    return rows


def test_a_missing_deadline_in_row_12_is_named_and_nothing_is_imported(personas):
    sites = [personas.site_a, make_site(STREET_A_GRID, name="塘沽小吃店", address="塘沽区新华路1号"),
             make_site(STREET_A_GRID, name="塘沽第一小学食堂", site_type="canteen", address="塘沽区新华路2号")]
    rows = ledger_rows(sites)
    deadline = rows[10][9]
    rows[10][9] = None                       # row 12 of the sheet
    with nothing_changes():
        job = upload(personas.office, "hazards", xlsx(HAZARD_HEADERS, rows, name="台账.xlsx"))
    assert job.state == "failed"
    assert job.error_lines() == ["第12行 J列（整改期限）：请填写整改期限"]

    # Fixed, every row is entered once, through register(): a signed step and an audit record each.
    rows[10][9] = deadline
    file = xlsx(HAZARD_HEADERS, rows, name="台账.xlsx")
    audit_before, events_before = AuditRecord.objects.count(), HazardEvent.objects.count()
    job = upload(personas.office, "hazards", file)
    assert (job.state, job.created_count, job.existing_count) == ("done", 12, 0), job.error_lines()
    made = Hazard.objects.filter(description__endswith="处隐患：连接软管老化")
    assert made.count() == 12
    assert HazardEvent.objects.count() == events_before + 12
    assert AuditRecord.objects.count() == audit_before + 12 + 1   # one per hazard, one for the import
    assert {timezone.localdate(h.found_at) for h in made} == {days(-20)}
    assert {h.deadline for h in made} == {days(30)}
    assert set(made.values_list("lead_unit__name", flat=True)) == {"区市场监管局", "区城市管理委", "滨海新区消防救援支队"}
    routed = made.get(description="第3处隐患：连接软管老化")
    assert routed.item.code == "P2.4.2-05" and routed.severity == routed.item.severity
    assert made.get(description="第2处隐患：连接软管老化").severity == "major"
    assert made.get(description="第2处隐患：连接软管老化").source == "self_inspection"
    assert set(made.values_list("found_by", flat=True)) == {personas.office.pk}
    assert all(h.number.startswith(f"YH{days(-20):%Y%m}") for h in made)

    with nothing_changes():
        again = upload(personas.office, "hazards", file)
    assert (again.state, again.created_count, again.existing_count) == ("done", 0, 12)


def test_a_past_deadline_in_a_historical_ledger_is_an_error_of_its_cell(personas):
    rows = ledger_rows([personas.site_a, personas.site_a, personas.site_a])[:3]
    rows[1][9] = days(-1)
    with nothing_changes():
        job = upload(personas.office, "hazards", xlsx(HAZARD_HEADERS, rows))
    assert job.state == "failed"
    assert len(job.errors) == 1
    assert job.error_lines()[0].startswith(f"第3行 J列（整改期限）：整改期限 {days(-1):%Y-%m-%d} 早于今天")


def test_every_bad_cell_of_every_row_is_listed(personas):
    rows = ledger_rows([personas.site_a, personas.site_a, personas.site_a])[:3]
    rows[0][0] = "没有这个对象"
    rows[1][6] = "区不存在局"
    rows[1][10] = "2024-13-45"
    rows[2][4] = "特大"
    rows[2][7] = ""
    with nothing_changes():
        job = upload(personas.office, "hazards", xlsx(HAZARD_HEADERS, rows))
    lines = job.error_lines()
    assert [line.split("：")[0] for line in lines] == [
        "第2行 A列（隐患所在对象名称）", "第3行 G列（牵头单位）", "第3行 K列（发现日期）", "第4行 E列（隐患等级）",
        "第4行 H列（整治责任人）"], lines
    assert "未知的成员单位“区不存在局”" in lines[1]
