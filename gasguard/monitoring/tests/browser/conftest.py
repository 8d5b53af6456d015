"""The monitoring pages in the browser: the fixtures of gasguard/web/tests (one Chromium, fresh contexts, pages that
fail on JavaScript errors, screenshots into test-artifacts/screenshots)."""
from pathlib import Path

import pytest

from gasguard.web.tests.conftest import (  # noqa: F401 - fixtures
    browser,
    cast,
    new_page,
    page,
    page_errors,
    screenshot_dir,
    shot,
)

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report
