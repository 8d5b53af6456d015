"""监测设备 and 报警规则 in the browser. The office filters the device register to kitchen detectors with an overdue
calibration, registers a device by picking its site from the suggestions (the secret is shown once), and edits an
alarm rule: a first-level methane set point above the second level is refused with the reason under the field, a
valid one is saved. A street officer's register holds only its area's devices and offers no editing; the register
and the rule form fit a phone."""
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from gasguard.monitoring import caches, ingest
from gasguard.monitoring.ingest import Message
from gasguard.monitoring.models import AlarmRule, Device
from gasguard.monitoring.tests.helpers import make_device, reading, send
from gasguard.utilities import clock

from .helpers import log_in


@pytest.fixture(autouse=True)
def _fresh_ingest_caches():
    caches.reset_caches()
    yield
    caches.reset_caches()


def _devices(cast):
    today = clock.today()
    make_device(site=cast.site_a, code="KD-TG-0001", kind="kitchen_detector", name="老味道后厨可燃气体探测器",
                installed_on=today - timedelta(days=800), calibrated_on=today - timedelta(days=420))
    make_device(site=cast.site_a, code="KD-TG-0002", kind="kitchen_detector", name="老味道备餐间探测器",
                installed_on=today - timedelta(days=90), calibrated_on=today - timedelta(days=90))
    make_device(site=cast.site_a, code="FMJ-TG-0003", kind="valve_well", name="塘沽3号阀门井",
                installed_on=today - timedelta(days=400))
    make_device(site=cast.site_b, code="KD-HZ-0001", kind="kitchen_detector", name="海鲜酒楼后厨探测器")


def test_the_office_filters_the_register_and_registers_a_device(page, page_errors, cast, shot):
    _devices(cast)
    log_in(page, cast.office, path="/monitoring/devices/")
    expect(page).to_have_title("监测设备")
    rows = page.locator("#device-table tbody tr")
    expect(rows).to_have_count(4)
    expect(page.locator("#export-link")).to_have_text("导出 Excel（4）")
    shot(page, "device-register")

    page.get_by_label("设备类型").select_option(label="可燃气体探测器（联动紧急切断阀）")
    page.get_by_role("checkbox", name=re.compile("标定逾期")).check()
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"kind=kitchen_detector.*overdue=1"))
    expect(rows).to_have_count(2)
    expect(rows.locator("td.num a")).to_have_text(["KD-HZ-0001", "KD-TG-0001"])  # by code
    expect(rows.nth(0).locator(".overdue-flag")).to_have_text("无标定记录")
    expect(rows.nth(1).locator(".overdue-flag")).to_contain_text("标定已逾期")
    expect(page.locator("#export-link")).to_have_text("导出 Excel（2）")
    shot(page, "device-register-overdue-kitchen-detectors")

    page.get_by_role("link", name="登记设备").click()
    page.wait_for_load_state("load")   # the form's script (site suggestions) has run
    page.get_by_label("设备编码").fill("KD-TG-0009")
    page.get_by_label("设备类型").select_option("kitchen_detector")
    site = page.get_by_label("监测对象")
    site.fill("老味道")
    expect(page.locator("#site-options option")).to_have_count(1)  # suggestions fetched as one types
    site.fill(page.locator("#site-options option").first.get_attribute("value"))
    page.get_by_label("上报间隔（秒）").fill("0")
    page_errors.expect(r"status of 400", r"/monitoring/devices/new/$")  # the refused form comes back as a 400
    page.get_by_role("button", name="登记并生成设备密钥").click()
    expect(page.locator("[data-field=interval_s] .field-error")).to_have_text("上报间隔须为 1 至 86400 之间的整数秒")
    shot(page, "device-form-refused")
    page.get_by_label("上报间隔（秒）").fill("30")
    page.get_by_role("button", name="登记并生成设备密钥").click()
    expect(page.get_by_role("heading", name="设备 KD-TG-0009 已登记")).to_be_visible()
    secret = page.locator("#device-secret").inner_text()
    device = Device.objects.get(code="KD-TG-0009")
    assert device.site == cast.site_a and device.interval_s == 30
    assert ingest.hash_secret(secret) == device.secret_hash
    shot(page, "device-secret-shown-once")
    page.get_by_role("link", name="我已记下密钥，查看设备").click()
    expect(page.locator("h1")).to_contain_text("KD-TG-0009")
    expect(page.locator("body")).not_to_contain_text(secret)

    # The device still sending its old secret, and a garbled message: both are dead letters the office reads.
    send(device.code, reading(datetime.now(UTC), secret="an-old-secret-0000", ch4_lel=3.0))
    ingest.ingest([Message(payload=b'{"ts": "yesterday", "m": ', device_code="KD-TG-0009", source="mqtt",
                           topic="gasguard/v1/KD-TG-0009/up")])
    page.get_by_role("link", name="死信").click()
    rows = page.locator("table.dead-letters tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_label("原因").select_option(label="设备密钥错误")
    page.get_by_role("button", name="查询").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("KD-TG-0009")
    expect(rows.first).not_to_contain_text("an-old-secret-0000")
    shot(page, "dead-letters-bad-secret")


def test_a_rule_edit_is_refused_with_the_reason_under_the_field(page, page_errors, cast, shot):
    log_in(page, cast.office, path="/monitoring/rules/")
    expect(page).to_have_title("报警规则")
    valve_wells = page.locator("section[data-kinds~=valve_well]")
    expect(valve_wells.locator("tr[data-rule=ch4_level1] td.condition")).to_have_text("ch4_lel ≥ 25 %LEL，持续 60 秒")
    shot(page, "alarm-rules")
    valve_wells.locator("tr[data-rule=ch4_level1]").get_by_role("link", name="修改").click()

    page.get_by_label("阈值").fill("55")
    page.get_by_label("持续时间（秒）").fill("-1")
    for _ in range(2):
        page_errors.expect(r"status of 400", r"/monitoring/rules/\d+/edit/$")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-field=threshold] .field-error")).to_have_count(0)  # the form's own check comes first
    expect(page.locator("[data-field=duration_s] .field-error")).to_have_text("持续时间不能为负数")
    page.get_by_label("持续时间（秒）").fill("60")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-field=threshold] .field-error")).to_have_text(
        "一级报警阈值须低于二级报警阈值（“甲烷浓度二级报警（≥50%LEL）”为 50）")
    expect(page.get_by_label("阈值")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".errors[role=alert]")).to_be_visible()
    shot(page, "rule-edit-refused")
    assert AlarmRule.objects.get(code="ch4_level1").threshold == 25.0

    page.get_by_label("阈值").fill("20")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/monitoring/rules/$"))
    expect(page.locator(".msg.success")).to_contain_text("已保存报警规则")
    expect(page.locator("section[data-kinds~=valve_well] tr[data-rule=ch4_level1] td.condition")).to_have_text(
        "ch4_lel ≥ 20 %LEL，持续 60 秒")
    assert AlarmRule.objects.get(code="ch4_level1").threshold == 20.0


