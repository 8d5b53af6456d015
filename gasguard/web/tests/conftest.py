"""Browser tests: the real pages, served by pytest-django's live server, driven in headless Chromium by Playwright.

- One browser for the session (Debian's /usr/bin/chromium: `playwright install` cannot download browsers here),
  a fresh context (cookies, viewport, locale) for each test.
- `page` fails the test if the page logs a JavaScript error (an uncaught exception or a console error).
- `shot(page, name)` saves a full-page screenshot to test-artifacts/screenshots/.
- The live server needs the test database outside any transaction (transactional_db): each test builds its own
  people with the factories of gasguard/testing.py (`cast`), never with the module-scoped persona fixtures.
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gasguard import testing

CHROMIUM = os.environ.get("GASGUARD_CHROMIUM", "/usr/bin/chromium")  # scripts/install-system-deps.sh reads it too
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                       "Chrome/156.0.0.0 Mobile Safari/537.36"}
HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    """Everything in this folder is a browser test (`-m "not browser"` leaves them out)."""
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so that `new_page` can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"The browser tests need Debian's Chromium at {CHROMIUM} (and fonts-noto-cjk for Chinese text), "
                    f"which is not there. Install them with:  bash scripts/install-system-deps.sh  (as root; it runs "
                    f"apt-get install -y chromium fonts-noto-cjk), or let `make test` do it.", pytrace=False)
    if shutil.which("fc-list") and not subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True,
                                                      text=True).stdout.strip():
        pytest.fail("No Chinese font is installed: the screenshots of the browser tests would show boxes. Install "
                    "fonts-noto-cjk with:  bash scripts/install-system-deps.sh  (as root), or let `make test` do it.",
                    pytrace=False)
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API keeps an asyncio loop registered as running in this thread, which makes Django refuse
    # ORM calls here ("SynchronousOnlyOperation"). The calls are ordinary synchronous ones; allow them while the
    # browser is up, and put the setting back afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=10_000)
    pw = sync_playwright().start()
    try:
        try:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {exc}\n(see scripts/install-system-deps.sh)",
                        pytrace=False)
        yield chromium
        chromium.close()
    finally:
        pw.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _new_context(browser, live_server, **options):
    options = {"viewport": DESKTOP, **options}
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  accept_downloads=True, **options)
    context.set_default_timeout(10_000)
    return context


class PageErrors:
    """What the pages of a test logged as errors: uncaught exceptions and console errors."""

    IGNORED = [re.compile(r"/favicon\.ico$")]  # a 404 for a favicon the browser asks for by itself, if any

    def __init__(self):
        self.errors = []
        self.expected = []

    def watch(self, page):
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught exception on {page.url}: {exc}"))
        page.on("console", lambda msg: self._console(page, msg))
        return page

    def _console(self, page, msg):
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "") or page.url
        if any(p.search(where) for p in self.IGNORED):
            return
        text = f"console error on {page.url} ({where}): {msg.text}"
        for i, (pattern, url_pattern) in enumerate(self.expected):
            if re.search(pattern, msg.text) and re.search(url_pattern, where):
                del self.expected[i]
                return
        self.errors.append(text)

    def expect(self, pattern, url):
        """One console error the test provokes on purpose (e.g. Chrome logs a refused form's 400 response)."""
        self.expected.append((pattern, url))


@pytest.fixture
def page_errors():
    errors = PageErrors()
    yield errors
    assert not errors.errors, "the pages logged JavaScript errors:\n" + "\n".join(errors.errors)
    assert not errors.expected, f"expected console errors that never came: {errors.expected}"


@pytest.fixture
def new_page(request, browser, live_server, page_errors, screenshot_dir):
    """A page in a fresh context of its own (`new_page(**context_options)`), watched for JavaScript errors: for a
    second person in the same test, or a phone. When the test fails, each page is saved as it was left
    (test-artifacts/screenshots/<test module>--FAILED-<n>.png)."""
    contexts = []

    def make(**options):
        context = _new_context(browser, live_server, **options)
        contexts.append(context)
        return page_errors.watch(context.new_page())

    yield make
    report = getattr(request.node, "report_call", None)
    for n, context in enumerate(contexts, start=1):
        if report is not None and report.failed:
            for page in context.pages:
                try:
                    page.screenshot(path=str(screenshot_dir / f"{_stem(request)}--FAILED-{n}.png"), full_page=True)
                except Exception:  # a page that cannot be shot must not hide the test's own failure
                    pass
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop page in a fresh context; the test fails if it logs a JavaScript error."""
    return new_page()


@pytest.fixture
def phone(new_page):
    """A phone-sized page (390×844, touch) in a fresh context, allowed to tell its position."""
    return new_page(**PHONE, permissions=["geolocation"], geolocation={"latitude": 39.0245, "longitude": 117.6502})


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig):
    """test-artifacts/screenshots/ (in .gitignore), emptied of an earlier run's pictures: what is there is this run's."""
    path = pytestconfig.rootpath / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.png"):
        old.unlink(missing_ok=True)
    return path


def _stem(request):
    return Path(request.node.path).stem.removeprefix("test_")


@pytest.fixture
def shot(request, screenshot_dir):
    """shot(page, "ledger") → test-artifacts/screenshots/<test module>--ledger.png (the whole page)."""
    stem = _stem(request)

    def take(page, name, full_page=True):
        path = screenshot_dir / f"{stem}--{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def cast(live_server):
    """The people of gasguard.testing.Personas (and their two restaurants), made afresh in this test's database:
    the office, the officers of 塘沽街道 and 杭州道街道, the departments, an inspector of 塘沽街道, two enterprises."""
    return testing.load_personas(testing.create_personas())

