"""Stored markup never runs: names and texts that people type (a site's name, a hazard's description, a
jurisdiction's name, a device's code and name, an alarm's message) carry a script, and the pages that show them
with JavaScript — the map's tooltips, the site's mini map, the alarm board's live rows, the dashboard's charts —
show the text as typed and run nothing. (Every page also carries a Content-Security-Policy that would refuse the
inline handler; the text assertions catch an unescaped value even so: markup would not read back as text.)"""
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from gasguard import testing
from gasguard.monitoring import caches
from gasguard.monitoring.models import Alarm
from gasguard.monitoring.tests.helpers import make_device, reading, send
from gasguard.org.models import Jurisdiction

from .helpers import MAJOR, find_markers, log_in

IMG = '<img src=x onerror="window.__xss=1">'             # 36 characters: fits the map's 40-character excerpt
SCRIPT = "</script><script>window.__xss=1</script>"
PAYLOAD = f"甲{IMG}{SCRIPT}"

# Before any page script: keep every Leaflet map (to open all its tooltips) and every CSP violation.
WATCH = """(() => {
  window.__violations = [];
  document.addEventListener("securitypolicyviolation",
    e => window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber));
  let real;
  Object.defineProperty(window, "L", {configurable: true, get() { return real; }, set(v) {
    real = v;
    if (v && v.Map && !v.__watched) {
      v.__watched = true;
      v.Map.addInitHook(function () { (window.__maps = window.__maps || []).push(this); });
    }
  }});
})();"""

# Open every tooltip of every map and read back what each shows.
OPEN_TOOLTIPS = """() => {
  const shown = [];
  for (const map of window.__maps || []) {
    map.eachLayer(layer => {
      const t = layer.getTooltip && layer.getTooltip();
      if (!t) return;
      layer.openTooltip();
      shown.push(t.getElement() ? t.getElement().textContent : "");
    });
  }
  return shown;
}"""


@pytest.fixture(autouse=True)
def _fresh_ingest_caches():
    caches.reset_caches()
    yield
    caches.reset_caches()


def assert_nothing_ran(page):
    assert page.evaluate("window.__xss") is None, "a planted script ran"
    assert page.locator("img[src=x]").count() == 0, "planted markup became an element"
    assert page.evaluate("window.__violations") == []


def test_the_map_and_the_site_page_show_planted_markup_as_text(page, cast, shot):
    page.add_init_script(WATCH)
    Jurisdiction.objects.filter(code=testing.STREET_A).update(name=PAYLOAD, short_name="", outline={
        "type": "Polygon", "coordinates": [[[117.50, 38.90], [117.75, 38.90], [117.75, 39.08], [117.50, 39.08],
                                            [117.50, 38.90]]]})
    site = testing.make_site(testing.STREET_A_GRID, name=PAYLOAD, lat=39.00, lon=117.60)
    hazard = testing.register_hazard(site, cast.inspector, testing.DOUBLE_PHASE, description=IMG)
    make_device(site=site, code="D" + IMG, name=PAYLOAD, lat=39.03, lon=117.70)

    log_in(page, cast.office, path="/map/")
    expect(page.locator("#map-count")).to_have_text("1")
    expect(page.locator("#device-count")).to_have_text("1")
    # A person's hover over the hazard's marker.
    marker = find_markers(page, major=MAJOR)["major"]
    page.mouse.move(marker["x"], marker["y"])
    expect(page.locator(".leaflet-tooltip")).to_have_text(f"{hazard.number} {IMG}")
    shot(page, "map-tooltip")
    shown = page.evaluate(OPEN_TOOLTIPS)
    assert PAYLOAD in shown                                        # the street's outline and the site's dot
    assert f"{hazard.number} {IMG}" in shown                       # the hazard
    assert any(t.startswith(f"D{IMG} ") and t.endswith(f" · {PAYLOAD}") for t in shown), shown  # the device
    assert_nothing_ran(page)

    page.goto(f"/sites/{site.pk}/")
    expect(page.locator("h1")).to_contain_text(PAYLOAD)
    page.wait_for_function("(window.__maps || []).length === 1")
    shown = page.wait_for_function(f"(() => {{ const s = ({OPEN_TOOLTIPS})(); return s.length >= 2 && s; }})").json_value()
    assert shown.count(PAYLOAD) == 2, shown                         # the site's marker and the street's outline
    expect(page.locator(".leaflet-tooltip").first).to_be_visible()
    shot(page, "site-minimap")
    assert_nothing_ran(page)


def test_the_alarm_board_shows_planted_markup_as_text(page, cast, shot):
    page.add_init_script(WATCH)
    site = testing.make_site(testing.STREET_A_GRID, name=PAYLOAD, site_type="pipeline_segment", fuel="pipeline_gas",
                             lat=39.0, lon=117.7)
    device = make_device(site=site, code="D" + IMG, name=PAYLOAD, lat=39.02, lon=117.65)
    send(device, reading(datetime.now(UTC).replace(microsecond=0), ch4_lel=62.0))
    alarm = Alarm.objects.get(device=device, alarm_type="ch4_level2")
    Alarm.objects.filter(pk=alarm.pk).update(message=PAYLOAD)

    log_in(page, cast.street_a, path="/monitoring/alarms/")
    row = page.locator(f"#alarm-{alarm.pk}")
    expect(row).to_contain_text(PAYLOAD)                            # as the server rendered it
    expect(row).to_contain_text("D" + IMG)
    row.get_by_role("button", name="确认").click()                   # the row comes back through the board's script
    expect(row.locator("td.state")).to_have_text("已确认")
    expect(row.locator("td").nth(3)).to_contain_text("D" + IMG)
    expect(row.locator("td").nth(3)).to_contain_text(PAYLOAD)
    expect(row.locator("td").nth(4)).to_contain_text(PAYLOAD)
    row.get_by_role("button", name="派单").click()
    expect(page.locator("#step-title")).to_contain_text(alarm.number)
    page.locator("#step-dialog").get_by_role("button", name="取消").click()
    shot(page, "alarm-board")
    assert_nothing_ran(page)

    page.goto(f"/monitoring/devices/{device.pk}/")
    expect(page.locator("h1")).to_contain_text(PAYLOAD)
    expect(page.locator("#device-chart canvas")).to_have_count(1)
    assert_nothing_ran(page)


def test_the_dashboard_charts_show_a_planted_jurisdiction_name_as_text(page, cast, shot):
    page.add_init_script(WATCH)
    Jurisdiction.objects.filter(code=testing.STREET_A).update(name=PAYLOAD, short_name="")
    testing.register_hazard(cast.site_a, cast.inspector, testing.HOSE)

    log_in(page, cast.office, path="/")
    chart = page.locator("#chart-area")
    expect(chart.locator("canvas")).to_have_count(1)
    box = chart.bounding_box()
    for fraction in (0.15, 0.3, 0.5, 0.7, 0.85):  # the axis tooltip of each band the pointer crosses
        page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * fraction)
        page.wait_for_timeout(100)
    trend = page.locator("#chart-trend")
    tbox = trend.bounding_box()
    page.mouse.move(tbox["x"] + tbox["width"] * 0.9, tbox["y"] + tbox["height"] * 0.5)
    page.wait_for_timeout(100)
    shot(page, "dashboard")
    names = page.evaluate("echarts.getInstanceByDom(document.getElementById('chart-area')).getOption().yAxis[0].data")
    assert PAYLOAD in names  # the name reached the chart, drawn on its canvas as text
    assert_nothing_ran(page)
