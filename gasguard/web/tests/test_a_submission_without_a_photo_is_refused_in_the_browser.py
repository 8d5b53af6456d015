"""提交验收 without a photo is refused with the reason in Chinese, next to the form; what was typed stays, and the
hazard stays where it was (整改中)."""
from playwright.sync_api import expect

from gasguard import testing
from gasguard.hazards import services
from gasguard.hazards.models import Hazard

from .helpers import log_in


def test_a_submission_without_a_photo_is_refused_in_the_browser(page, page_errors, cast, shot):
    hazard = testing.register_hazard(cast.site_a, cast.inspector, testing.HOSE)
    services.start_rectification(hazard, by=cast.enterprise)
    url = f"/hazards/{hazard.pk}/"
    log_in(page, cast.enterprise, path=url)
    state = page.locator(".hazard-head h1 .state")
    expect(state).to_have_text("整改中")

    # The refusal answers 400, which Chromium logs as a console error: that one is expected, nothing else.
    page_errors.expect(r"status of 400", rf"/hazards/{hazard.pk}/submit/$")
    submit = page.locator("form.action").filter(has=page.get_by_role("button", name="提交验收"))
    submit.get_by_label("整改情况").fill("已更换软管")
    with page.expect_response(f"**/hazards/{hazard.pk}/submit/") as answer:
        submit.get_by_role("button", name="提交验收").click()
    assert answer.value.status == 400

    refused = page.locator("form.action").filter(has=page.get_by_role("button", name="提交验收"))
    expect(refused.get_by_role("alert")).to_have_text("提交验收须附整改后的照片等佐证材料")
    expect(refused.get_by_label("整改情况")).to_have_value("已更换软管")
    expect(state).to_have_text("整改中")
    expect(page.locator(".messages")).to_have_count(0)
    expect(page.locator("ol.timeline li.ev")).to_have_count(2)  # 登记, 开始整改: no 提交验收
    shot(page, "refused")

    hazard = Hazard.objects.get(pk=hazard.pk)
    assert (hazard.state, hazard.rectified_by, hazard.submitted_at) == ("rectifying", None, None)