def test_a_street_sees_its_area_only_and_the_pages_fit_a_phone(phone, page_errors, cast, shot):
    _devices(cast)
    log_in(phone, cast.street_a, path="/monitoring/devices/")
    rows = phone.locator("#device-table tbody tr")
    expect(rows).to_have_count(3)  # not 杭州道's detector
    expect(phone.locator("body")).not_to_contain_text("KD-HZ-0001")
    expect(phone.get_by_role("link", name="登记设备")).to_have_count(0)
    expect(phone.get_by_role("link", name="编辑")).to_have_count(0)
    # No sideways scrolling on a phone: the rows are stacked.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(phone, "device-register-phone")
    phone.goto("/monitoring/rules/")
    expect(phone.get_by_role("link", name="修改")).to_have_count(0)
    shot(phone, "alarm-rules-phone")
    # The office's rule form on a phone.
    phone.context.clear_cookies()
    log_in(phone, cast.office, path="/monitoring/rules/")
    phone.locator("section[data-kinds~=valve_well] tr[data-rule=ch4_level1]").get_by_role("link", name="修改").click()
    phone.get_by_label("阈值").fill("")
    page_errors.expect(r"status of 400", r"/monitoring/rules/\d+/edit/$")
    phone.get_by_role("button", name="保存").click()
    expect(phone.locator("[data-field=threshold] .field-error")).to_have_text("请填写阈值")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(phone, "rule-edit-phone")
    ingest.ingest([Message(payload=b"\xff\xfe not json", device_code="KD-TG-0001", source="mqtt",
                           topic="gasguard/v1/KD-TG-0001/up")])
    phone.goto("/monitoring/dead-letters/")
    expect(phone.locator("table.dead-letters tbody tr")).to_have_count(1)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(phone, "dead-letters-phone")
