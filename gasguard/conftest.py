"""Fixtures shared by every test: the personas of DESIGN.md 'Who uses it', and a throw-away media folder.

The reference data (departments, jurisdictions, tasks, check items) is loaded by `migrate` (post_migrate), so it
is already in the test database.
"""
import shutil
import tempfile

import pytest
from django.db import transaction
from django.test import override_settings

from gasguard import testing


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the real pages in headless Chromium (gasguard/web/tests); "
                                       "`-m 'not browser'` leaves them out")


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Evidence photos (and static files) go to temporary folders; passwords hash fast (the real hasher is deliberately slow)."""
    media = tempfile.mkdtemp(prefix="gasguard-test-media-")
    static = tempfile.mkdtemp(prefix="gasguard-test-static-")  # an existing STATIC_ROOT keeps WhiteNoise quiet
    anchors = tempfile.mkdtemp(prefix="gasguard-test-anchor-")  # the audit anchor job appends here, not to var/
    # The token cache's listener thread holds a connection of its own: only the test that checks it starts it.
    with override_settings(MEDIA_ROOT=media, STATIC_ROOT=static, CYLINDERS_TOKEN_CACHE_LISTEN=False,
                           AUDIT_ANCHOR_FILE=f"{anchors}/audit-anchor.jsonl",
                           PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield
    shutil.rmtree(media, ignore_errors=True)
    shutil.rmtree(static, ignore_errors=True)
    shutil.rmtree(anchors, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _jobs_run_at_once():
    """huey's immediate mode: a task (an import, a report run) runs as soon as it is enqueued, in the thread that
    enqueues it, through the same task code as in the worker; its queue and key-value store are in memory. (A
    task enqueued at a commit runs when that commit happens: inside a test's transaction, see
    `captureOnCommitCallbacks`.)"""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield
    HUEY.immediate = False


@pytest.fixture
def job_worker():
    """The job worker in a thread: tasks wait in the queue until it runs them, as with `gasguard run_huey`."""
    from gasguard.jobs.testing import worker_running

    with worker_running() as huey:
        yield huey


@pytest.fixture(scope="module")
def _persona_pks(django_db_setup, django_db_blocker):
    """The personas, created once per test module (like Django's setUpTestData): inside a transaction that is
    rolled back when the module ends, while each test runs in its own savepoint within it. (So a module that uses
    personas must not also hold `transactional_db` tests: those need the connection outside any transaction.)"""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            pks = testing.create_personas()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield pks
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def personas(db, _persona_pks) -> testing.Personas:
    """Fresh objects for the module's personas (a test's database changes are rolled back after it)."""
    return testing.load_personas(_persona_pks)
