"""一张图 with no tile server configured (as on an intranet without one, and on this machine): the map loads on its
plain ground without fetching anything from elsewhere, with the street outlines, and draws the open hazards
coloured by severity (closed ones are not drawn). (A marker leading to its hazard: see
test_a_hazard_marker_on_the_map_opens_its_hazard.py.)"""
import re

from playwright.sync_api import expect

from gasguard import testing
from gasguard.org.models import Jurisdiction

from .helpers import GENERAL, MAJOR, find_markers, log_in


def test_the_map_draws_open_hazards_without_tiles(page, cast, shot, live_server):
    Jurisdiction.objects.filter(code=testing.STREET_A).update(outline={"type": "Polygon", "coordinates": [[
        [117.50, 38.90], [117.75, 38.90], [117.75, 39.08], [117.50, 39.08], [117.50, 38.90]]]})
    north = testing.make_site(testing.STREET_A_GRID, name="北塘渔家饭庄", lat=39.03, lon=117.55)
    south = testing.make_site(testing.STREET_A_GRID, name="南湾小吃店", lat=38.93, lon=117.70)
    centre = testing.make_site(testing.STREET_A_GRID, name="中心路快餐", lat=38.98, lon=117.62)
    major = testing.register_hazard(north, cast.inspector, testing.DOUBLE_PHASE)  # 重大隐患
    general = testing.register_hazard(south, cast.inspector, testing.HOSE)
    testing.close_hazard(testing.register_hazard(centre, cast.inspector, testing.HOSE), cast.street_a, cast.office)
    assert (major.severity, general.severity) == ("major", "general")

    elsewhere = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else elsewhere.append(r.url))
    log_in(page, cast.office, path="/map/")
    expect(page).to_have_title("一张图")
    expect(page.locator("#map-count")).to_have_text("2")  # the open hazards only
    expect(page.locator("#map")).to_have_class(re.compile(r"\bno-tiles\b"))  # map.js: no tile layer configured
    expect(page.locator(".leaflet-tile")).to_have_count(0)
    expect(page.locator(".leaflet-control-zoom-in")).to_be_visible()

    found = find_markers(page, major=MAJOR, general=GENERAL)
    assert 10 <= found["major"]["w"] <= 20 and 8 <= found["general"]["w"] <= 16, found  # radius 8 and 6
    assert found["major"]["x"] < found["general"]["x"] and found["major"]["y"] < found["general"]["y"], found
    shot(page, "map")

    assert elsewhere == [], f"the map fetched from elsewhere: {elsewhere}"
