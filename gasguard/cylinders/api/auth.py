"""Token authentication with the token → user resolution cached in the worker process, for the stations' readers
(the gate check is their hot path: the token lookup would be one of its database round trips).

An entry lives CYLINDERS_TOKEN_CACHE_SECONDS (default 30 s). Deleting or re-creating a token (rotation) and saving
or deleting its user drop the entries in the process that did it at once (signals below). On PostgreSQL every other
worker process drops them too, within milliseconds of the commit, however the change was made (a queryset
.update(), raw SQL): triggers (migration 0004_auth_change_notify) send NOTIFY gasguard_auth with the user's id, and a
listener thread in each process that uses the cache receives it. A lookup during which a change was announced is
not cached (it may hold the user as read before the change). The TTL remains the bound when that listener is down
(it reconnects, and empties the cache when it does) and on SQLite."""
import logging
import threading
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework.authtoken.models import Token

from gasguard.utilities.tokens import ExpiringTokenAuthentication, seconds_left

_cache: dict[str, tuple[float, object, object]] = {}  # key → (expires, user, token)
_MAX_ENTRIES = 10_000  # a bound, not a working size: a district has a few hundred readers
# Counts the invalidations: a lookup that one overlapped (it may have read the user as it was before the change)
# answers its request but is not cached.
_generation = 0


def ttl() -> float:
    return getattr(settings, "CYLINDERS_TOKEN_CACHE_SECONDS", 30)


def clear():
    global _generation
    _generation += 1
    _cache.clear()


CHANNEL = "gasguard_auth"
_listener: threading.Thread | None = None
_listener_lock = threading.Lock()
_stop = threading.Event()
log = logging.getLogger(__name__)


def _ensure_listener():
    """Start this process's listener thread once (lazily: in a gunicorn worker, after the fork)."""
    global _listener
    if _listener is not None and _listener.is_alive():
        return
    from django.db import connection

    if connection.vendor != "postgresql" or not getattr(settings, "CYLINDERS_TOKEN_CACHE_LISTEN", True):
        return
    with _listener_lock:
        if _listener is None or not _listener.is_alive():
            _stop.clear()
            _listener = threading.Thread(target=_listen, name="token-cache-listener", daemon=True)
            _listener.start()


def stop_listener(timeout=5.0):
    """Stop this process's listener (tests: its connection would keep the test database from being dropped)."""
    global _listener
    _stop.set()
    if _listener is not None:
        _listener.join(timeout)
    _listener = None


def listening() -> bool:
    return _listener is not None and _listener.is_alive() and _connected.is_set()


_connected = threading.Event()


def _listen():
    from gasguard.utilities.pglisten import listening_connection

    while not _stop.is_set():
        try:
            with listening_connection(CHANNEL) as conn:
                clear()   # whatever changed while no one was listening
                _connected.set()
                while not _stop.is_set():
                    for note in conn.notifies(timeout=1.0):
                        if note.payload == "*":
                            clear()
                        elif note.payload.isdigit():
                            _drop_user(int(note.payload))
        except Exception as exc:  # the database went away: the TTL bounds staleness meanwhile; try again
            log.warning("token cache listener: %s; reconnecting", exc)
            clear()
            _stop.wait(1.0)
        finally:
            _connected.clear()


def _cached(key):
    _ensure_listener()
    hit = _cache.get(key)
    if hit is not None and hit[0] > time.monotonic() and hit[1].is_active:
        return hit[1], hit[2]
    return None


class CachedTokenAuthentication(ExpiringTokenAuthentication):
    def authenticate(self, request):
        # A well-formed "Token <key>" read straight from the environ: DRF's get_authorization_header() goes through
        # request.headers, which copies every header of the request to find this one. Anything else (no header,
        # another scheme, a malformed key) takes DRF's path, with its errors.
        keyword, _, key = request._request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if keyword == self.keyword and key.isascii() and key.isalnum():
            return self.authenticate_credentials(key)
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        hit = _cached(key)
        if hit is not None:
            return hit
        now = time.monotonic()
        generation = _generation
        user, token = super().authenticate_credentials(key)  # raises on an unknown, expired key or inactive user
        if generation != _generation:
            return user, token  # a change was announced while we read: this may be the user before it
        if len(_cache) >= _MAX_ENTRIES:
            _cache.clear()
        # An entry outlives neither the cache's TTL nor the token (API_TOKEN_TTL_HOURS): a hit needs no clock check.
        _cache[key] = (now + min(ttl(), seconds_left(token)), user, token)
        return user, token


class CachedTokenScheme(OpenApiAuthenticationExtension):
    """The same token as the rest of the API, under a name of its own in the schema (one name, one class)."""

    target_class = CachedTokenAuthentication
    name = "readerTokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")


@receiver(post_delete, sender=Token, dispatch_uid="cylinders-token-cache-token-deleted")
@receiver(post_save, sender=Token, dispatch_uid="cylinders-token-cache-token-saved")
def _token_changed(sender, instance, **kwargs):
    _cache.pop(instance.key, None)
    _drop_user(instance.user_id)


def _drop_user(user_id):
    global _generation
    _generation += 1
    for key, (_, user, _token) in list(_cache.items()):
        if user.pk == user_id:
            _cache.pop(key, None)


@receiver(post_delete, sender=get_user_model(), dispatch_uid="cylinders-token-cache-user-deleted")
@receiver(post_save, sender=get_user_model(), dispatch_uid="cylinders-token-cache-user-saved")
def _user_changed(sender, instance, **kwargs):
    _drop_user(instance.pk)
