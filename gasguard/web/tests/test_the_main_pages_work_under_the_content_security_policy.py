"""Under the Content-Security-Policy (scripts and styles from the platform's own files only) every main page still
works, for each persona: no violation is reported (a `securitypolicyviolation` event, or the console error Chrome
logs for one: the `page` fixture fails on any console error), and the scripted parts do their work — the charts
draw, the map loads its points, the ledger folds its filters, the API docs list the operations, the admin's
scripts run."""
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from gasguard import testing
from gasguard.monitoring import caches
from gasguard.monitoring.tests.helpers import make_device, reading, send
from gasguard.org.models import User

from .helpers import log_in

WATCH = """window.__violations = [];
document.addEventListener("securitypolicyviolation",
  e => window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber));"""


@pytest.fixture(autouse=True)
def _fresh_ingest_caches():
    caches.reset_caches()
    yield
    caches.reset_caches()


def visit(page, path):
    response = page.goto(path)
    assert response.status == 200, f"{path}: {response.status}"
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__violations") == [], path
    return response


def nav_paths(page):
    return page.locator("nav.main-nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


def test_each_persona_uses_the_main_pages_without_a_violation(new_page, cast, shot):
    hazard = testing.register_hazard(cast.site_a, cast.inspector, testing.DOUBLE_PHASE)
    device = make_device(site=cast.site_a, code="FMJ-TG-0009", lat=39.02, lon=117.65)
    send(device, reading(datetime.now(UTC).replace(microsecond=0), ch4_lel=3.0))
    details = {"street_a": [f"/hazards/{hazard.pk}/", f"/sites/{cast.site_a.pk}/",
                            f"/monitoring/devices/{device.pk}/"],
               "inspector": [f"/sites/{cast.site_a.pk}/inspect/"],
               "enterprise": [f"/hazards/{hazard.pk}/"]}
    for name in ("office", "street_a", "market", "inspector", "enterprise"):
        page = new_page()
        page.add_init_script(WATCH)
        log_in(page, getattr(cast, name))
        paths = nav_paths(page)
        assert len(paths) >= 8, paths
        for path in paths + details.get(name, []):
            if page.request.get(path).status != 200:  # a link this persona is refused (its scope, not the policy)
                continue
            visit(page, path)
            if path == "/":
                expect(page.locator("#chart-trend canvas")).to_have_count(1)
            elif path == "/map/":
                expect(page.locator("#device-count")).not_to_have_text("…")  # the points arrived
            elif path.endswith("/inspect/"):
                expect(page.locator("#progress")).to_contain_text(" / ")
        shot(page, f"{name}-last-page")
        page.context.close()


def test_the_api_docs_and_the_admin_work_under_the_policy(page, page_errors, cast, shot):
    page.add_init_script(WATCH)
    User.objects.create_superuser("t-admin", password=testing.PASSWORD, full_name="管理员")
    testing.register_hazard(cast.site_a, cast.inspector, testing.HOSE)
    testing.register_hazard(cast.site_b, cast.inspector, testing.HOSE)

    page.goto("/admin/login/?next=/admin/")
    page.locator("#id_username").fill("t-admin")
    page.locator("#id_password").fill(testing.PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()
    assert page.evaluate("window.__violations") == []
    visit(page, "/admin/hazards/hazard/")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    page.locator("#nav-filter").fill("气瓶")  # admin's nav_sidebar.js: the sidebar keeps the matching models
    expect(page.locator("#nav-sidebar tr.model-cylinder")).to_be_visible()
    expect(page.locator("#nav-sidebar tr.model-hazard")).to_be_hidden()
    visit(page, "/admin/sites/site/add/")
    shot(page, "admin-add-site")
    assert page.evaluate("window.__violations") == []

    visit(page, "/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()  # Swagger UI read the schema and drew the operations
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    shot(page, "api-docs")
    assert page.evaluate("window.__violations") == []
