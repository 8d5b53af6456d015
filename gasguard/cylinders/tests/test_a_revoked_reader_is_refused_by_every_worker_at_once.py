"""The readers' token cache (cylinders/api/auth.py) is per process. On PostgreSQL a change to the user's access or to
the token — made anywhere, even by a queryset .update() or raw SQL in another process — reaches every process's
cache through NOTIFY, so a deactivated reader or one moved to another company is refused at once, not after the
30 s the entries live."""
import psycopg
import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from gasguard import testing
from gasguard.cylinders.api import auth
from gasguard.monitoring.tests.helpers import wait_until

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY: PostgreSQL only")


def _elsewhere(sql, params):
    """Another process's change: its own connection, committed, not through this process's ORM (no signals)."""
    p = {k: v for k, v in connection.get_connection_params().items() if k != "cursor_factory"}
    with psycopg.connect(**p, autocommit=True) as other:
        other.execute(sql, params)


@pytest.mark.django_db(transaction=True)
def test_changes_made_elsewhere_empty_the_cache_at_once(settings):
    settings.CYLINDERS_TOKEN_CACHE_LISTEN = True
    settings.CYLINDERS_TOKEN_CACHE_SECONDS = 3600        # so only the notification can drop an entry
    auth.clear()
    reader = testing.make_user("enterprise", username="reader-1", enterprise=testing.make_enterprise())
    other = testing.make_user("enterprise", username="reader-2", enterprise=testing.make_enterprise())
    keys = {u.pk: Token.objects.create(user=u).key for u in (reader, other)}
    try:
        authn = auth.CachedTokenAuthentication()
        assert authn.authenticate_credentials(keys[reader.pk])[0] == reader
        wait_until(auth.listening, what="the listener to connect")
        for u in (reader, other):
            authn.authenticate_credentials(keys[u.pk])
        assert set(auth._cache) == set(keys.values())

        # Deactivated by another process with a plain UPDATE: dropped, then refused.
        _elsewhere("UPDATE org_user SET is_active = false WHERE id = %s", [reader.pk])
        wait_until(lambda: keys[reader.pk] not in auth._cache, timeout=5, what="the entry to be dropped")
        with pytest.raises(AuthenticationFailed):
            authn.authenticate_credentials(keys[reader.pk])
        assert keys[other.pk] in auth._cache            # the other reader's entry stays

        # Moved to another company: the cached user (with the old company) is dropped and read again.
        company = testing.make_enterprise()
        _elsewhere("UPDATE org_user SET enterprise_id = %s WHERE id = %s", [company.pk, other.pk])
        wait_until(lambda: keys[other.pk] not in auth._cache, timeout=5, what="the moved reader's entry")
        assert authn.authenticate_credentials(keys[other.pk])[0].enterprise_id == company.pk

        # A token deleted with raw SQL.
        _elsewhere("DELETE FROM authtoken_token WHERE key = %s", [keys[other.pk]])
        wait_until(lambda: keys[other.pk] not in auth._cache, timeout=5, what="the deleted token's entry")
        with pytest.raises(AuthenticationFailed):
            authn.authenticate_credentials(keys[other.pk])
    finally:
        auth.stop_listener()
        auth.clear()
