"""On a phone, an inspector of 塘沽街道 finds the restaurant in the site register, taps "其余全部合格", types the
hose length (2.6 m: the rule's number flips the item to 不合格 by itself), signs with their own name and submits.
The failure is a hazard in the ledger at once: 待整改, led by the fire brigade of the ordinary streets."""
import re

from playwright.sync_api import expect

from gasguard import testing
from gasguard.catalog.services import checklist_for
from gasguard.hazards.models import Hazard
from gasguard.inspections.models import Inspection

from .helpers import log_in


def test_an_inspector_files_an_inspection_on_a_phone(phone, cast, shot):
    site, inspector = cast.site_a, cast.inspector
    log_in(phone, inspector, path="/sites/")

    # The site register: the inspector sees the restaurants of their street, and opens this one's checklist.
    expect(phone.get_by_role("heading", name="监管对象")).to_be_visible()
    phone.get_by_label("关键词").fill(site.name)
    phone.get_by_role("button", name="查询").tap()
    row = phone.locator("tbody tr").filter(has_text=site.name)
    expect(row).to_have_count(1)
    row.get_by_role("link", name="检查").tap()

    expect(phone).to_have_url(f"/sites/{site.pk}/inspect/")
    expect(phone.get_by_role("heading", name="现场检查")).to_be_visible()
    checklist = checklist_for(site)
    total, with_numbers = len(checklist), sum(1 for item in checklist if item.has_measure)
    expect(phone.locator("li.check")).to_have_count(total)
    expect(phone.locator("#progress")).to_have_text(f"0 / {total}")
    expect(phone.locator("#geo")).to_contain_text("位置：39.02450, 117.65020")  # the phone's position
    shot(phone, "phone-inspection-form-empty", full_page=False)

    # One tap answers every item without a number; the measured ones (hose length, LPG stored) are still open.
    phone.get_by_role("button", name="其余全部合格").tap()
    assert with_numbers == 2
    expect(phone.locator("li.check[data-op]")).to_have_count(with_numbers)
    expect(phone.locator("#progress")).to_have_text(f"{total - with_numbers} / {total}")

    hose = phone.locator(f'li.check[data-code="{testing.HOSE}"]')
    expect(hose).to_contain_text("连接软管长度超过2米")
    hose.locator("input[type=number]").fill("2.6")
    expect(hose.locator("input[type=radio][value=fail]")).to_be_checked()
    expect(hose).to_have_class(re.compile(r"\bfailed\b"))
    hose.get_by_placeholder("问题说明").fill("软管老化，长约2.6米")
    store = phone.locator(f'li.check[data-code="{testing.LPG_STORE}"]')
    store.locator("input[type=number]").fill("30")
    expect(store.locator("input[type=radio][value=pass]")).to_be_checked()
    expect(phone.locator("#progress")).to_have_text(f"{total} / {total}")
    expect(phone.locator("li.check.failed")).to_have_count(1)

    hose.evaluate("li => li.scrollIntoView({block: 'center'})")
    shot(phone, "phone-inspection-hose-failed", full_page=False)

    phone.get_by_label("备注").fill("后厨检查，负责人在场")
    phone.get_by_label("签名（检查人本人姓名）").fill(inspector.full_name)
    phone.locator("#submit").evaluate("b => b.scrollIntoView({block: 'end'})")
    shot(phone, "phone-inspection-signed", full_page=False)
    phone.get_by_role("button", name="签名并提交").tap()

    expect(phone).to_have_url(f"/sites/{site.pk}/")
    expect(phone.locator(".messages .msg")).to_have_text("检查已签名提交，发现隐患 1 项，已登记入台账。")
    expect(phone.locator("section").filter(has_text="检查记录").locator("tbody")).to_contain_text(inspector.full_name)
    shot(phone, "phone-site-after-inspection")

    inspection = Inspection.objects.get(site=site)
    assert (inspection.signature, inspection.failed_count, inspection.note) == (inspector.full_name, 1,
                                                                               "后厨检查，负责人在场")
    assert round(inspection.lat, 4) == 39.0245 and round(inspection.lon, 4) == 117.6502
    hazard = Hazard.objects.get(site=site)

    # The ledger, searched by the site's name (the extra filters are folded on a phone).
    phone.get_by_role("navigation").get_by_role("link", name="隐患台账").tap()
    expect(phone.locator("#more-filters")).not_to_have_attribute("open", "")
    phone.get_by_text("更多条件").tap()
    phone.get_by_label("关键词").fill(site.name)
    phone.get_by_role("button", name="查询").tap()
    rows = phone.locator("table.ledger tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(hazard.number)
    expect(rows).to_contain_text("待整改")
    expect(rows).to_contain_text("滨海新区消防救援支队")
    shot(phone, "phone-ledger")

    rows.get_by_role("link", name=hazard.number).tap()
    expect(phone).to_have_url(f"/hazards/{hazard.pk}/")
    head = phone.locator(".hazard-head")
    expect(head.locator("h1 .state")).to_have_text("待整改")
    expect(head).to_contain_text("连接软管长度超过2米（实测")
    expect(head).to_contain_text("2.6")
    expect(head.locator("dt:has-text('牵头单位') + dd")).to_have_text("滨海新区消防救援支队")
    expect(head.locator("dt:has-text('发现人') + dd")).to_contain_text(inspector.full_name)
    shot(phone, "phone-hazard")
