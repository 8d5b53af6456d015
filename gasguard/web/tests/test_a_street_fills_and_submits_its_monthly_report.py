"""The monthly report in the browser: the officer of 塘沽街道 opens this month's report from the campaign page; the
form arrives with the ledger's figures for the street, the officer writes the narrative and the contacts, enters
the enforcement numbers and submits; the report shows as submitted, version 1, and the office's board shows it."""
from playwright.sync_api import expect

from gasguard import testing
from gasguard.campaign import services
from gasguard.campaign.models import MonthlyReport
from gasguard.campaign.units import user_unit

from .helpers import log_in


def test_a_street_fills_and_submits_its_monthly_report(page, new_page, cast, shot):
    testing.register_hazard(cast.site_a, cast.inspector)  # found today, in 塘沽: this period's figures
    testing.inspect(cast.site_a, cast.inspector)
    campaign = services.default_campaign()
    month = services.open_months(campaign)[-1]

    log_in(page, cast.street_a, path="/campaign/")
    row = page.locator("#my-reports tr").filter(has_text=month)
    row.get_by_role("link", name="填报").click()
    expect(page.locator("h1")).to_contain_text(f"塘沽街道 · {month} 月报")
    expect(page.locator('[data-figure="hazards_found"]')).to_have_text("1")
    expect(page.locator('[data-figure="inspections"]')).to_have_text("1")

    page.get_by_label("立案查处（起）").fill("2")
    page.get_by_label("罚款金额（万元）").fill("1.5")
    page.get_by_label("工作开展情况").fill("组织开展餐饮场所燃气安全专项检查，发现隐患当场登记。")
    page.get_by_label("存在问题").fill("个别餐饮单位软管超长，已责令整改。")
    page.get_by_label("下步工作计划").fill("开展整改回头看。")
    page.get_by_label("责任人", exact=True).fill("陈志强")
    page.get_by_label("责任人电话").fill("13900001111")
    page.get_by_label("联络员", exact=True).fill("刘晓")
    page.get_by_label("联络员电话").fill("022-25550000")
    shot(page, "filled")
    page.get_by_role("button", name="报送", exact=True).click()

    expect(page.locator(".messages .msg")).to_have_text("已报送（第 1 版）")
    expect(page.locator("#report-state")).to_have_text("已报送")
    expect(page.locator("#versions")).to_contain_text("第 1 版")
    expect(page.get_by_role("button", name="报送", exact=True)).to_have_count(0)  # no longer editable
    shot(page, "submitted")

    report = MonthlyReport.objects.get(campaign=campaign, month=month, unit_key=user_unit(cast.street_a).key)
    version = report.versions.get()
    assert version.data["entered"] == {"cases": 2, "fines_wan": 1.5}
    assert version.data["liaison_name"] == "刘晓" and version.data["figures"]["hazards_found"] == 1

    office = log_in(new_page(), cast.office, path="/campaign/")
    cell = office.locator(f'td[data-unit="{report.unit_key}"][data-month="{month}"]')
    expect(cell).to_have_class("cell st-submitted")
    shot(office, "board")
