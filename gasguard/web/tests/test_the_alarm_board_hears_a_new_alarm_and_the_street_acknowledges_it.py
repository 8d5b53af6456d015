"""报警处置 in the browser: with the board open, a second-level methane reading arrives through the ingest service; the
alarm appears without a reload (server-sent events), the board sounds its tone, and the street officer
acknowledges it — the row shows the new state and offers the next step, and the database records who did it.
The device's page then draws its readings from the per-minute roll-ups."""
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from gasguard.monitoring import caches
from gasguard.monitoring.models import Alarm
from gasguard.monitoring.tests.helpers import make_device, reading, send

from .helpers import find_markers, log_in


@pytest.fixture(autouse=True)
def _fresh_ingest_caches():
    """The ingest service caches devices and rules for a few seconds; each test's database is new."""
    caches.reset_caches()
    yield
    caches.reset_caches()


def test_a_new_alarm_appears_live_and_is_acknowledged(page, page_errors, cast, shot):
    device = make_device(site=cast.site_a, code="FMJ-TG-0007", lat=39.02, lon=117.65, name="塘沽3号阀门井")
    now = datetime.now(UTC).replace(microsecond=0)
    send(device, *[reading(now - timedelta(minutes=90) + timedelta(seconds=30 * i), ch4_lel=2.0 + (i % 7) * 0.5)
                   for i in range(170)])

    log_in(page, cast.street_a, path="/monitoring/alarms/")
    expect(page).to_have_title("报警处置")
    expect(page.locator("#no-alarms")).to_be_visible()
    expect(page.locator("#live[data-connected='1']")).to_have_count(1)  # the event stream is open

    send(device, reading(now, ch4_lel=62.0))  # over the second level (50 % LEL)
    alarm = Alarm.objects.get(device=device, alarm_type="ch4_level2")
    row = page.locator(f"#alarm-{alarm.pk}")
    expect(row).to_be_visible()
    expect(row.locator("td.state")).to_have_text("待确认")
    expect(page.locator("#alarm-count")).to_have_text("1")
    page.wait_for_function("window.GasAlarmBoard.tones >= 1")
    expect(row.locator("button[data-action]")).to_have_count(1)  # only 确认 while it is raised
    shot(page, "alarm-board-raised")

    row.get_by_role("button", name="确认").click()
    expect(row.locator("td.state")).to_have_text("已确认")
    expect(row.get_by_role("button", name="派单")).to_be_visible()
    alarm.refresh_from_db()
    assert alarm.state == "acknowledged" and alarm.acknowledged_by == cast.street_a
    shot(page, "alarm-board-acknowledged")

    # The rest of the alarm's life from the board: dispatch to a unit, on site, handled with a finding, closed.
    row.get_by_role("button", name="派单").click()
    dialog = page.locator("#step-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("select[name=unit]").select_option(label="区城市管理委")
    dialog.locator("select[name=user]").select_option(label="检查员吴刚")   # and a person by name
    dialog.locator("textarea[name=note]").fill("请城管委燃气科到场核查")
    dialog.get_by_role("button", name="提交").click()
    expect(dialog).to_be_hidden()
    expect(row.locator("td.state")).to_have_text("已派单")
    expect(row.locator(".dispatched")).to_have_text("派往 区城市管理委 检查员吴刚")
    row.get_by_role("button", name="到场").click()
    expect(row.locator("td.state")).to_have_text("已到场")
    row.get_by_role("button", name="处置").click()
    page_errors.expect(r"status of 400", r"/api/v1/alarms/\d+/handle/$")  # Chrome logs the refused POST
    dialog.get_by_role("button", name="提交").click()  # no note yet: the service refuses and says why
    expect(page.locator("#step-error")).to_be_visible()
    dialog.locator("select[name=finding]").select_option("false_alarm")
    dialog.locator("textarea[name=note]").fill("现场复测无泄漏，探头受潮误报")
    dialog.get_by_role("button", name="提交").click()
    expect(row.locator("td.state")).to_have_text("已处置")
    row.get_by_role("button", name="关闭").click()
    expect(row).to_have_count(0)  # closed alarms leave the board
    expect(page.locator("#alarm-count")).to_have_text("0")
    alarm.refresh_from_db()
    assert (alarm.state, alarm.finding, alarm.dispatched_to_unit.name) == ("closed", "false_alarm", "区城市管理委")
    assert alarm.dispatched_to_user == cast.inspector
    assert list(alarm.events.values_list("action", flat=True).order_by("id")) == [
        "raise", "acknowledge", "dispatch", "arrive", "handle", "close"]

    page.goto(f"/monitoring/devices/{device.pk}/")
    expect(page.locator("h1")).to_contain_text("塘沽3号阀门井")
    expect(page.locator("#device-chart[data-points]")).to_have_count(1)
    assert int(page.locator("#device-chart").get_attribute("data-points")) >= 80  # ~85 minutes of buckets
    expect(page.locator("#device-chart canvas")).to_have_count(1)
    shot(page, "device-chart")


def test_the_map_shows_devices_coloured_by_state_and_filters_them(page, cast, shot):
    """一张图's device layer: the street's two detectors, one in alarm (red) and one normal (green); the state filter
    keeps only the one in alarm; a click on the checkbox hides the layer."""
    calm = make_device(site=cast.site_a, code="FMJ-TG-0001", lat=39.00, lon=117.60)
    leaking = make_device(site=cast.site_a, code="FMJ-TG-0002", lat=39.04, lon=117.70)
    elsewhere = make_device(site=cast.site_b, code="FMJ-HZ-0001", lat=39.03, lon=117.66)
    now = datetime.now(UTC).replace(microsecond=0)
    for device, value in ((calm, 2.0), (leaking, 70.0), (elsewhere, 70.0)):
        send(device, reading(now, ch4_lel=value))

    log_in(page, cast.street_a, path="/map/")
    expect(page.locator("#device-count")).to_have_text("2")  # not 杭州道's detector
    found = find_markers(page, alarm=(192, 57, 43), normal=(39, 174, 96))
    assert found["alarm"]["x"] > found["normal"]["x"], found  # the leaking one is further east
    shot(page, "map-devices")
    page.locator("#device-state").select_option("alarm")
    expect(page.locator("#device-count")).to_have_text("1")
    page.locator("#show-devices").uncheck()
    expect(page.locator("#device-count")).to_have_text("0")
