import pytest


@pytest.fixture(autouse=True)
def _imports_run_synchronously(settings):
    """An upload runs its job in the request (no thread), so each test sees the finished job."""
    settings.IMPORTS_SYNC = True
