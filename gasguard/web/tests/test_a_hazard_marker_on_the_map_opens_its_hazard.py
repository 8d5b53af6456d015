"""On 一张图, pointing at a hazard's marker shows its number, and clicking it opens the hazard, also when the street
outlines arrive after the points (a district's outlines file is the larger one) and are drawn over the markers."""
from playwright.sync_api import expect

from gasguard import testing
from gasguard.org.models import Jurisdiction

from .helpers import MAJOR, find_markers, log_in

# Two animation frames: whatever the page added to the map when the last answer came is drawn by then.
FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"


def test_a_hazard_marker_on_the_map_opens_its_hazard(page, cast, shot):
    Jurisdiction.objects.filter(code=testing.STREET_A).update(outline={"type": "Polygon", "coordinates": [[
        [117.50, 38.90], [117.75, 38.90], [117.75, 39.08], [117.50, 39.08], [117.50, 38.90]]]})
    site = testing.make_site(testing.STREET_A_GRID, name="北塘渔家饭庄", lat=39.03, lon=117.55)
    hazard = testing.register_hazard(site, cast.inspector, testing.DOUBLE_PHASE)

    # The outlines answer last: held until the points (if the page asked for them meanwhile) are on the map.
    held, points_asked = [], []
    page.route("**/map/outlines.json", lambda route: held.append(route))
    page.on("request", lambda r: "/map/points.json" in r.url and points_asked.append(r.url))
    log_in(page, cast.office, path="/map/")
    if points_asked:
        expect(page.locator("#map-count")).to_have_text("1")
        find_markers(page, major=MAJOR)
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(20)
    assert held, "the map never asked for the outlines"
    with page.expect_response("**/map/outlines.json"):
        held[0].continue_()
    page.wait_for_function(FRAMES)
    expect(page.locator("#map-count")).to_have_text("1")
    marker = find_markers(page, major=MAJOR)["major"]

    page.mouse.move(marker["x"], marker["y"])
    expect(page.locator(".leaflet-tooltip")).to_contain_text(hazard.number)
    shot(page, "map-marker-tooltip")
    page.mouse.click(marker["x"], marker["y"])
    expect(page).to_have_url(f"/hazards/{hazard.pk}/")
    expect(page.locator(".hazard-head h1")).to_contain_text(hazard.number)
