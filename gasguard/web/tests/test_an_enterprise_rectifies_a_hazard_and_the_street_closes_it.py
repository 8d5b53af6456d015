"""The closed loop in the browser: the restaurant's own user starts rectifying the hazard and submits it for
verification with a note and a photo; the officer of 塘沽街道, another person, verifies it and closes it (销号).
The timeline shows every step with the name of whoever signed it, and the photo."""
from playwright.sync_api import expect

from gasguard import testing
from gasguard.hazards.models import Hazard

from .helpers import log_in, png_file


def step(page, action):
    return page.locator("ol.timeline li.ev").filter(has=page.locator(".what b", has_text=action))


def test_an_enterprise_rectifies_a_hazard_and_the_street_closes_it(page, new_page, cast, shot, tmp_path):
    hazard = testing.register_hazard(cast.site_a, cast.inspector, testing.HOSE)
    url = f"/hazards/{hazard.pk}/"

    # The enterprise: 开始整改, then 提交验收 with what was done and a photo of it.
    log_in(page, cast.enterprise, path=url)
    expect(page).to_have_url(url)
    state = page.locator(".hazard-head h1 .state")
    expect(state).to_have_text("待整改")
    expect(page.get_by_role("button", name="验收通过，销号")).to_have_count(0)  # an enterprise never verifies
    start = page.locator("form.action").filter(has=page.get_by_role("button", name="开始整改"))
    start.get_by_label("说明").fill("已联系供气企业更换软管")
    start.get_by_role("button", name="开始整改").click()
    expect(page.locator(".messages .msg")).to_have_text("已完成：开始整改")
    expect(state).to_have_text("整改中")

    submit = page.locator("form.action").filter(has=page.get_by_role("button", name="提交验收"))
    submit.get_by_label("整改情况").fill("已更换为1.5米合格软管")
    submit.get_by_label("整改后照片").set_input_files(png_file(tmp_path))
    submit.get_by_role("button", name="提交验收").click()
    expect(page.locator(".messages .msg")).to_have_text("已完成：提交验收")
    expect(state).to_have_text("待验收")
    expect(page.get_by_role("button", name="验收通过，销号")).to_have_count(0)
    shot(page, "hazard-submitted")

    # The street officer, in a browser of their own: 验收通过，销号.
    officer = log_in(new_page(), cast.street_a, path=url)
    expect(officer).to_have_url(url)
    verify = officer.locator("form.action").filter(has=officer.get_by_role("button", name="验收通过，销号"))
    verify.get_by_label("验收意见").fill("现场复核，软管已更换")
    verify.get_by_role("button", name="验收通过，销号").click()
    expect(officer.locator(".messages .msg")).to_have_text("已完成：验收通过，销号")
    expect(officer.locator(".hazard-head h1 .state")).to_have_text("已销号")
    expect(officer.locator(".actions-panel")).to_have_count(0)  # nothing left to do

    timeline = officer.locator("ol.timeline li.ev")
    expect(timeline).to_have_count(4)
    for action, to_state, signer in [("登记", "待整改", cast.inspector), ("开始整改", "整改中", cast.enterprise),
                                     ("提交验收", "待验收", cast.enterprise),
                                     ("验收通过，销号", "已销号", cast.street_a)]:
        event = step(officer, action)
        expect(event).to_have_count(1)
        expect(event.locator(".what")).to_contain_text(f"→ {to_state}")
        expect(event.locator(".signer")).to_have_text(f"签名：{signer.full_name}")
    expect(step(officer, "提交验收").locator(".note")).to_have_text("已更换为1.5米合格软管")
    photo = step(officer, "提交验收").locator(".photos img")
    expect(photo).to_have_count(1)
    photo.scroll_into_view_if_needed()
    officer.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    shot(officer, "hazard-closed")

    hazard = Hazard.objects.get(pk=hazard.pk)
    assert (hazard.state, hazard.rectified_by, hazard.verified_by) == ("closed", cast.enterprise, cast.street_a)
    assert hazard.closed_at is not None
