"""The ledger filtered to 已销号, exported with "导出 Excel": the workbook holds the ledger's columns and exactly
the rows the page lists, no more (the open ones stay out)."""
import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from gasguard import testing
from gasguard.hazards.views.ledger import EXPORT_COLUMNS

from .helpers import log_in


def test_the_ledger_exports_exactly_its_filtered_rows_to_excel(page, cast, shot, tmp_path):
    a, b = cast.site_a, cast.site_b
    open_ones = [testing.register_hazard(a, cast.inspector, testing.DOUBLE_PHASE),
                 testing.register_hazard(b, cast.street_b, testing.DECANTING)]
    closed = [testing.close_hazard(testing.register_hazard(a, cast.inspector, testing.HOSE), cast.enterprise,
                                   cast.street_a),
              testing.close_hazard(testing.register_hazard(a, cast.inspector, testing.LPG_STORE), cast.enterprise,
                                   cast.street_a),
              testing.close_hazard(testing.register_hazard(b, cast.street_b, testing.HOSE), cast.outsider,
                                   cast.office)]

    log_in(page, cast.office, path="/ledger/")
    expect(page.get_by_role("heading", name="隐患台账")).to_be_visible()
    expect(page.locator(".pager")).to_contain_text("共 5 条")

    page.locator("label.chip").filter(has_text="已销号").get_by_role("checkbox").check()
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"/ledger/\?(.*&)?state=closed"))
    rows = page.locator("table.ledger tbody tr")
    expect(rows).to_have_count(len(closed))
    expect(page.locator(".pager")).to_contain_text(f"共 {len(closed)} 条")
    export = page.get_by_role("link", name=re.compile("导出 Excel"))
    expect(export).to_have_text(f"导出 Excel（{len(closed)}）")
    listed = rows.locator("td.num a").all_inner_texts()
    shot(page, "ledger-closed")

    with page.expect_download() as download:
        export.click()
    assert download.value.suggested_filename.startswith("隐患台账-")
    assert download.value.suggested_filename.endswith(".xlsx")
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)

    sheet = load_workbook(path, read_only=True)["隐患台账"]
    header, *data = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header == EXPORT_COLUMNS
    assert header[:3] == ["隐患编号", "隐患所在对象", "对象类型"]
    assert len(data) == len(listed) == len(closed)
    column = {name: i for i, name in enumerate(header)}
    assert {r[column["隐患编号"]] for r in data} == set(listed) == {h.number for h in closed}
    assert {r[column["状态"]] for r in data} == {"已销号"}
    assert not {h.number for h in open_ones} & {r[0] for r in data}
    hose_b = next(r for r in data if r[0] == closed[2].number)
    assert (hose_b[column["隐患所在对象"]], hose_b[column["牵头单位"]]) == (b.name, "滨海新区消防救援支队")
