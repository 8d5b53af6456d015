"""The office logs in through the (Chinese) login page and lands on the dashboard (驾驶舱): the figures of the
campaign, the tables by territory and by lead unit, and the two ECharts charts drawn on their canvases."""
from playwright.sync_api import expect

from gasguard import testing

# Pixels of a canvas that are not transparent: a chart that drew nothing has none.
PAINTED = """c => { const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"""


def figure(page, label):
    """The number of the dashboard figure whose caption is exactly `label`."""
    return page.locator(".figures .fig").filter(has=page.get_by_text(label, exact=True)).locator("b")


def test_a_user_logs_in_and_sees_the_dashboard_with_its_charts(page, cast, shot):
    testing.register_hazard(cast.site_a, cast.inspector, testing.HOSE)
    testing.register_hazard(cast.site_a, cast.inspector, testing.DOUBLE_PHASE)
    closed = testing.register_hazard(cast.site_b, cast.street_b, testing.HOSE)
    testing.close_hazard(closed, rectifier=cast.outsider, verifier=cast.street_b)

    page.goto("/")
    expect(page).to_have_url("/accounts/login/?next=/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill(cast.office.username)
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".login .error")).to_have_text("用户名或密码错误，请重新输入。")
    shot(page, "login-refused")

    page.get_by_label("用户名").fill(cast.office.username)
    page.get_by_label("密码").fill(testing.PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url("/")
    expect(page).to_have_title("驾驶舱")
    expect(page.get_by_role("heading", name="驾驶舱", level=1)).to_be_visible()
    expect(page.locator("header .who")).to_contain_text("专班李明")
    expect(figure(page, "监管对象")).to_have_text("2")
    expect(figure(page, "发现隐患")).to_have_text("3")
    expect(figure(page, "已销号")).to_have_text("1")
    expect(figure(page, "未销号")).to_have_text("2")
    expect(figure(page, "整改率")).to_have_text("33.3%")
    expect(figure(page, "未销号重大隐患")).to_have_text("1")

    by_area = page.locator("section.grid2 .card").filter(has_text="按属地").locator("tbody tr")
    expect(by_area).to_have_count(2)
    expect(by_area.filter(has_text="塘沽街道")).to_contain_text("2")
    expect(page.locator(".card").filter(has_text="按牵头单位").locator("tbody")).to_contain_text("滨海新区消防救援支队")

    for chart in ("#chart-trend", "#chart-area"):
        canvas = page.locator(f"{chart} canvas").first
        expect(canvas).to_be_visible()
        box = canvas.bounding_box()
        assert box["width"] > 200 and box["height"] > 150, (chart, box)
        assert canvas.evaluate(PAINTED) > 1000, f"{chart}: the chart's canvas is blank"
    shot(page, "dashboard")
