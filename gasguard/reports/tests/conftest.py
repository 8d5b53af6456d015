"""A generated ledger (the demo district at a small scale, replayed through the services) shared by a module's
tests, like the personas fixture: built once inside a transaction that is rolled back when the module ends."""
import pytest
from django.db import transaction

from gasguard.demo import district as demo


@pytest.fixture(scope="module")
def _ledger(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            demo.load(scale=0.1, log=lambda *a, **k: None)
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def ledger(db, _ledger):
    """The demo district's users, sites and ledger (read-only use; a test's own changes are rolled back)."""
